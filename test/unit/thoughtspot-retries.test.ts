import { afterEach, describe, expect, it, vi } from 'vitest';
import { RateLimitedError, ThoughtSpotError } from '../../functions/lib/errors.js';
import { TokenRejectedError } from '../../functions/lib/thoughtspot.js';
import { rejection, rejectionAs } from '../support/errors.js';
import { fakeFetch, networkError, ok, reply } from '../support/fake-thoughtspot.js';
import { thoughtSpotError } from '../support/thoughtspot-bodies.js';
import { client, mintRequest, newTrace } from '../support/token-client.js';

/** When the token client gives up, and when it tries again (SPEC §5): rejections, 5xx, network errors, 429. */

afterEach(() => {
  vi.useRealTimers();
});

describe('createThoughtSpotClient when ThoughtSpot rejects the request', () => {
  it.each([
    [401, 10097],
    [403, 10023],
    [400, 10002],
  ])('turns %i with code %i into a TokenRejectedError, without retrying', async (status, code) => {
    // Prepare
    const { fetch, calls } = fakeFetch(reply(status, thoughtSpotError(code)));
    const trace = newTrace();

    // Act
    const error = await rejection(client(fetch)(mintRequest(), trace));

    // Assess
    expect(error).toBeInstanceOf(TokenRejectedError);
    expect(error).toMatchObject({ status, upstreamCode: code });
    expect(calls).toHaveLength(1);
    expect(trace).toMatchObject({ attempts: 1, status });
  });

  it('rejects with no upstream code when the body has none', async () => {
    // Prepare
    const { fetch } = fakeFetch(reply(401, 'Unauthorized'));

    // Act
    const error = await rejection(client(fetch)(mintRequest(), newTrace()));

    // Assess
    expect(error).toBeInstanceOf(TokenRejectedError);
    expect(error).toMatchObject({ status: 401, upstreamCode: undefined });
  });
});

describe('createThoughtSpotClient when ThoughtSpot fails or cannot be reached', () => {
  it('retries a 500 and succeeds on the second attempt', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(reply(500, thoughtSpotError(10038)), ok());
    const trace = newTrace();

    // Act
    const minted = await client(fetch)(mintRequest(), trace);

    // Assess
    expect(minted.token).toMatch(/^ts-token-/);
    expect(calls).toHaveLength(2);
    expect(trace).toMatchObject({ attempts: 2, status: 200 });
  });

  it('sends the same request on every attempt', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(reply(503, ''), ok());

    // Act
    await client(fetch)(mintRequest(), newTrace());

    // Assess
    expect(calls[1]?.url).toBe(calls[0]?.url);
    expect(calls[1]?.body).toEqual(calls[0]?.body);
  });

  it('gives up with thoughtspot_error after maxAttempts answers of 500', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(reply(500, thoughtSpotError(10038)));
    const trace = newTrace();

    // Act
    const error = await rejection(client(fetch, { maxAttempts: 4 })(mintRequest(), trace));

    // Assess
    expect(error).toBeInstanceOf(ThoughtSpotError);
    expect(error).toMatchObject({ status: 502, code: 'thoughtspot_error' });
    expect(calls).toHaveLength(4);
    expect(trace).toMatchObject({ attempts: 4, status: 500 });
  });

  it('makes 3 attempts by default', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(reply(502, ''));

    // Act
    await rejection(client(fetch)(mintRequest(), newTrace()));

    // Assess
    expect(calls).toHaveLength(3);
  });

  it('retries a network error and succeeds', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(networkError, ok());
    const trace = newTrace();

    // Act
    await client(fetch)(mintRequest(), trace);

    // Assess
    expect(calls).toHaveLength(2);
    expect(trace).toMatchObject({ attempts: 2, status: 200 });
  });

  it('answers thoughtspot_error when ThoughtSpot cannot be reached at all', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(networkError);

    // Act
    const error = await rejection(client(fetch)(mintRequest(), newTrace()));

    // Assess
    expect(error).toBeInstanceOf(ThoughtSpotError);
    expect((error as Error).message).toMatch(/could not be reached/);
    expect(calls).toHaveLength(3);
  });

  it('does not retry a 404: the host is not a ThoughtSpot REST v2 API', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(reply(404, '<html>Not Found</html>'), ok());

    // Act
    const error = await rejection(client(fetch)(mintRequest(), newTrace()));

    // Assess
    expect(error).toBeInstanceOf(ThoughtSpotError);
    expect(error).toMatchObject({ code: 'thoughtspot_error' });
    expect(calls).toHaveLength(1);
  });
});

describe('createThoughtSpotClient when ThoughtSpot answers 429', () => {
  it('waits for a Retry-After that fits the deadline, then retries', async () => {
    // Prepare
    vi.useFakeTimers();
    const { fetch, calls } = fakeFetch(reply(429, '', { 'Retry-After': '1' }), ok());
    const minting = client(fetch, { timeoutMs: 5000 })(mintRequest(), newTrace());

    // Act
    await vi.advanceTimersByTimeAsync(999);
    const callsBeforeRetryAfter = calls.length;
    await vi.advanceTimersByTimeAsync(1);
    const minted = await minting;

    // Assess
    expect(callsBeforeRetryAfter).toBe(1);
    expect(calls).toHaveLength(2);
    expect(minted.token).toMatch(/^ts-token-/);
  });

  it('answers rate_limited, passing Retry-After on, when it does not fit the deadline', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(reply(429, '', { 'Retry-After': '30' }), ok());

    // Act
    const error = await rejectionAs(
      RateLimitedError,
      client(fetch, { timeoutMs: 2000 })(mintRequest(), newTrace()),
    );

    // Assess
    expect(error).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(error.headers).toEqual({ 'Retry-After': '30' });
    expect(calls).toHaveLength(1);
  });

  it('retries a 429 without Retry-After with backoff, then answers rate_limited', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(reply(429, ''));

    // Act
    const error = await rejectionAs(RateLimitedError, client(fetch)(mintRequest(), newTrace()));

    // Assess
    expect(error.headers).toEqual({});
    expect(calls).toHaveLength(3);
  });

  it('retries a 429 whose Retry-After date has passed', async () => {
    // Prepare
    const past = new Date(Date.now() - 60_000).toUTCString();
    const { fetch, calls } = fakeFetch(reply(429, '', { 'Retry-After': past }), ok());

    // Act
    await client(fetch)(mintRequest(), newTrace());

    // Assess
    expect(calls).toHaveLength(2);
  });

  it('does not pass on a Retry-After value that is not well formed', async () => {
    // Prepare
    const { fetch } = fakeFetch(reply(429, '', { 'Retry-After': '<b>soon</b>' }));

    // Act
    const error = await rejectionAs(RateLimitedError, client(fetch)(mintRequest(), newTrace()));

    // Assess
    expect(error.headers).toEqual({});
  });
});
