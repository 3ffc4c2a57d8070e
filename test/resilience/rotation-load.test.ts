import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_TIMEOUT_SECONDS } from '../../functions/lib/config-rules.cjs';
import { DEFAULT_ROTATION_POLL_INTERVAL_MS } from '../../functions/lib/rotation-watch.js';
import {
  DEFAULT_MIN_REFETCH_INTERVAL_MS,
  parseSecretValue,
} from '../../functions/lib/secret-keys.js';
import type { HttpResponse } from '../../functions/token/responses.js';
import {
  type FreshHandler,
  loadFreshRotationHandler,
  type RotationHandler,
} from '../../infra/local/fresh-handler.js';
import { lambdaContext } from '../../infra/local/lambda-events.js';
import {
  type SecretsManagerCall,
  STAND_IN_AWS_ENV,
} from '../../infra/local/secrets-manager-stand-in.js';
import { type Environment, secretIdOf } from '../integration/support/environment.js';
import { watchForLeaks } from '../integration/support/leak-watch.js';
import {
  ADMIN_SECRET_ID,
  ADMIN_USER,
  ROTATION_LAMBDA_ARN,
} from '../integration/support/rotation-environment.js';
import { smClient } from '../integration/support/stand-in-clients.js';
import { adminClient } from '../integration/support/thoughtspot-admin-client.js';
import { contractViolation, errorCodeOf, watchProcessFailures } from './support/contract.js';
import { type CountingProxy, startCountingProxy } from './support/counting-proxy.js';
import {
  figures,
  latency,
  listed,
  rotationWaits,
  signed,
  tally,
  within,
} from './support/load-figures.js';

/**
 * Rotation under load (issue 10, item 7): steady token traffic through one cold-started
 * token handler while Secrets Manager rotates, through a real RotateSecretCommand and the
 * REAL rotation function (functions/rotate/), first Org 5's own key, then the Org 0 key
 * that Org 9 (no secret) borrows. Both functions talk to the same loopback stand-ins; the
 * rotation function reaches Secrets Manager through a counting pass-through, so its calls
 * can be told from the token function's. Asserts no failed request, a finished rotation,
 * tokens with the new key afterwards and the Secrets Manager bound of rotation-watch.ts;
 * prints latency figures, asserts no speed (beyond Lambda's timeout as a sanity cap).
 * After every test: no key, the rotated ones and the admin password included, in a log
 * line or a response (leak-watch.ts).
 */

const leaks = watchForLeaks();

/** Closed-loop callers per Org, each sending its next request when the last one is answered. */
const WORKERS_PER_ORG = 4;
/** Org 5 has its own key; Org 9 has no secret and borrows Org 0's (the cluster key). */
const CALLERS = [
  { orgId: 5, keyKind: 'org' },
  { orgId: 9, keyKind: 'cluster' },
  { orgId: 0, keyKind: 'cluster' },
] as const;
/**
 * Traffic runs this long before RotateSecret and after the rotation settled (and until
 * every caller has had an answer before it, and one to a request sent after it).
 */
const BEFORE_MS = 1000;
const AFTER_MS = 1000;
/** Hard caps: requests per phase, and each wait (for a rotation to settle, for answers). */
const REQUEST_CAP = 50_000;
const ROTATION_CAP_MS = 60_000;
/**
 * A real cluster takes a while to answer auth/configure; the stand-in answers at once.
 * Here each configure takes effect at once and answers after this long, so the old key is
 * dead and no new key is stored for at least twice this.
 */
const CONFIGURE_MS = 150;
/** A short cache TTL, so cached keys also expire (and are re-read) mid-rotation. */
const TTL_MS = 1000;
/** functions/lib/secret-keys.ts: forced refetches of one secret at most this often. */
const MIN_REFETCH_MS = DEFAULT_MIN_REFETCH_INTERVAL_MS;
const POLL_MS = DEFAULT_ROTATION_POLL_INTERVAL_MS;

const CLUSTER_KEY = leaks.key('cluster');
const ORG5_KEY = leaks.key('org5');
const ADMIN_PASSWORD = leaks.key('admin-password');

interface Sample {
  orgId: number;
  user: string;
  startedAt: number;
  ms: number;
  response?: HttpResponse;
  error?: unknown;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const byCall = (call: SecretsManagerCall) => `${call.operation} ${call.secretId ?? '-'}`;
const byOperation = (call: SecretsManagerCall) => call.operation;
const byOrg = (item: { orgId: number }) => `Org ${item.orgId}`;

describe('token requests while the real rotation function rotates keys under load', () => {
  const processFailures = watchProcessFailures();
  let env: Environment;
  let proxy: CountingProxy;
  let rotation: FreshHandler<RotationHandler>;
  let driver: SecretsManagerClient;

  const invoke = (orgId: number, user: string) =>
    env.invoke({ routeKey: 'GET /token', claims: { email: user, ts_org: String(orgId) } });
  const stages = async (secretId: string) =>
    (await driver.send(new DescribeSecretCommand({ SecretId: secretId }))).VersionIdsToStages ?? {};
  const currentVersion = (versions: Record<string, string[]>) =>
    Object.keys(versions).find((id) => versions[id]?.includes('AWSCURRENT'));

  beforeAll(async () => {
    env = await leaks.environment({
      clusterKey: CLUSTER_KEY,
      orgKeys: { 5: ORG5_KEY },
      secrets: { 0: JSON.stringify({ secret_key: CLUSTER_KEY }), 5: ORG5_KEY },
      users: [
        { username: ADMIN_USER, password: ADMIN_PASSWORD, privileges: ['CONTROL_TRUSTED_AUTH'] },
      ],
      env: { SECRET_CACHE_TTL_SECONDS: String(TTL_MS / 1000) },
    });
    env.sm.setSecret(
      ADMIN_SECRET_ID,
      JSON.stringify({ username: ADMIN_USER, password: ADMIN_PASSWORD }),
    );
    // The SDK reads AWS_ENDPOINT_URL_SECRETS_MANAGER at a client's first call: the token
    // function's first requests fix its endpoint (the stand-in) before the rotation
    // function's environment points the variable at the counting pass-through.
    for (const { orgId } of CALLERS) expect((await invoke(orgId, 'warm-up')).statusCode).toBe(200);
    proxy = await startCountingProxy(env.sm.url);
    rotation = await loadFreshRotationHandler({
      ...STAND_IN_AWS_ENV,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: proxy.url,
      THOUGHTSPOT_HOST: env.ts.url,
      POWERTOOLS_SERVICE_NAME: 'thoughtspot-token-service-rotation-test',
    });
    env.sm.registerRotationFunction(ROTATION_LAMBDA_ARN, (event) =>
      rotation.handler(event, lambdaContext()),
    );
    driver = smClient(env.sm.url);
  });
  afterAll(async () => {
    processFailures.stop();
    env.sm.registerRotationFunction(ROTATION_LAMBDA_ARN, undefined);
    driver.destroy();
    rotation.restoreEnv();
    await proxy.close();
    await env.close();
  });

  /**
   * Token traffic from every caller, from BEFORE_MS before RotateSecret until AFTER_MS
   * after the rotation settled; returns the requests and what both functions asked of
   * Secrets Manager meanwhile.
   */
  async function rotateUnderLoad(orgId: number) {
    const secretId = secretIdOf(orgId);
    const oldVersionId = currentVersion(await stages(secretId));
    env.ts.injectAdminFaults(
      ...(['DISABLED', 'ENABLED'] as const).map((authStatus) => ({
        endpoint: 'configure' as const,
        authStatus,
        fault: { kind: 'delay' as const, ms: CONFIGURE_MS },
        afterChange: true,
      })),
    );
    const marks = {
      sm: env.sm.calls.length,
      proxy: proxy.calls.length,
      logs: leaks.logs().length,
    };
    const samples: Sample[] = [];
    let running = true;
    const worker = async (callerOrg: number, index: number) => {
      const user = `caller${index}@org${callerOrg}.rotation.test`;
      while (running && samples.length < REQUEST_CAP) {
        const sample: Sample = { orgId: callerOrg, user, startedAt: performance.now(), ms: 0 };
        try {
          sample.response = await invoke(callerOrg, user);
        } catch (error) {
          sample.error = error;
        }
        sample.ms = performance.now() - sample.startedAt;
        samples.push(sample);
      }
    };

    /** Waits `ms`, then (within a cap) until every caller has had a request `answered`. */
    const everyCallerAfter = async (ms: number, answered: (sample: Sample) => boolean) => {
      const cap = performance.now() + ROTATION_CAP_MS;
      await sleep(ms);
      const done = () =>
        CALLERS.every(({ orgId: org }) => samples.some((it) => it.orgId === org && answered(it)));
      while (!done() && samples.length < REQUEST_CAP && performance.now() < cap) await sleep(20);
    };

    const phaseStart = performance.now();
    const traffic = CALLERS.flatMap((caller) =>
      Array.from({ length: WORKERS_PER_ORG }, (_, index) => worker(caller.orgId, index)),
    );
    await everyCallerAfter(BEFORE_MS, () => true);
    const start = performance.now();
    const { VersionId: token = '' } = await driver.send(
      new RotateSecretCommand({ SecretId: secretId, RotationLambdaARN: ROTATION_LAMBDA_ARN }),
    );
    const outcome = await within(env.sm.rotationSettled(secretId), ROTATION_CAP_MS);
    const end = performance.now();
    await everyCallerAfter(AFTER_MS, (sample) => sample.startedAt > end);
    running = false;
    await Promise.all(traffic);
    const phaseEnd = performance.now();

    // The token function's calls: all the stand-in saw, less the rotation function's (seen
    // by the pass-through first) and the driver's RotateSecret.
    const rotationCalls = proxy.calls.slice(marks.proxy);
    const tokenCalls = tally(env.sm.calls.slice(marks.sm), byCall);
    for (const [call, count] of tally(rotationCalls, byCall)) {
      tokenCalls.set(call, (tokenCalls.get(call) ?? 0) - count);
    }
    tokenCalls.set(
      `RotateSecret ${secretId}`,
      (tokenCalls.get(`RotateSecret ${secretId}`) ?? 0) - 1,
    );
    for (const [call, count] of tokenCalls) if (count === 0) tokenCalls.delete(call);
    return {
      secretId,
      oldVersionId,
      token,
      outcome,
      samples,
      window: { start, end },
      rotationMs: end - start,
      /** From RotateSecret to the end of traffic: when requests can wait for the rotation. */
      rotatingMs: phaseEnd - start,
      phaseMs: phaseEnd - phaseStart,
      tokenCalls,
      rotationCalls: tally(rotationCalls, byOperation),
      logs: leaks.logs().slice(marks.logs),
    };
  }

  it.each([
    ['an Org with its own key (Org 5)', 5, [5]],
    ['the Org 0 key, which Org 9 borrows', 0, [0, 9]],
  ])('loses no token request while %s is rotated', async (_case, orgId, keyUsers) => {
    const oldKey = env.ts.keyOf(orgId) ?? '';

    const phase = await rotateUnderLoad(orgId);
    const { samples, window } = phase;
    const newKey = env.ts.keyOf(orgId) ?? '';
    if (newKey) leaks.remember(newKey);

    // Figures.
    const failures = new Map<string, number>();
    const violations: string[] = [];
    const wrongTokens: string[] = [];
    for (const { orgId: callerOrg, user, response, error } of samples) {
      const label = error
        ? 'thrown'
        : response?.statusCode === 200
          ? undefined
          : `${response?.statusCode} ${response && !contractViolation(response) ? errorCodeOf(response) : '?'}`;
      if (label) failures.set(label, (failures.get(label) ?? 0) + 1);
      const violation = response && contractViolation(response);
      if (violation) violations.push(violation);
      if (response?.statusCode !== 200) continue;
      const minted = env.ts.findToken(response.body);
      const keyKind = CALLERS.find((caller) => caller.orgId === callerOrg)?.keyKind;
      if (minted?.username !== user || minted.orgId !== callerOrg || minted.keyKind !== keyKind) {
        wrongTokens.push(`${user} in Org ${callerOrg}`);
      }
    }
    const overlaps = (sample: Sample) =>
      sample.startedAt < window.end && sample.startedAt + sample.ms > window.start;
    const onRotatedKey = (sample: Sample) => keyUsers.includes(sample.orgId);
    const ms = (keep: (sample: Sample) => boolean) =>
      latency(samples.filter(keep).map((sample) => sample.ms));
    const outside = ms((sample) => !overlaps(sample));
    const during = ms((sample) => overlaps(sample) && onRotatedKey(sample));
    const othersDuring = ms((sample) => overlaps(sample) && !onRotatedKey(sample));
    const waits = rotationWaits(phase.logs);
    // rotation-watch.ts's bound, per secret: one look per POLL_MS at most while requests
    // wait (on the rotating secret, from RotateSecret on), each one DescribeSecret and at most
    // one GetSecretValue; one forced AWSCURRENT refetch per MIN_REFETCH_MS at most; besides,
    // the cache's own reads, one per TTL per secret id at most. Rounded up: the function's
    // clock (Date.now) counts whole milliseconds.
    const looks = Math.ceil(phase.rotatingMs / POLL_MS) + 1;
    const ttlReads = Math.ceil(phase.phaseMs / TTL_MS) + 1;
    const refetches = Math.ceil(phase.rotatingMs / MIN_REFETCH_MS) + 1;
    const bound = (operation: string, secretId: string) =>
      (operation === 'GetSecretValue' ? ttlReads : 0) +
      (secretId === phase.secretId ? looks + (operation === 'GetSecretValue' ? refetches : 0) : 0);
    const failed = [...failures.values()].reduce((sum, count) => sum + count, 0);
    console.log(
      `rotation-load: Org ${orgId} key rotated by the real rotation function in ` +
        `${phase.rotationMs.toFixed(0)} ms (${phase.outcome?.status}); ${samples.length} token ` +
        `requests in ${(phase.phaseMs / 1000).toFixed(1)} s (${listed(tally(samples, byOrg))}; ` +
        `${WORKERS_PER_ORG} callers each), failed: ${failed}` +
        `${failures.size ? ` (${listed(failures)})` : ''}; latency ms p50/p99/max: outside the ` +
        `rotation ${figures(outside)}, callers on the rotated key during it ${figures(during)} ` +
        `=> added p99 ${signed(during.p99 - outside.p99)}, max ${signed(during.max - outside.max)}, ` +
        `other callers during it ${figures(othersDuring)}; rotation waits: ${listed(tally(waits, byOrg))} ` +
        `(max ${Math.max(0, ...waits.map((wait) => wait.rotationWaitMs))} ms); Secrets Manager ` +
        `calls by the token function: ${listed(phase.tokenCalls)} (bound: DescribeSecret ${looks}, ` +
        `rotating secret only; GetSecretValue ${ttlReads} a secret, +${looks + refetches} on the ` +
        `rotating one); by the rotation function: ${listed(phase.rotationCalls)}`,
    );

    // No failed request, only real tokens, for the right user, Org and kind of key.
    expect(failures).toEqual(new Map());
    expect(violations).toEqual([]);
    expect(wrongTokens).toEqual([]);
    expect(processFailures.failures).toEqual([]);
    // Lambda would have killed a request slower than its timeout (a failed request too).
    expect(Math.max(...samples.map((sample) => sample.ms))).toBeLessThan(
      LAMBDA_TIMEOUT_SECONDS * 1000,
    );
    // Steady traffic: every caller before, during and after the rotation.
    for (const { orgId: callerOrg } of CALLERS) {
      const mine = samples.filter((sample) => sample.orgId === callerOrg);
      expect(mine.some((sample) => sample.startedAt + sample.ms < window.start)).toBe(true);
      expect(mine.some(overlaps)).toBe(true);
      expect(mine.some((sample) => sample.startedAt > window.end)).toBe(true);
    }
    expect(samples.length).toBeLessThan(REQUEST_CAP);

    // The rotation succeeded: ThoughtSpot's new key is AWSCURRENT, stages moved.
    expect(phase.outcome?.status).toBe('succeeded');
    expect(newKey).not.toBe('');
    expect(newKey).not.toBe(oldKey);
    const stored = await driver.send(new GetSecretValueCommand({ SecretId: phase.secretId }));
    expect(parseSecretValue(stored.SecretString)).toBe(newKey);
    expect(stored.SecretString?.startsWith('{')).toBe(orgId === 0);
    const versions = await stages(phase.secretId);
    expect(versions[phase.token]).toContain('AWSCURRENT');
    expect(versions[phase.oldVersionId ?? '']).toEqual(['AWSPREVIOUS']);
    // AWSPENDING may stay on the new AWSCURRENT version (no rotation in progress), nowhere else.
    for (const [versionId, labels] of Object.entries(versions)) {
      if (versionId !== phase.token) expect(labels).not.toContain('AWSPENDING');
    }
    // Every token minted after it used the new key: ThoughtSpot accepts no other key of
    // that kind for those Orgs any more, and the tokens checked above came from that kind.
    const ts = adminClient(env.ts.url);
    for (const keyUser of keyUsers) {
      expect(await ts.mintStatus(oldKey, keyUser)).toMatchObject({ status: 401 });
      expect(await ts.mintStatus(newKey, keyUser)).toEqual({ status: 200 });
    }

    // The callers on the rotated key really met the rotation and waited; no one else did.
    expect([...tally(waits, byOrg).keys()].sort()).toEqual(
      keyUsers.map((org) => `Org ${org}`).sort(),
    );

    // Secrets Manager: the rotation function's writes came through the pass-through (so
    // the split is right), and the token function stayed within rotation-watch.ts's bound.
    expect(phase.rotationCalls.get('PutSecretValue')).toBe(1);
    expect(phase.rotationCalls.get('UpdateSecretVersionStage')).toBe(1);
    for (const [call, count] of phase.tokenCalls) {
      const [operation = '', secretId = ''] = call.split(' ');
      expect(['GetSecretValue', 'DescribeSecret']).toContain(operation);
      expect([0, 5, 9].map(secretIdOf)).toContain(secretId);
      expect(count, call).toBeGreaterThan(0);
      expect(count, call).toBeLessThanOrEqual(bound(operation, secretId));
    }
  });
});
