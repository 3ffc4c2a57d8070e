import { afterAll, afterEach, expect } from 'vitest';
import * as z from 'zod';
import type { HttpResponse } from '../../../functions/token/responses.js';

/**
 * The response contract every test under faults or hostile input checks: the status
 * and code pairs of SPEC §3's error table (plus 404 not_found for routes the API
 * does not have), the error body shape, and Cache-Control: no-store.
 */

/** status → the codes SPEC §3 documents for it. 500 is not among them. */
export const DOCUMENTED_ERRORS: Readonly<Record<number, readonly string[]>> = {
  400: ['invalid_request'],
  401: ['unauthenticated'],
  403: ['org_forbidden', 'org_not_configured', 'user_rejected', 'policy_denied'],
  404: ['not_found'],
  429: ['rate_limited'],
  502: ['thoughtspot_error'],
  503: ['secret_unavailable', 'secret_key_rejected'],
  504: ['thoughtspot_timeout'],
};

export const ErrorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.string().min(1),
    message: z.string().min(1),
    request_id: z.string().min(1),
  }),
});

export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** The reason `response` breaks the contract, or undefined when it keeps it. */
export function contractViolation(response: HttpResponse): string | undefined {
  const { statusCode, headers } = response;
  if (headers['cache-control'] !== 'no-store')
    return `${statusCode} without Cache-Control no-store`;
  if (statusCode === 200) return undefined;
  const codes = DOCUMENTED_ERRORS[statusCode];
  if (!codes) return `undocumented status ${statusCode}`;
  if (!/^application\/json\b/.test(headers['content-type'] ?? '')) {
    return `${statusCode} error is not JSON (${headers['content-type']})`;
  }
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    return `${statusCode} error body is not JSON`;
  }
  const parsed = ErrorBodySchema.safeParse(json);
  if (!parsed.success) return `${statusCode} error body has the wrong shape`;
  const { code } = parsed.data.error;
  if (!codes.includes(code)) return `undocumented pair ${statusCode} ${code}`;
  return undefined;
}

/** The error code of a non-200 response (call after contractViolation came back clean). */
export const errorCodeOf = (response: HttpResponse): string =>
  ErrorBodySchema.parse(JSON.parse(response.body)).error.code;

/** Collects unhandled rejections and uncaught exceptions while installed. */
export function watchProcessFailures(): { readonly failures: unknown[]; stop(): void } {
  const failures: unknown[] = [];
  const record = (reason: unknown) => {
    failures.push(reason);
  };
  process.on('unhandledRejection', record);
  process.on('uncaughtException', record);
  return {
    failures,
    stop() {
      process.off('unhandledRejection', record);
      process.off('uncaughtException', record);
    },
  };
}

/**
 * watchProcessFailures for a whole file: after every test, what was seen since the test
 * before must be nothing, so a failure fails the test during which it surfaced.
 */
export function failOnProcessFailures(): { readonly failures: unknown[] } {
  const watch = watchProcessFailures();
  afterEach(() => {
    expect(watch.failures.splice(0)).toEqual([]);
  });
  afterAll(() => watch.stop());
  return watch;
}
