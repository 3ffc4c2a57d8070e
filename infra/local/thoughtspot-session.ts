// The callosum session endpoints the Visual Embed SDK calls with a minted token
// (THOUGHTSPOT-FACTS §4): token validation (isactive) and cookie login, plus the
// session info the SDK reads after a successful login (`/callosum/v1/session/info`,
// `/prism/preauth/info`; VESDK `utils/authService`). They sit on the cluster's
// origin, so browsers call them cross-origin: CORS lives here. One endpoint is
// the stand-in's own, not ThoughtSpot's: `/stand-in/session` tells the embedded
// page who is signed in with which token, ABAC values included.
// To add an endpoint for a browser test, add an entry to `routes`.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerToken, readCookie, sendJson } from './http-server.js';
import type { MintedToken, TokenAuthority } from './thoughtspot-tokens.js';

export const SESSION_COOKIE = 'JSESSIONID';
const SESSION_PREFIXES = ['/callosum/', '/prism/', '/stand-in/'];
/** The stand-in's own endpoint behind the embedded page's "who is signed in" list. */
export const STAND_IN_SESSION_PATH = '/stand-in/session';
const ALLOWED_HEADERS = 'Authorization, Content-Type, X-Requested-By, Accept';

export interface SessionRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Form fields of a urlencoded body; undefined for other bodies. */
  form: URLSearchParams | undefined;
}

export class SessionEndpoints {
  /** Session cookie → the token its login used (its user, Org and ABAC values). */
  private readonly sessions = new Map<string, MintedToken>();
  private readonly routes: Record<string, (request: SessionRequest) => void> = {
    'GET /callosum/v1/session/isactive': (request) => this.isActive(request),
    'POST /callosum/v1/session/login/token': (request) => this.login(request, request.form),
    // The SDK falls back to a GET with query parameters when the POST throws.
    'GET /callosum/v1/session/login/token': (request) =>
      this.login(request, request.url.searchParams),
    'GET /callosum/v1/session/info': (request) => this.sessionInfo(request, false),
    'GET /prism/preauth/info': (request) => this.sessionInfo(request, true),
    [`GET ${STAND_IN_SESSION_PATH}`]: (request) => this.standInSession(request),
  };

  constructor(
    private readonly authority: TokenAuthority,
    private readonly corsOrigins: readonly string[],
    /** Browsers drop SameSite=None cookies without Secure; Secure needs https. */
    private readonly secureCookies: boolean,
  ) {}

  static handles(path: string): boolean {
    return SESSION_PREFIXES.some((prefix) => path.startsWith(prefix));
  }

  handle(request: SessionRequest): void {
    const { req, res, url } = request;
    const origin = req.headers.origin;
    const corsAllowed = origin !== undefined && this.corsOrigins.includes(origin);
    if (corsAllowed) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
    }
    res.setHeader('vary', 'Origin');

    if (req.method === 'OPTIONS') {
      if (!corsAllowed) {
        sendJson(res, 403, { error: 'Invalid CORS request' });
        return;
      }
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': ALLOWED_HEADERS,
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    const route = this.routes[`${req.method} ${url.pathname}`];
    if (route) route(request);
    else sendJson(res, 404, { error: 'Not found' });
  }

  /** Who a request is for: a valid bearer token, or a session cookie from login. */
  private caller(req: IncomingMessage): MintedToken | undefined {
    const bearer = bearerToken(req);
    if (bearer !== undefined && this.authority.isValid(bearer)) {
      const record = this.authority.find(bearer);
      if (record) return record;
    }
    const sessionId = readCookie(req.headers.cookie, SESSION_COOKIE);
    return sessionId === undefined ? undefined : this.sessions.get(sessionId);
  }

  private isActive({ req, res }: SessionRequest): void {
    if (this.caller(req)) sendJson(res, 200, {});
    else sendJson(res, 401, { error: { message: { debug: 'Not authenticated' } } });
  }

  /** The fields the SDK reads (VESDK `utils/sessionInfoService.ts`); mixpanel keys empty. */
  private sessionInfo({ req, res }: SessionRequest, preauth: boolean): void {
    const caller = this.caller(req);
    if (!caller) {
      sendJson(res, 401, { error: { message: { debug: 'Not authenticated' } } });
      return;
    }
    const info = {
      userGUID: this.authority.userId(caller.username),
      userName: caller.username,
      currentOrgId: caller.orgId,
      releaseVersion: 'stand-in',
      privileges: [],
      configInfo: {
        isPublicUser: false,
        selfClusterId: 'thoughtspot-stand-in',
        selfClusterName: 'ThoughtSpot stand-in',
        mixpanelConfig: { production: false, devSdkKey: '', prodSdkKey: '' },
      },
    };
    sendJson(res, 200, preauth ? { info } : info);
  }

  /**
   * The user, the Org and the token behind a bearer token or session, with a custom
   * token's ABAC values exactly as ThoughtSpot received them (absent when not sent).
   */
  private standInSession({ req, res }: SessionRequest): void {
    const caller = this.caller(req);
    if (!caller) {
      sendJson(res, 401, { error: { message: { debug: 'Not authenticated' } } });
      return;
    }
    sendJson(res, 200, {
      user: { id: this.authority.userId(caller.username), name: caller.username },
      org: this.authority.org(caller.orgId),
      token: {
        kind: caller.kind,
        ...(caller.persistOption && { persist_option: caller.persistOption }),
        ...(caller.variableValues && { variable_values: caller.variableValues }),
        ...(caller.filterRules && { filter_rules: caller.filterRules }),
      },
    });
  }

  private login({ res }: SessionRequest, fields: URLSearchParams | undefined): void {
    const username = fields?.get('username') ?? '';
    const token = fields?.get('auth_token') ?? '';
    const record = this.authority.find(token);
    if (!record || !this.authority.isValid(token) || record.username !== username) {
      sendJson(res, 401, { error: { message: { debug: 'Invalid token or username' } } });
      return;
    }
    const sessionId = randomBytes(16).toString('hex');
    this.sessions.set(sessionId, record);
    const secure = this.secureCookies ? '; Secure' : '';
    res.writeHead(204, {
      'set-cookie': `${SESSION_COOKIE}=${sessionId}; Path=/; HttpOnly; SameSite=None${secure}`,
    });
    res.end();
  }
}
