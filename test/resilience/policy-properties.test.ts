import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PolicyDeniedError } from '../../functions/lib/errors.js';
import type { OrgPolicy } from '../../functions/lib/policy-schema.js';
import { type TokenValues, tokenValues } from '../../functions/lib/policy-values.js';
import { orgPolicy } from '../support/org-policies.js';
import * as arb from './support/policy-arbitraries.js';
import { looksLikeWildcard, type SpecOutcome, specTokenValues } from './support/spec-policy.js';

/**
 * SPEC §7 as properties over generated policies and claims, on the pure values builder:
 * what is sent is exactly the claim values the policy names, nothing else; the wildcard
 * only when all_values_when matched; a denial whenever a required claim is missing, and
 * a denial names a claim, never a value.
 */

const RUNS = 3000;

/**
 * The Org policy that TOKEN_POLICY `{ "default": policy }` gives Org 0, through the real
 * schema, and what SPEC §7 says the claims should produce under it.
 */
function prepare(generated: arb.PolicyCase): { policy: OrgPolicy; expected: SpecOutcome } {
  const policy = orgPolicy(generated.policy);
  return { policy, expected: specTokenValues(policy, generated.intended) };
}

type Actual = { kind: 'sent'; values: TokenValues } | { kind: 'denied'; error: PolicyDeniedError };

function act(policy: OrgPolicy, claims: Record<string, unknown>): Actual {
  try {
    return { kind: 'sent', values: tokenValues(policy, claims) };
  } catch (error) {
    if (error instanceof PolicyDeniedError) return { kind: 'denied', error };
    throw error;
  }
}

const everyValue = (values: TokenValues) => [
  ...values.variable_values.flatMap((variable) => variable.values),
  ...values.filter_rules.flatMap((rule) => rule.values),
];

const OUTCOMES = ['sent: claim values', 'sent: all values', 'denied: missing', 'denied: refused'];

const outcomeName = (expected: SpecOutcome) => {
  if (expected.kind === 'denied')
    return expected.requiredMissing ? 'denied: missing' : 'denied: refused';
  return expected.allValues ? 'sent: all values' : 'sent: claim values';
};

describe.each([
  ['claims in every form', arb.CLAIM_FORMS],
  ["API Gateway's claims", arb.GATEWAY_FORMS],
  ["the backend's attributes", arb.ATTRIBUTE_FORMS],
])('token values from %s', (source, forms) => {
  const input = arb.policyCase(forms);

  it('are exactly the claim values the policy names, or a denial, as SPEC §7 says', () => {
    const tally = new Map<string, number>();
    fc.assert(
      fc.property(input, (generated) => {
        // Prepare
        const { policy, expected } = prepare(generated);
        const outcome = outcomeName(expected);
        tally.set(outcome, (tally.get(outcome) ?? 0) + 1);

        // Act
        const actual = act(policy, generated.claims);

        // Assess
        expect(actual.kind).toBe(expected.kind);
        if (actual.kind === 'sent' && expected.kind === 'sent') {
          expect(actual.values).toEqual({
            variable_values: expected.variable_values,
            filter_rules: expected.filter_rules,
          });
        }
      }),
      { numRuns: RUNS },
    );
    process.stdout.write(`${source}: ${JSON.stringify(Object.fromEntries(tally))}\n`);
    // Not vacuous: every outcome happened many times.
    for (const outcome of OUTCOMES) expect(tally.get(outcome) ?? 0, outcome).toBeGreaterThan(50);
  });

  it('never carry the wildcard unless all_values_when matched, and then carry only it', () => {
    fc.assert(
      fc.property(input, (generated) => {
        // Prepare
        const { policy, expected } = prepare(generated);

        // Act
        const actual = act(policy, generated.claims);

        // Assess
        if (actual.kind !== 'sent') return;
        const sent = everyValue(actual.values);
        if (expected.kind === 'sent' && expected.allValues) {
          expect(new Set(sent)).toEqual(new Set(['TS_WILDCARD_ALL']));
        } else {
          expect(sent.filter(looksLikeWildcard)).toEqual([]);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('are denied whenever a required or filter-rule claim is missing and no wildcard applies', () => {
    fc.assert(
      fc.property(input, (generated) => {
        // Prepare
        const { policy, expected } = prepare(generated);
        fc.pre(expected.kind === 'denied' && expected.requiredMissing);

        // Act
        const actual = act(policy, generated.claims);

        // Assess
        expect(actual.kind).toBe('denied');
      }),
      { numRuns: RUNS },
    );
  });

  it('are denied with a message that names a claim, never a value', () => {
    fc.assert(
      fc.property(input, (generated) => {
        // Prepare
        const { policy, expected } = prepare(generated);
        fc.pre(expected.kind === 'denied');

        // Act
        const actual = act(policy, generated.claims);

        // Assess
        if (actual.kind !== 'denied' || expected.kind !== 'denied') {
          throw new Error('expected a denial');
        }
        const { message } = actual.error;
        const named = [...expected.claims].filter((claim) =>
          message.includes(JSON.stringify(claim)),
        );
        expect(named).not.toEqual([]);
        const markers = Object.values(generated.intended).flatMap((meant) =>
          meant.kind === 'values' ? meant.values.filter((value) => arb.MARKER.test(value)) : [],
        );
        for (const value of markers) expect(message).not.toContain(value);
        expect(message.toLowerCase()).not.toContain('ts_wildcard_all');
      }),
      { numRuns: RUNS },
    );
  });
});
