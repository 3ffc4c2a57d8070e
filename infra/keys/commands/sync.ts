import {
  CreateSecretCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { pendingVersion } from '../../../functions/lib/secret-stages.js';
import { trustedAuthKey } from '../../../functions/lib/thoughtspot.js';
import { inSameFormat } from '../../../functions/rotate/secret-format.js';
import { orgIdsOption, parseCommandArgs } from '../args.js';
import type { Command, CommandContext } from '../context.js';
import { CommandFailedError } from '../errors.js';
import { listOrgSecrets, type OrgSecret } from '../org-secrets.js';
import { orgSecretDescription, secretNames } from '../secret-names.js';
import { readStoredKey, sameKey } from '../stored-key.js';
import { table } from '../table.js';
import {
  orgsToCover,
  readTrustedAuth,
  THOUGHTSPOT_OPTIONS,
  type TrustedAuthView,
} from '../trusted-auth.js';

/**
 * sync: onboarding. ThoughtSpot's key of every Org with trusted auth on goes into
 * the Org's secret: created when missing, a new AWSCURRENT version when the stored
 * key differs (in the stored format, bare or {"secret_key": ...}), nothing when it
 * matches. Keys are compared by digest in memory and never printed.
 */

const OPTIONS = {
  org: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
  ...THOUGHTSPOT_OPTIONS,
} as const;

interface OrgJob {
  orgId: number;
  secretId: string;
  secret: OrgSecret | undefined;
  view: TrustedAuthView;
  client: SecretsManagerClient;
  dryRun: boolean;
  context: CommandContext;
}

/** One Org: what was (or, dry run, would be) done, in a word or two. */
async function syncOrg(job: OrgJob): Promise<string> {
  const { orgId, secretId, secret, client, dryRun } = job;
  const level = await job.view.read(orgId);
  const key = trustedAuthKey(level);
  if (key === undefined) return 'skipped (trusted auth off)';
  if (level.keys.length > 1) {
    job.context.note(
      `note: ThoughtSpot lists ${level.keys.length} keys for Org ${orgId}; using the first`,
    );
  }
  if (!secret) {
    if (dryRun) return 'would create';
    const created = await client.send(
      new CreateSecretCommand({
        Name: secretId,
        SecretString: key,
        Description: orgSecretDescription(orgId),
      }),
    );
    return `created, version ${created.VersionId ?? '?'}`;
  }
  if (secret.entry.DeletedDate) {
    return `skipped (scheduled for deletion; put --org ${orgId} --restore first)`;
  }
  // A new AWSCURRENT mid-rotation would make Secrets Manager abandon that rotation.
  if (pendingVersion(secret.entry.SecretVersionsToStages)) return 'skipped (rotation in progress)';
  const stored = await readStoredKey(client, secretId);
  if (stored.key !== undefined && sameKey(stored.key, key)) return 'unchanged';
  if (dryRun) return 'would update';
  // A value without a readable key has no format to keep: the bare key replaces it.
  const value = stored.key === undefined ? key : inSameFormat(stored.value, key);
  const updated = await client.send(
    new PutSecretValueCommand({ SecretId: secretId, SecretString: value }),
  );
  return `updated, version ${updated.VersionId ?? '?'}`;
}

/** Our own message, or the AWS exception's type and message (neither carries a value). */
function failure(error: unknown): string {
  if (error instanceof CommandFailedError) return `failed: ${error.message}`;
  return error instanceof Error ? `failed: ${error.name}: ${error.message}` : 'failed';
}

export const sync: Command = async (args, context) => {
  const values = parseCommandArgs(args, OPTIONS);
  const named = orgIdsOption(values.org);
  const dryRun = values['dry-run'] ?? false;
  const names = secretNames(context.env);
  const client = context.secretsManager();

  const view = await readTrustedAuth(context, values['thoughtspot-host']);
  const { secrets } = await listOrgSecrets(client, names);
  const rows: string[][] = [];
  let failed = 0;
  // ThoughtSpot is the source: without --org, the Orgs its search lists.
  for (const orgId of orgsToCover(named, view, [])) {
    const secretId = names.idFor(orgId);
    const secret = secrets.find((candidate) => candidate.orgId === orgId);
    const job = { orgId, secretId, secret, view, client, dryRun, context };
    const result = await syncOrg(job).catch((error: unknown) => {
      failed += 1;
      return failure(error);
    });
    rows.push([String(orgId), secretId, result]);
  }

  if (rows.length === 0) context.out('ThoughtSpot lists no Orgs.');
  else for (const line of table(['ORG', 'SECRET', 'RESULT'], rows)) context.out(line);
  if (dryRun) context.out('Dry run: nothing was written.');
  if (failed > 0) throw new CommandFailedError(`${failed} Org(s) failed; the others are as shown`);
};
