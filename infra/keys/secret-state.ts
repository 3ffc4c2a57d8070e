import {
  DescribeSecretCommand,
  type DescribeSecretCommandOutput,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { AWSCURRENT, AWSPENDING } from '../../functions/rotate/secret-versions.js';
import { isoDate } from './context.js';
import { CommandFailedError, isAwsError } from './errors.js';

/** An Org secret's metadata (DescribeSecret), and what its staging labels say. Never a value. */

export { AWSCURRENT, AWSPENDING };
export const AWSPREVIOUS = 'AWSPREVIOUS';

export type Stages = Record<string, string[]> | undefined;

/** DescribeSecret, or undefined when there is no such secret. */
export async function describeSecret(
  client: SecretsManagerClient,
  secretId: string,
): Promise<DescribeSecretCommandOutput | undefined> {
  try {
    return await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}

/** DescribeSecret of a secret that must exist and not be scheduled for deletion. */
export async function describeLiveSecret(
  client: SecretsManagerClient,
  orgId: number,
  secretId: string,
): Promise<DescribeSecretCommandOutput> {
  const described = await describeSecret(client, secretId);
  if (!described) {
    throw new CommandFailedError(
      `Org ${orgId}: there is no secret ${secretId} (store the key first: put --org ${orgId}, or sync)`,
    );
  }
  if (described.DeletedDate) {
    throw new CommandFailedError(
      `Org ${orgId}: ${secretId} is scheduled for deletion on ${isoDate(described.DeletedDate)} ` +
        `(restore it first: put --org ${orgId} --restore)`,
    );
  }
  return described;
}

/** The version that carries `stage`, if any. */
export const versionWith = (stages: Stages, stage: string): string | undefined =>
  Object.entries(stages ?? {}).find(([, labels]) => labels.includes(stage))?.[0];

/** A rotation is under way: AWSPENDING on a version other than AWSCURRENT's (SPEC §5). */
export function pendingVersion(stages: Stages): string | undefined {
  const pending = versionWith(stages, AWSPENDING);
  return pending !== undefined && pending !== versionWith(stages, AWSCURRENT) ? pending : undefined;
}
