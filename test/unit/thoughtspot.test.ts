import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  RateLimitedError,
  ThoughtSpotError,
  ThoughtSpotTimeoutError,
} from '../../functions/lib/errors.js';
import { TokenRejectedError, upstreamErrorCode } from '../../functions/lib/thoughtspot.js';
import { errorTexts, rejection, rejectionAs } from '../support/errors.js';
import {
  client,
  fakeFetch,
  hang,
  mintRequest,
  networkError,
  newTrace,
  ok,
  reply,
  type Step,
} from '../support/fake-thoughtspot.js';
import { fakeKey, TEST_THOUGHTSPOT_HOST } from '../support/fixtures.js';
import { thoughtSpotError, thoughtSpotTokenBody } from '../support/thoughtspot-bodies.js';

const OBJECT_ID = 'e65d7d3f-c2b5-4d3e-8cba-7e5a6b9c0d11';

afterEach(() => {
  vi.useRealTimers();
});

describe('upstreamErrorCode', () => {
  it.each([
    ['the 26.x shape', JSON.stringify(thoughtSpotError(10097)), 10097],
    ['a flat error code', '{"error": {"code": 10023}}', 10023],
    ['a top-level code', '{"code": 10002}', 10002],
    ['no code', '{"error": {"message": "bad"}}', undefined],
    ['a string code', '{"error": {"code": "10097"}}', undefined],
    ['a non-JSON body', '<html>Unauthorized</html>', undefined],
    ['an empty body', '', undefined],
  ])('reads %s', (_case, body, expected) => {
    expect(upstreamErrorCode(body)).toBe(expected);
  });
});

describe('createThoughtSpotClient', () => {
  describe('request', () => {
    it('posts the token request as JSON to /auth/token/full', async () => {
      // Prepare
      const { fetch, calls } = fakeFetch(
        ok({ scope: { access_type: 'FULL', org_id: 9, metadata_id: null } }),
      );
      const request = mintRequest({ orgId: 9, validitySeconds: 600 });

      // Act
      await client(fetch)(request, newTrace());

      // Assess
      expect(calls).toHaveLength(1);
      const [call] = calls;
      expect(call?.url).toBe(`${TEST_THOUGHTSPOT_HOST}/api/rest/2.0/auth/token/full`);
      expect(call?.init.method).toBe('POST');
      expect(new Headers(call?.init.headers).get('content-type')).toBe('application/json');
      expect(call?.body).toEqual({
        username: 'ada@example.com',
        secret_key: request.secretKey,
        org_id: 9,
        validity_time_in_sec: 600,
        auto_create: false,
      });
    });

    it('always sends org_id, even for the primary Org 0', async () => {
      // Prepare
      const { fetch, calls } = fakeFetch(ok());

      // Act
      await client(fetch)(mintRequest({ orgId: 0 }), newTrace());

      // Assess
      expect(calls[0]?.body).toHaveProperty('org_id', 0);
    });

    it('never sends a password', async () => {
      // Prepare
      const { fetch, calls } = fakeFetch(ok());

      // Act
      await client(fetch)(
        mintRequest({ provision: { email: 'ada@example.com', groups: ['a'] } }),
        newTrace(),
      );

      // Assess
      expect(calls[0]?.body).not.toHaveProperty('password');
    });

    it('asks to auto-create the user, with the given details, when provisioning', async () => {
      // Prepare
      const { fetch, calls } = fakeFetch(ok());

      // Act
      await client(fetch)(
        mintRequest({
          provision: {
            email: 'ada@example.com',
            displayName: 'Ada Lovelace',
            groups: ['analysts', 'finance'],
          },
        }),
        newTrace(),
      );

      // Assess
      expect(calls[0]?.body).toMatchObject({
        auto_create: true,
        email: 'ada@example.com',
        display_name: 'Ada Lovelace',
        group_identifiers: ['analysts', 'finance'],
      });
    });

    it('sends only the provisioning details it was given', async () => {
      // Prepare
      const { fetch, calls } = fakeFetch(ok());

      // Act
      await client(fetch)(mintRequest({ provision: {} }), newTrace());

      // Assess
      const body = calls[0]?.body;
      expect(body).toHaveProperty('auto_create', true);
      expect(body).not.toHaveProperty('email');
      expect(body).not.toHaveProperty('display_name');
      expect(body).not.toHaveProperty('group_identifiers');
    });

    it('sends an empty group list as []', async () => {
      // Prepare
      const { fetch, calls } = fakeFetch(ok());

      // Act
      await client(fetch)(mintRequest({ provision: { groups: [] } }), newTrace());

      // Assess
      expect(calls[0]?.body).toHaveProperty('group_identifiers', []);
    });

    it('asks /auth/token/object with object_id for an object token', async () => {
      // Prepare
      const { fetch, calls } = fakeFetch(
        ok({ scope: { access_type: 'REPORT_BOOK_VIEW', org_id: 0, metadata_id: OBJECT_ID } }),
      );

      // Act
      const minted = await client(fetch)(mintRequest({ objectId: OBJECT_ID }), newTrace());

      // Assess
      expect(calls[0]?.url).toBe(`${TEST_THOUGHTSPOT_HOST}/api/rest/2.0/auth/token/object`);
      expect(calls[0]?.body).toHaveProperty('object_id', OBJECT_ID);
      expect(minted.tokenType).toBe('object');
    });
  });

  describe('success', () => {
    it('returns the minted token on 200', async () => {
      // Prepare
      const body = thoughtSpotTokenBody({
        scope: { access_type: 'FULL', org_id: 583464508, metadata_id: null },
      });
      const { fetch } = fakeFetch(reply(200, body));

      // Act
      const minted = await client(fetch)(mintRequest({ orgId: 583464508 }), newTrace());

      // Assess
      expect(minted).toEqual({
        token: body.token,
        expiresAtMillis: body.expiration_time_in_millis,
        orgId: 583464508,
        username: 'ada@example.com',
        tokenType: 'full',
      });
    });

    it('fills the trace: attempts, status and latency', async () => {
      // Prepare
      let clock = 1_000;
      const { fetch } = fakeFetch(() => {
        clock += 40;
        return ok()({});
      });
      const trace = newTrace();

      // Act
      await client(fetch, { now: () => clock })(mintRequest(), trace);

      // Assess
      expect(trace).toEqual({ attempts: 1, status: 200, latencyMs: 40 });
    });
  });

  describe('rejections', () => {
    it.each([
      [401, 10097],
      [403, 10023],
      [400, 10002],
    ])(
      'turns %i with code %i into a TokenRejectedError, without retrying',
      async (status, code) => {
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
      },
    );

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

  describe('retries', () => {
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

  describe('429', () => {
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

  describe('deadline', () => {
    it('answers thoughtspot_timeout when ThoughtSpot never answers', async () => {
      // Prepare
      const { fetch } = fakeFetch(hang);
      const started = Date.now();

      // Act
      const error = await rejection(client(fetch, { timeoutMs: 200 })(mintRequest(), newTrace()));
      const elapsed = Date.now() - started;

      // Assess
      expect(error).toBeInstanceOf(ThoughtSpotTimeoutError);
      expect(error).toMatchObject({ status: 504, code: 'thoughtspot_timeout' });
      expect(elapsed).toBeGreaterThanOrEqual(150);
      expect(elapsed).toBeLessThan(200 + 800);
    });

    it('counts retries against the same deadline', async () => {
      // Prepare
      const { fetch, calls } = fakeFetch(reply(500, ''), hang);
      const started = Date.now();
      const trace = newTrace();

      // Act
      const error = await rejection(client(fetch, { timeoutMs: 200 })(mintRequest(), trace));
      const elapsed = Date.now() - started;

      // Assess
      expect(error).toBeInstanceOf(ThoughtSpotTimeoutError);
      expect(calls).toHaveLength(2);
      expect(elapsed).toBeLessThan(200 + 800);
      expect(trace.attempts).toBe(2);
      expect(trace.latencyMs).toBeGreaterThanOrEqual(150);
    });

    it('ends at an earlier deadline the caller sets (the rotation retry shares one deadline)', async () => {
      // Prepare
      const { fetch } = fakeFetch(hang);
      const started = Date.now();

      // Act
      const error = await rejection(
        client(fetch, { timeoutMs: 5000 })(mintRequest(), newTrace(), {
          deadlineAt: started + 200,
        }),
      );
      const elapsed = Date.now() - started;

      // Assess
      expect(error).toBeInstanceOf(ThoughtSpotTimeoutError);
      expect(elapsed).toBeLessThan(200 + 800);
    });

    it('does not start a retry the deadline leaves no room for', async () => {
      // Prepare
      const { fetch, calls } = fakeFetch(reply(500, ''), ok());

      // Act
      const error = await rejection(
        client(fetch, { timeoutMs: 200, backoffBaseMs: 400 })(mintRequest(), newTrace()),
      );

      // Assess
      expect(error).toBeInstanceOf(ThoughtSpotError);
      expect(calls).toHaveLength(1);
    });
  });

  describe('bad answers', () => {
    it.each([
      ['malformed JSON', '{"token": '],
      ['a body without token', { expiration_time_in_millis: 1_900_000_000_000 }],
      ['an empty token', { token: '', expiration_time_in_millis: 1_900_000_000_000 }],
      ['a body without expiry', { token: 'opaque' }],
      ['an HTML page', '<html>Login</html>'],
    ])('answers thoughtspot_error for a 200 with %s', async (_case, body) => {
      // Prepare
      const { fetch, calls } = fakeFetch(reply(200, body));

      // Act
      const error = await rejection(client(fetch)(mintRequest(), newTrace()));

      // Assess
      expect(error).toBeInstanceOf(ThoughtSpotError);
      expect(error).toMatchObject({ status: 502, code: 'thoughtspot_error' });
      expect(calls).toHaveLength(1);
    });

    it('refuses a token scoped to another Org', async () => {
      // Prepare
      const { fetch } = fakeFetch(
        ok({ scope: { access_type: 'FULL', org_id: 0, metadata_id: null } }),
      );

      // Act
      const error = await rejection(client(fetch)(mintRequest({ orgId: 9 }), newTrace()));

      // Assess
      expect(error).toBeInstanceOf(ThoughtSpotError);
      expect((error as Error).message).toMatch(/different Org/);
    });
  });

  describe('secrecy', () => {
    it('never puts the secret key into an error or the trace, even when ThoughtSpot echoes it', async () => {
      // Prepare
      const secretKey = fakeKey('echoed');
      const echo = thoughtSpotError(10097, `bad key ${secretKey}`);
      const scenarios: Step[][] = [
        [reply(401, echo)],
        [reply(400, echo)],
        [reply(500, echo)],
        [reply(404, `not found: ${secretKey}`)],
        [reply(429, echo, { 'Retry-After': '600' })],
        [reply(200, `{"token": "${secretKey}`)],
        [networkError],
        [hang],
      ];

      // Act
      const outcomes = await Promise.all(
        scenarios.map(async (steps) => {
          const { fetch } = fakeFetch(...steps);
          const trace = newTrace();
          const error = await rejection(
            client(fetch, { timeoutMs: 200, maxAttempts: 1 })(mintRequest({ secretKey }), trace),
          );
          return { error, trace };
        }),
      );

      // Assess
      for (const { error, trace } of outcomes) {
        expect(error).toBeInstanceOf(Error);
        expect(errorTexts(error)).not.toContain(secretKey);
        expect(JSON.stringify(error)).not.toContain(secretKey);
        expect(JSON.stringify(trace)).not.toContain(secretKey);
      }
    });

    it('keeps an upstream body out of every error message', async () => {
      // Prepare
      const { fetch } = fakeFetch(reply(500, 'java.lang.NullPointerException at com.thoughtspot'));

      // Act
      const error = await rejection(client(fetch)(mintRequest(), newTrace()));

      // Assess
      expect(errorTexts(error)).not.toContain('NullPointerException');
    });
  });
});
