import { randomBytes, randomUUID } from 'node:crypto';
import { type Config, loadConfig } from '../../functions/lib/config.js';

/**
 * Typed factories shared by the unit and integration tiers. Each call returns a
 * fresh object, so a test can change what it got without touching another test.
 */

/** The host every factory assumes unless a test overrides THOUGHTSPOT_HOST. */
export const TEST_THOUGHTSPOT_HOST = 'https://tenant.thoughtspot.test';

/** A key nobody could mistake for real data, so leak checks can search logs and bodies for it. */
export const fakeKey = (label: string): string =>
  `TESTKEY-${label}-${randomBytes(8).toString('hex')}`;

/** A Config built the way the handler builds it: through loadConfig, from environment strings. */
export const testConfig = (overrides: Record<string, string | undefined> = {}): Config =>
  loadConfig({ THOUGHTSPOT_HOST: TEST_THOUGHTSPOT_HOST, ...overrides });

/** ThoughtSpot's 200 body for POST /api/rest/2.0/auth/token/{full,object}. */
export interface ThoughtSpotTokenBody {
  token: string;
  creation_time_in_millis: number;
  expiration_time_in_millis: number;
  scope: { access_type: string; org_id: number; metadata_id: string | null };
  valid_for_user_id: string;
  valid_for_username: string;
}

export function thoughtSpotTokenBody(
  overrides: Partial<ThoughtSpotTokenBody> = {},
): ThoughtSpotTokenBody {
  const created = Date.now();
  return {
    token: `ts-token-${randomBytes(8).toString('hex')}`,
    creation_time_in_millis: created,
    expiration_time_in_millis: created + 300_000,
    scope: { access_type: 'FULL', org_id: 0, metadata_id: null },
    valid_for_user_id: randomUUID(),
    valid_for_username: 'ada@example.com',
    ...overrides,
  };
}
