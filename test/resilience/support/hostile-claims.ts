import * as fc from 'fast-check';
import { MAX_ORG_ID } from '../../../functions/lib/config-rules.cjs';
import { PROTOTYPE_NAMES, text } from './hostile-text.js';

/**
 * Claims as an identity provider, API Gateway or a careless caller might hand them over:
 * Org claims as entries and "[a b c]" lists, usernames plausible and hostile, and noise.
 */

/** One entry of an Org claim: an id, a mapped name, or something else. */
export const orgEntry = (orgNames: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom('0', '5', '9', '12', ...orgNames),
    fc.constantFrom('unknown', 'ACME', ' acme', ...PROTOTYPE_NAMES),
    fc.nat({ max: 60 }).map(String),
    fc.nat({ max: MAX_ORG_ID }).map(String),
    fc.string({ maxLength: 8 }),
  );

/** An Org claim as API Gateway delivers it: a single entry or a "[a b c]" list. */
export const orgClaim = (orgNames: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: orgEntry(orgNames), weight: 3 },
    {
      arbitrary: fc
        .tuple(
          fc.array(orgEntry(orgNames), { maxLength: 6 }),
          fc.constantFrom(' ', ',', ', ', '  '),
        )
        .map(([entries, separator]) => `[${entries.join(separator)}]`),
      weight: 3,
    },
    { arbitrary: text, weight: 1 },
  );

/** Claim values as API Gateway delivers them (strings) or as a careless caller might (anything). */
export const claimValue = (orgNames: readonly string[], raw: boolean): fc.Arbitrary<unknown> =>
  raw
    ? fc.oneof(
        text,
        orgClaim(orgNames),
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.array(fc.oneof(orgEntry(orgNames), fc.integer()), { maxLength: 5 }),
        fc.jsonValue({ maxDepth: 3 }),
      )
    : fc.oneof(text, orgClaim(orgNames), fc.integer().map(String));

const claimName = (known: readonly string[]) =>
  fc.oneof(fc.constantFrom(...known, ...PROTOTYPE_NAMES), fc.string({ maxLength: 12 }));

/** A username claim: mostly plausible, often hostile, sometimes not a string at all (raw). */
const usernameValue = (raw: boolean): fc.Arbitrary<unknown> =>
  fc.oneof(
    { arbitrary: fc.emailAddress(), weight: 3 },
    { arbitrary: text, weight: 3 },
    { arbitrary: raw ? claimValue([], true) : fc.integer().map(String), weight: 1 },
  );

export interface ClaimsShape {
  usernameClaim: string;
  orgClaim: string;
  /** Other claim names the function may read (name, groups, email...). */
  known: readonly string[];
  orgNames: readonly string[];
  /** true: values of any JSON type, not only the strings API Gateway delivers. */
  raw: boolean;
}

/**
 * A claims object: the username and Org claims, each usually present, other known
 * claims, and noise. Built with Object.fromEntries so "__proto__" is an own property,
 * as JSON.parse makes it.
 */
export const claims = (shape: ClaimsShape): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .tuple(
      fc.option(usernameValue(shape.raw), { nil: undefined, freq: 6 }),
      fc.option(shape.raw ? claimValue(shape.orgNames, true) : orgClaim(shape.orgNames), {
        nil: undefined,
        freq: 4,
      }),
      fc.array(fc.tuple(fc.constantFrom(...shape.known), claimValue(shape.orgNames, shape.raw)), {
        maxLength: 2,
      }),
      fc.array(fc.tuple(claimName(shape.known), claimValue(shape.orgNames, shape.raw)), {
        maxLength: 2,
      }),
    )
    .map(([username, org, known, noise]) =>
      Object.fromEntries([
        ...known,
        ...noise,
        ...(username === undefined ? [] : [[shape.usernameClaim, username] as const]),
        ...(org === undefined ? [] : [[shape.orgClaim, org] as const]),
      ]),
    );
