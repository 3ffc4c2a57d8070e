import * as z from 'zod/mini';
import { OwnMessageError, ThoughtSpotError } from '../errors.js';
import { parseJson } from '../json.js';
import { newUpstreamTrace, type UpstreamTrace } from '../request-trace.js';
import { createRequestCore, type RequestCoreOptions, upstreamErrorCode } from './request-core.js';
import { checkedToken } from './token-response.js';

/**
 * ThoughtSpot's admin APIs for trusted-auth keys (26.6.0.cl+, THOUGHTSPOT-FACTS §7):
 * a password login for a bearer token, `auth/configure` and `auth/search`, on the
 * shared request core. The password goes only into the login body; the bearer
 * token stays inside this module (a session object carries none); `search`
 * answers with plaintext keys, which callers must handle like passwords.
 */

export interface AdminCredentials {
  username: string;
  password: string;
}

export type AuthStatus = 'ENABLED' | 'DISABLED';
export type SearchScope = 'CLUSTER' | 'ORG';

/** A logged-in admin. Holds no token: logging or serialising it shows nothing secret. */
export interface AdminSession {
  readonly orgId: number;
  readonly username: string;
}

/** One level's trusted-auth settings: the cluster (Org 0) or one Org. */
export interface TrustedAuthLevel {
  /** Undefined when ThoughtSpot left it out or sent null. */
  authStatus: AuthStatus | undefined;
  /** Plaintext keys; empty when the level has none (missing, null or []). */
  keys: readonly string[];
}

export interface OrgTrustedAuth extends TrustedAuthLevel {
  orgId: number;
}

export interface TrustedAuthSettings {
  /** `cluster_preferences`: Org 0. */
  cluster: TrustedAuthLevel | undefined;
  /** `org_preferences`, entries that name their Org. */
  orgs: readonly OrgTrustedAuth[];
}

export interface ThoughtSpotAdmin {
  /** `auth/token/full` with the password: a bearer for Org `orgId`. */
  login(credentials: AdminCredentials, orgId: number, trace?: UpstreamTrace): Promise<AdminSession>;
  /** `auth/configure` for one level: Org 0 is `cluster_preferences`, Org N `org_preferences`. */
  configure(
    session: AdminSession,
    orgId: number,
    authStatus: AuthStatus,
    trace?: UpstreamTrace,
  ): Promise<void>;
  /** `auth/search`; without a scope ThoughtSpot answers what the session's Org may see. */
  search(
    session: AdminSession,
    scope?: SearchScope,
    trace?: UpstreamTrace,
  ): Promise<TrustedAuthSettings>;
}

/** How long the admin bearer lives: one rotation step needs seconds. */
export const ADMIN_TOKEN_VALIDITY_SECONDS = 300;

export type AdminEndpoint = 'login' | 'configure' | 'search';

/**
 * Why ThoughtSpot refused an admin call. The same codes mean different things by
 * endpoint (THOUGHTSPOT-FACTS §7): on the login (a token endpoint) 401/10097 is a
 * wrong password; on configure/search 401/10097 is a bearer not accepted and
 * 403/10023 a missing privilege, not "trusted auth disabled".
 */
export type AdminRefusal =
  | 'login_refused'
  | 'bad_request'
  | 'not_authenticated'
  | 'not_permitted'
  | 'not_supported'
  | 'refused';

export class AdminRequestRefusedError extends OwnMessageError {
  override name = 'AdminRequestRefusedError';
  constructor(
    readonly endpoint: AdminEndpoint,
    readonly status: number,
    readonly upstreamCode: number | undefined,
    readonly reason: AdminRefusal,
  ) {
    super(refusalMessage(endpoint, status, upstreamCode, reason));
  }
}

function refusalOf(endpoint: AdminEndpoint, status: number): AdminRefusal {
  if (status === 400) return 'bad_request';
  if (endpoint === 'login') return status === 401 || status === 403 ? 'login_refused' : 'refused';
  if (status === 401) return 'not_authenticated';
  if (status === 403) return 'not_permitted';
  if (status === 404) return 'not_supported';
  return 'refused';
}

function refusalMessage(
  endpoint: AdminEndpoint,
  status: number,
  code: number | undefined,
  reason: AdminRefusal,
): string {
  const answered = `${status}${code === undefined ? '' : `, code ${code}`}`;
  const call = endpoint === 'login' ? 'the admin login' : `auth/${endpoint}`;
  switch (reason) {
    case 'login_refused':
      return `ThoughtSpot refused the admin login (${answered}): check the username and password in the admin secret (a password login fails when MFA is on).`;
    case 'not_authenticated':
      return `ThoughtSpot did not accept the admin token on ${call} (${answered}).`;
    case 'not_permitted':
      return `The admin user may not call ${call} (${answered}): it needs ADMINISTRATION or CONTROL_TRUSTED_AUTH.`;
    case 'not_supported':
      return `ThoughtSpot has no ${call} (${answered}): the cluster is older than 26.6.0.cl, or something other than ThoughtSpot answered.`;
    case 'bad_request':
      return `ThoughtSpot refused the ${call} request as malformed (${answered}).`;
    case 'refused':
      return `ThoughtSpot refused ${call} (${answered}).`;
  }
}

const refusalOn = (endpoint: AdminEndpoint) => (status: number, body: string) =>
  new AdminRequestRefusedError(
    endpoint,
    status,
    upstreamErrorCode(body),
    refusalOf(endpoint, status),
  );

const nullish = <T extends z.ZodMiniType>(schema: T) => z.nullish(schema);
const LevelFields = {
  auth_status: nullish(z.enum(['ENABLED', 'DISABLED'])),
  access_tokens: nullish(z.array(z.object({ key: z.string().check(z.minLength(1)) }))),
};
/** SearchAuthSettingsResponse: every field optional (THOUGHTSPOT-FACTS §7.2). */
const SearchResponseSchema = z.object({
  cluster_preferences: nullish(z.object(LevelFields)),
  org_preferences: nullish(
    z.array(z.object({ org: nullish(z.object({ id: z.int() })), ...LevelFields })),
  ),
});
type LevelAnswer = z.infer<z.ZodMiniObject<typeof LevelFields>>;

const levelFrom = (answer: LevelAnswer): TrustedAuthLevel => ({
  authStatus: answer.auth_status ?? undefined,
  keys: (answer.access_tokens ?? []).map((token) => token.key),
});

function parseSettings(body: string): TrustedAuthSettings {
  const parsed = SearchResponseSchema.safeParse(parseJson(body));
  if (!parsed.success)
    throw new ThoughtSpotError('ThoughtSpot returned a malformed auth/search answer.');
  const { cluster_preferences: cluster, org_preferences: orgs } = parsed.data;
  return {
    cluster: cluster ? levelFrom(cluster) : undefined,
    orgs: (orgs ?? []).flatMap((entry) =>
      entry.org ? [{ orgId: entry.org.id, ...levelFrom(entry) }] : [],
    ),
  };
}

/** Trusted auth is off at this level: DISABLED, or no key to use. */
export const isTrustedAuthOff = (level: TrustedAuthLevel): boolean =>
  level.authStatus === 'DISABLED' || level.keys.length === 0;

/**
 * The level's key, undefined when trusted auth is off. More than one key is not
 * documented: the first listed is the one, and callers that see more say so.
 */
export const trustedAuthKey = (level: TrustedAuthLevel): string | undefined =>
  isTrustedAuthOff(level) ? undefined : level.keys[0];

/** The level of `orgId` in a search answer: `cluster_preferences` for Org 0, else the Org's entry. */
export function levelOf(
  settings: TrustedAuthSettings,
  orgId: number,
): TrustedAuthLevel | undefined {
  if (orgId === 0) return settings.cluster;
  return settings.orgs.find((entry) => entry.orgId === orgId);
}

export function createThoughtSpotAdmin(options: RequestCoreOptions): ThoughtSpotAdmin {
  const post = createRequestCore(options);
  // Bearer tokens by session: a session object can be logged without giving one away.
  const bearers = new WeakMap<AdminSession, string>();

  const bearerOf = (session: AdminSession): string => {
    const bearer = bearers.get(session);
    if (bearer === undefined) throw new Error('Not a session this admin client logged in');
    return bearer;
  };

  return {
    async login(credentials, orgId, trace = newUpstreamTrace()) {
      const answer = await post({
        path: '/api/rest/2.0/auth/token/full',
        body: JSON.stringify({
          username: credentials.username,
          password: credentials.password,
          org_id: orgId,
          validity_time_in_sec: ADMIN_TOKEN_VALIDITY_SECONDS,
        }),
        trace,
        refusal: refusalOn('login'),
      });
      // A bearer for another Org would make every later call act on the wrong Org.
      const { token } = checkedToken(answer.body, { orgId, username: credentials.username });
      const session: AdminSession = Object.freeze({ orgId, username: credentials.username });
      bearers.set(session, token);
      return session;
    },

    async configure(session, orgId, authStatus, trace = newUpstreamTrace()) {
      const level =
        orgId === 0
          ? { cluster_preferences: { auth_status: authStatus } }
          : // org_identifier is a string: the Org's id (or name).
            { org_preferences: [{ org_identifier: String(orgId), auth_status: authStatus }] };
      await post({
        path: '/api/rest/2.0/auth/configure',
        body: JSON.stringify({ auth_type: 'TRUSTED_AUTH', ...level }),
        bearer: bearerOf(session),
        trace,
        refusal: refusalOn('configure'),
      });
    },

    async search(session, scope, trace = newUpstreamTrace()) {
      const answer = await post({
        path: '/api/rest/2.0/auth/search',
        body: JSON.stringify({ auth_type: 'TRUSTED_AUTH', ...(scope ? { scope } : {}) }),
        bearer: bearerOf(session),
        trace,
        refusal: refusalOn('search'),
      });
      return parseSettings(answer.body);
    },
  };
}
