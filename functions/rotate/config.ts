import { ConfigError, ENV_VARIABLES } from '../lib/config.js';
import { adminSecretIdProblem, ROTATION_DEFAULTS, secretNamePrefix } from '../lib/config-rules.cjs';
import { optional, readVariables, type Variable, withDefault } from '../lib/env-variables.js';
import { usernameProblem } from '../lib/username.js';

/**
 * The rotation function's configuration (SPEC §4, §6), read once at cold start:
 * the token function's THOUGHTSPOT_HOST, SECRET_ID_TEMPLATE and THOUGHTSPOT_TIMEOUT_MS
 * (read by the token function's own readers), plus the two variables only rotation reads.
 */

/** The rotation function's own variables; exported for the README drift test. */
export const ROTATION_ENV_VARIABLES = {
  // SPEC §6: the secret holding the ThoughtSpot admin's {"username", "password"}. Its
  // form here; outside the Org secrets' prefix once SECRET_ID_TEMPLATE is read.
  THOUGHTSPOT_ADMIN_SECRET_ID: withDefault(
    ROTATION_DEFAULTS.THOUGHTSPOT_ADMIN_SECRET_ID,
    (text, refuse) => {
      const problem = adminSecretIdProblem(text, undefined);
      return problem === undefined ? text : refuse(problem);
    },
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
  if (values) {
    const orgSecretPrefix = secretNamePrefix(values.SECRET_ID_TEMPLATE);
    const problem = adminSecretIdProblem(values.THOUGHTSPOT_ADMIN_SECRET_ID, orgSecretPrefix);
    if (problem !== undefined) problems.push(`THOUGHTSPOT_ADMIN_SECRET_ID ${problem}`);
  }
  if (!values || problems.length > 0) {
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return {
    thoughtSpotHost: values.THOUGHTSPOT_HOST,
    secretIdTemplate: values.SECRET_ID_TEMPLATE,
    thoughtSpotTimeoutMs: values.THOUGHTSPOT_TIMEOUT_MS,
    adminSecretId: values.THOUGHTSPOT_ADMIN_SECRET_ID,
    rotationTestUser: values.ROTATION_TEST_USER,
  };
}
