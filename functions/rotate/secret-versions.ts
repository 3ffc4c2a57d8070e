import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { parseJson } from '../lib/json.js';
import { AWSCURRENT, AWSPENDING, isNotFound } from '../lib/secret-stages.js';
import type { AdminCredentials } from '../lib/thoughtspot.js';
import { usernameProblem } from '../lib/username.js';
import { RotationError } from './errors.js';

/**
 * The Secrets Manager calls of the rotation protocol (AWS-AND-ABAC-FACTS §1),
 * behind a narrow port: describe, read a version, store AWSPENDING, move AWSCURRENT,
 * and the admin credential. Values are returned, never logged.
 */

export interface SecretDescription {
  arn: string;
  name: string;
  rotationEnabled: boolean;
  /** VersionIdsToStages. */
  stages: Readonly<Record<string, readonly string[]>>;
}

/** GetSecretValue's choice: a version, optionally checked to carry a stage, or a stage. */
export type VersionSelector = { versionId: string; stage?: string } | { stage: string };

export interface SecretVersionsPort {
  describe(secretId: string): Promise<SecretDescription>;
  /** The SecretString, or undefined while the version has no value (isNotFound). */
  read(secretId: string, selector: VersionSelector): Promise<string | undefined>;
  /** PutSecretValue(ClientRequestToken = versionId, VersionStages = [AWSPENDING]). */
  putPending(secretId: string, versionId: string, value: string): Promise<void>;
  /** UpdateSecretVersionStage(AWSCURRENT → versionId, RemoveFromVersionId = from). */
  moveCurrent(secretId: string, versionId: string, from: string | undefined): Promise<void>;
  adminCredentials(secretId: string): Promise<AdminCredentials>;
}

const AdminSecretSchema = z.object({
  username: z.string().check(z.refine((name) => usernameProblem(name) === undefined)),
  password: z.string().check(z.minLength(1)),
});

export function createSecretVersions(
  client: Pick<SecretsManagerClient, 'send'>,
): SecretVersionsPort {
  async function read(secretId: string, selector: VersionSelector) {
    try {
      const output = await client.send(
        new GetSecretValueCommand({
          SecretId: secretId,
          ...('versionId' in selector ? { VersionId: selector.versionId } : {}),
          ...(selector.stage === undefined ? {} : { VersionStage: selector.stage }),
        }),
      );
      return output.SecretString;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  return {
    async describe(secretId) {
      const output = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
      if (output.ARN === undefined || output.Name === undefined) {
        throw new RotationError('DescribeSecret answered without the ARN or the name.');
      }
      return {
        arn: output.ARN,
        name: output.Name,
        rotationEnabled: output.RotationEnabled === true,
        stages: output.VersionIdsToStages ?? {},
      };
    },

    read,

    async putPending(secretId, versionId, value) {
      await client.send(
        new PutSecretValueCommand({
          SecretId: secretId,
          ClientRequestToken: versionId,
          SecretString: value,
          VersionStages: [AWSPENDING],
        }),
      );
    },

    async moveCurrent(secretId, versionId, from) {
      await client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secretId,
          VersionStage: AWSCURRENT,
          MoveToVersionId: versionId,
          ...(from === undefined ? {} : { RemoveFromVersionId: from }),
        }),
      );
    },

    async adminCredentials(secretId) {
      const value = await read(secretId, { stage: AWSCURRENT });
      if (value === undefined) {
        throw new RotationError(`The admin secret ${secretId} does not exist or has no value.`);
      }
      const parsed = AdminSecretSchema.safeParse(parseJson(value));
      if (!parsed.success) {
        throw new RotationError(
          `The admin secret ${secretId} must hold JSON {"username", "password"} with a usable username.`,
        );
      }
      return parsed.data;
    },
  };
}
