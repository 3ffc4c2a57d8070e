import { describe, expect, it } from 'vitest';
import { tokenValues } from '../../functions/lib/policy-values.js';
import { denial, orgPolicy, REQUIRED, RULE } from '../support/org-policies.js';

/** SPEC §7: what a missing or empty claim does to a required variable, an optional one and a rule. */

describe('tokenValues with missing and empty claims', () => {
  it.each([
    ['absent', {}],
    ['null', { c: null }],
    ['an empty string', { c: '' }],
    ['an empty list from API Gateway', { c: '[]' }],
    ['a list of blanks from API Gateway', { c: '[ ]' }],
    ['an empty real list', { c: [] }],
    ['a list of empty strings', { c: ['', ''] }],
    ['a JSON list of one empty string', { c: '[""]' }],
  ])('denies a required variable whose claim is %s, naming the claim', (_case, claims) => {
    // Act
    const error = denial(() => tokenValues(REQUIRED, claims));

    // Assess
    expect(error.status).toBe(403);
    expect(error.code).toBe('policy_denied');
    expect(error.message).toBe(
      'The token policy requires the "c" claim, which is missing or empty.',
    );
  });

  it.each([
    ['absent', {}],
    ['empty', { c: '' }],
    ['an empty list', { c: [] }],
  ])("denies a filter rule whose claim is %s: a rule's claim is always required", (_c, claims) => {
    expect(denial(() => tokenValues(RULE, claims)).message).toContain('"c" claim');
  });

  it.each([
    ['absent', {}],
    ['empty', { c: '' }],
    ['an empty list', { c: '[]' }],
  ])('leaves out an optional variable whose claim is %s', (_case, claims) => {
    // Prepare
    const policy = orgPolicy({
      variables: [
        { name: 'store', claim: 'c' },
        { name: 'region', claim: 'region', required: true },
      ],
    });

    // Act
    const values = tokenValues(policy, { ...claims, region: 'emea' });

    // Assess
    expect(values).toEqual({
      variable_values: [{ name: 'region', values: ['emea'] }],
      filter_rules: [],
    });
  });

  it('denies a filter rule whose claim also feeds an optional variable', () => {
    // Prepare
    const policy = orgPolicy({
      variables: [{ name: 'region', claim: 'region' }],
      filter_rules: [{ column_name: 'Region', operator: 'IN', claim: 'region' }],
    });

    // Act, Assess
    expect(denial(() => tokenValues(policy, {})).message).toContain('"region"');
  });

  it.each(['constructor', '__proto__', 'toString'])(
    'reads a claim named %s only from the claims themselves',
    (claim) => {
      // Prepare
      const policy = orgPolicy({ variables: [{ name: 'v', claim, required: true }] });

      // Act
      const error = denial(() => tokenValues(policy, {}));

      // Assess
      expect(error.message).toBe(
        `The token policy requires the "${claim}" claim, which is missing or empty.`,
      );
    },
  );
});
