import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenEvent } from '../../functions/token/event.js';
import type { HttpResponse } from '../../functions/token/responses.js';
import { httpApiEvent, iamCaller } from '../../infra/local/lambda-events.js';
import { type Environment, startEnvironment } from '../integration/support/environment.js';
import { captureOutput } from '../integration/support/output-capture.js';
import { fakeKey } from '../support/fixtures.js';
import { contractViolation, errorCodeOf, watchProcessFailures } from './support/contract.js';
import * as arb from './support/hostile-arbitraries.js';
import { specAllowsUsername } from './support/spec-username.js';

/**
 * Property-based: thousands of generated requests (claims, query strings, bodies,
 * headers, routes, authorizers) through the real handler, with both stand-ins up and
 * ThoughtSpot healthy. Whatever comes in, the answer is a documented one, a token only
 * ever goes to the user the verified identity names, in one of their Orgs, and no key
 * leaves the function.
 */

const output = captureOutput();
const processFailures = watchProcessFailures();
const CLUSTER_KEY = fakeKey('cluster');
const ORG5_KEY = fakeKey('org5');
const ALL_KEYS = [CLUSTER_KEY, ORG5_KEY];
const ORG_MAP: Record<string, number> = { acme: 5, globex: 9, initech: 12 };
const ORG_NAMES = Object.keys(ORG_MAP);
const MAX_VALIDITY = 3600;
const MAX_BODY_BYTES = 8 * 1024;
const SIZE_MESSAGE = `The body is larger than ${MAX_BODY_BYTES} bytes.`;
const KNOWN_CLAIMS = ['email', 'sub', 'ts_org', 'orgs', 'name', 'groups'] as const;

/** property → "status code" → count, printed at the end. */
const tally = new Map<string, Map<string, number>>();

interface Setup {
  name: string;
  env: Record<string, string>;
  usernameClaim: string;
  orgClaim: string;
  defaultOrgId: number;
  provisions: boolean;
}

const SETUPS: Setup[] = [
  {
    name: 'default claim names',
    env: {},
    usernameClaim: 'email',
    orgClaim: 'ts_org',
    defaultOrgId: 0,
    provisions: false,
  },
  {
    name: 'custom claim names and JIT provisioning',
    env: {
      USERNAME_CLAIM: 'sub',
      ORG_CLAIM: 'orgs',
      AUTO_CREATE_USERS: 'true',
      GROUPS_CLAIM: 'groups',
      DEFAULT_ORG_ID: '9',
    },
    usernameClaim: 'sub',
    orgClaim: 'orgs',
    defaultOrgId: 9,
    provisions: true,
  },
];

interface HostileRequest {
  routeKey: string;
  authorizer: arb.AuthorizerKind;
  claims: Record<string, unknown>;
  query: Record<string, string> | undefined;
  body: string | undefined;
  encoding: arb.Encoding;
  headers: Record<string, string>;
  dropContentType: boolean;
}

function toEvent(request: HostileRequest): TokenEvent {
  const { body, encoding } = request;
  const event = httpApiEvent({
    routeKey: request.routeKey,
    ...(request.query !== undefined && { query: request.query }),
    ...(body !== undefined && encoding !== 'not-base64' && { body }),
    isBase64Encoded: encoding === 'base64',
    headers: request.headers,
  });
  if (body !== undefined && encoding === 'not-base64') {
    event.body = body;
    event.isBase64Encoded = true;
  }
  if (request.dropContentType) delete event.headers['content-type'];
  const { authorizer } = request;
  const jwt = authorizer === 'jwt' || authorizer === 'both';
  const iam = authorizer === 'iam' || authorizer === 'both';
  if (jwt || iam) {
    event.requestContext.authorizer = {
      ...(jwt && { jwt: { claims: request.claims, scopes: null } }),
      ...(iam && { iam: iamCaller() }),
    };
  }
  return event;
}

/** Text pieces of a claim, split the widest way a list could be read. */
function claimPieces(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(claimPieces);
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (typeof value !== 'string') return [];
  return value.split(/[\s,[\]]+/).filter((piece) => piece !== '');
}

/** Every Org a caller with this Org claim could belong to (a superset of the real answer). */
function possibleOrgs(claim: unknown, defaultOrgId: number): Set<number> {
  const pieces = claimPieces(claim);
  if (pieces.length === 0) return new Set([defaultOrgId]);
  return new Set(
    pieces.flatMap((piece) => {
      if (/^\d+$/.test(piece)) return [Number(piece)];
      const mapped = Object.hasOwn(ORG_MAP, piece) ? ORG_MAP[piece] : undefined;
      return mapped === undefined ? [] : [mapped];
    }),
  );
}

/** The username a verified claim names, or undefined when it names none. */
/** The username a claim names, exactly as sent, or undefined when SPEC §8 refuses it. */
function claimedUsername(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const name = String(value);
  return specAllowsUsername(name) ? name : undefined;
}

function claimText(value: unknown): string {
  if (Array.isArray(value)) return value.map(claimText).join('\n');
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : '';
}

/** The body as the handler reads it (base64-decoded when flagged), parsed; undefined if not JSON. */
function decodedBody(request: HostileRequest): unknown {
  if (request.body === undefined) return undefined;
  const text =
    request.encoding === 'not-base64'
      ? Buffer.from(request.body, 'base64').toString('utf8')
      : request.body;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const tokenOf = (response: HttpResponse): string =>
  /^application\/json/.test(response.headers['content-type'] ?? '')
    ? String(JSON.parse(response.body).token)
    : response.body;

/** Checks every response: documented, shaped, no-store, no key in it; counts it. */
function expectDocumented(property: string, response: HttpResponse) {
  expect(contractViolation(response)).toBeUndefined();
  const label =
    response.statusCode === 200 ? '200' : `${response.statusCode} ${errorCodeOf(response)}`;
  const counts = tally.get(property) ?? new Map<string, number>();
  counts.set(label, (counts.get(label) ?? 0) + 1);
  tally.set(property, counts);
  for (const key of ALL_KEYS) expect(response.body).not.toContain(key);
}

describe.each(SETUPS)('the token handler fed hostile input, with $name', (setup) => {
  let env: Environment;
  const send = (request: HostileRequest) => env.handler(toEvent(request));
  const claimsShape = (raw: boolean): arb.ClaimsShape => ({
    usernameClaim: setup.usernameClaim,
    orgClaim: setup.orgClaim,
    known: KNOWN_CLAIMS,
    orgNames: ORG_NAMES,
    raw,
  });

  beforeAll(async () => {
    env = await startEnvironment({
      clusterKey: CLUSTER_KEY,
      orgKeys: { 5: ORG5_KEY },
      secrets: { 0: CLUSTER_KEY, 5: JSON.stringify({ secret_key: ORG5_KEY }) },
      env: { ORG_MAP: JSON.stringify(ORG_MAP), ...setup.env },
    });
  });
  afterAll(() => env.close());

  const browserRequest = (raw: boolean) =>
    fc.record({
      routeKey: fc.constantFrom('GET /token', 'POST /token'),
      authorizer: arb.authorizerKind('jwt'),
      claims: arb.claims(claimsShape(raw)),
      query: arb.query,
      body: arb.browserBody,
      encoding: arb.encoding,
      headers: arb.headers,
      dropContentType: fc.boolean(),
    });

  it('gives browsers a documented answer, and a token only for the claimed user in one of their Orgs', async () => {
    const check = async (request: HostileRequest) => {
      const response = await send(request);
      expectDocumented('browser', response);
      const verified = request.authorizer === 'jwt' || request.authorizer === 'both';
      const username = claimedUsername(request.claims[setup.usernameClaim]);
      if (!verified || username === undefined) {
        expect(response.statusCode).toBe(401);
        return;
      }
      if (response.statusCode !== 200) return;

      const minted = env.ts.findToken(tokenOf(response));
      expect(minted?.username).toBe(username);
      const orgs = possibleOrgs(request.claims[setup.orgClaim], setup.defaultOrgId);
      expect(orgs.has(minted?.orgId ?? -1)).toBe(true);
      const requested =
        request.routeKey === 'GET /token'
          ? request.query?.org_id
          : (decodedBody(request) as { org_id?: unknown } | undefined)?.org_id;
      if (requested !== undefined) expect(minted?.orgId).toBe(Number(requested));
      expect(minted?.validitySeconds).toBeLessThanOrEqual(MAX_VALIDITY);
      expect(minted?.autoCreate).toBe(setup.provisions);
      const groupsClaim = claimText(request.claims.groups);
      for (const group of minted?.groups ?? []) {
        expect(group).not.toBe('');
        expect(groupsClaim).toContain(group);
      }
    };
    // Claims as API Gateway delivers them (strings), then as anything at all.
    await fc.assert(fc.asyncProperty(browserRequest(false), check), { numRuns: 1500 });
    await fc.assert(fc.asyncProperty(browserRequest(true), check), { numRuns: 700 });
  });

  it('mints on the backend route only for an IAM-authorized caller, for exactly the named user and Org', async () => {
    const backendRequest = fc.record({
      routeKey: fc.constant('POST /backend/token'),
      authorizer: arb.authorizerKind('iam'),
      claims: arb.claims(claimsShape(false)),
      query: arb.query,
      body: arb.backendBody,
      encoding: arb.encoding,
      headers: arb.headers,
      dropContentType: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(backendRequest, async (request) => {
        const response = await send(request);
        expectDocumented('backend', response);
        if (request.authorizer !== 'iam' && request.authorizer !== 'both') {
          expect(response.statusCode).toBe(401);
          return;
        }
        if (response.statusCode !== 200) return;

        const sent = decodedBody(request) as Record<string, unknown>;
        const minted = env.ts.findToken(tokenOf(response));
        expect(minted?.username).toBe(sent.username);
        expect(minted?.orgId).toBe(sent.org_id);
        expect(minted?.objectId).toBe(sent.object_id);
        expect(minted?.validitySeconds).toBeLessThanOrEqual(MAX_VALIDITY);
        const provisions = ['email', 'display_name', 'groups'].some((field) => field in sent);
        expect(minted?.autoCreate).toBe(provisions);
      }),
      { numRuns: 1000 },
    );
  });

  it('answers 404 not_found for any route key the API does not have', async () => {
    const request = fc.record({
      routeKey: arb.unknownRouteKey,
      authorizer: arb.authorizerKind('jwt'),
      claims: arb.claims(claimsShape(false)),
      query: arb.query,
      body: arb.browserBody,
      encoding: arb.encoding,
      headers: arb.headers,
      dropContentType: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(request, async (hostile) => {
        const response = await send(hostile);
        expectDocumented('unknown route', response);
        expect(response.statusCode).toBe(404);
        expect(errorCodeOf(response)).toBe('not_found');
      }),
      { numRuns: 200 },
    );
  });

  it('refuses any body over 8 KiB with the size message, before reading it as JSON', async () => {
    const caller = { [setup.usernameClaim]: 'size@example.com' };
    const request = fc.record({
      routeKey: fc.constantFrom('POST /token', 'POST /backend/token'),
      authorizer: fc.constant('both' as const),
      claims: fc.constant(caller),
      query: fc.constant(undefined),
      body: arb.oversizeBody,
      encoding: fc.constantFrom('plain', 'base64') as fc.Arbitrary<HostileRequest['encoding']>,
      headers: arb.headers,
      dropContentType: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(request, async (hostile) => {
        const response = await send(hostile);
        expectDocumented('oversize', response);
        expect(response.statusCode).toBe(400);
        expect(JSON.parse(response.body).error.message).toBe(SIZE_MESSAGE);
      }),
      { numRuns: 150 },
    );
  });

  it('never refuses a body of at most 8 KiB for its size, however it is encoded', async () => {
    const caller = { [setup.usernameClaim]: 'edge@example.com' };
    // The request is built inside the property so a counterexample prints as three values.
    const sizes = fc.tuple(
      fc.integer({ min: MAX_BODY_BYTES - 16, max: MAX_BODY_BYTES }),
      fc.constantFrom('POST /token', 'POST /backend/token'),
      fc.constantFrom<HostileRequest['encoding']>('plain', 'base64'),
    );
    await fc.assert(
      fc.asyncProperty(sizes, async ([bytes, routeKey, encoding]) => {
        const fields =
          routeKey === 'POST /token' ? '{}' : '{"username":"edge@example.com","org_id":5}';
        // Valid JSON padded with trailing spaces to exactly `bytes` bytes.
        const response = await send({
          routeKey,
          authorizer: 'both',
          claims: caller,
          query: undefined,
          body: fields + ' '.repeat(bytes - fields.length),
          encoding,
          headers: { 'content-type': 'application/json' },
          dropContentType: false,
        });
        expectDocumented('size edge', response);
        expect(response.statusCode).toBe(200);
      }),
      { numRuns: 100 },
    );
  });

  it('always mints for a well-formed caller (the properties above are not vacuous)', async () => {
    const request = fc
      .record({
        user: fc.emailAddress(),
        orgs: fc.uniqueArray(fc.constantFrom('0', '5', '9', '12', ...ORG_NAMES), {
          minLength: 1,
          maxLength: 3,
        }),
        pick: fc.nat(),
        routeKey: fc.constantFrom('GET /token', 'POST /token'),
        json: fc.boolean(),
      })
      .map(({ user, orgs, pick, routeKey, json }) => {
        const chosen = orgs[pick % orgs.length] ?? '0';
        const orgId = String(ORG_MAP[chosen] ?? Number(chosen));
        return {
          user,
          orgId: Number(orgId),
          request: {
            routeKey,
            authorizer: 'jwt',
            claims: { [setup.usernameClaim]: user, [setup.orgClaim]: `[${orgs.join(' ')}]` },
            query: routeKey === 'GET /token' ? { org_id: orgId } : undefined,
            body:
              routeKey === 'POST /token' ? JSON.stringify({ org_id: Number(orgId) }) : undefined,
            encoding: 'plain',
            headers: { accept: json ? 'application/json' : '*/*' },
            dropContentType: false,
          } satisfies HostileRequest,
        };
      });
    await fc.assert(
      fc.asyncProperty(request, async ({ user, orgId, request: hostile }) => {
        const response = await send(hostile);
        expectDocumented('well-formed', response);
        expect(response.statusCode).toBe(200);
        expect(env.ts.findToken(tokenOf(response))).toMatchObject({ username: user, orgId });
      }),
      { numRuns: 150 },
    );
  });
});

describe('the process and the output after the hostile input', () => {
  afterAll(() => processFailures.stop());

  it('saw no unhandled rejection or uncaught exception', () => {
    expect(processFailures.failures).toEqual([]);
  });

  it('never wrote a secret key or a token to the log', () => {
    output.stop();
    const logs = output.text();
    expect(logs).toContain('token issued');
    for (const key of ALL_KEYS) expect(logs).not.toContain(key);
    expect(logs).not.toMatch(/tsstandin-token-[0-9a-f]/);
    let events = 0;
    for (const [property, counts] of tally) {
      const line = [...counts.entries()].sort().map(([label, count]) => `${label}: ${count}`);
      events += [...counts.values()].reduce((sum, count) => sum + count, 0);
      console.log(`hostile input, ${property}: ${line.join(', ')}`);
    }
    console.log(`hostile input: ${events} events through the handler`);
  });
});
