/**
 * Secrets Manager's staging labels and what they say about a secret's versions
 * (AWS-AND-ABAC-FACTS §1), for the token function, the rotation function and the
 * keys CLI alike.
 */

export const AWSCURRENT = 'AWSCURRENT';
export const AWSPENDING = 'AWSPENDING';
export const AWSPREVIOUS = 'AWSPREVIOUS';

/** DescribeSecret's VersionIdsToStages (ListSecrets' SecretVersionsToStages). */
export type Stages = Readonly<Record<string, readonly string[]>> | undefined;

/** The version that carries `stage`, if any (a label is on one version at most). */
export const versionWith = (stages: Stages, stage: string): string | undefined =>
  Object.entries(stages ?? {}).find(([, labels]) => labels.includes(stage))?.[0];

/**
 * The version of a rotation under way: AWSPENDING on a version other than AWSCURRENT's
 * (SPEC §5). After finishSecret AWSPENDING may stay on the AWSCURRENT version: that is
 * no rotation.
 */
export function pendingVersion(stages: Stages): string | undefined {
  const pending = versionWith(stages, AWSPENDING);
  return pending !== undefined && pending !== versionWith(stages, AWSCURRENT) ? pending : undefined;
}

/**
 * GetSecretValue found nothing: no such secret, or no such version (a rotation's
 * AWSPENDING has no value until createSecret stores one). A secret scheduled for
 * deletion is, for us, a secret that is gone.
 */
export const isNotFound = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'ResourceNotFoundException' ||
    (error.name === 'InvalidRequestException' && /marked for deletion/i.test(error.message)));
