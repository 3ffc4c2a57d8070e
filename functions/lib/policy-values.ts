import { type Claims, looksLikeList, readClaimList, readClaimValue } from './claims.js';
import { PolicyDeniedError } from './errors.js';
import {
  type FilterOperator,
  isWildcardAll,
  type OrgPolicy,
  WILDCARD_ALL,
} from './policy-schema.js';

/**
 * The security values of a custom token, built only from verified claims (or the backend's
 * `attributes`, which are read the same way) as the Org's policy says (SPEC §7). Pure: the
 * caller sends the result, or nothing when this throws PolicyDeniedError. Messages name the
 * claim, never a value.
 */

export interface VariableValue {
  name: string;
  values: string[];
}

export interface FilterRuleValue {
  column_name: string;
  operator: FilterOperator;
  values: string[];
}

/** The `variable_values` and `filter_rules` of a custom token request. */
export interface TokenValues {
  variable_values: VariableValue[];
  filter_rules: FilterRuleValue[];
}

const claimName = (claim: string) => JSON.stringify(claim);

const wrongType = (claim: string) =>
  new PolicyDeniedError(
    `The token policy cannot use the ${claimName(claim)} claim: it is not text, a number or a list of them.`,
  );
const missing = (claim: string) =>
  new PolicyDeniedError(
    `The token policy requires the ${claimName(claim)} claim, which is missing or empty.`,
  );
const wildcard = (claim: string) =>
  new PolicyDeniedError(
    `The ${claimName(claim)} claim holds the all-values wildcard, which only the token policy may grant.`,
  );

/** Every claim the policy reads, once each, in policy order. */
function claimsRead(policy: OrgPolicy): string[] {
  const names = [
    ...(policy.variables ?? []).map((variable) => variable.claim),
    ...(policy.filter_rules ?? []).map((rule) => rule.claim),
    ...(policy.all_values_when === undefined ? [] : [policy.all_values_when.claim]),
  ];
  return [...new Set(names)];
}

/**
 * The values of every claim the policy reads; a claim the token lacks, or whose values are
 * all empty, is left out. Refuses a claim of another type and any wildcard, whatever the
 * policy would do with it.
 */
function readPolicyClaims(
  policy: OrgPolicy,
  claims: Claims,
  textLists: boolean,
): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const claim of claimsRead(policy)) {
    const read = readClaimList(claims, claim, { textLists });
    if (read.kind === 'wrong_type') throw wrongType(claim);
    if (read.kind === 'absent') continue;
    if (read.values.some(isWildcardAll)) throw wildcard(claim);
    if (read.values.some((value) => value !== '')) values.set(claim, read.values);
  }
  return values;
}

/** all_values_when matches one string, exactly: a list never does, and nothing is trimmed or folded. */
function allValuesGranted(policy: OrgPolicy, claims: Claims): boolean {
  const when = policy.all_values_when;
  if (when === undefined) return false;
  const read = readClaimValue(claims, when.claim);
  return read.kind === 'value' && !looksLikeList(read.value) && read.value === when.equals;
}

/**
 * The custom token's values for `claims`. `textLists: false` for the backend's `attributes`,
 * JSON values whose strings are one value each, never split as API Gateway's "[a b]".
 */
export function tokenValues(
  policy: OrgPolicy,
  claims: Claims,
  { textLists = true }: { textLists?: boolean } = {},
): TokenValues {
  const variables = policy.variables ?? [];
  const rules = policy.filter_rules ?? [];
  const read = readPolicyClaims(policy, claims, textLists);
  if (allValuesGranted(policy, claims)) {
    return {
      variable_values: variables.map(({ name }) => ({ name, values: [WILDCARD_ALL] })),
      filter_rules: rules.map(({ column_name, operator }) => ({
        column_name,
        operator,
        values: [WILDCARD_ALL],
      })),
    };
  }
  const variable_values = variables.flatMap(({ name, claim, required }) => {
    const values = read.get(claim);
    if (values !== undefined) return [{ name, values: [...values] }];
    // An optional variable left out fails closed: ThoughtSpot denies the rows it guards.
    if (required) throw missing(claim);
    return [];
  });
  const filter_rules = rules.map(({ column_name, operator, claim }) => {
    const values = read.get(claim);
    // A rule without values would filter nothing, so its claim is always required.
    if (values === undefined) throw missing(claim);
    return { column_name, operator, values: [...values] };
  });
  return { variable_values, filter_rules };
}
