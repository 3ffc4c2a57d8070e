import * as z from 'zod';
import {
  OwnMessageError,
  RateLimitedError,
  ServiceError,
  ThoughtSpotError,
  ThoughtSpotTimeoutError,
} from './errors.js';
import type { Provisioning } from './identity.js';
import { parseJson } from './json.js';
import type { UpstreamTrace } from './request-trace.js';

/**
 * ThoughtSpot REST v2 token client: POST /api/rest/2.0/auth/token/{full,object}.
 * One deadline covers every attempt; network errors, 5xx and 429 are retried with
 * jittered backoff while the deadline allows. The secret key goes only into the
 * request body: never into an error, a log field or a trace.
 */

export interface MintRequest {
  username: string;
  orgId: number;
  secretKey: string;
  validitySeconds: number;
  objectId?: string;
  /** Present: JIT-provision the user (auto_create) with these details. */
  provision?: Provisioning;
}

export interface MintedToken {
  token: string;
  expiresAtMillis: number;
  orgId: number;
  username: string;
  tokenType: 'full' | 'object';
}

/** ThoughtSpot refused the request (400/401/403): the key, the user, or trusted auth itself. */
export class TokenRejectedError extends OwnMessageError {
  override name = 'TokenRejectedError';
  constructor(
    readonly status: number,
    /** ThoughtSpot's own error code from the body, e.g. 10097 "wrong secret key". */
    readonly upstreamCode: number | undefined,
  ) {
    super(`ThoughtSpot answered ${status}${upstreamCode ? ` (code ${upstreamCode})` : ''}`);
  }
}

/**
 * `deadlineAt` (epoch ms) lets a caller that mints twice (the rotation retry) keep both
 * attempts inside one overall deadline; the client's own timeout applies either way.
 */
export type MintToken = (
  request: MintRequest,
  trace: UpstreamTrace,
  options?: { deadlineAt?: number },
) => Promise<MintedToken>;

export interface ThoughtSpotClientOptions {
  host: string;
  timeoutMs: number;
  maxAttempts?: number;
  /** First backoff step; each retry doubles it, with jitter. */
  backoffBaseMs?: number;
  fetch?: typeof globalThis.fetch;
  random?: () => number;
  now?: () => number;
}

/**
 * The fields we rely on; ThoughtSpot's Token model has more, which we ignore. The Org
 * and the user are required: a token is relayed only when the answer says whom it is for.
 */
const TokenResponseSchema = z.object({
  token: z.string().min(1),
  // The SDK model declares a float; clusters send whole milliseconds. Accept both.
  expiration_time_in_millis: z.number().positive(),
  scope: z.object({ org_id: z.number().int() }),
  valid_for_username: z.string(),
});

/** ThoughtSpot's error body varies by version: {error:{message:{code}}} or {error:{code}}. */
export function upstreamErrorCode(body: string): number | undefined {
  let value = parseJson(body);
  for (let depth = 0; depth < 4 && value !== null && typeof value === 'object'; depth++) {
    const record = value as Record<string, unknown>;
    if (typeof record.code === 'number') return record.code;
    value = record.error ?? record.message;
  }
  return undefined;
}

/** The longest Retry-After we pass on or wait for (SPEC §8: capped). */
export const MAX_RETRY_AFTER_SECONDS = 60;

const HTTP_DATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * Retry-After as whole seconds, capped: delta-seconds or an HTTP date (IMF-fixdate),
 * nothing else. We pass on our own rendering of it, never the upstream text.
 */
export function retryAfterSeconds(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  let seconds: number;
  if (/^\d{1,10}$/.test(header)) seconds = Number(header);
  else if (HTTP_DATE.test(header) && !Number.isNaN(Date.parse(header))) {
    seconds = Math.max(0, Math.ceil((Date.parse(header) - now) / 1000));
  } else return undefined;
  return Math.min(seconds, MAX_RETRY_AFTER_SECONDS);
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/** Leave an attempt at least this long before the deadline, or don't start it. */
const MIN_ATTEMPT_MS = 100;

export function createThoughtSpotClient(options: ThoughtSpotClientOptions): MintToken {
  const {
    host,
    timeoutMs,
    maxAttempts = 3,
    backoffBaseMs = 100,
    fetch = globalThis.fetch,
    random = Math.random,
    now = Date.now,
  } = options;

  function requestBody(request: MintRequest): string {
    const { provision } = request;
    return JSON.stringify({
      username: request.username,
      secret_key: request.secretKey,
      // Always name the Org: without it ThoughtSpot's sources disagree on which Org is meant.
      org_id: request.orgId,
      validity_time_in_sec: request.validitySeconds,
      auto_create: provision !== undefined,
      ...(request.objectId !== undefined && { object_id: request.objectId }),
      ...(provision?.email !== undefined && { email: provision.email }),
      ...(provision?.displayName !== undefined && { display_name: provision.displayName }),
      ...(provision?.groups !== undefined && { group_identifiers: provision.groups }),
    });
  }

  function parseToken(text: string, request: MintRequest): MintedToken {
    const parsed = TokenResponseSchema.safeParse(parseJson(text));
    if (!parsed.success) {
      throw new ThoughtSpotError('ThoughtSpot returned a malformed token response.');
    }
    // A token for another Org or user than asked for must never reach the caller.
    if (parsed.data.scope.org_id !== request.orgId) {
      throw new ThoughtSpotError('ThoughtSpot returned a token for a different Org.');
    }
    if (parsed.data.valid_for_username.toLowerCase() !== request.username.toLowerCase()) {
      throw new ThoughtSpotError('ThoughtSpot returned a token for a different user.');
    }
    return {
      token: parsed.data.token,
      expiresAtMillis: parsed.data.expiration_time_in_millis,
      orgId: request.orgId,
      username: request.username,
      tokenType: request.objectId === undefined ? 'full' : 'object',
    };
  }

  return async function mintToken(request, trace, options = {}) {
    const started = now();
    const deadline = Math.min(started + timeoutMs, options.deadlineAt ?? Number.POSITIVE_INFINITY);
    const signal = AbortSignal.timeout(Math.max(0, deadline - started));
    const url = `${host}/api/rest/2.0/auth/token/${request.objectId === undefined ? 'full' : 'object'}`;
    const body = requestBody(request);
    // Created only when needed: building an Error (stack capture) on every request costs.
    let failure: ServiceError | undefined;

    /** Waits before the next attempt when the deadline leaves room; false if it doesn't. */
    const backoff = async (attempt: number, wantedMs?: number): Promise<boolean> => {
      if (attempt >= maxAttempts) return false;
      const step = backoffBaseMs * 2 ** (attempt - 1);
      const delay = wantedMs ?? step / 2 + random() * (step / 2);
      if (now() + delay > deadline - MIN_ATTEMPT_MS) return false;
      await sleep(delay, signal);
      return true;
    };

    try {
      for (let attempt = 1; ; attempt++) {
        trace.attempts += 1;
        let response: Response;
        try {
          response = await fetch(url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              accept: 'application/json',
              'user-agent': 'thoughtspot-token-service',
            },
            body,
            signal,
            // The key goes to THOUGHTSPOT_HOST and nowhere else: a redirect is an answer, not a hop.
            redirect: 'manual',
          });
        } catch (error) {
          if (signal.aborted) throw error;
          failure = new ThoughtSpotError('ThoughtSpot could not be reached.', { cause: error });
          if (await backoff(attempt)) continue;
          throw failure;
        }
        trace.status = response.status;
        const text = await response.text();

        if (response.ok) return parseToken(text, request);
        if (response.status === 400 || response.status === 401 || response.status === 403) {
          throw new TokenRejectedError(response.status, upstreamErrorCode(text));
        }
        if (response.status === 429) {
          const seconds = retryAfterSeconds(response.headers.get('retry-after'), now());
          failure = new RateLimitedError(seconds === undefined ? undefined : String(seconds));
          if (await backoff(attempt, seconds === undefined ? undefined : seconds * 1000)) continue;
          throw failure;
        }
        if (response.status >= 500) {
          failure = new ThoughtSpotError(`ThoughtSpot answered ${response.status}.`);
          if (await backoff(attempt)) continue;
          throw failure;
        }
        if (response.status >= 300 && response.status < 400) {
          throw new ThoughtSpotError(
            `ThoughtSpot answered ${response.status} (a redirect, which is never followed).`,
          );
        }
        // 404, 405, 415...: the host is not a ThoughtSpot REST v2 API; retrying won't help.
        throw new ThoughtSpotError(`ThoughtSpot answered ${response.status}.`);
      }
    } catch (error) {
      if (
        signal.aborted &&
        !(error instanceof ServiceError) &&
        !(error instanceof TokenRejectedError)
      ) {
        throw new ThoughtSpotTimeoutError(undefined, { cause: failure ?? new ThoughtSpotError() });
      }
      throw error;
    } finally {
      trace.latencyMs = (trace.latencyMs ?? 0) + now() - started;
    }
  };
}
