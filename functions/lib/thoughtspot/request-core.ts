import {
  OwnMessageError,
  RateLimitedError,
  type ServiceError,
  ThoughtSpotError,
  ThoughtSpotTimeoutError,
} from '../errors.js';
import { parseJson } from '../json.js';
import type { UpstreamTrace } from '../request-trace.js';

/**
 * One JSON POST to ThoughtSpot's REST v2 API, the discipline every call shares:
 * one deadline covers every attempt; network errors, 5xx and 429 are retried with
 * jittered backoff while the deadline allows; a redirect is never followed; a
 * status becomes a typed error. Whatever goes into the body (a secret key, a
 * password) or the Authorization header never reaches an error, a log field or a trace.
 */

export interface RequestCoreOptions {
  host: string;
  timeoutMs: number;
  maxAttempts?: number;
  /** First backoff step; each retry doubles it, with jitter. */
  backoffBaseMs?: number;
  fetch?: typeof globalThis.fetch;
  random?: () => number;
  now?: () => number;
}

export interface CoreRequest {
  /** From the host on, e.g. /api/rest/2.0/auth/token/full. */
  path: string;
  /** The JSON text to send. */
  body: string;
  trace: UpstreamTrace;
  /** Sent as `Authorization: Bearer …` (the admin APIs). */
  bearer?: string;
  /** Epoch ms; ends the request earlier than the client's own timeout. */
  deadlineAt?: number;
  /**
   * What a 4xx answer other than 429 means on this endpoint (the same code means
   * different things on token and admin endpoints). Undefined: ThoughtSpotError.
   */
  refusal?: (status: number, body: string) => Error | undefined;
}

/** A 2xx answer. */
export interface CoreAnswer {
  status: number;
  body: string;
}

export type PostJson = (request: CoreRequest) => Promise<CoreAnswer>;

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
export const DEFAULT_MAX_ATTEMPTS = 3;

export function createRequestCore(options: RequestCoreOptions): PostJson {
  const {
    host,
    timeoutMs,
    maxAttempts = DEFAULT_MAX_ATTEMPTS,
    backoffBaseMs = 100,
    fetch = globalThis.fetch,
    random = Math.random,
    now = Date.now,
  } = options;

  return async function postJson(request) {
    const started = now();
    const deadline = Math.min(started + timeoutMs, request.deadlineAt ?? Number.POSITIVE_INFINITY);
    const signal = AbortSignal.timeout(Math.max(0, deadline - started));
    const url = `${host}${request.path}`;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': 'thoughtspot-token-service',
      ...(request.bearer === undefined ? {} : { authorization: `Bearer ${request.bearer}` }),
    };
    const { trace } = request;
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
            headers,
            body: request.body,
            signal,
            // Secrets go to THOUGHTSPOT_HOST and nowhere else: a redirect is an answer, not a hop.
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

        if (response.ok) return { status: response.status, body: text };
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
        // 4xx: what it means depends on the endpoint. Not retried: asking again won't help.
        throw (
          request.refusal?.(response.status, text) ??
          new ThoughtSpotError(`ThoughtSpot answered ${response.status}.`)
        );
      }
    } catch (error) {
      // The deadline ended a fetch, a body read or a backoff: that is a timeout, whatever
      // the runtime called it. Our own typed errors stand as they are.
      if (signal.aborted && !(error instanceof OwnMessageError)) {
        throw new ThoughtSpotTimeoutError(undefined, { cause: failure ?? new ThoughtSpotError() });
      }
      throw error;
    } finally {
      trace.latencyMs = (trace.latencyMs ?? 0) + now() - started;
    }
  };
}
