import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as arb from './support/hostile-arbitraries.js';
import {
  claimedUsername,
  claimsShape,
  decodedBody,
  type HostileRequest,
  MAX_VALIDITY,
  ORG_MAP,
  ORG_NAMES,
  possibleListItems,
  possibleOrgs,
  SETUPS,
  tokenOf,
  watchHostileInput,
} from './support/hostile-handler.js';

/**
 * Property-based, on the browser routes (GET and POST /token): thousands of generated
 * requests (claims, query strings, bodies, headers, authorizers) through the real
 * handler, with both stand-ins up and ThoughtSpot healthy. Whatever comes in, the
 * answer is a documented one and a token only ever goes to the user the verified
 * identity names, in one of their Orgs. No key leaves the function (watchHostileInput).
 */

const hostile = watchHostileInput();

describe.each(SETUPS)('the browser routes fed hostile input, with $name', (setup) => {
  const handler = hostile.handlerFor(setup);

  const browserRequest = (raw: boolean) =>
    fc.record({
      routeKey: fc.constantFrom('GET /token', 'POST /token'),
      authorizer: arb.authorizerKind('jwt'),
      claims: arb.claims(claimsShape(setup, raw)),
      query: arb.query,
      body: arb.browserBody,
      encoding: arb.encoding,
      headers: arb.headers,
      dropContentType: fc.boolean(),
    });

  it('gives browsers a documented answer, and a token only for the claimed user in one of their Orgs', async () => {
    const check = async (request: HostileRequest) => {
      const response = await handler.send(request);
      hostile.expectDocumented('browser', response);
      const verified = request.authorizer === 'jwt' || request.authorizer === 'both';
      const username = claimedUsername(request.claims[setup.usernameClaim]);
      if (!verified || username === undefined) {
        expect(response.statusCode).toBe(401);
        return;
      }
      if (response.statusCode !== 200) return;

      const minted = handler.env.ts.findToken(tokenOf(response));
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
      // Each group is a whole item of the groups claim, never a piece of one.
      const groupsClaim = [...possibleListItems(request.claims.groups)];
      for (const group of minted?.groups ?? []) {
        expect(group).not.toBe('');
        expect(groupsClaim).toContain(group);
      }
    };
    // Claims as API Gateway delivers them (strings), then as anything at all.
    await fc.assert(fc.asyncProperty(browserRequest(false), check), { numRuns: 1500 });
    await fc.assert(fc.asyncProperty(browserRequest(true), check), { numRuns: 700 });
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
      fc.asyncProperty(request, async ({ user, orgId, request: generated }) => {
        const response = await handler.send(generated);
        hostile.expectDocumented('well-formed', response);
        expect(response.statusCode).toBe(200);
        expect(handler.env.ts.findToken(tokenOf(response))).toMatchObject({
          username: user,
          orgId,
        });
      }),
      { numRuns: 150 },
    );
  });
});
