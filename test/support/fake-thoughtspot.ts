import { thoughtSpotTokenBody } from './thoughtspot-bodies.js';

/**
 * A scripted ThoughtSpot behind a fake fetch, for the token and admin clients' unit
 * tests; token-client.ts builds the client that talks to it.
 */

/** One scripted answer of the fake ThoughtSpot: a Response, or a thrown network error. */
export type Step = (init: RequestInit) => Response | Promise<Response>;

export interface FetchCall {
  url: string;
  init: RequestInit;
  body: Record<string, unknown>;
}

/** A fetch that plays `steps` in order (the last one repeats) and records every call. */
export function fakeFetch(...steps: Step[]) {
  const calls: FetchCall[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    calls.push({ url: String(input), init, body: JSON.parse(String(init.body)) });
    const step = steps[Math.min(calls.length, steps.length) - 1];
    if (!step) throw new Error('fakeFetch needs at least one step');
    return step(init);
  };
  return { fetch, calls };
}

export const reply =
  (status: number, body: unknown, headers: Record<string, string> = {}): Step =>
  () =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });

export const ok = (overrides: Parameters<typeof thoughtSpotTokenBody>[0] = {}) =>
  reply(200, thoughtSpotTokenBody(overrides));

export const networkError: Step = () => {
  throw new TypeError('fetch failed');
};

/** A ThoughtSpot that never answers but lets the caller abort, as real fetch does. */
export const hang: Step = (init) =>
  new Promise((_resolve, reject) => {
    init.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true });
  });
