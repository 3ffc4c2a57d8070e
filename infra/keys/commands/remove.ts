import { DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import { integerOption, orgIdOption, parseCommandArgs } from '../args.js';
import { type Command, isoDate } from '../context.js';
import { CommandFailedError, isAwsError, UsageError } from '../errors.js';
import { secretNames } from '../secret-names.js';

/** remove: delete an Org's secret, with a recovery window unless --force-now. */

const OPTIONS = {
  org: { type: 'string' },
  'yes-really-remove': { type: 'boolean' },
  'recovery-days': { type: 'string' },
  'force-now': { type: 'boolean' },
} as const;

export const remove: Command = async (args, context) => {
  const values = parseCommandArgs(args, OPTIONS);
  const orgId = orgIdOption(values.org);
  if (!values['yes-really-remove']) {
    throw new UsageError(
      `remove deletes Org ${orgId}'s key: add --yes-really-remove to confirm ` +
        '(requests for that Org then fall back to the Org 0 key, or fail with org_not_configured)',
    );
  }
  const forceNow = values['force-now'] ?? false;
  if (forceNow && values['recovery-days'] !== undefined) {
    throw new UsageError('--force-now and --recovery-days exclude each other');
  }
  const recoveryDays = integerOption('recovery-days', values['recovery-days'], 7, 7, 30);
  const secretId = secretNames(context.env).idFor(orgId);

  const deleted = await context
    .secretsManager()
    .send(
      new DeleteSecretCommand(
        forceNow
          ? { SecretId: secretId, ForceDeleteWithoutRecovery: true }
          : { SecretId: secretId, RecoveryWindowInDays: recoveryDays },
      ),
    )
    .catch((error: unknown) => {
      if (!isAwsError(error, 'ResourceNotFoundException')) throw error;
      throw new CommandFailedError(`Org ${orgId}: there is no secret ${secretId}`);
    });
  context.out(
    forceNow
      ? `Org ${orgId}: ${secretId} deleted now, without recovery`
      : `Org ${orgId}: ${secretId} scheduled for deletion on ${isoDate(deleted.DeletionDate)} ` +
          `(undo before then with aws secretsmanager restore-secret, or put --org ${orgId} --restore)`,
  );
  context.note(
    `note: the service treats Org ${orgId} as having no secret from now on (after its cache ` +
      'expires): it falls back to the Org 0 key when FALLBACK_TO_PRIMARY_ORG is on, else ' +
      'answers org_not_configured',
  );
  if (orgId === 0) {
    context.note('warning: Org 0 is the fallback key for every Org without its own secret');
  }
};
