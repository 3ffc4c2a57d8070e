import { describe, expect, it } from 'vitest';
import { ThoughtSpotError } from '../../functions/lib/errors.js';
import { errorTexts, rejection } from '../support/errors.js';
import { fakeFetch, hang, networkError, ok, reply } from '../support/fake-thoughtspot.js';
import { fakeKey } from '../support/fixtures.js';
import { thoughtSpotError } from '../support/thoughtspot-bodies.js';
import { client, mintRequest, newTrace } from '../support/token-client.js';

/** What the token client does with a 200 it cannot use, and what it never lets out: the key, the upstream body. */

describe('createThoughtSpotClient given a 200 it cannot use', () => {
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

describe('createThoughtSpotClient keeping the key and upstream bodies out of errors', () => {
  it('never puts the secret key into an error or the trace, even when ThoughtSpot echoes it', async () => {
    // Prepare
    const secretKey = fakeKey('echoed');
    const echo = thoughtSpotError(10097, `bad key ${secretKey}`);
    const scenarios = [
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
