// DeleteSecret and RestoreSecret: immediate deletion, or a 7–30 day recovery
// window during which reads fail and RestoreSecret brings the secret back.
import type * as z from 'zod';
import { epochSeconds, type StoredSecret } from './secret-description.js';
import { AwsError, type DeleteInput } from './secrets-manager-inputs.js';

export function deleteSecret(
  secret: StoredSecret,
  input: z.infer<typeof DeleteInput>,
  forget: () => void,
): Record<string, unknown> {
  if (input.ForceDeleteWithoutRecovery && input.RecoveryWindowInDays !== undefined) {
    throw new AwsError(
      'InvalidParameterException',
      "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    );
  }
  const now = new Date();
  if (input.ForceDeleteWithoutRecovery) {
    forget();
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

export function restoreSecret(secret: StoredSecret): Record<string, unknown> {
  delete secret.deletionDate;
  secret.lastChangedAt = new Date();
  return { ARN: secret.arn, Name: secret.name };
}
