import { randomBytes } from 'node:crypto';
import { type Config, type ENV_VARIABLES, loadConfig } from '../../functions/lib/config.js';
import { callerFromJwt } from '../../functions/lib/identity.js';

/**
 * Typed factories shared by the unit and integration tiers. Each call returns a
 * fresh object, so a test can change what it got without touching another test.
 */

/** The host every factory assumes unless a test overrides THOUGHTSPOT_HOST. */
export const TEST_THOUGHTSPOT_HOST = 'https://tenant.thoughtspot.test';

/** A key nobody could mistake for real data, so leak checks can search logs and bodies for it. */
export const fakeKey = (label: string): string =>
  `TESTKEY-${label}-${randomBytes(8).toString('hex')}`;

/** Environment strings for the function, by the names it reads (SPEC §4). */
export type FunctionEnv = { [Name in keyof typeof ENV_VARIABLES]?: string };

/** A Config built the way the handler builds it: through loadConfig, from environment strings. */
export const testConfig = (overrides: FunctionEnv = {}): Config =>
  loadConfig({ THOUGHTSPOT_HOST: TEST_THOUGHTSPOT_HOST, ...overrides });

/** The browser routes' caller for these claims, as the JWT authorizer hands them over. */
export const fromClaims = (claims: Record<string, unknown> | undefined, config: Config) =>
  callerFromJwt(claims === undefined ? {} : { jwt: { claims } }, config);
