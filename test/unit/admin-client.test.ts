import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ThoughtSpotError, ThoughtSpotTimeoutError } from '../../functions/lib/errors.js';
import {
  ADMIN_TOKEN_VALIDITY_SECONDS,
  AdminRequestRefusedError,
  type AdminSession,
  createThoughtSpotAdmin,
  levelOf,
  trustedAuthKey,
} from '../../functions/lib/thoughtspot.js';
import { errorTexts, rejection } from '../support/errors.js';
import {
  fakeFetch,
  hang,
  networkError,
  ok,
  reply,
  type Step,
} from '../support/fake-thoughtspot.js';
import { fakeKey, TEST_THOUGHTSPOT_HOST } from '../support/fixtures.js';
import { thoughtSpotError } from '../support/thoughtspot-bodies.js';

const ORG_ID = 583464508;
const PASSWORD = fakeKey('admin-password');
const CREDENTIALS = { username: 'tsadmin', password: PASSWORD };
const BEARER = fakeKey('bearer');

const adminClient = (fetch: typeof globalThis.fetch, timeoutMs = 2000) =>
  createThoughtSpotAdmin({
    host: TEST_THOUGHTSPOT_HOST,
    timeoutMs,
    backoffBaseMs: 1,
    random: () => 0.5,
    fetch,
  });

/** The password login's 200, for Org `orgId`. */
const loggedIn = (orgId = 0, username = 'tsadmin') =>
  ok({
    token: BEARER,
    scope: { access_type: 'FULL', org_id: orgId, metadata_id: null },
    valid_for_username: username,
  });

const noContent: Step = () => new Response(null, { status: 204 });

/** A client whose first answer is a login for `orgId`, then `steps`. */
async function session(orgId: number, ...steps: Step[]) {
  const { fetch, calls } = fakeFetch(loggedIn(orgId), ...steps);
  const admin = adminClient(fetch);
  const signedIn = await admin.login(CREDENTIALS, orgId);
  return { admin, session: signedIn, calls };
}

describe('login', () => {
  it('posts username, password, org_id and a validity to /auth/token/full, never a secret_key', async () => {
    const { fetch, calls } = fakeFetch(loggedIn(0));

    await adminClient(fetch).login(CREDENTIALS, 0);

    expect(calls[0]?.url).toBe(`${TEST_THOUGHTSPOT_HOST}/api/rest/2.0/auth/token/full`);
    expect(calls[0]?.body).toEqual({
      username: 'tsadmin',
      password: PASSWORD,
      org_id: 0,
      validity_time_in_sec: ADMIN_TOKEN_VALIDITY_SECONDS,
    });
  });

  it('returns a session that carries no token, whatever prints it', async () => {
    const { session: signedIn } = await session(ORG_ID);

    expect(signedIn).toEqual({ orgId: ORG_ID, username: 'tsadmin' });
    expect(JSON.stringify(signedIn) + inspect(signedIn, { showHidden: true })).not.toContain(
      BEARER,
    );
  });

  it('refuses a bearer for another Org or user than asked for', async () => {
    for (const answer of [loggedIn(7), loggedIn(0, 'someone-else')]) {
      const { fetch } = fakeFetch(answer);
      const error = await rejection(adminClient(fetch).login(CREDENTIALS, 0));
      expect(error).toBeInstanceOf(ThoughtSpotError);
    }
  });

  it('reads 401 code 10097 on the login as a wrong password, without quoting it', async () => {
    const { fetch } = fakeFetch(reply(401, thoughtSpotError(10097)));

    const error = await rejection(adminClient(fetch).login(CREDENTIALS, 0));

    expect(error).toBeInstanceOf(AdminRequestRefusedError);
    expect(error).toMatchObject({
      endpoint: 'login',
      status: 401,
      upstreamCode: 10097,
      reason: 'login_refused',
    });
    expect((error as Error).message).toMatch(/check the username and password in the admin secret/);
    expect(errorTexts(error)).not.toContain(PASSWORD);
  });
});

describe('configure', () => {
  it('sends Org 0 as cluster_preferences, with the bearer', async () => {
    const { admin, session: signedIn, calls } = await session(0, noContent);

    await admin.configure(signedIn, 0, 'DISABLED');

    expect(calls[1]?.url).toBe(`${TEST_THOUGHTSPOT_HOST}/api/rest/2.0/auth/configure`);
    expect(new Headers(calls[1]?.init.headers).get('authorization')).toBe(`Bearer ${BEARER}`);
    expect(calls[1]?.body).toEqual({
      auth_type: 'TRUSTED_AUTH',
      cluster_preferences: { auth_status: 'DISABLED' },
    });
  });

  it('sends Org N as org_preferences with org_identifier as a string', async () => {
    const { admin, session: signedIn, calls } = await session(0, noContent);

    await admin.configure(signedIn, ORG_ID, 'ENABLED');

    expect(calls[1]?.body).toEqual({
      auth_type: 'TRUSTED_AUTH',
      org_preferences: [{ org_identifier: String(ORG_ID), auth_status: 'ENABLED' }],
    });
  });

  it('refuses a session another client made', async () => {
    const { admin } = await session(0);
    const forged: AdminSession = { orgId: 0, username: 'tsadmin' };

    await expect(admin.configure(forged, 0, 'ENABLED')).rejects.toThrow(/Not a session/);
  });
});

describe('search', () => {
  const searchAnswer = {
    auth_type: 'TRUSTED_AUTH',
    cluster_preferences: { auth_status: 'ENABLED', access_tokens: [{ key: 'cluster-key' }] },
    org_preferences: [
      {
        org: { id: ORG_ID, name: 'Big' },
        auth_status: 'ENABLED',
        access_tokens: [{ key: 'org-key' }],
      },
      { org: { id: 7, name: 'Off' }, auth_status: 'DISABLED' },
      { org: { id: 8 }, auth_status: null, access_tokens: null },
      { org: { id: 9 }, access_tokens: [] },
      { auth_status: 'ENABLED', access_tokens: [{ key: 'nameless' }] },
    ],
  };

  it('sends the scope only when asked, and reads every level', async () => {
    const { admin, session: signedIn, calls } = await session(0, reply(200, searchAnswer));

    const settings = await admin.search(signedIn);
    await admin.search(signedIn, 'ORG');

    expect(calls[1]?.body).toEqual({ auth_type: 'TRUSTED_AUTH' });
    expect(calls[2]?.body).toEqual({ auth_type: 'TRUSTED_AUTH', scope: 'ORG' });
    expect(settings.cluster).toEqual({ authStatus: 'ENABLED', keys: ['cluster-key'] });
    expect(settings.orgs).toEqual([
      { orgId: ORG_ID, authStatus: 'ENABLED', keys: ['org-key'] },
      { orgId: 7, authStatus: 'DISABLED', keys: [] },
      { orgId: 8, authStatus: undefined, keys: [] },
      { orgId: 9, authStatus: undefined, keys: [] },
    ]);
  });

  it('levelOf: cluster_preferences for Org 0, the entry whose org.id is N, else undefined', async () => {
    const { admin, session: signedIn } = await session(0, reply(200, searchAnswer));
    const settings = await admin.search(signedIn);

    expect(levelOf(settings, 0)?.keys).toEqual(['cluster-key']);
    expect(levelOf(settings, ORG_ID)?.keys).toEqual(['org-key']);
    expect(levelOf(settings, 12345)).toBeUndefined();
    expect(levelOf({ cluster: undefined, orgs: [] }, 0)).toBeUndefined();
  });

  it('refuses a malformed answer without quoting it', async () => {
    const bad = {
      cluster_preferences: { auth_status: 'SOMETIMES', access_tokens: [{ key: 'leaky-key' }] },
    };
    const { admin, session: signedIn } = await session(0, reply(200, bad));

    const error = await rejection(admin.search(signedIn));

    expect(error).toBeInstanceOf(ThoughtSpotError);
    expect(errorTexts(error)).not.toContain('leaky-key');
  });
});

describe('trustedAuthKey', () => {
  it('is the first key listed while trusted auth is on', () => {
    expect(trustedAuthKey({ authStatus: 'ENABLED', keys: ['first', 'second'] })).toBe('first');
    expect(trustedAuthKey({ authStatus: undefined, keys: ['only'] })).toBe('only');
  });

  it('is none when trusted auth is off: DISABLED, or no key', () => {
    expect(trustedAuthKey({ authStatus: 'DISABLED', keys: ['left-over'] })).toBeUndefined();
    expect(trustedAuthKey({ authStatus: 'ENABLED', keys: [] })).toBeUndefined();
  });
});

describe('what a refusal means on the admin endpoints', () => {
  it.each([
    [401, 10097, 'not_authenticated', /did not accept the admin token on auth\/search/],
    [403, 10023, 'not_permitted', /needs ADMINISTRATION or CONTROL_TRUSTED_AUTH/],
    [404, undefined, 'not_supported', /older than 26\.6\.0\.cl/],
    [400, 10002, 'bad_request', /malformed/],
    [409, undefined, 'refused', /refused auth\/search \(409\)/],
  ])('%i (code %s) on search is %s', async (status, code, reason, message) => {
    const body =
      code === undefined ? { error: { message: { debug: 'x' } } } : thoughtSpotError(code);
    const { admin, session: signedIn, calls } = await session(0, reply(status, body));

    const error = await rejection(admin.search(signedIn));

    expect(error).toMatchObject({ endpoint: 'search', status, reason });
    expect((error as Error).message).toMatch(message);
    expect(calls).toHaveLength(2);
  });
});

describe('the shared request discipline', () => {
  it('retries a 5xx and a network error within its attempts, then answers', async () => {
    const {
      admin,
      session: signedIn,
      calls,
    } = await session(0, reply(503, thoughtSpotError(10038)), networkError, noContent);

    await admin.configure(signedIn, 0, 'ENABLED');

    expect(calls).toHaveLength(4);
  });

  it('retries a 429 after its capped Retry-After', async () => {
    const {
      admin,
      session: signedIn,
      calls,
    } = await session(
      0,
      reply(429, {}, { 'retry-after': '0' }),
      reply(200, { cluster_preferences: { auth_status: 'ENABLED' } }),
    );

    const settings = await admin.search(signedIn, 'CLUSTER');

    expect(settings.cluster).toEqual({ authStatus: 'ENABLED', keys: [] });
    expect(calls).toHaveLength(3);
  });

  it('never follows a redirect: the bearer goes to THOUGHTSPOT_HOST only', async () => {
    const {
      admin,
      session: signedIn,
      calls,
    } = await session(0, reply(302, '', { location: 'https://elsewhere.example/' }));

    const error = await rejection(admin.search(signedIn));

    expect(error).toBeInstanceOf(ThoughtSpotError);
    expect((error as Error).message).toMatch(/redirect, which is never followed/);
    expect(calls[1]?.init.redirect).toBe('manual');
  });

  it('ends at the deadline with thoughtspot_timeout', async () => {
    const { fetch } = fakeFetch(hang);

    const error = await rejection(adminClient(fetch, 150).login(CREDENTIALS, 0));

    expect(error).toBeInstanceOf(ThoughtSpotTimeoutError);
  });

  it('keeps the password, the bearer and keys out of every error and trace', async () => {
    const echo = (status: number): Step => reply(status, { echoed: [PASSWORD, BEARER, 'org-key'] });
    const { admin, session: signedIn } = await session(0, echo(500), echo(401), echo(403));
    const trace = { attempts: 0 };

    const errors = [
      await rejection(admin.search(signedIn, undefined, trace)),
      await rejection(admin.search(signedIn)),
      await rejection(admin.configure(signedIn, 0, 'ENABLED')),
    ];

    const texts = errors.map(errorTexts).join('\n') + JSON.stringify(trace);
    for (const secret of [PASSWORD, BEARER, 'org-key']) expect(texts).not.toContain(secret);
  });
});
