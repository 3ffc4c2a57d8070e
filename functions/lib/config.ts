import {
  DEFAULTS,
  INTEGER_LIMITS,
  integerWithin,
  isLoopbackHost,
  MAX_ORG_ID,
  secretIdTemplateProblem,
} from './config-rules.cjs';
import {
  optional,
  type Refuse,
  readVariables,
  required,
  type Values,
  type Variable,
  withDefault,
} from './env-variables.js';
import { parseTokenPolicy, type TokenPolicy, TokenPolicyError } from './policy-schema.js';

/**
 * The service's configuration (SPEC §4), read from the environment once at cold start.
 * Defaults, limits and formats come from config-rules.cjs, which the package-time
 * checks and the keys CLI use too.
 */

function thoughtSpotHost(text: string, refuse: Refuse): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refuse('must be a URL such as https://my-company.thoughtspot.cloud');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return refuse('must use https:// (http:// only for loopback)');
  }
  if (url.search || url.hash || url.username || url.password) {
    return refuse('must be a bare base URL (no query, fragment or credentials)');
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

const boolean = (fallback: string): Variable<boolean> =>
  withDefault(fallback, (text, refuse) =>
    text === 'true' || text === 'false' ? text === 'true' : refuse('must be true or false'),
  );

const integer = (name: keyof typeof INTEGER_LIMITS): Variable<number> => {
  const limits = INTEGER_LIMITS[name];
  return withDefault(DEFAULTS[name], (text, refuse) => {
    const parsed = integerWithin(text, limits);
    return parsed ?? refuse(`must be an integer from ${limits.min} to ${limits.max}`);
  });
};

const orgMap = withDefault(DEFAULTS.ORG_MAP, (text, refuse): Record<string, number> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return refuse('must be a JSON object of Org name to Org id');
  }
  const isOrgId = (id: unknown) =>
    Number.isInteger(id) && Number(id) >= 0 && Number(id) <= MAX_ORG_ID;
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    !Object.entries(parsed).every(([name, id]) => name !== '' && isOrgId(id))
  ) {
    return refuse(`must map Org names to integer Org ids from 0 to ${MAX_ORG_ID}`);
  }
  return parsed as Record<string, number>;
});

/** A claim name, trimmed: `sub`, `email`, a namespaced URL... */
const claim = (text: string, refuse: Refuse): string => text.trim() || refuse('must not be blank');

const secretIdTemplate = withDefault(DEFAULTS.SECRET_ID_TEMPLATE, (text, refuse) => {
  const problem = secretIdTemplateProblem(text);
  return problem === undefined ? text : refuse(problem);
});

/** The environment variables (SPEC §4); exported for the README drift test. */
export const ENV_VARIABLES = {
  THOUGHTSPOT_HOST: required(thoughtSpotHost),
  SECRET_ID_TEMPLATE: secretIdTemplate,
  FALLBACK_TO_PRIMARY_ORG: boolean(DEFAULTS.FALLBACK_TO_PRIMARY_ORG),
  SECRET_CACHE_TTL_SECONDS: integer('SECRET_CACHE_TTL_SECONDS'),
  SECRET_MAX_STALE_SECONDS: integer('SECRET_MAX_STALE_SECONDS'),
  USERNAME_CLAIM: withDefault(DEFAULTS.USERNAME_CLAIM, claim),
  ORG_CLAIM: withDefault(DEFAULTS.ORG_CLAIM, claim),
  ORG_MAP: orgMap,
  DEFAULT_ORG_ID: integer('DEFAULT_ORG_ID'),
  TOKEN_VALIDITY_SECONDS: integer('TOKEN_VALIDITY_SECONDS'),
  MAX_TOKEN_VALIDITY_SECONDS: integer('MAX_TOKEN_VALIDITY_SECONDS'),
  // At most the Lambda timeout minus the secret lookup budget, as the deployment
  // checks: why, in config-rules.cjs (maxThoughtSpotTimeoutMs).
  THOUGHTSPOT_TIMEOUT_MS: integer('THOUGHTSPOT_TIMEOUT_MS'),
  AUTO_CREATE_USERS: boolean(DEFAULTS.AUTO_CREATE_USERS),
  DISPLAY_NAME_CLAIM: withDefault(DEFAULTS.DISPLAY_NAME_CLAIM, claim),
  GROUPS_CLAIM: optional(claim),
  // Parsed by loadConfig with the policy's own schema (policy-schema.ts).
  TOKEN_POLICY: optional((text) => text),
} satisfies Record<string, Variable<unknown>>;

/** The environment, renamed into the shape the code uses (milliseconds where it times things). */
const toConfig = (e: Values<typeof ENV_VARIABLES>, tokenPolicy: TokenPolicy | undefined) => ({
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
  /** SPEC §7: claims → ABAC custom-token values; undefined: no custom tokens. */
  tokenPolicy,
});

export type Config = ReturnType<typeof toConfig>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const { values, problems } = readVariables(ENV_VARIABLES, env);
  if (values && values.TOKEN_VALIDITY_SECONDS > values.MAX_TOKEN_VALIDITY_SECONDS) {
    problems.push('TOKEN_VALIDITY_SECONDS must not exceed MAX_TOKEN_VALIDITY_SECONDS');
  }
  if (!values || problems.length > 0) {
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  try {
    return toConfig(values, parseTokenPolicy(values.TOKEN_POLICY));
  } catch (error) {
    // The message names the policy's field, e.g. "TOKEN_POLICY orgs.5.variables.0.claim ...".
    if (error instanceof TokenPolicyError) {
      throw new ConfigError(`Invalid configuration: ${error.message}`);
    }
    throw error;
  }
}
