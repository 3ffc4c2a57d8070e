import * as z from 'zod/mini';
import { ConfigError, loadConfig } from '../lib/config.js';
import { ROTATION_DEFAULTS } from '../lib/config-rules.cjs';
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

export const RotationEnvSchema = z.object({
  THOUGHTSPOT_ADMIN_SECRET_ID: z._default(
    z.string().check(z.regex(SECRET_ID, 'must be a Secrets Manager secret name or ARN')),
    DEFAULT_ADMIN_SECRET_ID,
  ),
  ROTATION_TEST_USER: z.optional(
    z.string().check(
      z.superRefine((value, ctx) => {
        const problem = usernameProblem(value);
        if (problem !== undefined)
          ctx.issues.push({ code: 'custom', message: problem, input: value });
      }),
    ),
  ),
});

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
  // Empty strings mean "unset", as for loadConfig.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const own = RotationEnvSchema.safeParse(present);
  const problems = (own.error?.issues ?? []).map(
    (issue) => `${String(issue.path[0])} ${issue.message}`,
  );
  let shared: ReturnType<typeof loadConfig> | undefined;
  try {
    shared = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.unshift(error.message.replace(/^Invalid configuration: /, ''));
  }
  if (!shared || !own.success) {
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return {
    thoughtSpotHost: shared.thoughtSpotHost,
    secretIdTemplate: shared.secretIdTemplate,
    thoughtSpotTimeoutMs: shared.thoughtSpotTimeoutMs,
    adminSecretId: own.data.THOUGHTSPOT_ADMIN_SECRET_ID,
    rotationTestUser: own.data.ROTATION_TEST_USER,
  };
}
