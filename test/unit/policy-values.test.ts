import { describe, expect, it } from 'vitest';
import { PolicyDeniedError } from '../../functions/lib/errors.js';
import { type OrgPolicy, parseTokenPolicy, policyFor } from '../../functions/lib/policy-schema.js';
import { tokenValues } from '../../functions/lib/policy-values.js';
import { thrownAs } from '../support/errors.js';

/** An Org policy as TOKEN_POLICY would give it: parsed by the real schema, defaults filled in. */
function orgPolicy(policy: unknown): OrgPolicy {
  const parsed = policyFor(parseTokenPolicy(JSON.stringify({ default: policy })), 0);
  if (parsed === undefined) throw new Error('expected a policy');
  return parsed;
}

/** SPEC §7's example default policy. */
const SPEC_POLICY = orgPolicy({
  variables: [
    { name: 'region', claim: 'region', required: true },
    { name: 'tenant', claim: 'tenant_ids' },
  ],
  filter_rules: [{ column_name: 'Region', operator: 'IN', claim: 'region' }],
  all_values_when: { claim: 'role', equals: 'analytics_admin' },
});

/** One required variable `v` fed by claim `c`. */
const REQUIRED = orgPolicy({ variables: [{ name: 'v', claim: 'c', required: true }] });
/** One optional variable `v` fed by claim `c`. */
const OPTIONAL = orgPolicy({ variables: [{ name: 'v', claim: 'c' }] });
/** One filter rule on column `Col` fed by claim `c`. */
const RULE = orgPolicy({ filter_rules: [{ column_name: 'Col', operator: 'EQ', claim: 'c' }] });

/** The PolicyDeniedError `act` throws; fails the test if it throws anything else or nothing. */
const denial = (act: () => unknown) => thrownAs(PolicyDeniedError, act);

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

  describe('missing and empty claims', () => {
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
    ])(
      "denies a filter rule whose claim is %s: a rule's claim is always required",
      (_c, claims) => {
        expect(denial(() => tokenValues(RULE, claims)).message).toContain('"c" claim');
      },
    );

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

  describe('claims of another type', () => {
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

  describe('all_values_when', () => {
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

  describe('the wildcard from a claim', () => {
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
});
