import { describe, expect, it } from 'vitest';
import type { OrgPolicy } from '../../functions/lib/policy-schema.js';
import { tokenValues } from '../../functions/lib/policy-values.js';
import {
  denial,
  OPTIONAL,
  orgPolicy,
  REQUIRED,
  RULE,
  SPEC_POLICY,
} from '../support/org-policies.js';

/** SPEC §7: the wildcard, only when all_values_when matches, never from a claim. */

describe('tokenValues when all_values_when matches', () => {
  it('gives every variable and rule the wildcard, without checking required claims', () => {
    // Act
    const values = tokenValues(SPEC_POLICY, { role: 'analytics_admin' });

    // Assess
    expect(values).toEqual({
      variable_values: [
        { name: 'region', values: ['TS_WILDCARD_ALL'] },
        { name: 'tenant', values: ['TS_WILDCARD_ALL'] },
      ],
      filter_rules: [{ column_name: 'Region', operator: 'IN', values: ['TS_WILDCARD_ALL'] }],
    });
  });

  it('gives the wildcard in place of the claims a matching caller also has', () => {
    // Act
    const values = tokenValues(SPEC_POLICY, { role: 'analytics_admin', region: 'emea' });

    // Assess
    expect(values.variable_values.flatMap((variable) => variable.values)).toEqual([
      'TS_WILDCARD_ALL',
      'TS_WILDCARD_ALL',
    ]);
    expect(values.filter_rules[0]?.values).toEqual(['TS_WILDCARD_ALL']);
  });

  it('matches a number claim by its decimal text, like every claim', () => {
    // Prepare
    const policy = orgPolicy({ ...OPTIONAL, all_values_when: { claim: 'level', equals: '9' } });

    // Act, Assess
    expect(tokenValues(policy, { level: 9 }).variable_values).toEqual([
      { name: 'v', values: ['TS_WILDCARD_ALL'] },
    ]);
  });

  it.each([
    ['in another case', 'Analytics_Admin'],
    ['with a leading space', ' analytics_admin'],
    ['with a trailing newline', 'analytics_admin\n'],
    ['as a one-item list from API Gateway', '[analytics_admin]'],
    ['as a list from API Gateway', '[analytics_admin analyst]'],
    ['as a JSON-encoded list', '["analytics_admin"]'],
    ['as a real one-item list', ['analytics_admin']],
    ['as a prefix', 'analytics_admin_2'],
    ['empty', ''],
  ])('does not match a claim %s: the policy applies as usual', (_case, role) => {
    // Act
    const values = tokenValues(SPEC_POLICY, { role, region: 'emea' });

    // Assess
    expect(values.filter_rules).toEqual([
      { column_name: 'Region', operator: 'IN', values: ['emea'] },
    ]);
    expect(JSON.stringify(values)).not.toContain('TS_WILDCARD_ALL');
  });

  it('never matches a list, even for a policy built without the schema', () => {
    // Prepare: the schema refuses a list-shaped `equals`; the values builder does not rely on it.
    const policy: OrgPolicy = {
      persist_option: 'REPLACE',
      variables: [{ name: 'v', claim: 'c', required: false }],
      all_values_when: { claim: 'role', equals: '[admin]' },
    };

    // Act
    const values = tokenValues(policy, { role: '[admin]', c: 'emea' });

    // Assess
    expect(values.variable_values).toEqual([{ name: 'v', values: ['emea'] }]);
  });

  it('does not match, so a required claim is still required', () => {
    expect(denial(() => tokenValues(SPEC_POLICY, { role: 'Analytics_Admin' })).message).toBe(
      'The token policy requires the "region" claim, which is missing or empty.',
    );
  });
});

describe('tokenValues with the wildcard in a claim', () => {
  it.each([
    ['exactly', 'TS_WILDCARD_ALL'],
    ['in lower case', 'ts_wildcard_all'],
    ['in mixed case', 'Ts_WildCard_aLL'],
    ['padded with spaces', ' TS_WILDCARD_ALL '],
    ['with a dotless i that upper-cases to I', 'ts_wıldcard_all'],
    ['inside an API Gateway list', '[emea ts_wildcard_all]'],
    ['inside a JSON-encoded list', '["emea","TS_WILDCARD_ALL"]'],
    ['inside a real list', ['emea', 'tS_wIlDcArD_aLl']],
  ])('is denied %s, naming the claim', (_case, claim) => {
    // Act
    const error = denial(() => tokenValues(REQUIRED, { c: claim }));

    // Assess
    expect(error.message).toBe(
      'The "c" claim holds the all-values wildcard, which only the token policy may grant.',
    );
  });

  it.each([
    ['an optional variable', OPTIONAL],
    ['a filter rule', RULE],
  ])('is denied when it feeds %s', (_case, policy) => {
    expect(denial(() => tokenValues(policy, { c: 'ts_wildcard_all' })).message).toContain(
      '"c" claim holds the all-values wildcard',
    );
  });

  it('is denied in the all_values_when claim', () => {
    expect(
      denial(() => tokenValues(SPEC_POLICY, { region: 'emea', role: 'TS_WILDCARD_ALL' })).message,
    ).toContain('"role" claim holds');
  });

  it('is denied even when all_values_when matched', () => {
    expect(
      denial(() =>
        tokenValues(SPEC_POLICY, { role: 'analytics_admin', tenant_ids: 'ts_wildcard_all' }),
      ).message,
    ).toContain('"tenant_ids" claim holds');
  });

  it('is ignored in a claim the policy does not read', () => {
    // Act
    const values = tokenValues(REQUIRED, { c: 'emea', other: 'TS_WILDCARD_ALL' });

    // Assess
    expect(values.variable_values).toEqual([{ name: 'v', values: ['emea'] }]);
  });
});

it.each([
  ['a wrong type', { c: { value: 'Secret-Region-7f3a' } }],
  ['the wildcard beside a value', { c: ['Secret-Region-7f3a', 'ts_wildcard_all'] }],
  ['an all_values_when miss and a missing claim', { role: 'Secret-Region-7f3a' }],
])('never puts a claim value in a denial (%s)', (_case, claims) => {
  // Prepare
  const policy = orgPolicy({
    ...REQUIRED,
    all_values_when: { claim: 'role', equals: 'admin' },
  });

  // Act
  const error = denial(() => tokenValues(policy, claims));

  // Assess
  expect(error.message.toLowerCase()).not.toContain('secret-region-7f3a');
  expect(error.message.toLowerCase()).not.toContain('ts_wildcard_all');
});

it('gives each variable and rule its own list, even when they share a claim', () => {
  // Prepare
  const policy = orgPolicy({
    variables: [{ name: 'v', claim: 'c' }],
    filter_rules: [{ column_name: 'Col', operator: 'IN', claim: 'c' }],
  });
  const values = tokenValues(policy, { c: ['emea'] });

  // Act
  values.variable_values[0]?.values.push('apac');

  // Assess
  expect(values.filter_rules[0]?.values).toEqual(['emea']);
});
