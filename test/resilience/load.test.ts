import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_LOOKUP_TIMEOUT_MS } from '../../functions/lib/config-rules.cjs';
import type { HttpResponse } from '../../functions/token/responses.js';
import type { HttpApiEventOptions } from '../../infra/local/lambda-events.js';
import { type Environment, startEnvironment } from '../integration/support/environment.js';
import { captureOutput } from '../integration/support/output-capture.js';
import { fakeKey } from '../support/fixtures.js';
import { contractViolation, errorCodeOf, watchProcessFailures } from './support/contract.js';

/**
 * Load with faults: 5,000 requests at concurrency 100 through the real handler
 * against the loopback stand-ins, with 5% of ThoughtSpot token requests failing
 * and a Secrets Manager outage in the middle. Asserts correctness under load
 * (no crash, only documented answers, every token real and for the right user and
 * Org, Secrets Manager calls bounded); prints figures, asserts no speed.
 */

const REQUESTS = 5000;
const CONCURRENCY = 100;
/**
 * Secrets Manager answers 500 to every call from request `start` on. It recovers at request
 * `end`, or later if the outage has not yet lasted one cache TTL (so every cached key expires
 * while it is down), but by `latest` at the last.
 */
const OUTAGE = { start: 2000, end: 3000, latest: 4000 };
const TTL_MS = 1000;
/** functions/lib/secret-keys.ts defaults and the handler's SDK client (maxAttempts: 2). */
const FAILURE_BACKOFF_MS = 5000;
const LOOKUP_TIMEOUT_MS = SECRET_LOOKUP_TIMEOUT_MS;
const SDK_ATTEMPTS = 2;

const OWN_KEY_ORGS = [1, 2, 3, 4, 5, 6, 7, 8];
const FALLBACK_ORGS = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
/** Own keys, but first asked for during the outage: nothing cached to fall back on. */
const LATE_ORGS = [19, 20];
const ALL_ORGS = [...OWN_KEY_ORGS, ...FALLBACK_ORGS, ...LATE_ORGS];

const CLUSTER_KEY = fakeKey('cluster');
const ORG_KEYS = new Map([...OWN_KEY_ORGS, ...LATE_ORGS].map((org) => [org, fakeKey(`org${org}`)]));

interface Sent {
  index: number;
  user: string;
  orgId: number;
  startedAt: number;
  response: HttpResponse;
}

/** Request i: a user of one of 20 Orgs, as GET text, GET JSON or POST JSON. */
function requestFor(index: number): { user: string; orgId: number; event: HttpApiEventOptions } {
  let orgId = ALL_ORGS[(index * 7) % ALL_ORGS.length] ?? 1;
  if (LATE_ORGS.includes(orgId) && index < OUTAGE.start) orgId -= LATE_ORGS.length;
  const user = `user${index % 250}@org${orgId}.load.test`;
  const claims = { email: user, ts_org: String(orgId) };
  const shape = index % 7;
  const event: HttpApiEventOptions =
    shape === 0
      ? { routeKey: 'POST /token', claims, body: { org_id: orgId } }
      : {
          routeKey: 'GET /token',
          claims,
          ...(shape === 1 && { headers: { accept: 'application/json' } }),
        };
  return { user, orgId, event };
}

const tokenOf = (response: HttpResponse): string =>
  /^application\/json/.test(response.headers['content-type'] ?? '')
    ? String(JSON.parse(response.body).token)
    : response.body;

describe('the token handler under load with ThoughtSpot faults and a Secrets Manager outage', () => {
  const output = captureOutput();
  const processFailures = watchProcessFailures();
  let env: Environment;

  beforeAll(async () => {
    env = await startEnvironment({
      clusterKey: CLUSTER_KEY,
      orgKeys: Object.fromEntries(ORG_KEYS),
      secrets: {
        0: CLUSTER_KEY,
        // Half the Orgs store the bare key, half the JSON form.
        ...Object.fromEntries(
          [...ORG_KEYS].map(([org, key]) => [
            org,
            org % 2 === 0 ? key : JSON.stringify({ secret_key: key }),
          ]),
        ),
      },
      env: { SECRET_CACHE_TTL_SECONDS: String(TTL_MS / 1000), THOUGHTSPOT_TIMEOUT_MS: '3000' },
    });
  });
  afterAll(async () => {
    output.stop();
    processFailures.stop();
    await env.close();
  });

  it('never crashes, answers only documented responses and mints only real tokens for the right user and Org', async () => {
    env.ts.setFaultRate(0.05, [
      { kind: 'status', status: 500 },
      { kind: 'status', status: 503 },
      { kind: 'reset' },
      { kind: 'malformed' },
      { kind: 'html' },
      { kind: 'rate-limit' },
    ]);
    const sent: Sent[] = [];
    const thrown: unknown[] = [];
    const outage = { startedAt: 0, clearedAt: 0, endIndex: 0, callsBefore: 0, callsDuring: 0 };
    let next = 0;

    const worker = async () => {
      for (let index = next++; index < REQUESTS; index = next++) {
        if (index === OUTAGE.start) {
          outage.callsBefore = env.sm.callCount('GetSecretValue');
          outage.startedAt = performance.now();
          env.sm.setFault({ kind: 'internal', operation: 'GetSecretValue' });
        }
        const lasted = performance.now() - outage.startedAt;
        const due = index >= OUTAGE.end && (lasted >= TTL_MS || index >= OUTAGE.latest);
        if (due && outage.clearedAt === 0) {
          env.sm.setFault(undefined);
          outage.clearedAt = performance.now();
          outage.endIndex = index;
          outage.callsDuring = env.sm.callCount('GetSecretValue') - outage.callsBefore;
        }
        const { user, orgId, event } = requestFor(index);
        const startedAt = performance.now();
        try {
          const response = await env.invoke(event);
          sent.push({ index, user, orgId, startedAt, response });
        } catch (error) {
          thrown.push(error);
        }
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const elapsedMs = performance.now() - started;
    env.ts.clearFaults();

    // Prepare the figures.
    const counts = new Map<string, number>();
    const violations: string[] = [];
    const wrongTokens: string[] = [];
    const unexpectedSecretFailures: number[] = [];
    for (const { index, user, orgId, startedAt, response } of sent) {
      const violation = contractViolation(response);
      if (violation) {
        violations.push(`#${index}: ${violation}`);
        continue;
      }
      const label =
        response.statusCode === 200 ? '200' : `${response.statusCode} ${errorCodeOf(response)}`;
      counts.set(label, (counts.get(label) ?? 0) + 1);
      if (response.statusCode === 200) {
        const minted = env.ts.findToken(tokenOf(response));
        const keyKind = FALLBACK_ORGS.includes(orgId) ? 'cluster' : 'org';
        if (minted?.username !== user || minted.orgId !== orgId || minted.keyKind !== keyKind) {
          wrongTokens.push(`#${index}`);
        }
      }
      // Only an Org with nothing cached, asked for while Secrets Manager was down (or while a
      // lookup begun then could still be running), may see secret_unavailable.
      if (label === '503 secret_unavailable') {
        const inOutage =
          startedAt >= outage.startedAt && startedAt <= outage.clearedAt + LOOKUP_TIMEOUT_MS;
        if (!LATE_ORGS.includes(orgId) || !inOutage) unexpectedSecretFailures.push(index);
      }
    }
    const smCalls = env.sm.callCount('GetSecretValue');
    const secretIds = new Set(env.sm.calls.map((call) => call.secretId));
    const lateDuringOutage = sent.filter(
      ({ orgId, startedAt }) => LATE_ORGS.includes(orgId) && startedAt <= outage.clearedAt,
    ).length;
    const outageMs = outage.clearedAt - outage.startedAt;
    // Each lookup is one GetSecretValue plus SDK retries. Per secret id: at most one successful
    // lookup per TTL window; while failing with something cached, one failed lookup per failure
    // backoff; with nothing cached (late Orgs), at most one per request (single flight shares).
    const bound =
      SDK_ATTEMPTS *
      (secretIds.size * (Math.floor(elapsedMs / TTL_MS) + 1) +
        (secretIds.size - LATE_ORGS.length) * (Math.floor(outageMs / FAILURE_BACKOFF_MS) + 1) +
        lateDuringOutage);
    const tokenRequests = env.ts.requests.filter((request) =>
      request.path.startsWith('/api/rest/2.0/auth/token/'),
    ).length;
    const staleServed = (output.text().match(/"cache":"stale"/g) ?? []).length;
    const summary = [...counts.entries()].sort().map(([label, count]) => `${label}: ${count}`);
    console.log(
      `load: ${REQUESTS} requests at concurrency ${CONCURRENCY} in ${(elapsedMs / 1000).toFixed(1)} s ` +
        `(${Math.round((REQUESTS / elapsedMs) * 1000)}/s); ${summary.join(', ')}; ` +
        `GetSecretValue calls: ${smCalls} (bound ${bound}, ${outage.callsDuring} during the ` +
        `${(outageMs / 1000).toFixed(1)} s outage over requests ${OUTAGE.start}-${outage.endIndex}, ${secretIds.size} secret ids); stale keys served: ` +
        `${staleServed}; ThoughtSpot token requests: ${tokenRequests}, tokens minted: ${env.ts.minted.length}`,
    );

    // Assess.
    expect(thrown).toEqual([]);
    expect(processFailures.failures).toEqual([]);
    expect(sent).toHaveLength(REQUESTS);
    expect(violations).toEqual([]);
    expect(wrongTokens).toEqual([]);
    expect(unexpectedSecretFailures).toEqual([]);
    expect(secretIds.size).toBe(ALL_ORGS.length + 1);
    expect(smCalls).toBeLessThanOrEqual(bound);
    // The faults really happened: the outage was met and bridged, ThoughtSpot failures retried.
    expect(outage.callsDuring).toBeGreaterThan(0);
    expect(staleServed).toBeGreaterThan(0);
    expect(tokenRequests).toBeGreaterThan(env.ts.minted.length);
    expect(counts.get('200') ?? 0).toBeGreaterThan(REQUESTS * 0.9);
    for (const key of [CLUSTER_KEY, ...ORG_KEYS.values()]) {
      expect(output.text()).not.toContain(key);
      expect(sent.some(({ response }) => response.body.includes(key))).toBe(false);
    }
    // Orgs that met the outage cold are served once it is over.
    for (const org of LATE_ORGS) {
      const recovered = sent.some(
        ({ orgId, startedAt, response }) =>
          orgId === org && startedAt > outage.clearedAt && response.statusCode === 200,
      );
      expect(recovered).toBe(true);
    }
  }, 300_000);
});
