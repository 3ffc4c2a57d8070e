import type { OrgPolicy } from '../../../functions/lib/policy-schema.js';
import type { Intended } from './policy-arbitraries.js';

/**
 * SPEC §7's value rules, written out again from the spec rather than imported, over the
 * values a generated claim was meant to carry, so the property tests check the function
 * against the spec and not against itself.
 */

const WILDCARD = 'TS_WILDCARD_ALL';

/** TS_WILDCARD_ALL in any letter case; padded too, as the service also refuses that. */
export const looksLikeWildcard = (value: string): boolean =>
  value.trim().toLowerCase() === WILDCARD.toLowerCase() || value.trim().toUpperCase() === WILDCARD;

export type SpecOutcome =
  | {
      kind: 'sent';
      allValues: boolean;
      variable_values: { name: string; values: string[] }[];
      filter_rules: { column_name: string; operator: string; values: string[] }[];
    }
  /** `claims`: every claim that justifies the denial; the service names one of them. */
  | { kind: 'denied'; claims: Set<string>; requiredMissing: boolean };

const ABSENT: Intended = { kind: 'absent' };

export function specTokenValues(
  policy: OrgPolicy,
  intended: Readonly<Record<string, Intended>>,
): SpecOutcome {
  const variables = policy.variables ?? [];
  const rules = policy.filter_rules ?? [];
  const when = policy.all_values_when;
  const of = (claim: string): Intended => intended[claim] ?? ABSENT;
  /** Values when the claim has at least one non-empty one; else it is missing or empty. */
  const present = (claim: string): string[] | undefined => {
    const meant = of(claim);
    return meant.kind === 'values' && meant.values.some((value) => value !== '')
      ? meant.values
      : undefined;
  };

  const read = [
    ...variables.map((variable) => variable.claim),
    ...rules.map((rule) => rule.claim),
    ...(when ? [when.claim] : []),
  ];
  // Any claim the policy reads: another type, or the wildcard smuggled in → denied.
  const refused = read.filter((claim) => {
    const meant = of(claim);
    return (
      meant.kind === 'wrong_type' ||
      (meant.kind === 'values' && meant.values.some(looksLikeWildcard))
    );
  });

  // all_values_when: that claim is exactly that one string.
  const whenClaim = when ? of(when.claim) : ABSENT;
  const allValues =
    when !== undefined && whenClaim.kind === 'values' && whenClaim.single === when.equals;

  const missing = allValues
    ? []
    : [
        ...variables.filter((v) => v.required && !present(v.claim)).map((v) => v.claim),
        ...rules.filter((rule) => !present(rule.claim)).map((rule) => rule.claim),
      ];
  if (refused.length > 0 || missing.length > 0) {
    return {
      kind: 'denied',
      claims: new Set([...refused, ...missing]),
      requiredMissing: missing.length > 0,
    };
  }

  const valuesOf = (claim: string) => (allValues ? [WILDCARD] : (present(claim) ?? []));
  return {
    kind: 'sent',
    allValues,
    variable_values: variables
      .filter((v) => allValues || present(v.claim))
      .map((v) => ({ name: v.name, values: valuesOf(v.claim) })),
    filter_rules: rules.map((rule) => ({
      column_name: rule.column_name,
      operator: rule.operator,
      values: valuesOf(rule.claim),
    })),
  };
}
