import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoApp, demoPageUrl, startDemoApp } from '../../infra/local/demo-app.js';
import { freePort } from '../../infra/local/free-ports.js';
import { type ListeningServer, listen } from '../../infra/local/http-server.js';
import { LOCAL_JWT_AUDIENCE, LOCAL_JWT_ISSUER } from '../../infra/local/local-settings.js';

/**
 * The demo page's server without a browser (the e2e tier drives the page itself):
 * what it falls back to, and how its backend passes the page's JWT on in cookie mode.
 */

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));

describe('the demo app', () => {
  let demo: DemoApp;
  let tokenService: ListeningServer;
  const authorizations: string[] = [];

  beforeAll(async () => {
    // Stands in for the token service: records the JWT it was sent, answers a token.
    tokenService = await listen(
      createServer((req, res) => {
        authorizations.push(req.headers.authorization ?? '');
        res.end('token-from-the-service');
      }),
      { scheme: 'http' },
    );
    demo = await startDemoApp({
      port: await freePort(),
      apiUrl: tokenService.url,
      thoughtSpotUrl: 'https://127.0.0.1:9',
      jwtIssuer: LOCAL_JWT_ISSUER,
      jwtAudience: LOCAL_JWT_AUDIENCE,
      orgIds: [0, 5],
    });
  });
  afterAll(async () => {
    await demo.close();
    await tokenService.close();
  });

  it('opens on the first example user in the first Org with its own key when the query names no one it knows', async () => {
    const response = await fetch(`${demo.origin}/?user=mallory@example.com&org=99&mode=admin`);

    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<title>Token service demo: alice@example.com in Org 5</title>');
    expect(html).toContain('"mode":"cookieless"');
    // The claim a token policy reads (TOKEN_POLICY_FILE), shown with the JWT.
    expect(html).toContain('email=alice@example.com, ts_org=5, region=EMEA');
  });

  it('in cookie mode keeps the JWT on its backend and passes it on to the token service for its own session only', async () => {
    const page = await fetch(
      demoPageUrl(demo.origin, { user: 'bob@example.com', org: 0, mode: 'cookie' }),
    );
    expect(await page.text()).toContain('"jwt":null');
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const before = demo.proxiedTokenRequests;

    const withSession = await fetch(`${demo.origin}/auth/token`, { headers: { cookie } });
    const withoutSession = await fetch(`${demo.origin}/auth/token`);

    expect(withSession.status).toBe(200);
    expect(await withSession.text()).toBe('token-from-the-service');
    expect(withoutSession.status).toBe(401);
    expect(demo.proxiedTokenRequests - before).toBe(2);
    expect(authorizations).toHaveLength(1);
    const [scheme, jwt = ''] = (authorizations[0] ?? '').split(' ');
    expect(scheme).toBe('Bearer');
    expect(claimsOf(jwt)).toMatchObject({
      email: 'bob@example.com',
      ts_org: '0',
      region: 'APAC',
      iss: LOCAL_JWT_ISSUER,
      aud: LOCAL_JWT_AUDIENCE,
    });
  });

  it('serves the Visual Embed SDK bundle from node_modules', async () => {
    const response = await fetch(`${demo.origin}/sdk/tsembed.js`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await response.text()).toMatch(/tsembed/);
  });
});
