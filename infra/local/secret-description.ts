// A stored secret and what DescribeSecret / ListSecrets show of it: metadata,
// staging labels and rotation settings, never a value.
import { randomBytes } from 'node:crypto';
import { nextRotationDate } from './rotation-schedule.js';
import type { RotatableSecret } from './secret-rotation.js';
import type { SecretVersions } from './secret-versions.js';

/** The region of everything local: the stand-in's ARNs, the SDK's AWS_REGION, the events' ARNs. */
export const REGION = 'us-east-1';
export const ACCOUNT_ID = '000000000000';

export interface StoredSecret extends RotatableSecret {
  readonly name: string;
  readonly arn: string;
  readonly versions: SecretVersions;
  description?: string;
  kmsKeyId?: string;
  createdAt: Date;
  lastChangedAt: Date;
  /** Set while the secret is scheduled for deletion. */
  deletionDate?: Date;
}

export const epochSeconds = (date: Date): number => date.getTime() / 1000;
const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Real ARNs end in a random six-character suffix, so clients must not build them from names. */
export function makeArn(name: string): string {
  const suffix = Array.from(randomBytes(6), (byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]);
  return `arn:aws:secretsmanager:${REGION}:${ACCOUNT_ID}:secret:${name}-${suffix.join('')}`;
}

/**
 * DescribeSecret names the label map VersionIdsToStages, a ListSecrets entry
 * SecretVersionsToStages. Rotation fields appear once rotation was configured.
 */
export function describe(
  secret: StoredSecret,
  stagesField: 'VersionIdsToStages' | 'SecretVersionsToStages',
): Record<string, unknown> {
  const stages = secret.versions.stageMap();
  return {
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.description === undefined ? {} : { Description: secret.description }),
    ...(secret.kmsKeyId === undefined ? {} : { KmsKeyId: secret.kmsKeyId }),
    ...describeRotation(secret),
    CreatedDate: epochSeconds(secret.createdAt),
    LastChangedDate: epochSeconds(secret.lastChangedAt),
    ...(secret.deletionDate ? { DeletedDate: epochSeconds(secret.deletionDate) } : {}),
    ...(stages ? { [stagesField]: stages } : {}),
  };
}

function describeRotation(secret: StoredSecret): Record<string, unknown> {
  const { enabled, lambdaArn, rules, configuredAt, lastRotatedAt } = secret.rotation;
  if (lambdaArn === undefined) return {};
  const base = lastRotatedAt ?? configuredAt;
  const next = enabled && rules && base ? nextRotationDate(rules, base) : undefined;
  return {
    RotationEnabled: enabled,
    RotationLambdaARN: lambdaArn,
    ...(rules ? { RotationRules: rules } : {}),
    ...(lastRotatedAt ? { LastRotatedDate: epochSeconds(lastRotatedAt) } : {}),
    ...(next ? { NextRotationDate: epochSeconds(next) } : {}),
  };
}
