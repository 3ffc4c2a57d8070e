/**
 * The two ways a command ends early. Messages are written for the operator and
 * never carry a key: they name flags, files and secrets, not values.
 */

/** The command line is wrong (exit 2). `showUsage`: print the usage text too. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly showUsage = false,
  ) {
    super(message);
  }
}

/** The command ran and failed for a reason it explains itself (exit 1). */
export class CommandFailedError extends Error {
  override name = 'CommandFailedError';
}

/** True for an AWS SDK exception of this type (e.g. ResourceNotFoundException). */
export const isAwsError = (error: unknown, name: string): error is Error =>
  error instanceof Error && error.name === name;
