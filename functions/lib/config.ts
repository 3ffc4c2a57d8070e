import * as z from 'zod/mini';
import {
  DEFAULTS,
  INTEGER_LIMITS,
  integerWithin,
  isLoopbackHost,
  MAX_ORG_ID,
  secretIdTemplateProblem,
} from './config-rules.cjs';
import { parseTokenPolicy, type TokenPolicy, TokenPolicyError } from './policy-schema.js';
import {
  converted,
  integerFrom,
  safeParseInEnglish,
  trimmedNonEmpty,
  withDefault,
} from './zod-helpers.js';

/**
 * The service's configuration (SPEC §4), read from the environment once at cold start.
 * Defaults, limits and formats come from config-rules.cjs, which the package-time
 * checks and the keys CLI use too.
 */

const thoughtSpotHost = converted(
  z.url({ error: 'must be a URL such as https://my-company.thoughtspot.cloud' }),
  (value, refuse) => {
    const url = new URL(value);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
      return refuse('must use https:// (http:// only for loopback)');
    }
    if (url.search || url.hash || url.username || url.password) {
      return refuse('must be a bare base URL (no query, fragment or credentials)');
    }
    return url.origin + url.pathname.replace(/\/+$/, '');
  },
);

const boolean = (fallback: string) =>
  converted(
    z.pipe(
      withDefault(z.string(), fallback),
      z.enum(['true', 'false'], { error: 'must be true or false' }),
    ),
    (value) => value === 'true',
  );

const integer = (name: keyof typeof INTEGER_LIMITS) => {
  const limits = INTEGER_LIMITS[name];
  return converted(withDefault(z.string(), DEFAULTS[name]), (value, refuse) => {
    const parsed = integerWithin(value, limits);
    return parsed ?? refuse(`must be an integer from ${limits.min} to ${limits.max}`);
  });
};

const orgMap = z.pipe(
  converted(withDefault(z.string(), DEFAULTS.ORG_MAP), (value, refuse) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return refuse('must be a JSON object of Org name to Org id');
    }
  }),
  z.record(z.string().check(z.minLength(1)), integerFrom(0, MAX_ORG_ID), {
    error: 'must map Org names to integer Org ids',
  }),
);

/** A claim name: one schema for every claim variable, each with its own default. */
const claim = trimmedNonEmpty();
const claimName = (fallback: string) => withDefault(claim, fallback);

const secretIdTemplate = withDefault(z.string(), DEFAULTS.SECRET_ID_TEMPLATE).check(
  z.superRefine((value, ctx) => {
    const problem = secretIdTemplateProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  }),
);

/** The environment variables (SPEC §4); exported for the README drift test. */
export const EnvSchema = z
  .object({
    THOUGHTSPOT_HOST: thoughtSpotHost,
    SECRET_ID_TEMPLATE: secretIdTemplate,
    FALLBACK_TO_PRIMARY_ORG: boolean(DEFAULTS.FALLBACK_TO_PRIMARY_ORG),
    SECRET_CACHE_TTL_SECONDS: integer('SECRET_CACHE_TTL_SECONDS'),
    SECRET_MAX_STALE_SECONDS: integer('SECRET_MAX_STALE_SECONDS'),
    USERNAME_CLAIM: claimName(DEFAULTS.USERNAME_CLAIM),
    ORG_CLAIM: claimName(DEFAULTS.ORG_CLAIM),
    ORG_MAP: orgMap,
    DEFAULT_ORG_ID: integer('DEFAULT_ORG_ID'),
    TOKEN_VALIDITY_SECONDS: integer('TOKEN_VALIDITY_SECONDS'),
    MAX_TOKEN_VALIDITY_SECONDS: integer('MAX_TOKEN_VALIDITY_SECONDS'),
    // At most the Lambda timeout minus the secret lookup budget, as the deployment
    // checks: why, in config-rules.cjs (maxThoughtSpotTimeoutMs).
    THOUGHTSPOT_TIMEOUT_MS: integer('THOUGHTSPOT_TIMEOUT_MS'),
    AUTO_CREATE_USERS: boolean(DEFAULTS.AUTO_CREATE_USERS),
    DISPLAY_NAME_CLAIM: claimName(DEFAULTS.DISPLAY_NAME_CLAIM),
    GROUPS_CLAIM: z.optional(claim),
    // Parsed by loadConfig with the policy's own schema (policy-schema.ts).
    TOKEN_POLICY: z.optional(z.string()),
  })
  .check(
    z.superRefine((env, ctx) => {
      if (env.TOKEN_VALIDITY_SECONDS > env.MAX_TOKEN_VALIDITY_SECONDS) {
        ctx.addIssue({
          code: 'custom',
          path: ['TOKEN_VALIDITY_SECONDS'],
          message: 'must not exceed MAX_TOKEN_VALIDITY_SECONDS',
        });
      }
    }),
  );

/** The environment, renamed into the shape the code uses (milliseconds where it times things). */
const ConfigSchema = converted(EnvSchema, (e) => ({
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
  tokenPolicyJson: e.TOKEN_POLICY,
}));

export type Config = Omit<z.output<typeof ConfigSchema>, 'tokenPolicyJson'> & {
  /** SPEC §7: claims → ABAC custom-token values; undefined: no custom tokens. */
  tokenPolicy: TokenPolicy | undefined;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // Empty strings mean "unset": serverless and shells often pass "" for an absent param.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = safeParseInEnglish(ConfigSchema, present);
  if (result.success) {
    const { tokenPolicyJson, ...config } = result.data;
    try {
      return { ...config, tokenPolicy: parseTokenPolicy(tokenPolicyJson) };
    } catch (error) {
      // The message names the policy's field, e.g. "TOKEN_POLICY orgs.5.variables.0.claim ...".
      if (error instanceof TokenPolicyError) {
        throw new ConfigError(`Invalid configuration: ${error.message}`);
      }
      throw error;
    }
  }
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment');
    const missing = issue.code === 'invalid_type' && !(name in present);
    const message = missing ? 'is required' : issue.message;
    return `${name} ${message}`;
  });
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}
