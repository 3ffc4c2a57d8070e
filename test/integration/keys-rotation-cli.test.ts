// `npm run keys -- sync | status | schedule | rotate` end to end: the CLI runs as a
// real child process; its AWS SDK talks to the Secrets Manager stand-in, its admin
// client to the ThoughtSpot stand-in, and the real rotation handler is registered
// in this process as the rotation function of the ARN the CLI passes. One story,
// in order: onboarding, a schedule, a rotation, a failed rotation, schedule off. Each
// step starts from where the one before left the world, so the steps are functions
// that a single test runs in order (running one alone would fail); a refusal that
// needs no earlier step is a test of its own.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseSecretValue } from '../../functions/lib/secret-keys.js';
import type { OrgStatus } from '../../infra/keys/commands/status.js';
import { fakeKey } from '../support/fixtures.js';
import { secretIdOf } from './support/environment.js';
import { CLI_TEST_TIMEOUT_MS, keysCli } from './support/keys-cli-process.js';
import { captureOutput } from './support/output-capture.js';
import {
  ROTATION_LAMBDA_ARN,
  type RotationEnvironment,
  startRotationEnvironment,
} from './support/rotation-environment.js';

/** SHA-256 of a key: assertions compare these, so a failing test never prints a key. */
const digest = (key: string | undefined) =>
  key === undefined ? 'none' : createHash('sha256').update(key).digest('hex');
const VERSION = '[0-9a-f-]{36}';

vi.setConfig({ testTimeout: CLI_TEST_TIMEOUT_MS });

const seen: string[] = [];
const remember = (value: string) => {
  seen.push(value);
  return value;
};
const CLUSTER_KEY = remember(fakeKey('cluster'));
const ORG5_KEY = remember(fakeKey('org5'));
const ORG6_KEY = remember(fakeKey('org6'));
const ORG6_STALE = remember(fakeKey('org6-stale'));
const ORG9_KEY = remember(fakeKey('org9'));
const ADMIN_PASSWORD = remember(fakeKey('admin-password'));

const output = captureOutput();
let world: RotationEnvironment;
let workDir: string;

/** Every key and password, what ThoughtSpot holds now included, and their digests. */
function secretValues(): string[] {
  for (const orgId of [0, 5, 6, 7]) {
    const key = world.ts.keyOf(orgId);
    if (key !== undefined && !seen.includes(key)) seen.push(key);
  }
  return [...seen, ...seen.map(digest)];
}

const cli = keysCli(() => ({
  secretsManagerUrl: world.sm.url,
  workDir,
  env: { THOUGHTSPOT_HOST: world.ts.url, ROTATION_FUNCTION_ARN: ROTATION_LAMBDA_ARN },
  secrets: secretValues,
}));

const describeSecret = (orgId: number) =>
  world.client.send(new DescribeSecretCommand({ SecretId: secretIdOf(orgId) }));
const storedKey = async (orgId: number, stage = 'AWSCURRENT') =>
  parseSecretValue(await world.value(secretIdOf(orgId), stage));
/** The cells of the table row whose first column is `orgId`. */
const rowOf = (stdout: string, orgId: number) =>
  stdout
    .split('\n')
    .map((line) => line.split(/\s{2,}/))
    .find((cells) => cells[0] === String(orgId));

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'keys-rotation-cli-'));
  world = await startRotationEnvironment({
    clusterKey: CLUSTER_KEY,
    orgKeys: { 5: ORG5_KEY, 6: ORG6_KEY, 7: remember(fakeKey('org7')) },
    secrets: {
      0: JSON.stringify({ secret_key: CLUSTER_KEY, note: 'kept' }),
      6: JSON.stringify({ secret_key: ORG6_STALE, owner: 'infra' }),
      // An Org ThoughtSpot does not know.
      9: ORG9_KEY,
    },
    adminPassword: ADMIN_PASSWORD,
  });
  // Org 7 exists with trusted auth off.
  world.ts.setOrgKey(7, undefined);
});

afterAll(async () => {
  await world.close();
  rmSync(workDir, { recursive: true, force: true });
  output.stop();
  // The rotation handler's own log lines (in this process) leak nothing either.
  const logged = output.text();
  expect(secretValues().filter((value) => logged.includes(value))).toEqual([]);
});

/** Each test, and each step of the story, counts only its own calls. */
function resetCalls() {
  world.sm.resetCalls();
  world.ts.resetCounters();
}
beforeEach(resetCalls);

/** Eleven CLI processes in a row: three tests' worth (the six steps used to have one each). */
const STORY_TIMEOUT_MS = 3 * CLI_TEST_TIMEOUT_MS;

/**
 * Step 1, keys status before onboarding: shows both sides per Org (trusted auth, secret,
 * key match, rotation).
 */
async function statusBeforeOnboarding() {
  const run = await cli(['status']);

  expect(run.code).toBe(0);
  expect(rowOf(run.stdout, 0)).toEqual(['0', 'present', 'on', 'match', 'off', '-', '-', '-']);
  expect(rowOf(run.stdout, 5)).toEqual(['5', 'missing', 'on', '-', 'off', '-', '-', '-']);
  expect(rowOf(run.stdout, 6)).toEqual(['6', 'present', 'on', 'mismatch', 'off', '-', '-', '-']);
  expect(rowOf(run.stdout, 7)).toEqual(['7', 'missing', 'off', '-', 'off', '-', '-', '-']);
  expect(rowOf(run.stdout, 9)).toEqual(['9', 'present', 'unknown', '-', 'off', '-', '-', '-']);
  expect(run.stderr).toContain("note: Org 6's stored key is not ThoughtSpot's: sync --org 6");
  expect(run.stderr).toContain('note: Org 9: trusted auth unknown: auth/search lists no entry');
  expect(world.sm.callCount('PutSecretValue') + world.sm.callCount('CreateSecret')).toBe(0);
}

/**
 * Step 2, keys sync: a dry run reports what would change and writes nothing; then sync
 * creates, updates and leaves alone.
 */
async function sync() {
  const org0Before = await describeSecret(0);

  const dry = await cli(['sync', '--dry-run']);

  expect(dry.code).toBe(0);
  expect(rowOf(dry.stdout, 0)).toEqual(['0', secretIdOf(0), 'unchanged']);
  expect(rowOf(dry.stdout, 5)).toEqual(['5', secretIdOf(5), 'would create']);
  expect(rowOf(dry.stdout, 6)).toEqual(['6', secretIdOf(6), 'would update']);
  expect(rowOf(dry.stdout, 7)).toEqual(['7', secretIdOf(7), 'skipped (trusted auth off)']);
  expect(dry.stdout).toContain('Dry run: nothing was written.');
  expect(world.sm.callCount('PutSecretValue') + world.sm.callCount('CreateSecret')).toBe(0);

  const run = await cli(['sync']);

  expect(run.code).toBe(0);
  expect(rowOf(run.stdout, 0)?.[2]).toBe('unchanged');
  expect(rowOf(run.stdout, 5)?.[2]).toMatch(new RegExp(`^created, version ${VERSION}$`));
  expect(rowOf(run.stdout, 6)?.[2]).toMatch(new RegExp(`^updated, version ${VERSION}$`));
  expect(rowOf(run.stdout, 7)?.[2]).toBe('skipped (trusted auth off)');
  // Org 9 is not in ThoughtSpot's list: sync leaves its secret alone.
  expect(rowOf(run.stdout, 9)).toBeUndefined();
  expect(digest(await world.value(secretIdOf(5)))).toBe(digest(ORG5_KEY));
  const org6 = JSON.parse((await world.value(secretIdOf(6))) ?? '{}');
  expect({ ...org6, secret_key: digest(org6.secret_key) }).toEqual({
    secret_key: digest(ORG6_KEY),
    owner: 'infra',
  });
  expect((await describeSecret(0)).VersionIdsToStages).toEqual(org0Before.VersionIdsToStages);
  expect(digest(await world.value(secretIdOf(9)))).toBe(digest(ORG9_KEY));
  expect(world.sm.callCount('CreateSecret')).toBe(1);
  expect(world.sm.callCount('PutSecretValue')).toBe(1);
}

/**
 * Step 3, keys schedule: checks the schedule before any AWS call, then turns rotation on
 * without rotating.
 */
async function schedule() {
  const bad = await cli(['schedule', '--org', '5', '--cron', 'cron(30 4 ? * SUN *)']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('error: --cron: Secrets Manager needs 0 in the minutes field');
  expect(world.sm.calls).toHaveLength(0);
  const before = await describeSecret(5);

  const every = await cli(['schedule', '--org', '5', '--every', '30d']);
  const org0Cron = ['schedule', '--org', '0', '--cron', 'cron(0 4 ? * SUN *)', '--window', '2h'];
  const noEnv = { env: { ROTATION_FUNCTION_ARN: undefined } };
  const noArn = await cli(org0Cron, noEnv);
  const cron = await cli([...org0Cron, '--function-arn', ROTATION_LAMBDA_ARN], noEnv);

  expect(noArn.code).toBe(2);
  expect(noArn.stderr).toContain('error: pass --function-arn ARN or set ROTATION_FUNCTION_ARN');
  expect(every.code).toBe(0);
  expect(every.stdout).toContain(
    `Org 5: scheduled rotation of ${secretIdOf(5)} on: every 30 days, by ${ROTATION_LAMBDA_ARN}; next rotation from `,
  );
  expect(every.stdout).toContain('Not rotated now (RotateImmediately false)');
  expect(cron.code).toBe(0);
  expect(cron.stdout).toContain('on: cron(0 4 ? * SUN *) UTC, window 2h');
  // Secrets Manager checks the setup: testSecret alone, with a copy of the current key.
  expect(await world.sm.rotationSettled(secretIdOf(5))).toMatchObject({
    status: 'succeeded',
    mode: 'test',
  });
  expect(await world.sm.rotationSettled(secretIdOf(0))).toMatchObject({ mode: 'test' });
  const org5 = await describeSecret(5);
  expect(org5).toMatchObject({
    RotationEnabled: true,
    RotationLambdaARN: ROTATION_LAMBDA_ARN,
    RotationRules: { AutomaticallyAfterDays: 30 },
    VersionIdsToStages: before.VersionIdsToStages,
  });
  expect(org5.LastRotatedDate).toBeUndefined();
  const org0 = await describeSecret(0);
  expect(org0.RotationRules).toEqual({
    ScheduleExpression: 'cron(0 4 ? * SUN *)',
    Duration: '2h',
  });
  expect(org0.NextRotationDate?.getUTCDay()).toBe(0);
  expect(org0.NextRotationDate?.getUTCHours()).toBe(4);
  expect(digest(world.ts.keyOf(5))).toBe(digest(ORG5_KEY));
  expect(world.configureCalls()).toEqual([]);
}

/**
 * Step 4, keys rotate: rotates now through the real rotation function and reports the new
 * version.
 */
async function rotateNow() {
  const before = await describeSecret(5);
  const oldVersion = Object.keys(before.VersionIdsToStages ?? {}).find((id) =>
    before.VersionIdsToStages?.[id]?.includes('AWSCURRENT'),
  );

  const run = await cli(['rotate', '--org', '5']);

  expect(run.code).toBe(0);
  const started = new RegExp(
    `^Org 5: rotation of ${secretIdOf(5)} started by ${ROTATION_LAMBDA_ARN}; new version (${VERSION})$`,
    'm',
  ).exec(run.stdout);
  const newVersion = started?.[1] ?? 'missing';
  expect(run.stdout).toMatch(
    new RegExp(
      `^Org 5: rotated in \\d+\\.\\d s: AWSCURRENT moved from version ${oldVersion} to version ${newVersion} \\(AWSPREVIOUS: ${oldVersion}\\)$`,
      'm',
    ),
  );
  const after = await describeSecret(5);
  expect(after.VersionIdsToStages?.[newVersion]).toContain('AWSCURRENT');
  expect(after.VersionIdsToStages?.[oldVersion ?? '']).toEqual(['AWSPREVIOUS']);
  expect(after.LastRotatedDate).toBeInstanceOf(Date);
  // ThoughtSpot made a new key, and Secrets Manager holds it.
  expect(world.configureCalls()).toEqual(['DISABLED', 'ENABLED']);
  expect(digest(world.ts.keyOf(5))).not.toBe(digest(ORG5_KEY));
  expect(digest(await storedKey(5))).toBe(digest(world.ts.keyOf(5)));
  expect(digest(await storedKey(5, 'AWSPREVIOUS'))).toBe(digest(ORG5_KEY));
}

/**
 * Step 5, keys rotate: reports a rotation that does not finish in time, with what is left
 * and what to do.
 */
async function rotationThatDoesNotFinish() {
  const keyBefore = world.ts.keyOf(5);
  const current = await storedKey(5);
  world.ts.setOldCluster(true);

  const run = await cli(['rotate', '--org', '5', '--wait-seconds', '2']);
  world.ts.setOldCluster(false);

  expect(run.code).toBe(1);
  const version = new RegExp(`new version (${VERSION})`).exec(run.stdout)?.[1] ?? 'missing';
  expect(run.stderr).toContain(
    `error: Org 5: the rotation of ${secretIdOf(5)} (version ${version}) did not finish within 2 s`,
  );
  expect(run.stderr).toContain('No new key is stored yet: createSecret has not succeeded');
  expect(run.stderr).toContain(
    `aws secretsmanager update-secret-version-stage --secret-id ${secretIdOf(5)} --version-stage AWSPENDING --remove-from-version-id ${version}`,
  );
  expect(await world.sm.rotationSettled(secretIdOf(5))).toMatchObject({
    status: 'failed',
    failedStep: 'createSecret',
  });
  expect((await describeSecret(5)).VersionIdsToStages?.[version]).toEqual(['AWSPENDING']);
  expect(digest(await storedKey(5))).toBe(digest(current));
  expect(digest(world.ts.keyOf(5))).toBe(digest(keyBefore));
}

/**
 * Step 6, keys schedule --off, then status --json: turns rotation off, names the AWSPENDING
 * label left behind, and status shows it all.
 */
async function scheduleOffThenStatusJson() {
  const pending = Object.entries((await describeSecret(5)).VersionIdsToStages ?? {}).find(
    ([, stages]) => stages.includes('AWSPENDING'),
  )?.[0];

  const off = await cli(['schedule', '--org', '5', '--off']);
  const status = await cli(['status', '--json']);

  expect(off.code).toBe(0);
  expect(off.stdout.trim()).toBe(
    `Org 5: scheduled rotation of ${secretIdOf(5)} turned off; the stored key stays as it is`,
  );
  expect(off.stderr).toContain(`--remove-from-version-id ${pending}`);
  expect((await describeSecret(5)).RotationEnabled).toBe(false);

  expect(status.code).toBe(0);
  const { orgs } = JSON.parse(status.stdout) as { orgs: OrgStatus[] };
  const byOrg = new Map(orgs.map((org) => [org.orgId, org]));
  expect([...byOrg.keys()]).toEqual([0, 5, 6, 7, 9]);
  expect(byOrg.get(0)).toMatchObject({
    trustedAuth: 'on',
    secret: 'present',
    storedKey: 'match',
    rotation: {
      enabled: true,
      inProgress: false,
      rules: { ScheduleExpression: 'cron(0 4 ? * SUN *)', Duration: '2h' },
      lastRotated: null,
    },
  });
  expect(byOrg.get(0)?.rotation.nextRotation).toMatch(/T04:00:00\.000Z$/);
  expect(byOrg.get(5)).toMatchObject({
    secretName: secretIdOf(5),
    storedKey: 'match',
    rotation: { enabled: false, inProgress: true, rules: { AutomaticallyAfterDays: 30 } },
  });
  expect(byOrg.get(5)?.rotation.lastRotated).toMatch(/^\d{4}-\d\d-\d\dT/);
  expect(byOrg.get(6)).toMatchObject({ storedKey: 'match', rotation: { enabled: false } });
  expect(byOrg.get(7)).toMatchObject({
    trustedAuth: 'off',
    secret: 'missing',
    storedKey: 'not-compared',
  });
  expect(byOrg.get(9)).toMatchObject({ trustedAuth: 'unknown', storedKey: 'not-compared' });
}

describe('keys status, sync, schedule, rotate and schedule --off', () => {
  it('refuses to rotate a secret whose rotation was never configured, pointing to schedule', async () => {
    const run = await cli(['rotate', '--org', '6']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `error: Org 6: rotation was never configured for ${secretIdOf(6)}: turn it on first with schedule --org 6 --every 30d`,
    );
    expect(world.sm.callCount('RotateSecret')).toBe(0);
  });

  it(
    'onboard, schedule, rotate, fail a rotation, turn rotation off: the story in order',
    async () => {
      // 1. status before onboarding: both sides per Org, nothing written.
      await statusBeforeOnboarding();
      // 2. sync: a dry run writes nothing; then creates Org 5's secret, updates Org 6's.
      resetCalls();
      await sync();
      // 3. schedule: a bad schedule refused before any AWS call; Orgs 5 and 0 on a schedule.
      resetCalls();
      await schedule();
      // 4. rotate: Org 5 now, through the real rotation function.
      resetCalls();
      await rotateNow();
      // 5. rotate on an old cluster: Org 5's rotation does not finish; AWSPENDING is left.
      resetCalls();
      await rotationThatDoesNotFinish();
      // 6. schedule --off for Org 5, then status --json shows all of the above.
      resetCalls();
      await scheduleOffThenStatusJson();
    },
    STORY_TIMEOUT_MS,
  );
});
