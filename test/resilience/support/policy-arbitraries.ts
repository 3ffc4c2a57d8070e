import * as fc from 'fast-check';

/**
 * Generators for token-policy properties: Org policies as an infra team would write them
 * (JSON, before the schema), and claims whose intended values are known by construction,
 * so a test can compare what is sent against what the caller's token meant, without
 * reading the claims back through the code under test. Shared by the pure property test
 * and by tests through the whole handler.
 */

/** The claim names policies and claims draw from: a small pool, so that they meet. */
export const CLAIM_NAMES = [
  'region',
  'tenant_ids',
  'store_id',
  'role',
  'custom:tier',
  'constructor',
];

/** The values an all_values_when may name; claims are biased towards them and near misses. */
export const ALL_VALUES_EQUALS = ['admin', 'analytics_admin'];

const OPERATORS = ['EQ', 'NE', 'IN', 'NOT_IN', 'CONTAINS', 'BEGINS_WITH', 'LIKE', 'BW_INC'];

/** What a claim means, whatever its encoding. `single`: it is one string (or number). */
export type Intended =
  | { kind: 'absent' }
  | { kind: 'wrong_type' }
  | { kind: 'values'; values: string[]; single?: string };

/** How a claim reaches the function. */
export type ClaimForm =
  | 'absent'
  | 'null'
  | 'single'
  | 'number'
  | 'gateway-list'
  | 'json-list'
  | 'array'
  | 'mixed-array'
  | 'wrong-type';

export const CLAIM_FORMS: readonly ClaimForm[] = [
  'absent',
  'null',
  'single',
  'number',
  'gateway-list',
  'json-list',
  'array',
  'mixed-array',
  'wrong-type',
];
/** What API Gateway's JWT authorizer hands over: every claim as text. */
export const GATEWAY_FORMS: readonly ClaimForm[] = [
  'absent',
  'single',
  'gateway-list',
  'json-list',
];
/** What POST /backend/token's `attributes` may hold: strings and lists of strings. */
export const ATTRIBUTE_FORMS: readonly ClaimForm[] = ['absent', 'single', 'array'];

export interface GeneratedClaim {
  form: ClaimForm;
  /** The claim as the function gets it; undefined with form "absent" (the key is left out). */
  encoded: unknown;
  intended: Intended;
}

export interface GeneratedClaims {
  claims: Record<string, unknown>;
  intended: Record<string, Intended>;
}

/** The wildcard in the spellings a caller might try to smuggle it in. */
export const WILDCARD_SPELLINGS = [
  'TS_WILDCARD_ALL',
  'ts_wildcard_all',
  'Ts_Wildcard_All',
  ' TS_WILDCARD_ALL',
  'ts_wıldcard_all',
];

/** Values that must pass verbatim: spaces, case, Unicode, separators, number-like text. */
const TRICKY_VALUES = [
  'emea',
  'APAC',
  'North America',
  ' padded ',
  'Zoë',
  'e\u0301',
  'İ',
  'ß',
  '田中',
  '%',
  "O'Brien",
  'a,b',
  '\t',
  '007',
  '1.50',
  'TS_WILDCARD_NONE',
  'TS_WILDCARD_ALL_X',
  ...ALL_VALUES_EQUALS,
  'Admin',
  ' admin',
  'admin\n',
];

const HEX = fc.constantFrom(...'0123456789abcdef');
/** "v-" and 10 hex characters: a value no message holds by chance. */
export const MARKER = /^v-[0-9a-f]{10}$/;
const marker = fc.string({ unit: HEX, minLength: 10, maxLength: 10 }).map((hex) => `v-${hex}`);

/** One value as an IdP might send it. */
export const claimValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...TRICKY_VALUES) },
  { weight: 4, arbitrary: marker },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constantFrom(...WILDCARD_SPELLINGS) },
);

const isListShaped = (text: string) => text.startsWith('[') && text.endsWith(']');
const isJsonText = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

const finiteNumber = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));

const values = (intendedValues: string[], single?: string): Intended =>
  single === undefined
    ? { kind: 'values', values: intendedValues }
    : { kind: 'values', values: intendedValues, single };

/** Items of an API Gateway list: its "[a b]" rendering splits on spaces and drops empty items. */
const gatewayItem = claimValue.filter((value) => value !== '' && !value.includes(' '));

const WRONG_TYPES: unknown[] = [
  { region: 'emea' },
  [{ region: 'emea' }],
  [['emea']],
  ['emea', null],
  true,
  Number.NaN,
  Number.POSITIVE_INFINITY,
];

function claimIn(form: ClaimForm): fc.Arbitrary<GeneratedClaim> {
  const claim = (encoded: unknown, intended: Intended) => ({ form, encoded, intended });
  switch (form) {
    case 'absent':
      return fc.constant(claim(undefined, { kind: 'absent' }));
    case 'null':
      return fc.constant(claim(null, { kind: 'absent' }));
    case 'single':
      // "" is a claim with no value; "[...]" would be a list, generated as one below.
      return claimValue
        .filter((value) => !isListShaped(value))
        .map((value) => claim(value, values(value === '' ? [] : [value], value)));
    case 'number':
      return finiteNumber.map((n) => claim(n, values([String(n)], String(n))));
    case 'gateway-list':
      // A rendering that is also JSON text ("[1.50]") is read as JSON: reported, not generated.
      return fc
        .array(gatewayItem, { maxLength: 4 })
        .map((items) => ({ items, text: `[${items.join(' ')}]` }))
        .filter(({ text }) => !isJsonText(text) || text === '[]')
        .map(({ items, text }) => claim(text, values(items)));
    case 'json-list':
      return fc
        .array(claimValue, { maxLength: 4 })
        .map((items) => claim(JSON.stringify(items), values(items)));
    case 'array':
      return fc.array(claimValue, { maxLength: 4 }).map((items) => claim(items, values(items)));
    case 'mixed-array':
      return fc
        .array(fc.oneof(claimValue, finiteNumber), { maxLength: 4 })
        .map((items) => claim(items, values(items.map(String))));
    case 'wrong-type':
      return fc.constantFrom(...WRONG_TYPES).map((value) => claim(value, { kind: 'wrong_type' }));
  }
}

/** How often each form comes up: absent and empty claims often, so required ones go missing. */
const FORM_WEIGHTS: Record<ClaimForm, number> = {
  absent: 3,
  null: 1,
  single: 5,
  number: 1,
  'gateway-list': 2,
  'json-list': 1,
  array: 2,
  'mixed-array': 1,
  'wrong-type': 1,
};

/** One claim in any of `forms`. */
export const generatedClaim = (forms: readonly ClaimForm[] = CLAIM_FORMS) =>
  fc.oneof(...forms.map((form) => ({ weight: FORM_WEIGHTS[form], arbitrary: claimIn(form) })));

/** A value for every name in CLAIM_NAMES, in `forms`; absent ones are left out of `claims`. */
export const generatedClaims = (
  forms: readonly ClaimForm[] = CLAIM_FORMS,
): fc.Arbitrary<GeneratedClaims> =>
  fc.tuple(...CLAIM_NAMES.map(() => generatedClaim(forms))).map((generated) => {
    const claims: Record<string, unknown> = {};
    const intended: Record<string, Intended> = {};
    generated.forEach((claim, index) => {
      const name = CLAIM_NAMES[index] as string;
      intended[name] = claim.intended;
      if (claim.form !== 'absent') claims[name] = claim.encoded;
    });
    return { claims, intended };
  });

const claimName = fc.constantFrom(...CLAIM_NAMES);

const variable = fc.record(
  {
    name: fc.constantFrom('region', 'tenant', 'store', 'tier', 'Region Name'),
    claim: claimName,
    required: fc.boolean(),
  },
  { requiredKeys: ['name', 'claim'] },
);

const filterRule = fc.record({
  column_name: fc.constantFrom('Region', 'Tenant', 'Store Id'),
  operator: fc.constantFrom(...OPERATORS),
  claim: claimName,
});

/**
 * One Org's policy as TOKEN_POLICY holds it (JSON, defaults not filled in); always one the
 * schema accepts. Wrap it as `{ default: policy }` or `{ orgs: { "5": policy } }`.
 */
export const orgPolicyInput = fc
  .record(
    {
      persist_option: fc.constantFrom('REPLACE', 'APPEND'),
      variables: fc.uniqueArray(variable, { selector: (entry) => entry.name, maxLength: 4 }),
      filter_rules: fc.array(filterRule, { maxLength: 3 }),
      all_values_when: fc.record({
        claim: claimName,
        equals: fc.constantFrom(...ALL_VALUES_EQUALS),
      }),
    },
    { requiredKeys: [] },
  )
  .filter((policy) => (policy.variables?.length ?? 0) + (policy.filter_rules?.length ?? 0) > 0);

export interface PolicyCase extends GeneratedClaims {
  /** The Org policy as TOKEN_POLICY holds it. */
  policy: Record<string, unknown>;
}

/**
 * A policy and claims for it. A matching all_values_when claim is rare by chance, so a
 * quarter of the cases give the caller exactly the value the policy's all_values_when names.
 */
export const policyCase = (forms: readonly ClaimForm[] = CLAIM_FORMS): fc.Arbitrary<PolicyCase> =>
  fc
    .tuple(orgPolicyInput, generatedClaims(forms), fc.boolean())
    .map(([policy, { claims, intended }, matching]) => {
      const when = policy.all_values_when;
      if (!matching || when === undefined) return { policy, claims, intended };
      return {
        policy,
        claims: { ...claims, [when.claim]: when.equals },
        intended: { ...intended, [when.claim]: values([when.equals], when.equals) },
      };
    });
