import * as z from 'zod/mini';
import { looksLikeList } from './claims.js';
import { canonicalOrgId, MAX_ORG_ID } from './config-rules.cjs';
import { parseJson } from './json.js';

/**
 * TOKEN_POLICY (SPEC §7): which verified claim feeds which ThoughtSpot variable or filter
 * rule, per Org. This schema is the policy's only definition: its type and every message a
 * bad policy gets come from here. zod/mini loads no locale, so every check says its own words.
 */

/** ThoughtSpot's "all rows" value. Only a matched all_values_when may produce it. */
export const WILDCARD_ALL = 'TS_WILDCARD_ALL';

/**
 * The wildcard in any letter case, even padded: ThoughtSpot's matching of it is not
 * documented, so anything it might read as the wildcard counts as the wildcard.
 */
export const isWildcardAll = (value: string): boolean => {
  const bare = value.trim();
  return bare.toUpperCase() === WILDCARD_ALL || bare.toLowerCase() === WILDCARD_ALL.toLowerCase();
};

/** The operators of the custom token's filter_rules (THOUGHTSPOT-FACTS §1.3). */
export const FILTER_OPERATORS = [
  'EQ',
  'NE',
  'LT',
  'LE',
  'GT',
  'GE',
  'IN',
  'BW',
  'CONTAINS',
  'BEGINS_WITH',
  'ENDS_WITH',
  'BW_INC',
  'BW_INC_MIN',
  'BW_INC_MAX',
  'LIKE',
  'NOT_IN',
] as const;

/** How much of a policy-supplied name a message quotes. */
const QUOTE_LIMIT = 40;
/** A bad policy's message names at most this many problems. */
const MAX_PROBLEMS = 5;

const quote = (text: string): string =>
  JSON.stringify(text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…` : text);

/** The first MAX_PROBLEMS items, joined, and how many more there are. */
const firstFew = (items: readonly string[], separator: string): string => {
  const more = items.length - MAX_PROBLEMS;
  return `${items.slice(0, MAX_PROBLEMS).join(separator)}${more > 0 ? ` (and ${more} more)` : ''}`;
};

/** An issue's message: "is required" when the field is missing, else `message`. */
const requiredOr =
  (message: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? 'is required' : message;

/** A non-empty string, taken as written: names of claims, variables and columns. */
const name = () =>
  z
    .string({ error: requiredOr('must be a non-empty string') })
    .check(z.minLength(1, 'must be a non-empty string'));

/** A strict object: an unknown field (a typo such as "require") is refused, never ignored. */
const strict = <Shape extends z.core.$ZodLooseShape>(shape: Shape) =>
  z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `has unknown field(s) ${firstFew(issue.keys.map(quote), ', ')}`
        : requiredOr('must be an object')(issue),
  });

const list = <Item extends z.core.SomeType>(item: Item) =>
  z.array(item, { error: requiredOr('must be a list') });

/** "5", never "05" or "5.0": a key that no Org id prints as would silently never apply. */
const isOrgKey = (key: string): boolean => canonicalOrgId(key) !== undefined;

// Each schema below is z.lazy, built when the first policy is parsed: a deployment
// without TOKEN_POLICY never builds them, which keeps their zod work off its cold
// start (bench/README.md).
const PersistOptionSchema = z.lazy(() =>
  z._default(
    z.enum(['REPLACE', 'APPEND'], {
      error: (issue) =>
        issue.input === 'NONE' || issue.input === 'RESET'
          ? `must be REPLACE or APPEND (${issue.input} cannot carry variable values)`
          : 'must be REPLACE or APPEND',
    }),
    'REPLACE',
  ),
);

const VariableSchema = z.lazy(() =>
  strict({
    name: name(),
    claim: name(),
    required: z._default(z.boolean({ error: 'must be true or false' }), false),
  }),
);

/** No `required` here: a rule whose claim is missing would filter nothing, so it always is. */
const FilterRuleSchema = z.lazy(() =>
  strict({
    column_name: name(),
    operator: z.enum(FILTER_OPERATORS, {
      error: requiredOr(`must be one of ${FILTER_OPERATORS.join(', ')}`),
    }),
    claim: name(),
  }),
);

const AllValuesWhenSchema = z.lazy(() =>
  strict({
    claim: name(),
    equals: name().check(
      z.refine((value) => !isWildcardAll(value), {
        error: `must not be ${WILDCARD_ALL} (a claim holding it is always denied)`,
      }),
      z.refine((value) => !looksLikeList(value), {
        error: 'must not look like a list ("[...]"): a list claim never matches',
      }),
    ),
  }),
);

const OrgPolicySchema = z.lazy(() =>
  strict({
    persist_option: PersistOptionSchema,
    variables: z.optional(list(VariableSchema)),
    filter_rules: z.optional(list(FilterRuleSchema)),
    all_values_when: z.optional(AllValuesWhenSchema),
  }).check(
    z.refine((policy) => (policy.variables?.length ?? 0) + (policy.filter_rules?.length ?? 0) > 0, {
      error: 'must have at least one variable or filter rule',
    }),
    z.superRefine((policy, ctx) => {
      // Two variables of one name would send ThoughtSpot two answers to one question.
      const first = new Map<string, number>();
      for (const [index, variable] of (policy.variables ?? []).entries()) {
        const earlier = first.get(variable.name);
        if (earlier === undefined) first.set(variable.name, index);
        else {
          ctx.addIssue({
            code: 'custom',
            path: ['variables', index, 'name'],
            message: `must differ from variables.${earlier}.name`,
          });
        }
      }
    }),
  ),
);

const TokenPolicySchema = z.lazy(() =>
  strict({
    default: z.optional(OrgPolicySchema),
    orgs: z.optional(
      z.record(z.string().check(z.refine(isOrgKey)), OrgPolicySchema, {
        error: (issue) =>
          issue.code === 'invalid_key'
            ? `must be an Org id: an integer from 0 to ${MAX_ORG_ID}, without leading zeros`
            : requiredOr('must be an object of Org id to policy')(issue),
      }),
    ),
  }),
);

export type TokenPolicy = z.output<typeof TokenPolicySchema>;
export type OrgPolicy = z.output<typeof OrgPolicySchema>;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** A policy that cannot be used. Its message names the field, and quotes only the policy. */
export class TokenPolicyError extends Error {
  override name = 'TokenPolicyError';
}

const shorten = (segment: string): string =>
  segment.length > QUOTE_LIMIT ? quote(segment) : segment;

/** "orgs.5.variables.0.claim must be ..."; a bad Org key reads `orgs key "acme" must be ...`. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String);
  const badKey = issue.code === 'invalid_key' ? path.pop() : undefined;
  const field = path.map(shorten).join('.');
  const key = badKey === undefined ? '' : `key ${quote(badKey)}`;
  return ['TOKEN_POLICY', field, key, issue.message].filter((part) => part !== '').join(' ');
}

const describe = (issues: readonly z.core.$ZodIssue[]): string =>
  firstFew(issues.map(describeIssue), '; ');

/** The policy in TOKEN_POLICY, or undefined when it is unset (or empty, as shells pass it). */
export function parseTokenPolicy(json: string | undefined): TokenPolicy | undefined {
  if (json === undefined || json === '') return undefined;
  const value = parseJson(json);
  if (value === undefined) throw new TokenPolicyError('TOKEN_POLICY is not valid JSON');
  const result = TokenPolicySchema.safeParse(value);
  if (!result.success) throw new TokenPolicyError(describe(result.error.issues));
  return result.data;
}

/** The policy for one Org: its own entry replaces the default; neither means no policy. */
export function policyFor(policy: TokenPolicy | undefined, orgId: number): OrgPolicy | undefined {
  const key = String(orgId);
  const orgs = policy?.orgs;
  if (orgs !== undefined && Object.hasOwn(orgs, key)) return orgs[key];
  return policy?.default;
}
