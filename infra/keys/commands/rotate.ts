import { setTimeout as sleep } from 'node:timers/promises';
import {
  type DescribeSecretCommandOutput,
  GetSecretValueCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  AWSCURRENT,
  AWSPENDING,
  AWSPREVIOUS,
  pendingVersion,
  type Stages,
  versionWith,
} from '../../../functions/lib/secret-stages.js';
import { integerOption, orgIdOption, parseCommandArgs } from '../args.js';
import type { Command, CommandContext } from '../context.js';
import { CommandFailedError, isAwsError } from '../errors.js';
import { secretNames } from '../secret-names.js';
import { describeLiveSecret, describeSecret } from '../secret-state.js';

/**
 * rotate: one rotation now, by the secret's configured rotation function
 * (RotateSecret), then DescribeSecret polled until AWSCURRENT is on the new
 * version, the rotation ends without it, or --wait-seconds pass. Never reads a key
 * except to learn whether the new version holds one yet; never prints one.
 */

const OPTIONS = {
  org: { type: 'string' },
  'wait-seconds': { type: 'string' },
} as const;

export const DEFAULT_WAIT_SECONDS = 120;
const MAX_WAIT_SECONDS = 3600;
const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 2000;

/** Refuses, with what to do instead, a secret that cannot rotate now. */
function checkRotatable(orgId: number, secretId: string, described: DescribeSecretCommandOutput) {
  const turnOn = `turn it on first with schedule --org ${orgId} --every 30d (or --cron EXPR)`;
  if (described.RotationLambdaARN === undefined) {
    throw new CommandFailedError(
      `Org ${orgId}: rotation was never configured for ${secretId}: ${turnOn}, which sets the rotation function`,
    );
  }
  if (described.RotationEnabled !== true) {
    throw new CommandFailedError(
      `Org ${orgId}: rotation of ${secretId} is turned off, and RotateSecret would turn its old schedule back on: ${turnOn}`,
    );
  }
  const pending = pendingVersion(described.VersionIdsToStages);
  if (pending !== undefined) {
    throw new CommandFailedError(
      `Org ${orgId}: a rotation of ${secretId} is already under way (AWSPENDING on version ${pending}); ` +
        `status --org ${orgId} shows when it has finished`,
    );
  }
}

type Ending =
  | { kind: 'succeeded'; stages: Stages }
  | { kind: 'ended-without-current' }
  | { kind: 'timed-out' };

async function waitForRotation(
  client: SecretsManagerClient,
  secretId: string,
  versionId: string,
  deadline: number,
): Promise<Ending> {
  for (let delay = FIRST_POLL_MS; ; delay = Math.min(delay * 2, MAX_POLL_MS)) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return { kind: 'timed-out' };
    await sleep(Math.min(delay, remaining));
    const stages = (await describeSecret(client, secretId))?.VersionIdsToStages;
    const labels = stages?.[versionId];
    if (labels?.includes(AWSCURRENT)) return { kind: 'succeeded', stages };
    if (!labels?.includes(AWSPENDING)) return { kind: 'ended-without-current' };
  }
}

/** Whether a version has a value yet; the value itself is dropped unread. */
async function hasValue(client: SecretsManagerClient, secretId: string, versionId: string) {
  try {
    await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: versionId }));
    return true;
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return false;
    throw error;
  }
}

async function explainTimeout(
  context: CommandContext,
  where: { orgId: number; secretId: string; versionId: string; waitSeconds: number },
): Promise<never> {
  const { orgId, secretId, versionId, waitSeconds } = where;
  const stored = await hasValue(context.secretsManager(), secretId, versionId);
  context.note(
    stored
      ? 'The new key is stored as AWSPENDING, but AWSCURRENT has not moved: ThoughtSpot may already ' +
          'use the new key; the token function reads AWSPENDING after a rejection, so tokens keep working.'
      : 'No new key is stored yet: createSecret has not succeeded, so ThoughtSpot most likely still ' +
          'uses the current key.',
  );
  context.note(
    "What to do: Secrets Manager retries a failed rotation by itself. The rotation function's log " +
      "('rotation step failed') names the failing step and why; CloudTrail shows RotationFailed. " +
      `status --org ${orgId} shows when AWSCURRENT moves. To give up on this rotation: ` +
      `aws secretsmanager update-secret-version-stage --secret-id ${secretId} ` +
      `--version-stage AWSPENDING --remove-from-version-id ${versionId} ` +
      '(a later rotation takes whatever key ThoughtSpot holds then).',
  );
  throw new CommandFailedError(
    `Org ${orgId}: the rotation of ${secretId} (version ${versionId}) did not finish within ` +
      `${waitSeconds} s: it is still running, or failed and waits for Secrets Manager's retry`,
  );
}

export const rotate: Command = async (args, context) => {
  const values = parseCommandArgs(args, OPTIONS);
  const orgId = orgIdOption(values.org);
  const waitSeconds = integerOption(
    'wait-seconds',
    values['wait-seconds'],
    DEFAULT_WAIT_SECONDS,
    0,
    MAX_WAIT_SECONDS,
  );
  const secretId = secretNames(context.env).idFor(orgId);
  const client = context.secretsManager();

  const before = await describeLiveSecret(client, orgId, secretId);
  checkRotatable(orgId, secretId, before);
  const fromVersion = versionWith(before.VersionIdsToStages, AWSCURRENT);
  const started = Date.now();
  // No function or rules given: the secret's own, as configured by schedule.
  const { VersionId: versionId = '?' } = await client.send(
    new RotateSecretCommand({ SecretId: secretId }),
  );
  context.out(
    `Org ${orgId}: rotation of ${secretId} started by ${before.RotationLambdaARN}; new version ${versionId}`,
  );
  if (waitSeconds === 0) {
    context.note(`note: not waiting (--wait-seconds 0); status --org ${orgId} shows the outcome`);
    return;
  }

  const ending = await waitForRotation(client, secretId, versionId, started + waitSeconds * 1000);
  if (ending.kind === 'timed-out') {
    return explainTimeout(context, { orgId, secretId, versionId, waitSeconds });
  }
  if (ending.kind === 'ended-without-current') {
    throw new CommandFailedError(
      `Org ${orgId}: the rotation of ${secretId} ended without moving AWSCURRENT (AWSPENDING was ` +
        `removed from version ${versionId}: abandoned or cancelled); the current key is unchanged`,
    );
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const previous = versionWith(ending.stages, AWSPREVIOUS) ?? 'none';
  context.out(
    `Org ${orgId}: rotated in ${seconds} s: AWSCURRENT moved from version ${fromVersion ?? '?'} ` +
      `to version ${versionId} (AWSPREVIOUS: ${previous})`,
  );
  context.note(
    `note: ThoughtSpot's old key for Org ${orgId} no longer works; running token functions ` +
      'take the new one after their first rejection, or when their cache expires',
  );
};
