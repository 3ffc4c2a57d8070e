// RotateSecret and CancelRotateSecret as AWS runs them (AWS-AND-ABAC-FACTS
// §1.1, §1.4, §1.7): RotateSecret saves the configuration, registers the
// request token as a valueless AWSPENDING version (a copy of the current value
// when RotateImmediately is false), answers, and leaves the steps to the runner.
import { randomUUID } from 'node:crypto';
import type * as z from 'zod';
import { validateRotationRules } from './rotation-schedule.js';
import type { StoredSecret } from './secret-description.js';
import type { RotationRunner } from './secret-rotation.js';
import { AWSCURRENT, AWSPENDING } from './secret-versions.js';
import { AwsError, type RotateInput } from './secrets-manager-inputs.js';

export function rotateSecret(
  secret: StoredSecret,
  input: z.infer<typeof RotateInput>,
  runner: RotationRunner,
): Record<string, unknown> {
  if (input.RotationRules) validateRotationRules(input.RotationRules);
  const lambdaArn = input.RotationLambdaARN ?? secret.rotation.lambdaArn;
  if (lambdaArn === undefined) {
    throw new AwsError(
      'InvalidRequestException',
      'No Lambda rotation function ARN is associated with this secret.',
    );
  }
  if (!runner.canInvoke(lambdaArn)) {
    throw new AwsError(
      'AccessDeniedException',
      'Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.',
    );
  }
  const versionId = input.ClientRequestToken ?? randomUUID();
  const answer = { ARN: secret.arn, Name: secret.name, VersionId: versionId };
  if (secret.versions.rotationInProgress()) {
    // The same token again is the SDK retrying this very request.
    if (secret.versions.holder(AWSPENDING)?.id === versionId) return answer;
    throw new AwsError(
      'InvalidRequestException',
      "A previous rotation isn't complete. That rotation will be reattempted.",
    );
  }
  if (secret.versions.get(versionId)) {
    throw new AwsError(
      'ResourceExistsException',
      `A version with VersionId ${versionId} already exists.`,
    );
  }

  const now = new Date();
  const rules = input.RotationRules ?? secret.rotation.rules;
  secret.rotation = {
    ...secret.rotation,
    enabled: true,
    lambdaArn,
    ...(rules ? { rules } : {}),
    configuredAt: input.RotationRules ? now : (secret.rotation.configuredAt ?? now),
  };
  secret.lastChangedAt = now;
  const immediately = input.RotateImmediately ?? true;
  const copy = immediately ? undefined : secret.versions.holder(AWSCURRENT)?.value;
  secret.versions.put(versionId, copy, [AWSPENDING]);
  runner.start(secret, versionId, immediately ? 'rotate' : 'test');
  return answer;
}

/** Turns scheduled rotation off and stops a running one before its next step. */
export function cancelRotateSecret(
  secret: StoredSecret,
  runner: RotationRunner,
): Record<string, unknown> {
  if (secret.rotation.lambdaArn === undefined) {
    throw new AwsError(
      'InvalidRequestException',
      "You tried to enable rotation on a secret that doesn't already have a Lambda function ARN configured and you didn't include such an ARN as a parameter in this call.",
    );
  }
  secret.rotation.enabled = false;
  runner.cancel(secret.arn);
  const pending = secret.versions.rotationInProgress()
    ? secret.versions.holder(AWSPENDING)
    : undefined;
  // The partly rotated version, from which an operator may have to remove AWSPENDING.
  return { ARN: secret.arn, Name: secret.name, ...(pending ? { VersionId: pending.id } : {}) };
}
