import { ConfigError, loadConfig } from '../lib/config.js';
import { ROTATION_DEFAULTS } from '../lib/config-rules.cjs';
import { optional, readVariables, type Variable, withDefault } from '../lib/env-variables.js';
import { usernameProblem } from '../lib/username.js';

/**
 * The rotation function's configuration (SPEC §4, §6), read once at cold start:
 * the token function's THOUGHTSPOT_HOST, SECRET_ID_TEMPLATE and THOUGHTSPOT_TIMEOUT_MS
 * (parsed by the same loadConfig), plus the two variables only rotation reads.
 */

/** SPEC §6: the secret holding the ThoughtSpot admin's {"username", "password"}. */
export const DEFAULT_ADMIN_SECRET_ID = ROTATION_DEFAULTS.THOUGHTSPOT_ADMIN_SECRET_ID;

/** A Secrets Manager secret name (letters, digits, /_+=.@-) or an ARN (adds ':'). */
const SECRET_ID = /^[\w/+=.@:-]{1,2048}$/;

/** The rotation function's own variables; exported for the README drift test. */
export const ROTATION_ENV_VARIABLES = {
  THOUGHTSPOT_ADMIN_SECRET_ID: withDefault(DEFAULT_ADMIN_SECRET_ID, (text, refuse) =>
    SECRET_ID.test(text) ? text : refuse('must be a Secrets Manager secret name or ARN'),
  ),
  ROTATION_TEST_USER: optional((text, refuse) => {
    const problem = usernameProblem(text);
    return problem === undefined ? text : refuse(problem);
  }),
} satisfies Record<string, Variable<unknown>>;

export interface RotationConfig {
  thoughtSpotHost: string;
  secretIdTemplate: string;
  thoughtSpotTimeoutMs: number;
  adminSecretId: string;
  /** Unset: the admin username from the admin secret. */
  rotationTestUser: string | undefined;
}

/** Parses the environment; throws a ConfigError naming every bad variable. */
export function loadRotationConfig(env: Record<string, string | undefined>): RotationConfig {
  const own = readVariables(ROTATION_ENV_VARIABLES, env);
  const problems = own.problems;
  let shared: ReturnType<typeof loadConfig> | undefined;
  try {
    shared = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.unshift(error.message.replace(/^Invalid configuration: /, ''));
  }
  if (!shared || !own.values) {
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return {
    thoughtSpotHost: shared.thoughtSpotHost,
    secretIdTemplate: shared.secretIdTemplate,
    thoughtSpotTimeoutMs: shared.thoughtSpotTimeoutMs,
    adminSecretId: own.values.THOUGHTSPOT_ADMIN_SECRET_ID,
    rotationTestUser: own.values.ROTATION_TEST_USER,
  };
}
