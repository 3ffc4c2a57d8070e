import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LOOKUP_TIMEOUT_MS } from '../../functions/lib/secret-keys.js';
import type { HttpResponse } from '../../functions/token/responses.js';
import type { SecretsManagerFaultKind } from '../../infra/local/secrets-manager-stand-in.js';
import type { ThoughtSpotFault } from '../../infra/local/thoughtspot-stand-in.js';
import {
  contractViolation,
  errorCodeOf,
  failOnProcessFailures,
} from '../resilience/support/contract.js';
import { type Environment, secretIdOf } from './support/environment.js';
import { watchForLeaks } from './support/leak-watch.js';

/**
 * The fault matrix: one row per way ThoughtSpot or Secrets Manager can fail, each
 * played against the whole handler over real HTTP on 127.0.0.1. Every row checks the
 * documented status and code, the error shape, Cache-Control, the time to answer,
 * that nothing escaped as an unhandled rejection, and that the next healthy request
 * gets a token ThoughtSpot really minted. After every test: no unhandled rejection or
 * uncaught exception, and no secret key in a response or a log line (leak-watch.ts).
 */

const leaks = watchForLeaks();
const processFailures = failOnProcessFailures();
const key = leaks.key;

/** THOUGHTSPOT_TIMEOUT_MS for this file: short, but room for a Retry-After of 1 s. */
const DEADLINE_MS = 2000;
/** One GetSecretValue, SDK retries included. */
const LOOKUP_TIMEOUT_MS = DEFAULT_LOOKUP_TIMEOUT_MS;
/** Scheduling slack on a busy 2-core machine; the bounds are about hanging, not speed. */
const MARGIN_MS = 700;

const CLUSTER_KEY = key('cluster');
const ORG5_KEY = key('org5');

interface Expected {
  status: number;
  /** The error code; absent for 200. */
  code?: string;
}

interface Outcome {
  response: HttpResponse;
  elapsedMs: number;
}

async function timed(env: Environment, claims: Record<string, string>): Promise<Outcome> {
  const started = performance.now();
  const response = await env.invoke({ routeKey: 'GET /token', claims });
  return { response, elapsedMs: performance.now() - started };
}

/** The documented status and code, the error shape and Cache-Control no-store. */
function expectAnswer(env: Environment, response: HttpResponse, expected: Expected) {
  expect(contractViolation(response)).toBeUndefined();
  expect(response.statusCode).toBe(expected.status);
  if (expected.code === undefined) expect(env.ts.isValid(response.body)).toBe(true);
  else expect(errorCodeOf(response)).toBe(expected.code);
}

/** A healthy request right after the fault: 200 with a token the stand-in minted for it. */
async function expectRecovery(
  env: Environment,
  claims: { email: string; ts_org: string },
  keyKind: 'org' | 'cluster',
) {
  const { response } = await timed(env, claims);
  expect(response.statusCode).toBe(200);
  expect(response.headers['cache-control']).toBe('no-store');
  expect(env.ts.isValid(response.body)).toBe(true);
  expect(env.ts.findToken(response.body)).toMatchObject({
    username: claims.email,
    orgId: Number(claims.ts_org),
    keyKind,
  });
  expect(processFailures.failures).toEqual([]);
}

const environment = leaks.environment;

const times = (count: number, fault: ThoughtSpotFault): ThoughtSpotFault[] =>
  Array.from({ length: count }, () => fault);

/** ThoughtSpot's client makes at most this many attempts (functions/lib/thoughtspot.ts). */
const MAX_ATTEMPTS = 3;

interface ThoughtSpotRow extends Expected {
  when: string;
  faults: ThoughtSpotFault[];
  /** Token requests ThoughtSpot should see. */
  attempts: number;
  retryAfter?: string;
}

const thoughtSpotRows: ThoughtSpotRow[] = [
  ...[500, 502, 503].flatMap((status): ThoughtSpotRow[] => [
    {
      when: `ThoughtSpot answers ${status} once`,
      faults: [{ kind: 'status', status }],
      attempts: 2,
      status: 200,
    },
    {
      when: `ThoughtSpot answers ${status} on every attempt`,
      faults: times(MAX_ATTEMPTS, { kind: 'status', status }),
      attempts: MAX_ATTEMPTS,
      status: 502,
      code: 'thoughtspot_error',
    },
  ]),
  {
    when: 'ThoughtSpot resets the connection once',
    faults: [{ kind: 'reset' }],
    attempts: 2,
    status: 200,
  },
  {
    when: 'ThoughtSpot resets the connection on every attempt',
    faults: times(MAX_ATTEMPTS, { kind: 'reset' }),
    attempts: MAX_ATTEMPTS,
    status: 502,
    code: 'thoughtspot_error',
  },
  {
    when: 'ThoughtSpot never answers',
    faults: [{ kind: 'hang' }],
    attempts: 1,
    status: 504,
    code: 'thoughtspot_timeout',
  },
  {
    when: 'ThoughtSpot answers 300 ms before the deadline',
    faults: [{ kind: 'delay', ms: DEADLINE_MS - 300 }],
    attempts: 1,
    status: 200,
  },
  {
    when: 'ThoughtSpot would answer 500 ms after the deadline',
    faults: [{ kind: 'delay', ms: DEADLINE_MS + 500 }],
    attempts: 1,
    status: 504,
    code: 'thoughtspot_timeout',
  },
  {
    when: 'ThoughtSpot answers 429 with a Retry-After that fits the deadline',
    faults: [{ kind: 'rate-limit', retryAfterSeconds: 1 }],
    attempts: 2,
    status: 200,
  },
  {
    when: 'ThoughtSpot answers 429 with a Retry-After longer than the deadline',
    faults: [{ kind: 'rate-limit', retryAfterSeconds: 30 }],
    attempts: 1,
    status: 429,
    code: 'rate_limited',
    retryAfter: '30',
  },
  {
    when: 'ThoughtSpot answers 429 without Retry-After on every attempt',
    faults: times(MAX_ATTEMPTS, { kind: 'rate-limit' }),
    attempts: MAX_ATTEMPTS,
    status: 429,
    code: 'rate_limited',
  },
  {
    when: 'ThoughtSpot answers 200 with truncated JSON',
    faults: [{ kind: 'malformed' }],
    attempts: 1,
    status: 502,
    code: 'thoughtspot_error',
  },
  {
    when: 'a proxy answers an HTML 502 page once',
    faults: [{ kind: 'html' }],
    attempts: 2,
    status: 200,
  },
  {
    when: 'a proxy answers an HTML 502 page on every attempt',
    faults: times(MAX_ATTEMPTS, { kind: 'html' }),
    attempts: MAX_ATTEMPTS,
    status: 502,
    code: 'thoughtspot_error',
  },
  {
    when: 'ThoughtSpot answers 200 without a token',
    faults: [{ kind: 'missing-token' }],
    attempts: 1,
    status: 502,
    code: 'thoughtspot_error',
  },
];

interface SecretsRow extends Expected {
  when: string;
  /** Sets the fault up for the row's fresh Org; returns how to heal it. */
  arrange: (env: Environment, orgId: number) => () => void;
  /** Which key mints the token once healed. */
  healedKeyKind: 'org' | 'cluster';
}

/** The Org's secret answers with an AWS error (or hangs, or resets) until healed. */
const smFault =
  (kind: SecretsManagerFaultKind) =>
  (env: Environment, orgId: number): (() => void) => {
    env.sm.setFault({ kind, operation: 'GetSecretValue', secretId: secretIdOf(orgId) });
    return () => env.sm.setFault(undefined);
  };

/** The Org's secret holds `value` until healed with a well-formed one. */
const secretHolding =
  (value: string) =>
  (env: Environment, orgId: number): (() => void) => {
    const orgKey = key(`org${orgId}`);
    env.ts.setOrgKey(orgId, orgKey);
    env.sm.setSecret(secretIdOf(orgId), value);
    return () => env.sm.setSecret(secretIdOf(orgId), JSON.stringify({ secret_key: orgKey }));
  };

const unavailable = { status: 503, code: 'secret_unavailable', healedKeyKind: 'org' } as const;

const secretsRows: SecretsRow[] = [
  { when: 'Secrets Manager throttles', arrange: smFault('throttle'), ...unavailable },
  { when: 'Secrets Manager answers 500', arrange: smFault('internal'), ...unavailable },
  { when: 'Secrets Manager never answers', arrange: smFault('hang'), ...unavailable },
  { when: 'Secrets Manager resets the connection', arrange: smFault('reset'), ...unavailable },
  { when: 'KMS cannot decrypt the secret', arrange: smFault('decryption-failure'), ...unavailable },
  { when: 'the role may not read the secret', arrange: smFault('access-denied'), ...unavailable },
  {
    when: 'the secret holds JSON without secret_key',
    arrange: (env, orgId) => secretHolding(JSON.stringify({ key: key('misnamed') }))(env, orgId),
    ...unavailable,
  },
  {
    when: 'the secret holds malformed JSON',
    arrange: (env, orgId) => secretHolding(`{"secret_key": "${key('truncated')}`)(env, orgId),
    ...unavailable,
  },
  {
    when: 'the Org has no secret (fallback to the Org 0 key)',
    arrange: (env, orgId) => {
      env.sm.removeSecret(secretIdOf(orgId));
      return () => undefined;
    },
    status: 200,
    healedKeyKind: 'cluster',
  },
];

describe('the token handler under ThoughtSpot and Secrets Manager faults', () => {
  let env: Environment;
  const claims = { email: 'fault@example.com', ts_org: '5' };
  beforeAll(async () => {
    env = await environment({
      clusterKey: CLUSTER_KEY,
      orgKeys: { 5: ORG5_KEY },
      secrets: { 0: CLUSTER_KEY, 5: ORG5_KEY },
      env: { THOUGHTSPOT_TIMEOUT_MS: String(DEADLINE_MS) },
    });
    // Warm: Org 0 and Org 5 keys cached, so ThoughtSpot rows time ThoughtSpot only.
    for (const org of ['0', '5']) {
      expect((await timed(env, { ...claims, ts_org: org })).response.statusCode).toBe(200);
    }
  });
  afterAll(() => env.close());
  beforeEach(() => {
    env.ts.clearFaults();
    env.ts.resetCounters();
    env.sm.setFault(undefined);
  });

  it.each(
    thoughtSpotRows.map((row) => ({ ...row, title: `${row.status} ${row.code ?? 'token'}` })),
  )('answers $title when $when, then recovers', async (row) => {
    env.ts.injectFaults(...row.faults);

    const outcome = await timed(env, claims);

    expectAnswer(env, outcome.response, row);
    expect(outcome.elapsedMs).toBeLessThan(DEADLINE_MS + MARGIN_MS);
    expect(env.ts.requests.filter((request) => request.path.includes('/auth/token/'))).toHaveLength(
      row.attempts,
    );
    const { headers } = outcome.response;
    const retryAfter = headers['Retry-After'] ?? headers['retry-after'];
    expect(retryAfter).toBe(row.retryAfter);
    env.ts.clearFaults();
    await expectRecovery(env, claims, 'org');
  });

  it.each(
    // A fresh Org each row, with its own key, so no cached answer hides the fault.
    secretsRows.map((row, index) => ({
      ...row,
      orgId: 1000 + index,
      title: `${row.status} ${row.code ?? 'token'}`,
    })),
  )('answers $title on a cold Org when $when, then recovers', async ({ orgId, ...row }) => {
    const orgKey = key(`org${orgId}`);
    env.ts.setOrgKey(orgId, orgKey);
    env.sm.setSecret(secretIdOf(orgId), orgKey);
    const heal = row.arrange(env, orgId);
    const coldClaims = { email: `cold${orgId}@example.com`, ts_org: String(orgId) };

    const outcome = await timed(env, coldClaims);

    expectAnswer(env, outcome.response, row);
    const reachesThoughtSpot = row.status === 200 ? DEADLINE_MS : 0;
    expect(outcome.elapsedMs).toBeLessThan(LOOKUP_TIMEOUT_MS + reachesThoughtSpot + MARGIN_MS);
    if (row.status === 200) {
      expect(env.ts.findToken(outcome.response.body)).toMatchObject({
        orgId,
        keyKind: 'cluster',
      });
    } else {
      expect(env.ts.minted).toHaveLength(0);
    }
    heal();
    await expectRecovery(env, coldClaims, row.healedKeyKind);
  });
});

describe('the token handler without fallback to the primary Org', () => {
  let env: Environment;
  beforeAll(async () => {
    env = await environment({
      clusterKey: CLUSTER_KEY,
      secrets: { 0: CLUSTER_KEY },
      env: { THOUGHTSPOT_TIMEOUT_MS: String(DEADLINE_MS), FALLBACK_TO_PRIMARY_ORG: 'false' },
    });
  });
  afterAll(() => env.close());

  it('answers 403 org_not_configured for an Org without a secret, then serves Org 0', async () => {
    const outcome = await timed(env, { email: 'nofallback@example.com', ts_org: '2000' });

    expectAnswer(env, outcome.response, { status: 403, code: 'org_not_configured' });
    expect(outcome.elapsedMs).toBeLessThan(LOOKUP_TIMEOUT_MS + MARGIN_MS);
    expect(env.ts.requests).toHaveLength(0);
    await expectRecovery(env, { email: 'nofallback@example.com', ts_org: '0' }, 'cluster');
  });
});
