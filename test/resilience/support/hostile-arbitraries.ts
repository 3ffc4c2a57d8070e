import * as fc from 'fast-check';
import { MAX_ORG_ID } from '../../../functions/lib/config-rules.cjs';
import { mostly, PROTOTYPE_NAMES, text } from './hostile-text.js';

/**
 * Generators for what an attacker, a buggy client or a misconfigured identity
 * provider can put in front of the function: claims, query strings, bodies,
 * headers and route keys. Each favours the nasty corners (Object.prototype names,
 * injection strings, "[a b c]" lists, huge and deeply nested values, lone
 * surrogates) over uniform noise. Claims, bodies and text have files of their own;
 * this one holds the rest of a request and is the one the tests import.
 */

export * from './hostile-bodies.js';
export * from './hostile-claims.js';
export { PROTOTYPE_NAMES, text } from './hostile-text.js';

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
