import * as fc from 'fast-check';
import { MAX_ORG_ID, MAX_VALIDITY_SECONDS } from '../../../functions/lib/config-rules.cjs';

/**
 * Generators for what an attacker, a buggy client or a misconfigured identity
 * provider can put in front of the function: claims, query strings, bodies,
 * headers and route keys. Each favours the nasty corners (Object.prototype names,
 * injection strings, "[a b c]" lists, huge and deeply nested values, lone
 * surrogates) over uniform noise.
 */

/** Names that are also Object.prototype members, or that poison a naive merge. */
export const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupGetter__',
] as const;

const INJECTIONS = [
  "' OR 1=1 --",
  '" OR ""="',
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"admin":true}}}',
  '[0 1 2 3 4 5 6 7 8 9]',
  '[acme globex initech]',
  '[acme,9]',
  '[5',
  '5]',
  '[]',
  '[ ]',
  '[,]',
  ' 5 ',
  '05',
  '-1',
  '1e3',
  '0x10',
  '5.0',
  'NaN',
  'Infinity',
  String(MAX_ORG_ID),
  String(MAX_ORG_ID + 1),
  '99999999999',
  'null',
  'undefined',
  'true',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell-style probe, literally.
  '${jndi:ldap://127.0.0.1/a}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00',
  '\u0000',
  '\u202e',
  '\ufeff',
  ' \t\n ',
  'é',
  '👩‍💻',
] as const;

const loneSurrogates = fc.string({
  unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
  minLength: 1,
  maxLength: 4,
});

/** A short piece of text repeated into 2k–120k characters. */
const huge = fc
  .tuple(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }),
    fc.integer({ min: 2000, max: 30_000 }),
  )
  .map(([piece, count]) => piece.repeat(count));

/** Any text, weighted towards the interesting kinds. */
export const text: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string(), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme' }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary' }), weight: 1 },
  { arbitrary: fc.constantFrom(...INJECTIONS, ...PROTOTYPE_NAMES), weight: 3 },
  { arbitrary: loneSurrogates, weight: 1 },
  { arbitrary: huge, weight: 1 },
);

/** Usually a plausible value, otherwise a hostile one. */
const mostly = <T, U>(plausible: fc.Arbitrary<T>, hostile: fc.Arbitrary<U>): fc.Arbitrary<T | U> =>
  fc.oneof({ arbitrary: plausible, weight: 3 }, { arbitrary: hostile, weight: 1 });

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

const queryKey = fc.oneof(
  {
    arbitrary: fc.constantFrom('org_id', 'org_id', 'validity_time_in_sec', 'object_id'),
    weight: 4,
  },
  fc.constantFrom('org_id', 'object_id', 'validity_time_in_sec', 'username', 'groups', 'email'),
  fc.constantFrom(...PROTOTYPE_NAMES),
  fc.string({ maxLength: 10 }),
);

const queryValue = fc.oneof(
  fc.constantFrom(
    '0',
    '5',
    '9',
    '12',
    '1',
    '3600',
    '86400',
    String(MAX_ORG_ID),
    String(MAX_ORG_ID + 1),
    '-1',
    '',
  ),
  fc.constantFrom('abc', 'a-GUID_1', '0005', '5 ', '1e3'),
  fc.nat().map(String),
  text,
);

/** A query string (Object.fromEntries keeps "__proto__" an own key). */
export const query: fc.Arbitrary<Record<string, string> | undefined> = fc.option(
  fc
    .array(fc.tuple(queryKey, queryValue), { maxLength: 4 })
    .map((entries) => Object.fromEntries(entries)),
  { nil: undefined },
);

const orgIdValue = fc.oneof(
  { arbitrary: fc.constantFrom(0, 5, 9, 12), weight: 4 },
  { arbitrary: fc.nat({ max: MAX_ORG_ID }), weight: 2 },
  fc.integer(),
  fc.double(),
  fc.constantFrom('5', null, true, [5], { id: 5 }, MAX_ORG_ID + 1, -0, 1e308),
);

const objectIdValue = fc.oneof(
  { arbitrary: fc.constant('0f6b1e0a-1c2d-4e5f-8a9b-0c1d2e3f4a5b'), weight: 3 },
  fc.constantFrom('a', 'x'.repeat(129), '../etc', ''),
  text,
);

const validityValue = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 100_000 }), weight: 4 },
  fc.integer(),
  fc.constantFrom(0, -1, MAX_VALIDITY_SECONDS, MAX_VALIDITY_SECONDS + 1, 1e308, 3.5, '60', null),
);

const extraFields = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom('username', 'groups', 'secret_key', 'auto_create', 'password'),
        fc.constantFrom(...PROTOTYPE_NAMES),
        fc.string({ maxLength: 8 }),
      ),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    { maxLength: 2 },
  )
  .map((entries) => Object.fromEntries(entries));

/** POST /token bodies that are JSON objects, mostly close to valid. */
const browserObject = fc
  .tuple(
    fc.record(
      { org_id: orgIdValue, object_id: objectIdValue, validity_time_in_sec: validityValue },
      { requiredKeys: [] },
    ),
    fc.option(extraFields, { nil: undefined, freq: 2 }),
  )
  .map(([fields, extra]) => ({ ...fields, ...extra }));

const backendFields = {
  username: mostly(fc.oneof(fc.emailAddress(), fc.constant(' bob@example.com ')), text),
  org_id: orgIdValue,
  object_id: objectIdValue,
  validity_time_in_sec: validityValue,
  email: mostly(fc.emailAddress(), text),
  display_name: mostly(fc.constantFrom('Ada Lovelace', 'José Ñúñez', '山田太郎'), text),
  groups: mostly(
    fc.array(fc.constantFrom('analysts', 'sales', 'admins', 'ALL'), { maxLength: 3 }),
    fc.oneof(fc.array(text, { maxLength: 5 }), text, fc.constant([])),
  ),
};

/** POST /backend/token bodies that are JSON objects, mostly close to valid. */
export const backendObject = fc
  .tuple(
    mostly(
      fc.record(backendFields, { requiredKeys: ['username', 'org_id'] }),
      fc.record(backendFields, { requiredKeys: [] }),
    ),
    fc.option(extraFields, { nil: undefined, freq: 2 }),
  )
  .map(([fields, extra]) => ({ ...fields, ...extra }));

/** Text that is (mostly) not JSON, or JSON nested thousands deep. */
const notQuiteJson = fc.oneof(
  text,
  fc.integer({ min: 1, max: 4000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.integer({ min: 1, max: 4000 }).map((depth) => '['.repeat(depth)),
  fc
    .integer({ min: 1, max: 2000 })
    .map((depth) => `{"org_id":${'['.repeat(depth)}${']'.repeat(depth)}}`),
  fc.integer({ min: 1, max: 1000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.constantFrom(
    '{"__proto__":{"org_id":5}}',
    '{"constructor":{"prototype":{"admin":true}}}',
    '{"org_id":5,"__proto__":null}',
    '{"org_id":5,"org_id":9}',
    '{"org_id":5',
    'null',
    'true',
    '5',
    '"5"',
    '[]',
    '{}',
    '',
    ' ',
  ),
);

/** More than 8 KiB (in UTF-8 bytes), whatever it holds. */
export const oversizeBody: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('x', 'é', '👩‍💻', '[', '{"org_id":5,"pad":"', ' '),
    fc.integer({ min: 8 * 1024 + 1, max: 64 * 1024 }),
  )
  .map(([piece, bytes]) => {
    const per = Buffer.byteLength(piece, 'utf8');
    return piece.repeat(Math.ceil(bytes / per));
  });

/** A body for either POST route: JSON objects, other JSON, non-JSON, oversize, or none. */
export const body = (
  objects: fc.Arbitrary<Record<string, unknown>>,
): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 1 },
    { arbitrary: objects.map((value) => JSON.stringify(value)), weight: 5 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)), weight: 1 },
    { arbitrary: notQuiteJson, weight: 2 },
    { arbitrary: oversizeBody, weight: 1 },
  );

export const browserBody = body(browserObject);
export const backendBody = body(backendObject);

/** How the body travels: as is, base64 (as API Gateway sends binary), or as bytes that aren't base64. */
export type Encoding = 'plain' | 'base64' | 'not-base64';

export const encoding: fc.Arbitrary<Encoding> = fc.oneof(
  { arbitrary: fc.constant<Encoding>('plain'), weight: 6 },
  { arbitrary: fc.constant<Encoding>('base64'), weight: 2 },
  { arbitrary: fc.constant<Encoding>('not-base64'), weight: 1 },
);

export const headers = fc.record(
  {
    accept: fc.constantFrom(
      'application/json',
      'APPLICATION/JSON',
      'text/plain',
      '*/*',
      'application/json;q=0.1, text/plain',
      'text/html,application/xhtml+xml',
      '',
    ),
    'content-type': mostly(
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'APPLICATION/JSON',
        'application/vnd.api+json',
      ),
      fc.constantFrom(
        'application/jsonp',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        '',
      ),
    ),
    authorization: fc.constantFrom('Bearer not.a.jwt', 'AWS4-HMAC-SHA256 Credential=x'),
    'x-forwarded-for': fc.constantFrom('127.0.0.1', '10.0.0.1, 203.0.113.9'),
  },
  { requiredKeys: [] },
);

export type AuthorizerKind = 'none' | 'jwt' | 'iam' | 'both';

/** Which authorizer API Gateway attached: mostly the one the route expects. */
export const authorizerKind = (expected: 'jwt' | 'iam'): fc.Arbitrary<AuthorizerKind> =>
  fc.oneof(
    { arbitrary: fc.constant(expected), weight: 4 },
    { arbitrary: fc.constant<AuthorizerKind>('both'), weight: 2 },
    {
      arbitrary: fc.constantFrom<AuthorizerKind>('none', expected === 'jwt' ? 'iam' : 'jwt'),
      weight: 2,
    },
  );

export const REAL_ROUTES = ['GET /token', 'POST /token', 'POST /backend/token'] as const;

/** Route keys the API does not have, some of them one character away from a real one. */
export const unknownRouteKey: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom(
      'get /token',
      'GET /token/',
      'GET /Token',
      'PUT /token',
      'DELETE /token',
      'OPTIONS /token',
      'GET /backend/token',
      'POST /backend/token ',
      ' POST /token',
      'GET  /token',
      '$default',
      'ANY /{proxy+}',
      '',
      ...PROTOTYPE_NAMES,
    ),
    fc.string({ maxLength: 30 }),
    text,
  )
  .filter((routeKey) => !(REAL_ROUTES as readonly string[]).includes(routeKey));
