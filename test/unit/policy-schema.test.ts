import { describe, expect, it } from 'vitest';
import {
  FILTER_OPERATORS,
  parseTokenPolicy,
  policyFor,
  TokenPolicyError,
} from '../../functions/lib/policy-schema.js';
import { thrownAs } from '../support/errors.js';
import { SPEC_EXAMPLE } from '../support/org-policies.js';

const STORE = { variables: [{ name: 'store', claim: 'store_id' }] };

/** The custom token's filter_rules operators as THOUGHTSPOT-FACTS §1.3 lists them, in order. */
const THOUGHTSPOT_OPERATORS = [
  ...['EQ', 'NE', 'LT', 'LE', 'GT', 'GE', 'IN', 'BW'],
  ...['CONTAINS', 'BEGINS_WITH', 'ENDS_WITH'],
  ...['BW_INC', 'BW_INC_MIN', 'BW_INC_MAX', 'LIKE', 'NOT_IN'],
];

/** The message parseTokenPolicy throws for `policy` (JSON text or a value to stringify). */
function policyError(policy: unknown): string {
  const json = typeof policy === 'string' ? policy : JSON.stringify(policy);
  return thrownAs(TokenPolicyError, () => parseTokenPolicy(json)).message;
}

/** A policy whose only Org policy, for Org 5, is `orgPolicy`. */
const org5 = (orgPolicy: unknown) => ({ orgs: { '5': orgPolicy } });

describe('parseTokenPolicy', () => {
  it('reads SPEC §7 example, filling in the defaults', () => {
    // Act
    const policy = parseTokenPolicy(JSON.stringify(SPEC_EXAMPLE));

    // Assess
    expect(policy).toEqual({
      default: {
        persist_option: 'REPLACE',
        variables: [
          { name: 'region', claim: 'region', required: true },
          { name: 'tenant', claim: 'tenant_ids', required: false },
        ],
        filter_rules: [{ column_name: 'Region', operator: 'IN', claim: 'region' }],
        all_values_when: { claim: 'role', equals: 'analytics_admin' },
      },
      orgs: {
        '5': {
          persist_option: 'REPLACE',
          variables: [{ name: 'store', claim: 'store_id', required: true }],
        },
      },
    });
  });

  it.each([
    ['unset', undefined],
    ['empty, as shells and serverless pass an unset value', ''],
  ])('returns no policy when TOKEN_POLICY is %s', (_case, json) => {
    expect(parseTokenPolicy(json)).toBeUndefined();
  });

  it('keeps APPEND', () => {
    // Act
    const policy = parseTokenPolicy(JSON.stringify(org5({ ...STORE, persist_option: 'APPEND' })));

    // Assess
    expect(policy?.orgs?.['5']?.persist_option).toBe('APPEND');
  });

  it('accepts a policy of filter rules only, with every ThoughtSpot operator', () => {
    // Prepare
    const filter_rules = FILTER_OPERATORS.map((operator) => ({
      column_name: 'Region',
      operator,
      claim: 'region',
    }));

    // Act
    const policy = parseTokenPolicy(JSON.stringify({ default: { filter_rules } }));

    // Assess
    expect(policy?.default?.filter_rules?.map((rule) => rule.operator)).toEqual(
      THOUGHTSPOT_OPERATORS,
    );
  });

  it('keeps names as written: spaces, case and Unicode untouched', () => {
    // Prepare
    const variable = { name: ' Store Id ', claim: 'custom:Store_ID', required: false };

    // Act
    const policy = parseTokenPolicy(JSON.stringify(org5({ variables: [variable] })));

    // Assess
    expect(policy?.orgs?.['5']?.variables).toEqual([variable]);
  });

  it.each(['0', '5', '583464508', '2147483647'])('accepts Org key "%s"', (key) => {
    expect(
      Object.keys(parseTokenPolicy(JSON.stringify({ orgs: { [key]: STORE } }))?.orgs ?? {}),
    ).toEqual([key]);
  });

  it.each([
    ['a name', 'acme'],
    ['a leading zero, which no Org id prints as', '05'],
    ['a sign', '-1'],
    ['a decimal', '5.0'],
    ['spaces', ' 5'],
    ['a number past the Org id range', '2147483648'],
    ['an empty key', ''],
  ])('refuses an Org key with %s, quoting the key', (_case, key) => {
    expect(policyError({ orgs: { [key]: STORE } })).toBe(
      `TOKEN_POLICY orgs key ${JSON.stringify(key)} must be an Org id: an integer from 0 to 2147483647, without leading zeros`,
    );
  });

  it.each([
    ['NONE', 'must be REPLACE or APPEND (NONE cannot carry variable values)'],
    ['RESET', 'must be REPLACE or APPEND (RESET cannot carry variable values)'],
    ['replace', 'must be REPLACE or APPEND'],
    [true, 'must be REPLACE or APPEND'],
  ])('refuses persist_option %j', (persist_option, message) => {
    expect(policyError(org5({ ...STORE, persist_option }))).toBe(
      `TOKEN_POLICY orgs.5.persist_option ${message}`,
    );
  });

  it.each([
    ['an empty claim', { name: 'store', claim: '' }, 'claim must be a non-empty string'],
    ['a claim that is a number', { name: 'store', claim: 5 }, 'claim must be a non-empty string'],
    ['no claim', { name: 'store' }, 'claim is required'],
    ['an empty name', { name: '', claim: 'store_id' }, 'name must be a non-empty string'],
    ['no name', { claim: 'store_id' }, 'name is required'],
    [
      'required as text',
      { name: 'store', claim: 'store_id', required: 'true' },
      'required must be true or false',
    ],
  ])('refuses a variable with %s, naming the field', (_case, variable, message) => {
    expect(policyError(org5({ variables: [variable] }))).toBe(
      `TOKEN_POLICY orgs.5.variables.0.${message}`,
    );
  });

  it.each([
    [
      'an operator in lower case',
      { column_name: 'Region', operator: 'in', claim: 'region' },
      `operator must be one of ${FILTER_OPERATORS.join(', ')}`,
    ],
    ['no operator', { column_name: 'Region', claim: 'region' }, 'operator is required'],
    [
      'an empty column name',
      { column_name: '', operator: 'EQ', claim: 'region' },
      'column_name must be a non-empty string',
    ],
    ['no claim', { column_name: 'Region', operator: 'EQ' }, 'claim is required'],
  ])('refuses a filter rule with %s, naming the field', (_case, rule, message) => {
    expect(policyError({ default: { filter_rules: [rule] } })).toBe(
      `TOKEN_POLICY default.filter_rules.0.${message}`,
    );
  });

  it("refuses `required` on a filter rule: a rule's claim is always required", () => {
    // Prepare
    const rule = { column_name: 'Region', operator: 'IN', claim: 'region', required: false };

    // Act
    const message = policyError({ default: { filter_rules: [rule] } });

    // Assess
    expect(message).toBe('TOKEN_POLICY default.filter_rules.0 has unknown field(s) "required"');
  });

  it.each([
    [
      'at the top',
      { ...SPEC_EXAMPLE, defaults: {} },
      'TOKEN_POLICY has unknown field(s) "defaults"',
    ],
    [
      'in an Org policy',
      org5({ ...STORE, variable: [] }),
      'TOKEN_POLICY orgs.5 has unknown field(s) "variable"',
    ],
    [
      'in a variable',
      org5({ variables: [{ name: 'store', claim: 'store_id', require: true }] }),
      'TOKEN_POLICY orgs.5.variables.0 has unknown field(s) "require"',
    ],
    [
      'in all_values_when',
      org5({ ...STORE, all_values_when: { claim: 'role', equals: 'admin', trim: true } }),
      'TOKEN_POLICY orgs.5.all_values_when has unknown field(s) "trim"',
    ],
  ])('refuses an unknown field %s', (_case, policy, message) => {
    expect(policyError(policy)).toBe(message);
  });

  it.each([
    ['no variables or rules', {}],
    ['empty lists', { variables: [], filter_rules: [] }],
    ['only all_values_when', { all_values_when: { claim: 'role', equals: 'admin' } }],
  ])('refuses an Org policy with %s', (_case, orgPolicy) => {
    expect(policyError(org5(orgPolicy))).toBe(
      'TOKEN_POLICY orgs.5 must have at least one variable or filter rule',
    );
  });

  it('refuses two variables of one name', () => {
    // Prepare
    const variables = [
      { name: 'store', claim: 'store_id' },
      { name: 'region', claim: 'region' },
      { name: 'store', claim: 'shop_id' },
    ];

    // Act
    const message = policyError(org5({ variables }));

    // Assess
    expect(message).toBe('TOKEN_POLICY orgs.5.variables.2.name must differ from variables.0.name');
  });

  it.each([
    ['TS_WILDCARD_ALL', 'must not be TS_WILDCARD_ALL (a claim holding it is always denied)'],
    ['ts_Wildcard_All', 'must not be TS_WILDCARD_ALL (a claim holding it is always denied)'],
    ['[admin]', 'must not look like a list ("[...]"): a list claim never matches'],
    ['', 'must be a non-empty string'],
  ])('refuses all_values_when.equals %j', (equals, message) => {
    expect(policyError(org5({ ...STORE, all_values_when: { claim: 'role', equals } }))).toBe(
      `TOKEN_POLICY orgs.5.all_values_when.equals ${message}`,
    );
  });

  it.each([
    ['text that is not JSON', '{"default":', 'TOKEN_POLICY is not valid JSON'],
    ['a list', '[]', 'TOKEN_POLICY must be an object'],
    ['null', 'null', 'TOKEN_POLICY must be an object'],
    ['orgs as a list', '{"orgs":[]}', 'TOKEN_POLICY orgs must be an object of Org id to policy'],
    [
      'variables as an object',
      '{"default":{"variables":{}}}',
      'TOKEN_POLICY default.variables must be a list',
    ],
  ])('refuses %s', (_case, json, message) => {
    expect(policyError(json)).toBe(message);
  });

  it('names every problem, in one message', () => {
    // Prepare
    const policy = {
      default: { persist_option: 'NONE', variables: [{ name: 'region', claim: '' }] },
      orgs: { '5': { filter_rules: [{ column_name: 'Store', operator: 'EQ' }] } },
    };

    // Act
    const message = policyError(policy);

    // Assess
    expect(message.split('; ')).toEqual([
      'TOKEN_POLICY default.persist_option must be REPLACE or APPEND (NONE cannot carry variable values)',
      'TOKEN_POLICY default.variables.0.claim must be a non-empty string',
      'TOKEN_POLICY orgs.5.filter_rules.0.claim is required',
    ]);
  });

  describe('keeps the message short however much is wrong and however long the names', () => {
    const longNames = Array.from({ length: 50 }, (_, index) => `${'x'.repeat(1000)}${index}`);
    const cutShort = '"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"';

    it('for 50 unknown fields', () => {
      // Act
      const message = policyError(Object.fromEntries(longNames.map((name) => [name, 1])));

      // Assess: the first five names, each cut short, and a count of the rest.
      expect(message).toBe(
        `TOKEN_POLICY has unknown field(s) ${Array(5).fill(cutShort).join(', ')} (and 45 more)`,
      );
    });

    it('for 50 bad Org keys', () => {
      // Act
      const message = policyError({
        orgs: Object.fromEntries(longNames.map((key) => [key, STORE])),
      });

      // Assess
      expect(message.length).toBeLessThan(1000);
      expect(message.split('; ')).toHaveLength(5);
      expect(message).toContain(`TOKEN_POLICY orgs key ${cutShort} must be an Org id`);
      expect(message).toMatch(/ \(and 45 more\)$/);
      expect(message).not.toContain('x'.repeat(41));
    });
  });
});

describe('policyFor', () => {
  const policy = parseTokenPolicy(JSON.stringify(SPEC_EXAMPLE));

  it('gives an Org its own policy, replacing the default rather than merging with it', () => {
    expect(policyFor(policy, 5)).toEqual({
      persist_option: 'REPLACE',
      variables: [{ name: 'store', claim: 'store_id', required: true }],
    });
  });

  it('gives any other Org the default', () => {
    expect(policyFor(policy, 0)).toBe(policy?.default);
    expect(policyFor(policy, 583464508)).toBe(policy?.default);
  });

  it('gives no policy to an Org with neither', () => {
    // Prepare
    const onlyOrg5 = parseTokenPolicy(JSON.stringify(org5(STORE)));

    // Act, Assess
    expect(policyFor(onlyOrg5, 5)).toBe(onlyOrg5?.orgs?.['5']);
    expect(policyFor(onlyOrg5, 5)).toMatchObject(STORE);
    expect(policyFor(onlyOrg5, 0)).toBeUndefined();
    expect(policyFor(undefined, 5)).toBeUndefined();
  });
});
