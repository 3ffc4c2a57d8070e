import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFreshHandler } from '../../infra/local/fresh-handler.js';
import { httpApiEvent, lambdaContext } from '../../infra/local/lambda-events.js';
import { secretIdOf } from '../../infra/local/local-settings.js';
import { type BothStandIns, startStandIns } from '../../infra/local/stand-ins.js';
import { captureOutput } from '../integration/support/output-capture.js';
import { fakeKey } from '../support/fixtures.js';
import { orgPolicy } from '../support/org-policies.js';
import { contractViolation } from './support/contract.js';
import * as arb from './support/policy-arbitraries.js';
import { specTokenValues } from './support/spec-policy.js';

/**
 * SPEC §7 through the whole handler: for generated policies (each a cold start with its
 * TOKEN_POLICY) and generated claims, the custom request that reaches ThoughtSpot carries
 * exactly the claim values the policy names (as restated from the spec in
 * spec-policy.ts), the wildcard only when all_values_when matched, and no request goes
 * out at all when a required claim is missing.
 */

const RUNS = 150;
const output = captureOutput();
const CLUSTER_KEY = fakeKey('cluster');

describe('custom tokens from generated policies and claims, through the handler', () => {
  let standIns: BothStandIns;
  beforeAll(async () => {
    standIns = await startStandIns({
      keys: { clusterKey: CLUSTER_KEY, orgKeys: {}, secrets: { [secretIdOf(0)]: CLUSTER_KEY } },
    });
  });
  afterAll(async () => {
    output.stop();
    await standIns.close();
  });

  it('send exactly the values SPEC §7 names, or nothing at all', async () => {
    const tally = { sent: 0, denied: 0, allValues: 0 };
    await fc.assert(
      fc.asyncProperty(arb.policyCase(arb.GATEWAY_FORMS), async (generated) => {
        const expected = specTokenValues(orgPolicy(generated.policy), generated.intended);
        const { handler, restoreEnv } = await loadFreshHandler({
          ...standIns.functionEnv,
          TOKEN_POLICY: JSON.stringify({ default: generated.policy }),
        });
        const ts = standIns.thoughtSpot;
        ts.resetCounters();
        try {
          const response = await handler(
            httpApiEvent({
              routeKey: 'GET /token',
              claims: { email: 'ada@example.com', ...generated.claims } as never,
            }),
            lambdaContext(),
          );
          expect(contractViolation(response)).toBeUndefined();
          if (expected.kind === 'denied') {
            tally.denied += 1;
            expect(response.statusCode).toBe(403);
            expect(JSON.parse(response.body).error.code).toBe('policy_denied');
            expect(ts.requests).toEqual([]);
            return;
          }
          tally.sent += 1;
          if (expected.allValues) tally.allValues += 1;
          expect(response.statusCode).toBe(200);
          expect(ts.requests).toHaveLength(1);
          const sent = ts.requests[0]?.body ?? {};
          expect(sent.variable_values).toEqual(expected.variable_values);
          expect(sent.filter_rules).toEqual(expected.filter_rules);
          const entries = [sent.variable_values, sent.filter_rules].flat() as {
            values: string[];
          }[];
          const values = entries.flatMap((entry) => entry.values);
          const wildcards = values.some((value) => value.toUpperCase() === 'TS_WILDCARD_ALL');
          expect(wildcards).toBe(expected.allValues);
        } finally {
          restoreEnv();
        }
      }),
      { numRuns: RUNS },
    );
    process.stdout.write(`policy through the handler: ${JSON.stringify(tally)}\n`);
    // Not vacuous: every outcome happened.
    expect(tally.sent).toBeGreaterThan(10);
    expect(tally.denied).toBeGreaterThan(10);
    expect(tally.allValues).toBeGreaterThan(0);
  });
});
