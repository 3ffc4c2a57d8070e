// The demo embedding app `npm start` serves on http://127.0.0.1:DEMO_PORT, an
// origin the service's CORS list allows. Its page (demo-page.ts) loads the real
// Visual Embed SDK from node_modules (no CDN). Its "backend" stands in for the
// app's login: it mints the unsigned development JWT of the user and Org picked on
// the page (with the user's example claims, such as region, for a token policy), and answers cookie mode's authEndpoint by passing that JWT on to the
// token service, found through the app's own session cookie.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as z from 'zod';
import { AUTH_MODES, renderDemoPage } from './demo-page.js';
import { listen, readCookie, sendText } from './http-server.js';
import {
  EXAMPLE_JWT_LIFETIME_SECONDS,
  EXAMPLE_USER_CLAIMS,
  EXAMPLE_USERS,
  exampleOrgOf,
} from './local-settings.js';
import { createDevJwt } from './unsigned-dev-jwt.js';

export interface DemoAppOptions {
  port: number;
  apiUrl: string;
  thoughtSpotUrl: string;
  jwtIssuer: string;
  jwtAudience: string;
  /** The Orgs the switcher offers: those with a key. */
  orgIds: readonly number[];
}

export interface DemoApp {
  /** http://127.0.0.1:<port>, the origin in the CORS lists; the page is at `${origin}/`. */
  origin: string;
  /** Requests this app's backend passed on to the token service (cookie mode's authEndpoint). */
  readonly proxiedTokenRequests: number;
  close(): Promise<void>;
}

/** What the page's switcher picks; anything missing or unknown falls back to the default. */
const choiceSchema = (orgIds: readonly number[]) =>
  z.object({
    user: z.enum(EXAMPLE_USERS).catch(EXAMPLE_USERS[0]),
    org: z.coerce
      .number()
      .refine((org) => orgIds.includes(org))
      .catch(exampleOrgOf(orgIds)),
    mode: z.enum(AUTH_MODES).catch('cookieless'),
  });
export type DemoChoice = z.output<ReturnType<typeof choiceSchema>>;

/** Where the demo page is meant to be opened: the origin that joins the CORS lists. */
export const demoOrigin = (port: number): string => `http://127.0.0.1:${port}`;

/** The page for one user, Org and sign-in mode. */
export const demoPageUrl = (origin: string, choice: DemoChoice): string =>
  `${origin}/?${new URLSearchParams({ user: choice.user, org: String(choice.org), mode: choice.mode })}`;

const SDK_PACKAGE = '@thoughtspot/visual-embed-sdk';
/** The SDK's UMD build (global `tsembed`): the file a page gets from a CDN or a bundler. */
function sdkBundlePath(): string {
  // The package exports no ./package.json; its CommonJS entry sits under <root>/cjs/.
  const entry = createRequire(import.meta.url).resolve(SDK_PACKAGE);
  const root = entry.slice(0, entry.lastIndexOf(`${SDK_PACKAGE}/`) + SDK_PACKAGE.length);
  return join(root, 'dist', 'tsembed.js');
}

const SESSION_COOKIE = 'demo_session';
/** Page loads remembered for cookie mode; older sessions are forgotten first. */
const MAX_SESSIONS = 1000;
const NO_STORE = { 'cache-control': 'no-store' };

export async function startDemoApp(options: DemoAppOptions): Promise<DemoApp> {
  const sdk = readFileSync(sdkBundlePath(), 'utf8');
  const origin = demoOrigin(options.port);
  const ChoiceSchema = choiceSchema(options.orgIds);
  /** Session cookie → the JWT of the user and Org that page was opened for. */
  const sessions = new Map<string, string>();
  let proxiedTokenRequests = 0;

  function page(url: URL, res: ServerResponse): void {
    const choice = ChoiceSchema.parse(Object.fromEntries(url.searchParams));
    const claims = EXAMPLE_USER_CLAIMS[choice.user];
    const jwt = createDevJwt({
      user: choice.user,
      orgs: [String(choice.org)],
      issuer: options.jwtIssuer,
      audience: options.jwtAudience,
      expiresInSeconds: EXAMPLE_JWT_LIFETIME_SECONDS,
      extraClaims: claims,
    });
    const session = randomBytes(16).toString('hex');
    sessions.set(session, jwt);
    for (const old of sessions.keys()) {
      if (sessions.size <= MAX_SESSIONS) break;
      sessions.delete(old);
    }
    const html = renderDemoPage({
      ...choice,
      claims,
      users: EXAMPLE_USERS,
      orgIds: options.orgIds,
      jwt,
      apiUrl: options.apiUrl,
      thoughtSpotUrl: options.thoughtSpotUrl,
      origin,
    });
    sendText(res, 200, html, 'text/html; charset=utf-8', {
      ...NO_STORE,
      // The app's own login session: first-party, so only same-origin requests carry it.
      'set-cookie': `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Strict`,
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    if (req.method !== 'GET') {
      sendText(res, 405, 'method not allowed', 'text/plain', NO_STORE);
    } else if (url.pathname === '/') {
      page(url, res);
    } else if (url.pathname === '/favicon.ico') {
      sendText(res, 204, '', 'image/x-icon', NO_STORE); // none: keeps the console free of a 404
    } else if (url.pathname === '/sdk/tsembed.js') {
      sendText(res, 200, sdk, 'text/javascript; charset=utf-8', NO_STORE);
    } else if (url.pathname === '/auth/token') {
      proxiedTokenRequests += 1;
      const jwt = sessions.get(readCookie(req.headers.cookie, SESSION_COOKIE) ?? '');
      if (jwt === undefined) {
        sendText(
          res,
          401,
          'not signed in to the demo app: reload the page',
          'text/plain',
          NO_STORE,
        );
        return;
      }
      // The app's backend passes the user's JWT on; the token service decides who it is.
      const upstream = await fetch(`${options.apiUrl}/token`, {
        headers: { authorization: `Bearer ${jwt}` },
      });
      const body = await upstream.text();
      sendText(res, upstream.status, body, 'text/plain; charset=utf-8', NO_STORE);
    } else {
      sendText(res, 404, 'not found', 'text/plain', NO_STORE);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendText(res, 502, 'token service unreachable', 'text/plain');
    });
  });
  const listening = await listen(server, { port: options.port, scheme: 'http' });
  return {
    origin,
    get proxiedTokenRequests() {
      return proxiedTokenRequests;
    },
    close: () => listening.close(),
  };
}
