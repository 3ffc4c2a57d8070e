import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../infra/local/certificate.js';
import { type DemoApp, demoPageUrl } from '../../infra/local/demo-app.js';
import type { AuthMode } from '../../infra/local/demo-page.js';
import { type DevKeys, generateDevKeys } from '../../infra/local/dev-keys.js';
import { type LocalService, startLocalService } from '../../infra/local/local-service.js';
import {
  DEFAULT_DEV_ORGS,
  LOCAL_JWT_AUDIENCE,
  LOCAL_JWT_ISSUER,
} from '../../infra/local/local-settings.js';
import type { ThoughtSpotStandIn } from '../../infra/local/thoughtspot-stand-in.js';
import { launchChromium, launchWithThirdPartyCookies } from './support/browser.js';
import { freeServicePorts } from './support/service-ports.js';

/**
 * The real client in a real browser: Debian's Chromium runs the demo embedding
 * page of `npm start` (infra/local/demo-page.ts: the real @thoughtspot/visual-embed-sdk)
 * against the service started exactly as `npm start` starts it (serverless-offline
 * on serverless.yml: routes, CORS, JWT authorizer), the Secrets Manager stand-in,
 * and the ThoughtSpot stand-in as thoughtSpotHost. Three origins: the page
 * (http://127.0.0.1:A, the only one in the CORS lists), the service
 * (http://127.0.0.1:B), ThoughtSpot (https://127.0.0.1:C). The same page server
 * also answers as http://localhost:A: another origin, outside the CORS lists.
 *
 * ThoughtSpot is served over HTTPS with a throwaway certificate (the browser
 * context ignores certificate errors; the function trusts it through
 * NODE_EXTRA_CA_CERTS, TLS checks stay on) because the cookie flow depends on it:
 * the session cookie is `SameSite=None; Secure`, as a real cluster sets it, and
 * Chromium drops such a cookie when it arrives over plain http.
 */

const USER = 'alice@example.com';
const ORG = 5;
const pageUrl = (origin: string, mode: AuthMode) =>
  demoPageUrl(origin, { user: USER, org: ORG, mode });

interface SdkEvent {
  status: string;
  detail: unknown;
}
interface PageState {
  events: SdkEvent[];
  serviceTokens: string[];
  errors: string[];
}
interface EmbeddedAppState {
  authenticated: boolean;
  tokens: string[];
  error: string | null;
}
declare global {
  interface Window {
    demo: PageState;
    standIn: EmbeddedAppState & {
      refresh(type: string): Promise<{ token: string; valid: boolean }>;
    };
  }
}

interface OpenedPage {
  page: Page;
  /** window.alert() texts: the SDK alerts "Duplicate token…" when a reused token fails. */
  dialogs: string[];
  console: string[];
  /** Requests the page made, preflights included (from the DevTools protocol). */
  network: { id: string; method: string; url: string; corsError?: string }[];
}

describe('the Visual Embed SDK in Chromium, against the service as `npm start` runs it', () => {
  let keys: DevKeys;
  let service: LocalService;
  let ts: ThoughtSpotStandIn;
  let demo: DemoApp;
  /** The demo page's server under another name: an origin outside the CORS lists. */
  let foreignOrigin: string;
  let browser: Browser;
  let context: BrowserContext;
  /** ThoughtSpot's clock runs this far ahead: lets a test expire tokens without waiting. */
  let clockOffsetMs = 0;
  const serviceOutput: string[] = [];

  beforeAll(async () => {
    const ports = await freeServicePorts();
    keys = generateDevKeys(DEFAULT_DEV_ORGS);
    service = await startLocalService({
      ports,
      // None of a developer's own: the demo page's origin is the only one allowed.
      corsOrigins: [],
      jwtIssuer: LOCAL_JWT_ISSUER,
      jwtAudience: LOCAL_JWT_AUDIENCE,
      keys,
      thoughtSpotTls: selfSignedCertificate(),
      now: () => Date.now() + clockOffsetMs,
      output: (text) => serviceOutput.push(text),
    });
    if (!service.thoughtSpot) throw new Error('expected the ThoughtSpot stand-in');
    ts = service.thoughtSpot;
    demo = service.demo;
    foreignOrigin = `http://localhost:${ports.demo}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  beforeEach(async () => {
    ts.resetCounters();
    clockOffsetMs = 0;
    context = await browser.newContext({ ignoreHTTPSErrors: true });
  });

  afterEach(async () => {
    await context.close();
    // Whatever the function and serverless-offline printed: never a key, never a token.
    const printed = serviceOutput.join('');
    for (const key of [keys.clusterKey, ...Object.values(keys.orgKeys)]) {
      expect(printed).not.toContain(key);
    }
    for (const { token } of ts.minted) expect(printed).not.toContain(token);
  });

  async function openPage(
    origin: string,
    mode: AuthMode,
    inContext: BrowserContext = context,
  ): Promise<OpenedPage> {
    const page = await inContext.newPage();
    const opened: OpenedPage = { page, dialogs: [], console: [], network: [] };
    page.on('dialog', (dialog) => {
      opened.dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => opened.console.push(message.text()));
    const cdp = await inContext.newCDPSession(page);
    cdp.on('Network.requestWillBeSent', (event) => {
      opened.network.push({
        id: event.requestId,
        method: event.request.method,
        url: event.request.url,
      });
    });
    cdp.on('Network.loadingFailed', (event) => {
      const request = opened.network.find((candidate) => candidate.id === event.requestId);
      if (request && event.corsErrorStatus) request.corsError = event.corsErrorStatus.corsError;
    });
    await cdp.send('Network.enable');
    await page.goto(pageUrl(origin, mode));
    return opened;
  }

  /** Resolves once the SDK has reported SUCCESS or FAILURE; returns the page's record. */
  async function settled(page: Page): Promise<PageState> {
    await page.waitForFunction(
      () =>
        window.demo.events.some(
          (event) => event.status === 'SUCCESS' || event.status === 'FAILURE',
        ),
      undefined,
      { timeout: 20_000 },
    );
    return page.evaluate(() => window.demo);
  }

  /** The iframe the SDK created: the ThoughtSpot stand-in's embedded-app page. */
  function embeddedApp(page: Page): Frame {
    const frame = page.frames().find((candidate) => candidate.url().startsWith(ts.url));
    if (!frame) throw new Error('the SDK created no ThoughtSpot iframe');
    return frame;
  }

  /** The page's requests to the token service: method and CORS error, in method order. */
  const tokenRequests = (opened: OpenedPage) =>
    opened.network
      .filter((request) => request.url === `${service.apiUrl}/token`)
      .map(({ method, corsError }) => ({ method, ...(corsError && { corsError }) }))
      .sort((a, b) => a.method.localeCompare(b.method));

  it('cookieless: getAuthToken sends the JWT cross-origin, the preflight passes and the SDK signs in with a token minted for the JWT user and Org', async () => {
    const opened = await openPage(demo.origin, 'cookieless');
    const state = await settled(opened.page);

    expect(state.events.map((event) => event.status)).toEqual(['SDK_SUCCESS', 'SUCCESS']);
    expect(state.errors).toEqual([]);
    // A preflight (Authorization is not a simple header), then the GET itself.
    expect(tokenRequests(opened)).toEqual([{ method: 'GET' }, { method: 'OPTIONS' }]);
    expect(state.serviceTokens).toHaveLength(1);
    const [token = ''] = state.serviceTokens;
    expect(ts.findToken(token)).toMatchObject({ username: USER, orgId: ORG, keyKind: 'org' });
    expect(ts.minted).toHaveLength(1);
    // The embedded app got the same token in appInit, and ThoughtSpot accepted it.
    const embedded = await embeddedApp(opened.page).evaluate(() => ({
      authenticated: window.standIn.authenticated,
      tokens: window.standIn.tokens,
    }));
    expect(embedded).toEqual({ authenticated: true, tokens: [token] });
    expect(state.events[1]?.detail).toMatchObject({ userName: USER, currentOrgId: ORG });
    expect(opened.dialogs).toEqual([]);
  });

  it("the demo page's switcher: picking another user and Org signs that user in, and the page shows who", async () => {
    const opened = await openPage(demo.origin, 'cookieless');
    await settled(opened.page);

    // Each choice reloads the page with a development JWT for the new user and Org.
    await Promise.all([
      opened.page.waitForURL(/user=bob%40example\.com/),
      opened.page.selectOption('select[name=user]', 'bob@example.com'),
    ]);
    await Promise.all([
      opened.page.waitForURL(/org=0/),
      opened.page.selectOption('select[name=org]', '0'),
    ]);
    const state = await settled(opened.page);

    expect(state.events.map((event) => event.status)).toEqual(['SDK_SUCCESS', 'SUCCESS']);
    const [token = ''] = state.serviceTokens;
    expect(ts.findToken(token)).toMatchObject({
      username: 'bob@example.com',
      orgId: 0,
      keyKind: 'cluster',
    });
    expect(await embeddedApp(opened.page).textContent('#status')).toBe(
      'ThoughtSpot stand-in: signed in as bob@example.com in Org 0',
    );
    expect(await opened.page.textContent('#log')).toContain(
      'ThoughtSpot signed in bob@example.com in Org 0',
    );
  });

  it('cookie: authEndpoint on the page origin reaches the service through the app backend and the SDK logs in with the token', async () => {
    // ThoughtSpot's session cookie is a third-party cookie here (another site than the
    // page), as with any cluster not on the app's own domain; cookie mode needs the
    // browser to allow those (Chromium blocks them by default: ThoughtSpot's documented
    // cookie-mode failure), so this scenario runs in a profile that allows them.
    const regular = await launchWithThirdPartyCookies();
    try {
      const proxiedBefore = demo.proxiedTokenRequests;
      const opened = await openPage(demo.origin, 'cookie', regular.context);
      const state = await settled(opened.page);

      expect(state.events.map((event) => event.status)).toEqual(['SDK_SUCCESS', 'SUCCESS']);
      expect(demo.proxiedTokenRequests - proxiedBefore).toBe(1);
      expect(ts.minted).toHaveLength(1);
      const [minted] = ts.minted;
      expect(minted).toMatchObject({ username: USER, orgId: ORG });
      const logins = ts.requests.filter(
        (request) =>
          request.method === 'POST' && request.path === '/callosum/v1/session/login/token',
      );
      expect(logins).toEqual([
        {
          method: 'POST',
          path: '/callosum/v1/session/login/token',
          body: { username: USER, auth_token: minted?.token },
        },
      ]);
      const cookies = await regular.context.cookies(ts.url);
      expect(cookies.filter((cookie) => cookie.name === 'JSESSIONID')).toEqual([
        expect.objectContaining({ secure: true, sameSite: 'None', httpOnly: true }),
      ]);
      // The embedded app is signed in by the session cookie alone: no token in appInit.
      const embedded = await embeddedApp(opened.page).evaluate(() => ({
        authenticated: window.standIn.authenticated,
        tokens: window.standIn.tokens,
      }));
      expect(embedded).toEqual({ authenticated: true, tokens: [] });
      expect(opened.dialogs).toEqual([]);
    } finally {
      await regular.close();
    }
  });

  it('a page from an origin outside the CORS list is blocked by the browser and no token is minted', async () => {
    const printedBefore = serviceOutput.join('').length;
    const opened = await openPage(foreignOrigin, 'cookieless');
    const state = await settled(opened.page);

    expect(state.events).toEqual([{ status: 'FAILURE', detail: 'SDK' }]);
    expect(state.errors).toEqual([expect.stringMatching(/TypeError: Failed to fetch/)]);
    expect(opened.console.join('\n')).toMatch(/blocked by CORS policy/);
    // The preflight got no Access-Control-Allow-Origin, so Chromium never sent the GET:
    // serverless-offline never ran the function.
    expect(tokenRequests(opened)).toEqual([
      { method: 'GET', corsError: 'PreflightMissingAllowOriginHeader' },
      { method: 'OPTIONS' },
    ]);
    expect(serviceOutput.join('').slice(printedBefore)).not.toMatch(/GET \/token/);
    expect(ts.minted).toEqual([]);
  });

  it('every later token request returns a new valid token, so the SDK never reports "Duplicate token"', async () => {
    const opened = await openPage(demo.origin, 'cookieless');
    const state = await settled(opened.page);
    expect(state.events.map((event) => event.status)).toEqual(['SDK_SUCCESS', 'SUCCESS']);
    const frame = embeddedApp(opened.page);
    const refresh = (type: string) =>
      frame.evaluate((eventType) => window.standIn.refresh(eventType), type);

    // Near expiry the app asks for a fresh token; the SDK calls getAuthToken again.
    const refreshed = await refresh('RefreshAuthToken');
    // After expiry: the SDK re-checks its cached token, finds it dead, fetches a new one.
    // Had the service handed the old token back, the SDK would alert "Duplicate token".
    clockOffsetMs = 3_600_000;
    expect(ts.isValid(refreshed.token)).toBe(false);
    const renewed = await refresh('ThoughtspotAuthExpired');

    const tokens = (await opened.page.evaluate(() => window.demo)).serviceTokens;
    expect(tokens).toEqual([tokens[0], refreshed.token, renewed.token]);
    expect(new Set(tokens).size).toBe(3);
    expect(refreshed.valid).toBe(true);
    expect(renewed.valid).toBe(true);
    for (const token of tokens) {
      expect(ts.findToken(token)).toMatchObject({ username: USER, orgId: ORG });
    }
    expect(opened.dialogs).toEqual([]);
    expect(opened.console.join('\n')).not.toMatch(/Duplicate token/i);
  });
});
