// The ThoughtSpot stand-in's session endpoints behave as the Visual Embed SDK expects of
// a real cluster: bearer and cookie sessions from minted tokens, and CORS for the
// embedding app's origin only.
import { describe, expect, it } from 'vitest';
import { startThoughtSpotStandIn } from '../../infra/local/thoughtspot-stand-in.js';
import { ThoughtSpotTokenBodySchema } from '../support/thoughtspot-bodies.js';
import { useThoughtSpotStandIn } from './support/stand-in-clients.js';
import { tokenCalls } from './support/thoughtspot-token-calls.js';

const CLUSTER_KEY = 'cluster-key-0f3c9a';
const APP_ORIGIN = 'http://app.example.test';

describe('ThoughtSpot stand-in session endpoints (Visual Embed SDK)', () => {
  const ts = useThoughtSpotStandIn({ clusterKey: CLUSTER_KEY, corsOrigins: [APP_ORIGIN] });
  const { mint } = tokenCalls(() => ts.url);

  const isActive = (headers: Record<string, string> = {}) =>
    fetch(`${ts.url}/callosum/v1/session/isactive`, { headers });
  const login = (username: string, token: string) =>
    fetch(`${ts.url}/callosum/v1/session/login/token`, {
      method: 'POST',
      body: new URLSearchParams({ username, auth_token: token }),
      redirect: 'manual',
    });

  it('isactive accepts a valid minted bearer token and rejects others', async () => {
    const { token } = await mint({ username: 'ana', secret_key: CLUSTER_KEY, org_id: 0 });
    const ok = await isActive({
      authorization: `Bearer ${token}`,
      'x-requested-by': 'ThoughtSpot',
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({});
    expect(
      (await isActive({ authorization: 'Bearer tsstandin-token-000000000000000000000000' })).status,
    ).toBe(401);
    expect((await isActive()).status).toBe(401);
  });

  it('isactive rejects an expired token', async () => {
    let clock = Date.now();
    const timed = await startThoughtSpotStandIn({ clusterKey: CLUSTER_KEY, now: () => clock });
    try {
      const response = await fetch(`${timed.url}/api/rest/2.0/auth/token/full`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          username: 'ana',
          secret_key: CLUSTER_KEY,
          validity_time_in_sec: 60,
        }),
      });
      const { token } = ThoughtSpotTokenBodySchema.parse(await response.json());
      const check = () =>
        fetch(`${timed.url}/callosum/v1/session/isactive`, {
          headers: { authorization: `Bearer ${token}` },
        });
      expect((await check()).status).toBe(200);
      clock += 60_000;
      expect(timed.isValid(token)).toBe(false);
      expect((await check()).status).toBe(401);
    } finally {
      await timed.close();
    }
  });

  it('login with a valid token for that user sets a session cookie that isactive accepts', async () => {
    const { token } = await mint({ username: 'ana', secret_key: CLUSTER_KEY, org_id: 0 });
    const response = await login('ana', token);
    expect(response.status).toBe(204);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^JSESSIONID=[0-9a-f]{32}; Path=\/; HttpOnly; SameSite=None$/);
    const session = cookie.split(';')[0] ?? '';
    expect((await isActive({ cookie: session })).status).toBe(200);
    expect((await isActive({ cookie: 'JSESSIONID=forged' })).status).toBe(401);
  });

  it('login rejects a token minted for another user, or never minted', async () => {
    const { token } = await mint({ username: 'ana', secret_key: CLUSTER_KEY, org_id: 0 });
    const otherUser = await login('bo', token);
    expect(otherUser.status).toBe(401);
    expect(otherUser.headers.get('set-cookie')).toBeNull();
    expect((await login('ana', 'tsstandin-token-ffffffffffffffffffffffff')).status).toBe(401);
  });

  it('answers a CORS preflight from an allowed origin with credentials allowed', async () => {
    const response = await fetch(`${ts.url}/callosum/v1/session/isactive`, {
      method: 'OPTIONS',
      headers: {
        origin: APP_ORIGIN,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization, x-requested-by',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-headers')).toBe(
      'Authorization, Content-Type, X-Requested-By, Accept',
    );
    expect(response.headers.get('access-control-allow-methods')).toContain('GET');
  });

  it('refuses a preflight from an unlisted origin and never reflects it', async () => {
    const response = await fetch(`${ts.url}/callosum/v1/session/isactive`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example.test', 'access-control-request-method': 'GET' },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const plain = await isActive({ origin: 'http://evil.example.test' });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('reflects an allowed origin on actual responses', async () => {
    const response = await isActive({ origin: APP_ORIGIN });
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
  });
});
