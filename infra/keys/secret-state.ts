import {
  DescribeSecretCommand,
  type DescribeSecretCommandOutput,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { isoDate } from './context.js';
import { CommandFailedError, isAwsError } from './errors.js';

/** An Org secret's metadata (DescribeSecret). Never a value. */

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
