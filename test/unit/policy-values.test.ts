import { describe, expect, it } from 'vitest';
import { tokenValues } from '../../functions/lib/policy-values.js';
import { denial, OPTIONAL, orgPolicy, REQUIRED, SPEC_POLICY } from '../support/org-policies.js';

/** SPEC §7: the values a custom token carries, from the caller's claims under the Org policy. */

describe('tokenValues', () => {
  it("builds SPEC §7's example from API Gateway's claims", () => {
    // Prepare: API Gateway hands list claims over as "[a b]".
    const claims = { region: '[EMEA APAC]', tenant_ids: '[t-1 t-2]', role: 'analyst' };

    // Act
    const values = tokenValues(SPEC_POLICY, claims);

    // Assess
    expect(values).toEqual({
      variable_values: [
        { name: 'region', values: ['EMEA', 'APAC'] },
        { name: 'tenant', values: ['t-1', 't-2'] },
      ],
      filter_rules: [{ column_name: 'Region', operator: 'IN', values: ['EMEA', 'APAC'] }],
    });
  });

  it.each([
    ['one value', 'emea', ['emea']],
    ['a list as API Gateway sends it', '[emea apac]', ['emea', 'apac']],
    ['a JSON-encoded list', '["North America","EMEA"]', ['North America', 'EMEA']],
    ['a real list', ['North America', 'EMEA'], ['North America', 'EMEA']],
    ['a number, as its decimal text', 42, ['42']],
    ['a real list of numbers and text', [7, 'x'], ['7', 'x']],
    ['spaces around a value, kept', '  emea ', ['  emea ']],
    ['only spaces, kept', '   ', ['   ']],
    ['upper and mixed case, kept', 'EmEa', ['EmEa']],
    ['a space inside one value, not split', 'North America', ['North America']],
    ['commas and semicolons, not split', 'a,b;c', ['a,b;c']],
    ['quotes and backslashes', `O'Brien "\\x"`, [`O'Brien "\\x"`]],
    [
      'decomposed and composed accents, not normalised',
      ['e\u0301', '\u00e9'],
      ['e\u0301', '\u00e9'],
    ],
    ['a ligature and a dotted capital I, not folded', ['ﬁ', 'İ'], ['ﬁ', 'İ']],
    ['SQL wildcards, as text', '%_*', ['%_*']],
    [
      'ThoughtSpot\'s "no values" marker, which only narrows',
      'TS_WILDCARD_NONE',
      ['TS_WILDCARD_NONE'],
    ],
    ['the wildcard as part of a longer value', 'TS_WILDCARD_ALL_X', ['TS_WILDCARD_ALL_X']],
    ['repeated items, as sent', ['a', 'a'], ['a', 'a']],
    ['an empty item beside others, as sent', ['', 'a'], ['', 'a']],
  ])('sends %s verbatim to variables and rules alike', (_case, claim, expected) => {
    // Prepare
    const policy = orgPolicy({
      variables: [{ name: 'v', claim: 'c', required: true }],
      filter_rules: [{ column_name: 'Col', operator: 'IN', claim: 'c' }],
    });

    // Act
    const values = tokenValues(policy, { c: claim });

    // Assess
    expect(values).toEqual({
      variable_values: [{ name: 'v', values: expected }],
      filter_rules: [{ column_name: 'Col', operator: 'IN', values: expected }],
    });
  });

  it("reads the backend's attributes exactly as it reads claims", () => {
    // Prepare
    const attributes: Record<string, string | string[]> = {
      region: ['EMEA', 'APAC'],
      tenant_ids: 't-1',
    };

    // Act
    const values = tokenValues(SPEC_POLICY, attributes);

    // Assess
    expect(values).toEqual(
      tokenValues(SPEC_POLICY, { region: '[EMEA APAC]', tenant_ids: 't-1', role: 'analyst' }),
    );
  });

  it('takes a JSON string as one value when told the claims are not API Gateway text', () => {
    const policy = orgPolicy({ variables: [{ name: 'v', claim: 'c' }] });

    expect(tokenValues(policy, { c: '[a b]' }, { textLists: false }).variable_values).toEqual([
      { name: 'v', values: ['[a b]'] },
    ]);
    expect(tokenValues(policy, { c: '[a b]' }).variable_values).toEqual([
      { name: 'v', values: ['a', 'b'] },
    ]);
  });

  it('keeps the policy order, and feeds one claim to every variable and rule that names it', () => {
    // Prepare
    const policy = orgPolicy({
      variables: [
        { name: 'second', claim: 'b' },
        { name: 'first', claim: 'a' },
        { name: 'again', claim: 'b' },
      ],
      filter_rules: [
        { column_name: 'Y', operator: 'NE', claim: 'a' },
        { column_name: 'X', operator: 'EQ', claim: 'b' },
      ],
    });

    // Act
    const values = tokenValues(policy, { a: 'A', b: 'B' });

    // Assess
    expect(values.variable_values).toEqual([
      { name: 'second', values: ['B'] },
      { name: 'first', values: ['A'] },
      { name: 'again', values: ['B'] },
    ]);
    expect(values.filter_rules).toEqual([
      { column_name: 'Y', operator: 'NE', values: ['A'] },
      { column_name: 'X', operator: 'EQ', values: ['B'] },
    ]);
  });
});

describe('tokenValues with claims of another type', () => {
  it.each([
    ['an object', { region: 'emea' }],
    ['a list of objects', [{ region: 'emea' }]],
    ['a nested list', [['emea']]],
    ['a boolean', true],
    ['a number that is not finite', Number.POSITIVE_INFINITY],
  ])('denies %s, naming the claim', (_case, claim) => {
    // Act
    const error = denial(() => tokenValues(REQUIRED, { c: claim }));

    // Assess
    expect(error.message).toBe(
      'The token policy cannot use the "c" claim: it is not text, a number or a list of them.',
    );
  });

  it("denies an optional variable's claim of another type instead of leaving it out", () => {
    expect(denial(() => tokenValues(OPTIONAL, { c: { store: 5 } })).message).toContain('"c"');
  });

  it('denies an all_values_when claim of another type', () => {
    // Act
    const error = denial(() =>
      tokenValues(SPEC_POLICY, { region: 'emea', role: { name: 'analytics_admin' } }),
    );

    // Assess
    expect(error.message).toContain('"role" claim');
  });
});
