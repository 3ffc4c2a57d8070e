import { PolicyDeniedError } from '../../functions/lib/errors.js';
import { type OrgPolicy, parseTokenPolicy, policyFor } from '../../functions/lib/policy-schema.js';
import { thrownAs } from './errors.js';

/** Org policies for the token-values tests, made the way TOKEN_POLICY makes them. */

/** An Org policy as TOKEN_POLICY would give it: parsed by the real schema, defaults filled in. */
export function orgPolicy(policy: unknown): OrgPolicy {
  const parsed = policyFor(parseTokenPolicy(JSON.stringify({ default: policy })), 0);
  if (parsed === undefined) throw new Error('expected a policy');
  return parsed;
}

/** SPEC §7's example TOKEN_POLICY, as written there. */
export const SPEC_EXAMPLE = {
  default: {
    persist_option: 'REPLACE',
    variables: [
      { name: 'region', claim: 'region', required: true },
      { name: 'tenant', claim: 'tenant_ids' },
    ],
    filter_rules: [{ column_name: 'Region', operator: 'IN', claim: 'region' }],
    all_values_when: { claim: 'role', equals: 'analytics_admin' },
  },
  orgs: { '5': { variables: [{ name: 'store', claim: 'store_id', required: true }] } },
};

/** SPEC §7's example default policy. */
export const SPEC_POLICY = orgPolicy(SPEC_EXAMPLE.default);

/** One required variable `v` fed by claim `c`. */
export const REQUIRED = orgPolicy({ variables: [{ name: 'v', claim: 'c', required: true }] });
/** One optional variable `v` fed by claim `c`. */
export const OPTIONAL = orgPolicy({ variables: [{ name: 'v', claim: 'c' }] });
/** One filter rule on column `Col` fed by claim `c`. */
export const RULE = orgPolicy({
  filter_rules: [{ column_name: 'Col', operator: 'EQ', claim: 'c' }],
});

/** The PolicyDeniedError `act` throws; fails the test if it throws anything else or nothing. */
export const denial = (act: () => unknown) => thrownAs(PolicyDeniedError, act);
