import {
  CreateSecretCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { orgIdOption, parseCommandArgs } from '../args.js';
import { type Command, isoDate } from '../context.js';
import { CommandFailedError, isAwsError, UsageError } from '../errors.js';
import { checkKey } from '../key-format.js';
import { readKeyInput } from '../read-key.js';
import { orgSecretDescription, secretNames } from '../secret-names.js';
import { describeSecret } from '../secret-state.js';

/** put: store an Org's key, creating its secret or adding a version. Never prints the key. */

const OPTIONS = {
  org: { type: 'string' },
  file: { type: 'string' },
  'kms-key-id': { type: 'string' },
  description: { type: 'string' },
  'allow-nonstandard': { type: 'boolean' },
  restore: { type: 'boolean' },
} as const;

const NOT_ON_COMMAND_LINE =
  'put never takes the key on the command line (it would stay in shell history and ' +
  'show in the process list): pipe it on stdin or use --file PATH';

/** Flags someone might try for the key; refused by name, before anything else. */
const KEY_FLAG = /^--?(key|secret|secret-key|secret_key|secret-string|value)(=|$)/i;

export const put: Command = async (args, context) => {
  if (args.some((arg) => KEY_FLAG.test(arg))) throw new UsageError(NOT_ON_COMMAND_LINE);
  const values = parseCommandArgs(args, OPTIONS, NOT_ON_COMMAND_LINE);
  const orgId = orgIdOption(values.org);
  const secretId = secretNames(context.env).idFor(orgId);
  const secretString = checkKey(
    await readKeyInput({
      stdin: context.stdin,
      ...(values.file !== undefined && { file: values.file }),
    }),
    { allowNonstandard: values['allow-nonstandard'] ?? false },
  );

  const client = context.secretsManager();
  const stored = (how: 'created' | 'updated', versionId: string | undefined) =>
    context.out(`Org ${orgId}: key stored in ${secretId} (${how}), version ${versionId ?? '?'}`);

  const existing = await describeSecret(client, secretId);
  if (!existing) {
    try {
      const created = await client.send(
        new CreateSecretCommand({
          Name: secretId,
          SecretString: secretString,
          Description: values.description ?? orgSecretDescription(orgId),
          ...(values['kms-key-id'] !== undefined && { KmsKeyId: values['kms-key-id'] }),
        }),
      );
      stored('created', created.VersionId);
      return;
    } catch (error) {
      // Created by someone else since we looked: fall through to a new version.
      if (!isAwsError(error, 'ResourceExistsException')) throw error;
    }
  } else if (existing.DeletedDate) {
    if (!values.restore) {
      throw new CommandFailedError(
        `Org ${orgId}: ${secretId} is scheduled for deletion on ${isoDate(existing.DeletedDate)} ` +
          '(the service treats it as absent). Restore it (RestoreSecret) and store the key ' +
          `in one go with: put --org ${orgId} --restore`,
      );
    }
    await client.send(new RestoreSecretCommand({ SecretId: secretId }));
    context.out(`Org ${orgId}: ${secretId} restored (no longer scheduled for deletion)`);
  }

  if (values['kms-key-id'] !== undefined || values.description !== undefined) {
    context.note(
      `note: --kms-key-id and --description apply only when creating a secret; ${secretId} ` +
        'keeps its own (change them with aws secretsmanager update-secret)',
    );
  }
  const updated = await client.send(
    new PutSecretValueCommand({ SecretId: secretId, SecretString: secretString }),
  );
  stored('updated', updated.VersionId);
  context.note(
    'note: running functions use the new key once their cached copy expires ' +
      '(SECRET_CACHE_TTL_SECONDS), or at once when ThoughtSpot rejects the old one',
  );
};
