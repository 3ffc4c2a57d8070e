import { describe, expect, it } from 'vitest';
import { RateLimitedError, ThoughtSpotError } from '../../functions/lib/errors.js';
import { MAX_RETRY_AFTER_SECONDS, retryAfterSeconds } from '../../functions/lib/thoughtspot.js';
import { rejection, rejectionAs } from '../support/errors.js';
import { fakeFetch, ok, reply } from '../support/fake-thoughtspot.js';
import { TEST_THOUGHTSPOT_HOST } from '../support/fixtures.js';
import { client, mintRequest, newTrace } from '../support/token-client.js';

/** SPEC §8 as the token client holds it: no redirects, checked answers, a safe Retry-After. */

describe('the token client and redirects', () => {
  it('asks fetch not to follow redirects', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(ok());

    // Act
    await client(fetch)(mintRequest(), newTrace());

    // Assess
    expect(calls[0]?.init.redirect).toBe('manual');
    expect(calls[0]?.url.startsWith(`${TEST_THOUGHTSPOT_HOST}/`)).toBe(true);
  });

  it.each([301, 302, 303, 307, 308])(
    'answers thoughtspot_error for a %i, without a second request anywhere',
    async (status) => {
      // Prepare
      const { fetch, calls } = fakeFetch(
        reply(status, '', { location: 'https://attacker.example/collect' }),
        ok(),
      );

      // Act
      const error = await rejection(client(fetch)(mintRequest(), newTrace()));

      // Assess
      expect(error).toBeInstanceOf(ThoughtSpotError);
      expect(error).toMatchObject({ status: 502, code: 'thoughtspot_error' });
      expect((error as Error).message).toContain('redirect');
      expect(calls).toHaveLength(1);
    },
  );
});

describe('the token client checks whom a token is for', () => {
  const forUser = (valid_for_username: string, org_id = 0) =>
    ok({ valid_for_username, scope: { access_type: 'FULL', org_id, metadata_id: null } });

  it('relays a token for the user asked for, whatever the letter case ThoughtSpot uses', async () => {
    // Prepare
    const { fetch } = fakeFetch(forUser('Ada@Example.com'));

    // Act
    const minted = await client(fetch)(mintRequest({ username: 'ada@example.com' }), newTrace());

    // Assess
    expect(minted.username).toBe('ada@example.com');
  });

  it('refuses a token ThoughtSpot says is for another user', async () => {
    // Prepare
    const { fetch } = fakeFetch(forUser('mallory@example.com'));

    // Act
    const error = await rejection(client(fetch)(mintRequest(), newTrace()));

    // Assess
    expect(error).toBeInstanceOf(ThoughtSpotError);
    expect((error as Error).message).toBe('ThoughtSpot returned a token for a different user.');
  });

  it('refuses a token for another Org', async () => {
    // Prepare
    const { fetch } = fakeFetch(forUser('ada@example.com', 5));

    // Act
    const error = await rejection(client(fetch)(mintRequest({ orgId: 9 }), newTrace()));

    // Assess
    expect((error as Error).message).toBe('ThoughtSpot returned a token for a different Org.');
  });

  it.each([
    [
      'no Org',
      { token: 't', expiration_time_in_millis: 2e12, valid_for_username: 'ada@example.com' },
    ],
    ['no user', { token: 't', expiration_time_in_millis: 2e12, scope: { org_id: 0 } }],
    [
      'a null Org',
      {
        token: 't',
        expiration_time_in_millis: 2e12,
        scope: { org_id: null },
        valid_for_username: 'ada@example.com',
      },
    ],
  ])('refuses an answer that names %s', async (_case, body) => {
    // Prepare
    const { fetch } = fakeFetch(reply(200, body));

    // Act
    const error = await rejection(client(fetch)(mintRequest(), newTrace()));

    // Assess
    expect(error).toBeInstanceOf(ThoughtSpotError);
    expect((error as Error).message).toBe('ThoughtSpot returned a malformed token response.');
  });
});

describe('retryAfterSeconds', () => {
  const now = Date.parse('2026-11-30T12:00:00Z');

  it.each([
    ['delta-seconds', '7', 7],
    ['zero', '0', 0],
    ['delta-seconds over the cap', '86400', MAX_RETRY_AFTER_SECONDS],
    ['an HTTP date 10 s ahead', 'Mon, 30 Nov 2026 12:00:10 GMT', 10],
    ['an HTTP date in the past', 'Mon, 30 Nov 2026 11:00:00 GMT', 0],
    ['an HTTP date a day ahead', 'Tue, 01 Dec 2026 12:00:00 GMT', MAX_RETRY_AFTER_SECONDS],
  ])('reads %s', (_case, header, seconds) => {
    expect(retryAfterSeconds(header, now)).toBe(seconds);
  });

  it.each([
    ['absent', null],
    ['empty', ''],
    ['padded digits', ' 7 '],
    ['a negative number', '-1'],
    ['a fraction', '1.5'],
    ['markup', '<b>soon</b>'],
    ['request data echoed back', 'ada@example.com'],
    ['an ISO date', '2026-11-30T12:00:10Z'],
    ['an HTTP date with extra text', 'Mon, 30 Nov 2026 12:00:10 GMT; user=ada'],
    ['an overlong number', '12345678901'],
  ])('refuses %s', (_case, header) => {
    expect(retryAfterSeconds(header, now)).toBeUndefined();
  });
});

describe('the token client passes Retry-After on', () => {
  it('as capped delta-seconds of its own making, never the upstream text', async () => {
    // Prepare
    const date = new Date(Date.now() + 3_600_000).toUTCString();
    const { fetch } = fakeFetch(reply(429, '', { 'Retry-After': date }));

    // Act
    const error = await rejectionAs(RateLimitedError, client(fetch)(mintRequest(), newTrace()));

    // Assess
    expect(error.headers).toEqual({
      'Retry-After': String(MAX_RETRY_AFTER_SECONDS),
    });
  });

  it('not at all when the value echoes request data', async () => {
    // Prepare
    const { fetch } = fakeFetch(reply(429, '', { 'Retry-After': 'ada@example.com' }));

    // Act
    const error = await rejectionAs(RateLimitedError, client(fetch)(mintRequest(), newTrace()));

    // Assess
    expect(error.headers).toEqual({});
  });
});
