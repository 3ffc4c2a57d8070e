import { ConfigError, ENV_VARIABLES } from '../lib/config.js';
import { ROTATION_DEFAULTS } from '../lib/config-rules.cjs';
import { optional, readVariables, type Variable, withDefault } from '../lib/env-variables.js';
import { usernameProblem } from '../lib/username.js';

/**
 * The rotation function's configuration (SPEC §4, §6), read once at cold start:
 * the token function's THOUGHTSPOT_HOST, SECRET_ID_TEMPLATE and THOUGHTSPOT_TIMEOUT_MS
 * (read by the token function's own readers), plus the two variables only rotation reads.
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

/** Every variable the rotation function reads: the shared ones first, then its own. */
const VARIABLES = {
  THOUGHTSPOT_HOST: ENV_VARIABLES.THOUGHTSPOT_HOST,
  SECRET_ID_TEMPLATE: ENV_VARIABLES.SECRET_ID_TEMPLATE,
  THOUGHTSPOT_TIMEOUT_MS: ENV_VARIABLES.THOUGHTSPOT_TIMEOUT_MS,
  ...ROTATION_ENV_VARIABLES,
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
  const { values, problems } = readVariables(VARIABLES, env);
  if (!values) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  return {
    thoughtSpotHost: values.THOUGHTSPOT_HOST,
    secretIdTemplate: values.SECRET_ID_TEMPLATE,
    thoughtSpotTimeoutMs: values.THOUGHTSPOT_TIMEOUT_MS,
    adminSecretId: values.THOUGHTSPOT_ADMIN_SECRET_ID,
    rotationTestUser: values.ROTATION_TEST_USER,
  };
}
