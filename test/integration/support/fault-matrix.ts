import { expect } from 'vitest';
import { DEFAULT_LOOKUP_TIMEOUT_MS } from '../../../functions/lib/secret-keys.js';
import type { HttpResponse } from '../../../functions/token/responses.js';
import {
  contractViolation,
  errorCodeOf,
  failOnProcessFailures,
} from '../../resilience/support/contract.js';
import type { Environment } from './environment.js';
import { watchForLeaks } from './leak-watch.js';

/**
 * The fault matrix's shared rules (faults-*.test.ts): one row per way ThoughtSpot or
 * Secrets Manager can fail, each played against the whole handler over real HTTP on
 * 127.0.0.1. Every row checks the documented status and code, the error shape,
 * Cache-Control, the time to answer, and that the next healthy request gets a token
 * ThoughtSpot really minted.
 */

/** THOUGHTSPOT_TIMEOUT_MS for the matrix: short, but room for a Retry-After of 1 s. */
export const DEADLINE_MS = 2000;
/** One GetSecretValue, SDK retries included. */
export const LOOKUP_TIMEOUT_MS = DEFAULT_LOOKUP_TIMEOUT_MS;
/** Scheduling slack on a busy 2-core machine; the bounds are about hanging, not speed. */
export const MARGIN_MS = 700;

export interface Expected {
  status: number;
  /** The error code; absent for 200. */
  code?: string;
}

interface Outcome {
  response: HttpResponse;
  elapsedMs: number;
}

export async function timed(env: Environment, claims: Record<string, string>): Promise<Outcome> {
  const started = performance.now();
  const response = await env.invoke({ routeKey: 'GET /token', claims });
  return { response, elapsedMs: performance.now() - started };
}

/** The documented status and code, the error shape and Cache-Control no-store. */
export function expectAnswer(env: Environment, response: HttpResponse, expected: Expected) {
  expect(contractViolation(response)).toBeUndefined();
  expect(response.statusCode).toBe(expected.status);
  if (expected.code === undefined) expect(env.ts.isValid(response.body)).toBe(true);
  else expect(errorCodeOf(response)).toBe(expected.code);
}

/**
 * For a fault-matrix file: after every test no unhandled rejection or uncaught
 * exception, and no secret key in a response or a log line (leak-watch.ts).
 */
export function watchFaultMatrix() {
  const leaks = watchForLeaks();
  const processFailures = failOnProcessFailures();
  const clusterKey = leaks.key('cluster');
  const org5Key = leaks.key('org5');
  return {
    key: leaks.key,
    clusterKey,
    environment: leaks.environment,

    /** Org 0 and Org 5 with their own keys, both already cached, and DEADLINE_MS. */
    async warmEnvironment(claims: { email: string }): Promise<Environment> {
      const env = await leaks.environment({
        clusterKey,
        orgKeys: { 5: org5Key },
        secrets: { 0: clusterKey, 5: org5Key },
        env: { THOUGHTSPOT_TIMEOUT_MS: String(DEADLINE_MS) },
      });
      // Warm: Org 0 and Org 5 keys cached, so a row times its own fault only.
      for (const org of ['0', '5']) {
        expect((await timed(env, { ...claims, ts_org: org })).response.statusCode).toBe(200);
      }
      return env;
    },

    /** A healthy request right after the fault: 200 with a token the stand-in minted for it. */
    async expectRecovery(
      env: Environment,
      claims: { email: string; ts_org: string },
      keyKind: 'org' | 'cluster',
    ) {
      const { response } = await timed(env, claims);
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(env.ts.isValid(response.body)).toBe(true);
      expect(env.ts.findToken(response.body)).toMatchObject({
        username: claims.email,
        orgId: Number(claims.ts_org),
        keyKind,
      });
      expect(processFailures.failures).toEqual([]);
    },
  };
}
