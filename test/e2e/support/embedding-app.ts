import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { listen } from '../../../infra/local/http-server.js';

/**
 * The web app that embeds ThoughtSpot, as a test double: one local server that
 * serves a page using the real Visual Embed SDK bundle from node_modules, and a
 * same-origin `/auth/token` path (the app's own backend) that forwards to the
 * token service with the user's JWT, found through the app's session cookie.
 *
 * The same server answers as http://127.0.0.1:<port> (the allowed origin) and
 * http://localhost:<port> (another origin, not in the CORS list).
 */

export type AuthMode = 'cookieless' | 'cookie';

export interface EmbeddingAppOptions {
  serviceUrl: string;
  thoughtSpotHost: string;
  /** The app's JWT for the signed-in user. */
  jwt: string;
  username: string;
}

export interface EmbeddingApp {
  origin: string;
  /** Same server, a different origin: http://localhost:<port>. */
  otherOrigin: string;
  pageUrl(origin: string, mode: AuthMode): string;
  /** Requests that reached the same-origin /auth/token proxy. */
  readonly proxied: number;
  close(): Promise<void>;
}

const SDK_PACKAGE = '@thoughtspot/visual-embed-sdk';
/** The SDK's UMD build (global `tsembed`): the file a page gets from a CDN or a bundler. */
const SDK_BUNDLE = (() => {
  // The package exports no ./package.json; its CommonJS entry sits under <root>/cjs/.
  const entry = createRequire(import.meta.url).resolve(SDK_PACKAGE);
  const root = entry.slice(0, entry.lastIndexOf(`${SDK_PACKAGE}/`) + SDK_PACKAGE.length);
  return join(root, 'dist', 'tsembed.js');
})();
const SESSION_COOKIE = 'app_session';

export async function startEmbeddingApp(options: EmbeddingAppOptions): Promise<EmbeddingApp> {
  const sdk = readFileSync(SDK_BUNDLE, 'utf8');
  const sessions = new Set<string>();
  let proxied = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://app');
    if (req.method === 'GET' && url.pathname === '/embed.html') {
      const mode: AuthMode = url.searchParams.get('mode') === 'cookie' ? 'cookie' : 'cookieless';
      const session = randomBytes(16).toString('hex');
      sessions.add(session);
      send(res, 200, 'text/html; charset=utf-8', page(mode, options), {
        // The app's own login session: first-party, so only same-origin requests carry it.
        'set-cookie': `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Strict`,
      });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/sdk/tsembed.js') {
      send(res, 200, 'text/javascript; charset=utf-8', sdk);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/auth/token') {
      proxied += 1;
      const session = readCookie(req.headers.cookie, SESSION_COOKIE);
      if (session === undefined || !sessions.has(session)) {
        send(res, 401, 'text/plain', 'not signed in');
        return;
      }
      // The app's backend passes the user's JWT on; the token service decides who it is.
      const upstream = await fetch(`${options.serviceUrl}/token`, {
        headers: { authorization: `Bearer ${options.jwt}` },
      });
      send(res, upstream.status, 'text/plain; charset=utf-8', await upstream.text());
      return;
    }
    send(res, 404, 'text/plain', 'not found');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 502, 'text/plain', 'proxy failure');
    });
  });
  const listening = await listen(server, { scheme: 'http' });
  return {
    origin: `http://127.0.0.1:${listening.port}`,
    otherOrigin: `http://localhost:${listening.port}`,
    pageUrl: (origin, mode) => `${origin}/embed.html?mode=${mode}`,
    get proxied() {
      return proxied;
    },
    close: () => listening.close(),
  };
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...headers,
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/**
 * The embedding page: init() with the chosen auth type, a LiveboardEmbed whose
 * iframe loads the ThoughtSpot stand-in's embedded-app page, and `window.testState`
 * recording the SDK's auth events and what getAuthToken received.
 */
function page(mode: AuthMode, options: EmbeddingAppOptions): string {
  const config = {
    mode,
    serviceUrl: options.serviceUrl,
    thoughtSpotHost: options.thoughtSpotHost,
    username: options.username,
    // Cookieless: the single-page app holds its JWT. Cookie mode: only the app's backend does.
    jwt: mode === 'cookieless' ? options.jwt : null,
  };
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Embedding app (e2e)</title>
<script src="/sdk/tsembed.js"></script></head>
<body>
<div id="embed" style="width: 800px; height: 300px"></div>
<script>
const config = ${JSON.stringify(config)};
const { init, AuthType, AuthStatus, LiveboardEmbed } = window.tsembed;
const state = (window.testState = { events: [], serviceTokens: [], errors: [] });

async function getAuthToken() {
  try {
    const response = await fetch(config.serviceUrl + '/token', {
      headers: { authorization: 'Bearer ' + config.jwt },
    });
    if (!response.ok) throw new Error('token service answered ' + response.status);
    const token = await response.text();
    state.serviceTokens.push(token);
    return token;
  } catch (error) {
    state.errors.push(String(error));
    throw error;
  }
}

const auth = config.mode === 'cookie'
  ? { authType: AuthType.TrustedAuthToken, authEndpoint: '/auth/token', username: config.username }
  : { authType: AuthType.TrustedAuthTokenCookieless, getAuthToken };
const authEE = init({ thoughtSpotHost: config.thoughtSpotHost, ...auth, disableSDKTracking: true });
for (const status of [AuthStatus.SDK_SUCCESS, AuthStatus.SUCCESS, AuthStatus.FAILURE]) {
  authEE.on(status, (detail) => state.events.push({ status, detail: detail ?? null }));
}
new LiveboardEmbed('#embed', { liveboardId: 'e2e-liveboard' }).render();
</script>
</body>
</html>`;
}
