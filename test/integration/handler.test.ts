import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Environment, secretIdOf } from './support/environment.js';
import { watchForLeaks } from './support/leak-watch.js';

/**
 * The whole handler over real HTTP on 127.0.0.1: real AWS SDK → Secrets Manager
 * stand-in, real ThoughtSpot client → ThoughtSpot stand-in. Each describe block is
 * one cold start with its own configuration. After every test: no secret key in any
 * log line or response, and no token in a log line (leak-watch.ts).
 */

const leaks = watchForLeaks();
const key = leaks.key;

const CLUSTER_KEY = key('cluster');
const ORG5_KEY = key('org5');
const alice = { email: 'alice@example.com', ts_org: '5' };

const environment = leaks.environment;

const getToken = (
  claims: Record<string, string>,
  extra: { query?: Record<string, string>; headers?: Record<string, string> } = {},
) => ({
  routeKey: 'GET /token',
  claims,
  ...extra,
});

describe('the token handler with own keys, fallback and Org mapping', () => {
  let env: Environment;
  beforeAll(async () => {
    env = await environment({
      clusterKey: CLUSTER_KEY,
      orgKeys: { 5: ORG5_KEY },
      secrets: { 0: CLUSTER_KEY, 5: JSON.stringify({ secret_key: ORG5_KEY }) },
      env: { ORG_MAP: JSON.stringify({ acme: 5, globex: 9 }) },
    });
  });
  afterAll(() => env.close());
  beforeEach(() => {
    env.ts.resetCounters();
    env.sm.resetCalls();
  });

  it('mints a token with the Org own key and returns it as text/plain', async () => {
    const response = await env.invoke(getToken(alice));

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.headers['cache-control']).toBe('no-store');
    const minted = env.ts.findToken(response.body);
    expect(minted).toMatchObject({ username: 'alice@example.com', orgId: 5, keyKind: 'org' });
  });

  it('answers JSON with the token details when asked for application/json', async () => {
    const response = await env.invoke(getToken(alice, { headers: { accept: 'application/json' } }));

    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body);
    expect(body).toMatchObject({ org_id: 5, username: 'alice@example.com', token_type: 'full' });
    expect(env.ts.isValid(body.token)).toBe(true);
    expect(new Date(body.expires_at).getTime()).toBe(body.expiration_time_in_millis);
  });

  it('falls back to the Org 0 key, naming the caller Org, when the Org has no secret', async () => {
    const response = await env.invoke(getToken({ email: 'bob@example.com', ts_org: '9' }));

    expect(response.statusCode).toBe(200);
    expect(env.ts.findToken(response.body)).toMatchObject({
      username: 'bob@example.com',
      orgId: 9,
      keyKind: 'cluster',
    });
    expect(env.ts.requests.at(-1)?.body).toMatchObject({ org_id: 9 });
  });

  it('maps an Org name in the claim through ORG_MAP', async () => {
    const response = await env.invoke(getToken({ email: 'carol@example.com', ts_org: 'acme' }));

    expect(response.statusCode).toBe(200);
    expect(env.ts.findToken(response.body)).toMatchObject({ orgId: 5, keyKind: 'org' });
  });

  it('lets a caller with a list claim choose one of their Orgs', async () => {
    const claims = { email: 'dave@example.com', ts_org: '[acme 9]' };

    const chosen = await env.invoke(getToken(claims, { query: { org_id: '9' } }));
    const byDefault = await env.invoke(getToken(claims));

    expect(chosen.statusCode).toBe(200);
    expect(env.ts.findToken(chosen.body)?.orgId).toBe(9);
    expect(byDefault.statusCode).toBe(200);
    expect(env.ts.findToken(byDefault.body)?.orgId).toBe(5);
  });

  it('refuses an Org outside the claim with 403 org_forbidden and mints nothing', async () => {
    const response = await env.invoke(getToken(alice, { query: { org_id: '9' } }));

    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body).error).toMatchObject({ code: 'org_forbidden' });
    expect(env.ts.minted).toHaveLength(0);
  });

  it('refuses a browser that names a username with 400 and mints nothing', async () => {
    const asQuery = await env.invoke(getToken(alice, { query: { username: 'admin' } }));
    const asBody = await env.invoke({
      routeKey: 'POST /token',
      claims: alice,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', groups: ['admins'] }),
    });

    for (const response of [asQuery, asBody]) {
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body).error.code).toBe('invalid_request');
    }
    expect(env.ts.minted).toHaveLength(0);
  });

  it('answers 401 without a verified identity or without the username claim', async () => {
    const noAuthorizer = await env.invoke({ routeKey: 'GET /token' });
    const noUsername = await env.invoke(getToken({ ts_org: '5' }));

    expect(noAuthorizer.statusCode).toBe(401);
    expect(noUsername.statusCode).toBe(401);
    expect(JSON.parse(noUsername.body).error).toMatchObject({ code: 'unauthenticated' });
    expect(env.ts.minted).toHaveLength(0);
  });

  it('lets the IAM-authorized backend route name the user and provision them', async () => {
    const response = await env.invoke({
      routeKey: 'POST /backend/token',
      iam: true,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        username: 'erin@example.com',
        org_id: 5,
        email: 'erin@example.com',
        display_name: 'Erin',
        groups: ['analysts'],
      }),
    });

    expect(response.statusCode).toBe(200);
    const minted = env.ts.findToken(JSON.parse(response.body).token);
    expect(minted).toMatchObject({
      username: 'erin@example.com',
      orgId: 5,
      autoCreate: true,
      groups: ['analysts'],
    });
  });

  it('refuses the backend route without IAM authorization', async () => {
    const response = await env.invoke({
      routeKey: 'POST /backend/token',
      claims: alice,
      body: JSON.stringify({ username: 'root', org_id: 0 }),
    });

    expect(response.statusCode).toBe(401);
    expect(env.ts.minted).toHaveLength(0);
  });

  it('answers an unknown route with 404 JSON', async () => {
    const response = await env.invoke({ routeKey: 'DELETE /token', claims: alice });

    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body).error.code).toBe('not_found');
    expect(response.headers['cache-control']).toBe('no-store');
  });
});

describe('the token handler on a cold start', () => {
  let env: Environment;
  beforeAll(async () => {
    env = await environment({ clusterKey: CLUSTER_KEY, secrets: { 0: CLUSTER_KEY } });
  });
  afterAll(() => env.close());

  it('looks each secret up once for 50 concurrent cold requests', async () => {
    const claims = { email: 'frank@example.com', ts_org: '77' };

    const responses = await Promise.all(
      Array.from({ length: 50 }, () => env.invoke(getToken(claims))),
    );

    expect(responses.every((response) => response.statusCode === 200)).toBe(true);
    // Org 77 has no secret, so its one lookup falls back to Org 0's key, also read once.
    expect(env.sm.calls).toEqual([
      { operation: 'GetSecretValue', secretId: secretIdOf(77) },
      { operation: 'GetSecretValue', secretId: secretIdOf(0) },
    ]);
    expect(env.ts.minted).toHaveLength(50);
  });
});

describe('the token handler when secrets rotate or Secrets Manager fails', () => {
  let env: Environment;
  const oldKey = key('org6-old');
  const newKey = key('org6-new');
  beforeAll(async () => {
    env = await environment({
      clusterKey: CLUSTER_KEY,
      orgKeys: { 6: oldKey },
      secrets: { 0: CLUSTER_KEY, 6: oldKey },
      env: { SECRET_CACHE_TTL_SECONDS: '1', SECRET_MAX_STALE_SECONDS: '600' },
    });
  });
  afterAll(() => env.close());
  beforeEach(() => {
    env.sm.setFault(undefined);
    env.ts.setClusterKey(CLUSTER_KEY);
    env.sm.resetCalls();
  });

  it('loses no request when a key is rotated in ThoughtSpot and Secrets Manager', async () => {
    const claims = { email: 'gina@example.com', ts_org: '6' };
    expect((await env.invoke(getToken(claims))).statusCode).toBe(200);

    // Rotation: the old key dies at once in ThoughtSpot; the new one is put in Secrets Manager.
    env.ts.setOrgKey(6, newKey);
    env.sm.setSecret(secretIdOf(6), newKey);
    env.sm.resetCalls();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => env.invoke(getToken(claims))),
    );

    expect(responses.map((response) => response.statusCode)).toEqual(Array(20).fill(200));
    expect(env.sm.callCount('GetSecretValue', secretIdOf(6))).toBe(1);
    for (const response of responses) expect(env.ts.isValid(response.body)).toBe(true);
  });

  it('serves a cached key past its TTL while Secrets Manager is down', async () => {
    const claims = { email: 'hank@example.com', ts_org: '0' };
    expect((await env.invoke(getToken(claims))).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    env.sm.setFault({ kind: 'internal' });
    env.sm.resetCalls();

    const response = await env.invoke(getToken(claims));

    expect(response.statusCode).toBe(200);
    expect(env.ts.isValid(response.body)).toBe(true);
    expect(env.ts.findToken(response.body)).toMatchObject({ username: 'hank@example.com' });
    // It did try to refresh the expired key (the SDK's two attempts), and then served the cached one.
    expect(env.sm.calls).toEqual([
      { operation: 'GetSecretValue', secretId: secretIdOf(0) },
      { operation: 'GetSecretValue', secretId: secretIdOf(0) },
    ]);
  });

  it('answers 503 secret_unavailable when Secrets Manager is down and nothing is cached', async () => {
    env.sm.setFault({ kind: 'throttle' });

    const response = await env.invoke(getToken({ email: 'ivy@example.com', ts_org: '8' }));

    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body).error.code).toBe('secret_unavailable');
  });

  it('answers 503 secret_key_rejected when even the refetched key is rejected', async () => {
    const claims = { email: 'jack@example.com', ts_org: '0' };
    expect((await env.invoke(getToken(claims))).statusCode).toBe(200);
    // The cluster key is revoked in ThoughtSpot but Secrets Manager still holds it.
    env.ts.setClusterKey(key('cluster-elsewhere'));
    env.sm.resetCalls();

    const response = await env.invoke(getToken(claims));

    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body).error.code).toBe('secret_key_rejected');
    expect(env.sm.callCount('GetSecretValue', secretIdOf(0))).toBe(1);
  });
});

describe('the token handler when ThoughtSpot fails', () => {
  let env: Environment;
  beforeAll(async () => {
    env = await environment({
      clusterKey: CLUSTER_KEY,
      secrets: { 0: CLUSTER_KEY },
      env: { THOUGHTSPOT_TIMEOUT_MS: '1500' },
    });
  });
  afterAll(() => env.close());
  beforeEach(() => env.ts.clearFaults());
  const claims = { email: 'kim@example.com', ts_org: '0' };

  it('retries a 500 and answers 200 with the second attempt token', async () => {
    env.ts.injectFaults({ kind: 'status', status: 500 });

    const response = await env.invoke(getToken(claims));

    expect(response.statusCode).toBe(200);
    expect(env.ts.isValid(response.body)).toBe(true);
  });

  it('answers 502 thoughtspot_error when ThoughtSpot keeps failing', async () => {
    env.ts.injectFaults(
      ...Array.from({ length: 5 }, () => ({ kind: 'status' as const, status: 500 })),
    );

    const response = await env.invoke(getToken(claims));

    expect(response.statusCode).toBe(502);
    expect(JSON.parse(response.body).error.code).toBe('thoughtspot_error');
  });

  it('passes a 429 on with its Retry-After when the wait does not fit the deadline', async () => {
    env.ts.injectFaults({ kind: 'rate-limit', retryAfterSeconds: 30 });

    const response = await env.invoke(getToken(claims));

    expect(response.statusCode).toBe(429);
    expect(response.headers['Retry-After'] ?? response.headers['retry-after']).toBe('30');
    expect(JSON.parse(response.body).error.code).toBe('rate_limited');
  });

  it('answers 504 within the deadline when ThoughtSpot hangs', async () => {
    env.ts.injectFaults({ kind: 'hang' });
    const started = Date.now();

    const response = await env.invoke(getToken(claims));

    expect(response.statusCode).toBe(504);
    expect(JSON.parse(response.body).error.code).toBe('thoughtspot_timeout');
    expect(Date.now() - started).toBeLessThan(1500 + 500);
  });
});
