// The rotation function end to end: a real RotateSecretCommand through the AWS SDK
// makes the Secrets Manager stand-in invoke the real handler for each step, and the
// handler rotates the key in the ThoughtSpot stand-in through the admin APIs. After
// every test: no key, admin password or token in its output or in the errors it met.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ROTATION_METRIC } from '../../functions/rotate/rotation-metrics.js';
import type { ThoughtSpotUser } from '../../infra/local/thoughtspot-stand-in.js';
import { emfRecords } from '../support/emf.js';
import { errorTexts } from '../support/errors.js';
import { fakeKey } from '../support/fixtures.js';
import { secretIdOf } from './support/environment.js';
import { captureOutput } from './support/output-capture.js';
import {
  ADMIN_USER,
  type RotationEnvironment,
  startRotationEnvironment,
} from './support/rotation-environment.js';
import { adminClient, ORG_ID } from './support/thoughtspot-admin-client.js';

const output = captureOutput();
/** Every key and password made, for the leak check after each test. */
const secrets: string[] = [];
/** The errors the current test met, for the same check. */
const errors: unknown[] = [];
/** How much of the output earlier tests' checks have read. */
let checkedOutput = 0;
/** What the current test has written so far. */
const logsOfThisTest = () => output.text().slice(checkedOutput);
const remember = (value: string | undefined) => {
  if (value !== undefined) secrets.push(value);
  return value;
};
const ORG_SECRET = secretIdOf(ORG_ID);
const CLUSTER_SECRET = secretIdOf(0);

let world: RotationEnvironment | undefined;
async function start(
  options: { oldCluster?: boolean; usersFor?: (adminPassword: string) => ThoughtSpotUser[] } = {},
) {
  const clusterKey = remember(fakeKey('cluster')) ?? '';
  const orgKey = remember(fakeKey('org')) ?? '';
  const adminPassword = remember(fakeKey('admin-password')) ?? '';
  world = await startRotationEnvironment({
    clusterKey,
    orgKeys: { [ORG_ID]: orgKey },
    secrets: { 0: JSON.stringify({ secret_key: clusterKey }), [ORG_ID]: orgKey },
    adminPassword,
    ...(options.oldCluster === undefined ? {} : { oldCluster: options.oldCluster }),
    ...(options.usersFor ? { users: options.usersFor(adminPassword) } : {}),
  });
  return { world, clusterKey, orgKey, adminPassword };
}
afterEach(async () => {
  if (world) for (const orgId of [0, ORG_ID]) remember(world.ts.keyOf(orgId));
  await world?.close();
  world = undefined;

  // No key, admin password or ThoughtSpot token in what this test logged or the errors it met.
  const logs = logsOfThisTest();
  checkedOutput = output.text().length;
  const texts = logs + errors.splice(0).map(errorTexts).join('\n');
  expect(logs, 'no rotation step was logged: is the capture working?').toMatch(/rotation step/);
  for (const secret of secrets) expect(texts).not.toContain(secret);
  // Admin bearers and test tokens: every token the stand-in mints has this prefix.
  expect(texts).not.toMatch(/tsstandin-token-/);
});
afterAll(() => output.stop());

/** The status a trusted-auth token request with `key` gets for `orgId`. */
const mintStatus = async (key: string, orgId: number) =>
  (await adminClient(world?.ts.url ?? '').mintStatus(key, orgId)).status;

describe('the rotation function, started by RotateSecret', () => {
  it('rotates an Org key stored bare: ThoughtSpot and Secrets Manager end on one new key', async () => {
    const { world, orgKey } = await start();

    const { outcome, token } = await world.rotate(ORG_SECRET);

    expect(outcome.status).toBe('succeeded');
    const newKey = world.ts.keyOf(ORG_ID);
    expect(newKey).not.toBe(orgKey);
    expect(await world.value(ORG_SECRET)).toBe(newKey);
    expect(await world.value(ORG_SECRET, 'AWSPREVIOUS')).toBe(orgKey);
    expect((await world.stages(ORG_SECRET))[token]).toContain('AWSCURRENT');
    expect(world.configureCalls()).toEqual(['DISABLED', 'ENABLED']);
    expect([await mintStatus(orgKey, ORG_ID), await mintStatus(newKey ?? '', ORG_ID)]).toEqual([
      401, 200,
    ]);
    expect(logsOfThisTest()).toMatch(/rotation step done/);
  });

  it('rotates the Org 0 key stored as JSON, keeping it JSON', async () => {
    const { world, clusterKey, orgKey } = await start();

    const { outcome } = await world.rotate(CLUSTER_SECRET);

    expect(outcome.status).toBe('succeeded');
    const newKey = world.ts.keyOf(0);
    expect(newKey).not.toBe(clusterKey);
    expect(JSON.parse((await world.value(CLUSTER_SECRET)) ?? '')).toEqual({ secret_key: newKey });
    expect(await mintStatus(newKey ?? '', 0)).toBe(200);
    // The Org's own key is not Org 0's: it stays as it was.
    expect(world.ts.keyOf(ORG_ID)).toBe(orgKey);
  });

  it('runs testSecret alone with RotateImmediately false, changing nothing', async () => {
    const { world, orgKey } = await start();
    const before = await world.stages(ORG_SECRET);

    const { outcome } = await world.rotate(ORG_SECRET, { RotateImmediately: false });

    expect(outcome).toMatchObject({ status: 'succeeded', mode: 'test' });
    expect(world.ts.keyOf(ORG_ID)).toBe(orgKey);
    expect(await world.stages(ORG_SECRET)).toEqual(before);
    expect(world.configureCalls()).toEqual([]);
    expect(world.ts.minted.map(({ username, orgId }) => ({ username, orgId }))).toEqual([
      { username: ADMIN_USER, orgId: ORG_ID },
    ]);
  });

  it('rides through lost answers and 5xx on the admin calls (retried in the invocation)', async () => {
    const { world } = await start();
    world.ts.injectAdminFaults(
      {
        endpoint: 'configure',
        authStatus: 'DISABLED',
        fault: { kind: 'reset' },
        afterChange: true,
      },
      { endpoint: 'configure', authStatus: 'ENABLED', fault: { kind: 'status', status: 503 } },
      { endpoint: 'search', fault: { kind: 'html' } },
    );

    const { outcome } = await world.rotate(ORG_SECRET);

    expect(outcome.status).toBe('succeeded');
    expect(await world.value(ORG_SECRET)).toBe(world.ts.keyOf(ORG_ID));
    // The lost DISABLED answer and the 503 were each retried once by the request core.
    expect(world.configureCalls()).toEqual(['DISABLED', 'DISABLED', 'ENABLED', 'ENABLED']);
  });
});

describe('a rotation that fails part-way, then Secrets Manager’s retry', () => {
  it('says trusted auth is off for the Org when ENABLED keeps failing; the retry turns it on, disabling nothing', async () => {
    const { world, orgKey } = await start();
    const enabledFails = {
      endpoint: 'configure',
      authStatus: 'ENABLED',
      fault: { kind: 'status', status: 500 },
    } as const;
    world.ts.injectAdminFaults(...Array(9).fill(enabledFails));

    const { outcome, token, arn } = await world.rotate(ORG_SECRET);

    expect(outcome).toMatchObject({ status: 'failed', failedStep: 'createSecret' });
    errors.push(outcome.error);
    expect(outcome.error).toMatchObject({
      name: 'RotationStepError',
      message: expect.stringMatching(
        `^createSecret failed for secret ${ORG_SECRET}: Trusted authentication is off for Org ${ORG_ID}: `,
      ),
    });
    expect(world.ts.keyOf(ORG_ID)).toBeUndefined();
    expect(await world.value(ORG_SECRET)).toBe(orgKey);
    expect(logsOfThisTest()).toMatch(/rotation step failed/);

    expect(await world.retry(arn, token)).toBeUndefined();

    expect(world.configureCalls().filter((status) => status === 'DISABLED')).toHaveLength(1);
    expect(world.ts.keyOf(ORG_ID)).toEqual(expect.any(String));
    expect(world.ts.keyOf(ORG_ID)).not.toBe(orgKey);
    expect(await world.value(ORG_SECRET)).toBe(world.ts.keyOf(ORG_ID));
  });

  it('stores the key ThoughtSpot already holds when a step after createSecret failed', async () => {
    const { world } = await start();
    world.ts.injectAdminFaults(
      ...Array(3).fill({ endpoint: 'search', fault: { kind: 'status', status: 500 } }),
    );
    // The first search (before any change) is the one that fails: nothing changes.
    const first = await world.rotate(ORG_SECRET);
    errors.push(first.outcome.error);
    expect(first.outcome).toMatchObject({ status: 'failed', failedStep: 'createSecret' });
    expect(world.configureCalls()).toEqual([]);

    expect(await world.retry(first.arn, first.token)).toBeUndefined();
    expect(world.configureCalls()).toEqual(['DISABLED', 'ENABLED']);
    expect(await world.value(ORG_SECRET)).toBe(world.ts.keyOf(ORG_ID));
  });
});

describe('refusals before anything changes', () => {
  it('an old cluster (404 on auth/search): no configure, the key and the secret untouched', async () => {
    const { world, orgKey } = await start({ oldCluster: true });

    const { outcome } = await world.rotate(ORG_SECRET);

    errors.push(outcome.error);
    expect(outcome).toMatchObject({ status: 'failed', failedStep: 'createSecret' });
    expect(errorTexts(outcome.error)).toMatch(/older than 26\.6\.0\.cl/);
    expect(world.ts.keyOf(ORG_ID)).toBe(orgKey);
    expect(await world.value(ORG_SECRET)).toBe(orgKey);
    expect(world.configureCalls()).toEqual([]);
  });

  it.each([
    [
      'an admin without ADMINISTRATION or CONTROL_TRUSTED_AUTH',
      (password: string) => [{ username: ADMIN_USER, password }],
      /needs ADMINISTRATION/,
    ],
    [
      'a wrong admin password',
      () => [
        {
          username: ADMIN_USER,
          password: 'another-password',
          privileges: ['ADMINISTRATION' as const],
        },
      ],
      /refused the admin login/,
    ],
  ])('%s: no configure, the key untouched', async (_case, usersFor, message) => {
    const { world, orgKey } = await start({ usersFor });

    const { outcome } = await world.rotate(ORG_SECRET);

    errors.push(outcome.error);
    expect(outcome).toMatchObject({ status: 'failed', failedStep: 'createSecret' });
    expect(errorTexts(outcome.error)).toMatch(message);
    expect(world.ts.keyOf(ORG_ID)).toBe(orgKey);
    expect(world.configureCalls()).toEqual([]);
  });

  it('a secret whose name is not an Org key secret: ThoughtSpot never hears of it', async () => {
    const { world } = await start();

    const { outcome } = await world.rotate('thoughtspot/trusted-auth/admin');

    errors.push(outcome.error);
    expect(outcome.status).toBe('failed');
    expect(errorTexts(outcome.error)).toMatch(/is not an Org key secret/);
    expect(world.ts.requests).toEqual([]);
  });
});

describe('metrics', () => {
  it('counts every step with its outcome: the four of a rotation, and the failed ones', async () => {
    const { world } = await start();
    const before = output.text().length;
    const rotated = await world.rotate(ORG_SECRET);
    world.ts.setOldCluster(true);
    const refused = await world.rotate(ORG_SECRET);
    errors.push(refused.outcome.error);

    expect(rotated.outcome.status).toBe('succeeded');
    expect(refused.outcome.status).toBe('failed');
    const counted = new Set(
      emfRecords(output.text().slice(before))
        .filter((record) => record.metrics.includes(ROTATION_METRIC.step))
        .map((record) => `${record.values.step} ${record.values.outcome}`),
    );

    for (const stepOutcome of [
      'createSecret rotated-and-stored',
      'setSecret thoughtspot-holds-pending',
      'testSecret test-token-minted',
      'finishSecret moved-awscurrent',
      'createSecret failed',
    ]) {
      expect(counted, stepOutcome).toContain(stepOutcome);
    }
  });
});
