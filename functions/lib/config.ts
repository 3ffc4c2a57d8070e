import * as z from 'zod';

/** The service's configuration (SPEC §4), read from the environment once at cold start. */

/** SPEC §4: where an Org's key lives unless SECRET_ID_TEMPLATE says otherwise. */
export const DEFAULT_SECRET_ID_TEMPLATE = 'thoughtspot/trusted-auth/org/{orgId}';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

const isLoopback = (hostname: string): boolean =>
  LOOPBACK_HOSTS.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);

const thoughtSpotHost = z
  .url({ error: 'must be a URL such as https://my-company.thoughtspot.cloud' })
  .transform((value, ctx) => {
    const url = new URL(value);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
      ctx.addIssue({ code: 'custom', message: 'must use https:// (http:// only for loopback)' });
      return z.NEVER;
    }
    if (url.search || url.hash || url.username || url.password) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a bare base URL (no query, fragment or credentials)',
      });
      return z.NEVER;
    }
    return url.origin + url.pathname.replace(/\/+$/, '');
  });

const boolean = (fallback: boolean) =>
  z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true');

const integer = (fallback: number, min: number, max: number) =>
  z
    .string()
    .default(String(fallback))
    .transform((value, ctx) => {
      const trimmed = value.trim();
      const parsed = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
      if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
        ctx.addIssue({ code: 'custom', message: `must be an integer from ${min} to ${max}` });
        return z.NEVER;
      }
      return parsed;
    });

const orgId = z.number().int().min(0).max(2_147_483_647);

const orgMap = z
  .string()
  .default('{}')
  .transform((value, ctx) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of Org name to Org id' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().min(1), orgId, { error: 'must map Org names to integer Org ids' }));

const claimName = (fallback: string) => z.string().trim().min(1).default(fallback);

const EnvSchema = z
  .object({
    THOUGHTSPOT_HOST: thoughtSpotHost,
    SECRET_ID_TEMPLATE: z
      .string()
      .default(DEFAULT_SECRET_ID_TEMPLATE)
      .refine((value) => value.includes('{orgId}'), { error: 'must contain {orgId}' }),
    FALLBACK_TO_PRIMARY_ORG: boolean(true),
    SECRET_CACHE_TTL_SECONDS: integer(300, 0, 86_400),
    SECRET_MAX_STALE_SECONDS: integer(3600, 0, 604_800),
    USERNAME_CLAIM: claimName('email'),
    ORG_CLAIM: claimName('ts_org'),
    ORG_MAP: orgMap,
    DEFAULT_ORG_ID: integer(0, 0, 2_147_483_647),
    TOKEN_VALIDITY_SECONDS: integer(300, 1, 2_147_483_647),
    MAX_TOKEN_VALIDITY_SECONDS: integer(3600, 1, 2_147_483_647),
    THOUGHTSPOT_TIMEOUT_MS: integer(5000, 100, 28_000),
    AUTO_CREATE_USERS: boolean(false),
    DISPLAY_NAME_CLAIM: claimName('name'),
    GROUPS_CLAIM: z.string().trim().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.TOKEN_VALIDITY_SECONDS > env.MAX_TOKEN_VALIDITY_SECONDS) {
      ctx.addIssue({
        code: 'custom',
        path: ['TOKEN_VALIDITY_SECONDS'],
        message: 'must not exceed MAX_TOKEN_VALIDITY_SECONDS',
      });
    }
  });

/** The environment, renamed into the shape the code uses (milliseconds where it times things). */
const ConfigSchema = EnvSchema.transform((e) => ({
  thoughtSpotHost: e.THOUGHTSPOT_HOST,
  secretIdTemplate: e.SECRET_ID_TEMPLATE,
  fallbackToPrimaryOrg: e.FALLBACK_TO_PRIMARY_ORG,
  secretCacheTtlMs: e.SECRET_CACHE_TTL_SECONDS * 1000,
  secretMaxStaleMs: e.SECRET_MAX_STALE_SECONDS * 1000,
  usernameClaim: e.USERNAME_CLAIM,
  orgClaim: e.ORG_CLAIM,
  orgMap: e.ORG_MAP,
  defaultOrgId: e.DEFAULT_ORG_ID,
  tokenValiditySeconds: e.TOKEN_VALIDITY_SECONDS,
  maxTokenValiditySeconds: e.MAX_TOKEN_VALIDITY_SECONDS,
  thoughtSpotTimeoutMs: e.THOUGHTSPOT_TIMEOUT_MS,
  autoCreateUsers: e.AUTO_CREATE_USERS,
  displayNameClaim: e.DISPLAY_NAME_CLAIM,
  groupsClaim: e.GROUPS_CLAIM,
}));

export type Config = z.output<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // Empty strings mean "unset": serverless and shells often pass "" for an absent param.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = ConfigSchema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment');
    const missing = issue.code === 'invalid_type' && !(name in present);
    const message = missing ? 'is required' : issue.message;
    return `${name} ${message}`;
  });
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}
