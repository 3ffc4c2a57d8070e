import { describe, expect, it } from 'vitest';
import { upstreamErrorCode } from '../../functions/lib/thoughtspot.js';
import { fakeFetch, ok, reply } from '../support/fake-thoughtspot.js';
import { TEST_THOUGHTSPOT_HOST } from '../support/fixtures.js';
import { thoughtSpotError, thoughtSpotTokenBody } from '../support/thoughtspot-bodies.js';
import { client, mintRequest, newTrace } from '../support/token-client.js';

/** The token client's request to ThoughtSpot (THOUGHTSPOT-FACTS §1) and what it reads from a 200. */

const OBJECT_ID = 'e65d7d3f-c2b5-4d3e-8cba-7e5a6b9c0d11';

describe('upstreamErrorCode', () => {
  it.each([
    ['the 26.x shape', JSON.stringify(thoughtSpotError(10097)), 10097],
    ['a flat error code', '{"error": {"code": 10023}}', 10023],
    ['a top-level code', '{"code": 10002}', 10002],
    ['no code', '{"error": {"message": "bad"}}', undefined],
    ['a string code', '{"error": {"code": "10097"}}', undefined],
    ['a non-JSON body', '<html>Unauthorized</html>', undefined],
    ['an empty body', '', undefined],
  ])('reads %s', (_case, body, expected) => {
    expect(upstreamErrorCode(body)).toBe(expected);
  });
});

describe('createThoughtSpotClient: the request it sends', () => {
  it('posts the token request as JSON to /auth/token/full', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(
      ok({ scope: { access_type: 'FULL', org_id: 9, metadata_id: null } }),
    );
    const request = mintRequest({ orgId: 9, validitySeconds: 600 });

    // Act
    await client(fetch)(request, newTrace());

    // Assess
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.url).toBe(`${TEST_THOUGHTSPOT_HOST}/api/rest/2.0/auth/token/full`);
    expect(call?.init.method).toBe('POST');
    expect(new Headers(call?.init.headers).get('content-type')).toBe('application/json');
    expect(call?.body).toEqual({
      username: 'ada@example.com',
      secret_key: request.secretKey,
      org_id: 9,
      validity_time_in_sec: 600,
      auto_create: false,
    });
  });

  it('always sends org_id, even for the primary Org 0', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(ok());

    // Act
    await client(fetch)(mintRequest({ orgId: 0 }), newTrace());

    // Assess
    expect(calls[0]?.body).toHaveProperty('org_id', 0);
  });

  it('never sends a password', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(ok());

    // Act
    await client(fetch)(
      mintRequest({ provision: { email: 'ada@example.com', groups: ['a'] } }),
      newTrace(),
    );

    // Assess
    expect(calls[0]?.body).not.toHaveProperty('password');
  });

  it('asks to auto-create the user, with the given details, when provisioning', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(ok());

    // Act
    await client(fetch)(
      mintRequest({
        provision: {
          email: 'ada@example.com',
          displayName: 'Ada Lovelace',
          groups: ['analysts', 'finance'],
        },
      }),
      newTrace(),
    );

    // Assess
    expect(calls[0]?.body).toMatchObject({
      auto_create: true,
      email: 'ada@example.com',
      display_name: 'Ada Lovelace',
      group_identifiers: ['analysts', 'finance'],
    });
  });

  it('sends only the provisioning details it was given', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(ok());

    // Act
    await client(fetch)(mintRequest({ provision: {} }), newTrace());

    // Assess
    const body = calls[0]?.body;
    expect(body).toHaveProperty('auto_create', true);
    expect(body).not.toHaveProperty('email');
    expect(body).not.toHaveProperty('display_name');
    expect(body).not.toHaveProperty('group_identifiers');
  });

  it('sends an empty group list as []', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(ok());

    // Act
    await client(fetch)(mintRequest({ provision: { groups: [] } }), newTrace());

    // Assess
    expect(calls[0]?.body).toHaveProperty('group_identifiers', []);
  });

  it('asks /auth/token/object with object_id for an object token', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(
      ok({ scope: { access_type: 'REPORT_BOOK_VIEW', org_id: 0, metadata_id: OBJECT_ID } }),
    );

    // Act
    const minted = await client(fetch)(mintRequest({ objectId: OBJECT_ID }), newTrace());

    // Assess
    expect(calls[0]?.url).toBe(`${TEST_THOUGHTSPOT_HOST}/api/rest/2.0/auth/token/object`);
    expect(calls[0]?.body).toHaveProperty('object_id', OBJECT_ID);
    expect(minted.tokenType).toBe('object');
  });
});

describe('createThoughtSpotClient on a 200', () => {
  it('returns the minted token on 200', async () => {
    // Prepare
    const body = thoughtSpotTokenBody({
      scope: { access_type: 'FULL', org_id: 583464508, metadata_id: null },
    });
    const { fetch } = fakeFetch(reply(200, body));

    // Act
    const minted = await client(fetch)(mintRequest({ orgId: 583464508 }), newTrace());

    // Assess
    expect(minted).toEqual({
      token: body.token,
      expiresAtMillis: body.expiration_time_in_millis,
      orgId: 583464508,
      username: 'ada@example.com',
      tokenType: 'full',
    });
  });

  it('fills the trace: attempts, status and latency', async () => {
    // Prepare
    let clock = 1_000;
    const { fetch } = fakeFetch(() => {
      clock += 40;
      return ok()({});
    });
    const trace = newTrace();

    // Act
    await client(fetch, { now: () => clock })(mintRequest(), trace);

    // Assess
    expect(trace).toEqual({ attempts: 1, status: 200, latencyMs: 40 });
  });
});
