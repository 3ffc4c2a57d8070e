// The in-memory state and operation semantics of the Secrets Manager stand-in,
// kept apart from HTTP so the rules (deletion windows, ARNs, pagination) read
// in one place. Shapes and error types follow the real service's JSON API.
import { randomBytes, randomUUID } from 'node:crypto';
import * as z from 'zod';
import { parseJson } from '../../functions/lib/json.js';
import {
  AwsError,
  CreateInput,
  DeleteInput,
  GetInput,
  IdInput,
  ListInput,
  PutInput,
  parse,
} from './secrets-manager-inputs.js';

export const REGION = 'us-east-1';
export const ACCOUNT_ID = '000000000000';

interface StoredSecret {
  name: string;
  arn: string;
  description?: string;
  kmsKeyId?: string;
  versionId?: string;
  value?: string;
  createdAt: Date;
  lastChangedAt: Date;
  /** Set while the secret is scheduled for deletion. */
  deletionDate?: Date;
}

const epochSeconds = (date: Date): number => date.getTime() / 1000;
const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Real ARNs end in a random six-character suffix, so clients must not build them from names. */
function makeArn(name: string): string {
  const suffix = Array.from(randomBytes(6), (byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]);
  return `arn:aws:secretsmanager:${REGION}:${ACCOUNT_ID}:secret:${name}-${suffix.join('')}`;
}

export class SecretsStore {
  private readonly secrets = new Map<string, StoredSecret>();

  /** Test helper: the secret exists afterwards with this value (restored if deleted). */
  set(name: string, value: string): void {
    const existing = this.secrets.get(name);
    if (existing) {
      delete existing.deletionDate;
      this.newVersion(existing, value);
    } else {
      this.insert({ Name: name, SecretString: value });
    }
  }

  remove(name: string): void {
    this.secrets.delete(name);
  }

  /** Runs one operation; throws AwsError for anything the real service would reject. */
  execute(operation: string, input: unknown): Record<string, unknown> {
    switch (operation) {
      case 'GetSecretValue':
        return this.getSecretValue(parse(GetInput, input));
      case 'CreateSecret':
        return this.createSecret(parse(CreateInput, input));
      case 'PutSecretValue':
        return this.putSecretValue(parse(PutInput, input));
      case 'DescribeSecret':
        return this.describe(this.find(parse(IdInput, input).SecretId));
      case 'ListSecrets':
        return this.listSecrets(parse(ListInput, input));
      case 'DeleteSecret':
        return this.deleteSecret(parse(DeleteInput, input));
      case 'RestoreSecret':
        return this.restoreSecret(parse(IdInput, input).SecretId);
      default:
        throw new AwsError('UnknownOperationException', `Operation ${operation} is not supported`);
    }
  }

  private getSecretValue(input: z.infer<typeof GetInput>): Record<string, unknown> {
    const secret = this.findLive(input.SecretId);
    const wrongVersion = input.VersionId !== undefined && input.VersionId !== secret.versionId;
    const wrongStage = input.VersionStage !== undefined && input.VersionStage !== 'AWSCURRENT';
    if (secret.value === undefined || wrongVersion || wrongStage) {
      throw new AwsError(
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
      );
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: secret.versionId,
      SecretString: secret.value,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: epochSeconds(secret.lastChangedAt),
    };
  }

  private createSecret(input: z.infer<typeof CreateInput>): Record<string, unknown> {
    const existing = this.secrets.get(input.Name);
    if (existing?.deletionDate) {
      throw new AwsError(
        'InvalidRequestException',
        "You can't create this secret because a secret with this name is already scheduled for deletion.",
      );
    }
    if (existing) {
      throw new AwsError(
        'ResourceExistsException',
        `The operation failed because the secret ${input.Name} already exists.`,
      );
    }
    const secret = this.insert(input);
    return { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId };
  }

  private putSecretValue(input: z.infer<typeof PutInput>): Record<string, unknown> {
    const secret = this.findLive(input.SecretId);
    this.newVersion(secret, input.SecretString, input.ClientRequestToken);
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: secret.versionId,
      VersionStages: ['AWSCURRENT'],
    };
  }

  private listSecrets(input: z.infer<typeof ListInput>): Record<string, unknown> {
    const prefixes: string[] = [];
    for (const filter of input.Filters ?? []) {
      if (filter.Key !== 'name') {
        throw new AwsError(
          'InvalidParameterException',
          'The stand-in supports only the name filter',
        );
      }
      prefixes.push(...filter.Values);
    }
    const matching = [...this.secrets.values()]
      .filter((secret) => input.IncludePlannedDeletion || !secret.deletionDate)
      .filter((secret) => prefixes.length === 0 || prefixes.some((p) => secret.name.startsWith(p)))
      .sort((a, b) => a.name.localeCompare(b.name));
    const start = input.NextToken === undefined ? 0 : decodeNextToken(input.NextToken);
    const end = start + (input.MaxResults ?? 100);
    return {
      // describe() never includes SecretString, so listings cannot leak values.
      SecretList: matching.slice(start, end).map((secret) => this.describe(secret)),
      ...(end < matching.length ? { NextToken: encodeNextToken(end) } : {}),
    };
  }

  private deleteSecret(input: z.infer<typeof DeleteInput>): Record<string, unknown> {
    const secret = this.find(input.SecretId);
    if (input.ForceDeleteWithoutRecovery && input.RecoveryWindowInDays !== undefined) {
      throw new AwsError(
        'InvalidParameterException',
        "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
      );
    }
    const now = new Date();
    if (input.ForceDeleteWithoutRecovery) {
      this.secrets.delete(secret.name);
      return { ARN: secret.arn, Name: secret.name, DeletionDate: epochSeconds(now) };
    }
    const days = input.RecoveryWindowInDays ?? 30;
    if (days < 7 || days > 30) {
      throw new AwsError(
        'InvalidParameterException',
        'The recovery window must be between 7 and 30 days.',
      );
    }
    if (secret.deletionDate) {
      throw new AwsError(
        'InvalidRequestException',
        "You can't perform this operation on the secret because it was already scheduled for deletion.",
      );
    }
    secret.deletionDate = new Date(now.getTime() + days * 86_400_000);
    return { ARN: secret.arn, Name: secret.name, DeletionDate: epochSeconds(secret.deletionDate) };
  }

  private restoreSecret(secretId: string): Record<string, unknown> {
    const secret = this.find(secretId);
    delete secret.deletionDate;
    secret.lastChangedAt = new Date();
    return { ARN: secret.arn, Name: secret.name };
  }

  private describe(secret: StoredSecret): Record<string, unknown> {
    return {
      ARN: secret.arn,
      Name: secret.name,
      ...(secret.description === undefined ? {} : { Description: secret.description }),
      ...(secret.kmsKeyId === undefined ? {} : { KmsKeyId: secret.kmsKeyId }),
      CreatedDate: epochSeconds(secret.createdAt),
      LastChangedDate: epochSeconds(secret.lastChangedAt),
      ...(secret.deletionDate ? { DeletedDate: epochSeconds(secret.deletionDate) } : {}),
      ...(secret.versionId ? { VersionIdsToStages: { [secret.versionId]: ['AWSCURRENT'] } } : {}),
    };
  }

  private insert(input: z.infer<typeof CreateInput>): StoredSecret {
    const now = new Date();
    const secret: StoredSecret = {
      name: input.Name,
      arn: makeArn(input.Name),
      createdAt: now,
      lastChangedAt: now,
      ...(input.Description === undefined ? {} : { description: input.Description }),
      ...(input.KmsKeyId === undefined ? {} : { kmsKeyId: input.KmsKeyId }),
    };
    if (input.SecretString !== undefined) {
      this.newVersion(secret, input.SecretString, input.ClientRequestToken);
    }
    this.secrets.set(secret.name, secret);
    return secret;
  }

  private newVersion(secret: StoredSecret, value: string, versionId?: string): void {
    // The SDK fills ClientRequestToken automatically; like AWS, it becomes the VersionId.
    secret.versionId = versionId ?? randomUUID();
    secret.value = value;
    secret.lastChangedAt = new Date();
  }

  /** By name, full ARN, or ARN without the random suffix (all accepted by AWS). */
  private find(secretId: string): StoredSecret {
    for (const secret of this.secrets.values()) {
      if (secret.name === secretId || secret.arn === secretId) return secret;
      if (secretId.startsWith('arn:') && secret.arn.slice(0, -7) === secretId) return secret;
    }
    throw new AwsError(
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret.",
    );
  }

  private findLive(secretId: string): StoredSecret {
    const secret = this.find(secretId);
    if (secret.deletionDate) {
      throw new AwsError(
        'InvalidRequestException',
        "You can't perform this operation on the secret because it was marked for deletion.",
      );
    }
    return secret;
  }
}

function encodeNextToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeNextToken(token: string): number {
  const result = z
    .object({ offset: z.number().int().min(0) })
    .safeParse(parseJson(Buffer.from(token, 'base64url').toString('utf8')));
  if (!result.success)
    throw new AwsError('InvalidNextTokenException', 'The NextToken is not valid.');
  return result.data.offset;
}
