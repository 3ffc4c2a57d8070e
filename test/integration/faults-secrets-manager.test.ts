import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SecretsManagerFaultKind } from '../../infra/local/secrets-manager-stand-in.js';
import { type Environment, secretIdOf } from './support/environment.js';
import {
  DEADLINE_MS,
  type Expected,
  expectAnswer,
  LOOKUP_TIMEOUT_MS,
  MARGIN_MS,
  timed,
  watchFaultMatrix,
} from './support/fault-matrix.js';

/**
 * The fault matrix, Secrets Manager's rows: each way reading an Org's secret can fail,
 * each on a cold Org, with the key that serves once the fault heals; and the answer
 * without fallback to Org 0 (support/fault-matrix.ts).
 */

const matrix = watchFaultMatrix();
const key = matrix.key;
const CLUSTER_KEY = matrix.clusterKey;

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

describe('the token handler under Secrets Manager faults', () => {
  let env: Environment;
  beforeAll(async () => {
    env = await matrix.warmEnvironment({ email: 'fault@example.com' });
  });
  afterAll(() => env.close());
  beforeEach(() => {
    env.ts.resetCounters();
    env.sm.setFault(undefined);
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
    await matrix.expectRecovery(env, coldClaims, row.healedKeyKind);
  });
});

describe('the token handler without fallback to the primary Org', () => {
  let env: Environment;
  beforeAll(async () => {
    env = await matrix.environment({
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
    await matrix.expectRecovery(env, { email: 'nofallback@example.com', ts_org: '0' }, 'cluster');
  });
});
