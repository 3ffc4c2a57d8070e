import type { UpstreamTrace } from '../../functions/lib/request-trace.js';
import {
  createThoughtSpotClient,
  type MintRequest,
  type ThoughtSpotClientOptions,
} from '../../functions/lib/thoughtspot.js';
import { fakeKey, TEST_THOUGHTSPOT_HOST } from './fixtures.js';

/**
 * The token client as its unit tests build it, on a fake fetch (fake-thoughtspot.ts):
 * quick backoff, no jitter, a 2 s deadline; and the request and trace it is called with.
 */

/** A token request for ada@example.com in Org 0, with a fresh fake key, unless overridden. */
export const mintRequest = (overrides: Partial<MintRequest> = {}): MintRequest => ({
  username: 'ada@example.com',
  orgId: 0,
  secretKey: fakeKey('ts'),
  validitySeconds: 300,
  ...overrides,
});

/** A trace before the first attempt. */
export const newTrace = (): UpstreamTrace => ({ attempts: 0 });

/** The token client on `fetch`. */
export const client = (
  fetch: typeof globalThis.fetch,
  options: Partial<ThoughtSpotClientOptions> = {},
) =>
  createThoughtSpotClient({
    host: TEST_THOUGHTSPOT_HOST,
    timeoutMs: 2000,
    backoffBaseMs: 1,
    random: () => 0.5,
    fetch,
    ...options,
  });
