import { OwnMessageError } from '../lib/errors.js';

/**
 * Why a rotation step failed, in words this function writes: ids, names, Org
 * numbers and statuses, never a key, a password or a token. Secrets Manager
 * retries the whole rotation after any of them.
 */
export class RotationError extends OwnMessageError {
  override name = 'RotationError';
}

/** The secret is not one this function rotates: nothing was touched. */
export class NotAnOrgSecretError extends RotationError {
  override name = 'NotAnOrgSecretError';
}

/** Trusted authentication is (or may be) left off for the Org: its tokens fail until it is on. */
export class TrustedAuthOffError extends RotationError {
  override name = 'TrustedAuthOffError';
  constructor(
    readonly orgId: number,
    state: 'is' | 'may be',
    why: string,
    options?: ErrorOptions,
  ) {
    super(
      `Trusted authentication ${state} off for Org ${orgId}: ${why}. Its tokens fail until it is on; a retry of the rotation turns it on.`,
      options,
    );
  }
}

/** The whole step failed; its message names the step and the secret, and the cause says why. */
export class RotationStepError extends OwnMessageError {
  override name = 'RotationStepError';
}
