// A local ThoughtSpot cluster, limited to the trusted-auth surface the token
// service and the Visual Embed SDK touch (SPEC §2, THOUGHTSPOT-FACTS §1, §4),
// full, object and custom (ABAC) tokens included,
// plus a page at `/` that plays the embedded app's part of the SDK's auth flow,
// and the admin APIs that rotate keys (THOUGHTSPOT-FACTS §6, §7). Used by
// integration tests, `npm start`, benchmarks and browser tests. It never logs;
// keys live in its configuration and in what `auth/configure` generates.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { parseJson } from '../../functions/lib/json.js';
import {
  BodyTooLargeError,
  type ListeningServer,
  listen,
  readBody,
  sendJson,
  sendText,
} from './http-server.js';
import { AdminApi, type ThoughtSpotUser } from './thoughtspot-admin.js';
import { AdminEndpoints } from './thoughtspot-admin-http.js';
import { mintCustomToken } from './thoughtspot-custom-tokens.js';
import { EMBEDDED_APP_HTML } from './thoughtspot-embedded-app.js';
import {
  type AdminFault,
  applyFault,
  FaultQueue,
  type ThoughtSpotFault,
} from './thoughtspot-faults.js';
import { TrustedAuthKeys } from './thoughtspot-keys.js';
import { type RecordedRequest, recordable } from './thoughtspot-request-log.js';
import { SessionEndpoints } from './thoughtspot-session.js';
import { errorBody, type MintedToken, TOKEN_PATHS, TokenAuthority } from './thoughtspot-tokens.js';

export type { ThoughtSpotUser } from './thoughtspot-admin.js';
export type { ThoughtSpotFault } from './thoughtspot-faults.js';

export interface ThoughtSpotStandInOptions {
  host?: string;
  /** 0 (the default) = ephemeral port. */
  port?: number;
  /** The cluster (Org 0) secret key: valid for every Org. */
  clusterKey: string;
  /** Per-Org secret keys, each valid only for its own Org. */
  orgKeys?: Record<number, string>;
  /** Orgs that exist besides Org 0, id → name (Orgs in orgKeys exist as "Org <id>"). */
  orgs?: Record<number, string>;
  /** Users who may log in with a password; admins may call auth/configure and auth/search. */
  users?: ThoughtSpotUser[];
  /** A cluster older than 26.6.0.cl: auth/configure and auth/search answer 404. */
  oldCluster?: boolean;
  /** Serve HTTPS with this key pair (counts TLS handshakes). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Origins allowed to call the callosum session endpoints with credentials. */
  corsOrigins?: string[];
  /** Clock for token expiry, epoch ms; lets tests expire tokens without waiting. */
  now?: () => number;
}

export interface ThoughtSpotStandIn extends ListeningServer {
  /** Tokens minted since start or the last resetCounters(); custom ones with their ABAC values. */
  readonly minted: readonly MintedToken[];
  /** Requests since start or the last resetCounters(), in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** TCP connections accepted since start or the last resetCounters(). */
  readonly connections: number;
  /** Completed TLS handshakes (only with `tls`). */
  readonly tlsHandshakes: number;
  setClusterKey(key: string): void;
  setOrgKey(orgId: number, key: string | undefined): void;
  /** The key a level holds now (Org 0 = the cluster key); undefined while DISABLED. */
  keyOf(orgId: number): string | undefined;
  setOldCluster(old: boolean): void;
  /** Token requests (full, object, custom) for this Org then get 403 (code 10023). */
  disableOrg(orgId: number): void;
  enableOrg(orgId: number): void;
  /** Any token ever minted, even after resetCounters(). */
  findToken(token: string): MintedToken | undefined;
  /** Minted and not expired. */
  isValid(token: string): boolean;
  /** Clears minted, requests, connections and tlsHandshakes; tokens stay valid. */
  resetCounters(): void;
  /** Each fault applies to one token request (any kind), in order; then normal behaviour resumes. */
  injectFaults(...faults: ThoughtSpotFault[]): void;
  /** Once the queue is empty, each token request fails with probability `rate` (0..1). */
  setFaultRate(rate: number, kinds: ThoughtSpotFault[]): void;
  /** Each admin fault applies to the first login, configure or search call it matches. */
  injectAdminFaults(...faults: AdminFault[]): void;
  /** Clears token and admin faults. */
  clearFaults(): void;
}

export async function startThoughtSpotStandIn(
  options: ThoughtSpotStandInOptions,
): Promise<ThoughtSpotStandIn> {
  const now = options.now ?? Date.now;
  const keys = new TrustedAuthKeys(options.clusterKey, options.orgKeys ?? {}, options.orgs ?? {});
  const authority = new TokenAuthority(keys, now);
  const admin = new AdminEndpoints(
    new AdminApi(keys, authority, options.users ?? []),
    now,
    options.oldCluster ?? false,
  );
  const sessions = new SessionEndpoints(authority, options.corsOrigins ?? [], !!options.tls);
  const faults = new FaultQueue();
  const requests: RecordedRequest[] = [];
  const counters = { connections: 0, tlsHandshakes: 0 };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const text = await readBody(req);
    const json = parseJson(text);
    const isForm = (req.headers['content-type'] ?? '').startsWith(
      'application/x-www-form-urlencoded',
    );
    const form = isForm ? new URLSearchParams(text) : undefined;
    requests.push({ method: req.method ?? '', path: url.pathname, body: recordable(json, form) });
    if (admin.handle(req, res, url.pathname, json)) return;

    const tokenKind = req.method === 'POST' ? TOKEN_PATHS[url.pathname] : undefined;
    if (tokenKind) {
      const answer = () => {
        const outcome =
          tokenKind === 'custom'
            ? mintCustomToken(authority, keys, json)
            : authority.mint(tokenKind, json);
        sendJson(res, outcome.status, outcome.body);
      };
      const fault = faults.next();
      if (fault) applyFault(fault, req, res, answer, now());
      else answer();
      return;
    }
    if (SessionEndpoints.handles(url.pathname)) sessions.handle({ req, res, url, form });
    else if (req.method === 'GET' && url.pathname === '/') {
      // Where the Visual Embed SDK points its iframe: a stand-in for the embedded app.
      sendText(res, 200, EMBEDDED_APP_HTML, 'text/html; charset=utf-8', {
        'cache-control': 'no-store',
      });
    } else
      sendJson(res, 404, { error: { message: { debug: `No such endpoint: ${url.pathname}` } } });
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent || res.destroyed) return;
      if (error instanceof BodyTooLargeError) sendJson(res, 413, errorBody(10002, error.message));
      else sendJson(res, 500, errorBody(10038, 'Stand-in failure'));
    });
  };
  const server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, onRequest)
    : createHttpServer(onRequest);
  server.on('connection', () => {
    counters.connections += 1;
  });
  server.on('secureConnection', () => {
    counters.tlsHandshakes += 1;
  });
  const listening = await listen(server, {
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.port === undefined ? {} : { port: options.port }),
    scheme: options.tls ? 'https' : 'http',
  });

  return {
    ...listening,
    minted: authority.minted,
    requests,
    get connections() {
      return counters.connections;
    },
    get tlsHandshakes() {
      return counters.tlsHandshakes;
    },
    setClusterKey: (key) => keys.setKey(0, key),
    setOrgKey: (orgId, key) => keys.setOrgKey(orgId, key),
    keyOf: (orgId) => keys.keyOf(orgId),
    setOldCluster: (old) => {
      admin.oldCluster = old;
    },
    disableOrg: (orgId) => authority.disableOrg(orgId),
    enableOrg: (orgId) => authority.enableOrg(orgId),
    findToken: (token) => authority.find(token),
    isValid: (token) => authority.isValid(token),
    resetCounters: () => {
      authority.minted.length = 0;
      requests.length = 0;
      counters.connections = 0;
      counters.tlsHandshakes = 0;
    },
    injectFaults: (...next) => faults.push(...next),
    setFaultRate: (rate, kinds) => faults.setRate(rate, kinds),
    injectAdminFaults: (...next) => admin.faults.push(...next),
    clearFaults: () => {
      faults.clear();
      admin.faults.clear();
    },
  };
}
