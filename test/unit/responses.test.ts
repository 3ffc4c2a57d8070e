import { describe, expect, it } from 'vitest';
import {
  InvalidRequestError,
  OrgForbiddenError,
  OrgNotConfiguredError,
  RateLimitedError,
  SecretKeyRejectedError,
  SecretUnavailableError,
  ThoughtSpotError,
  ThoughtSpotTimeoutError,
  UnauthenticatedError,
  UserRejectedError,
} from '../../functions/lib/errors.js';
import type { MintedToken } from '../../functions/lib/thoughtspot.js';
import {
  errorResponse,
  type HttpResponse,
  tokenResponse,
  wantsJson,
} from '../../functions/token/responses.js';

const REQUEST_ID = 'JnHk2iGHoAMEMfA=';

const mintedToken = (overrides: Partial<MintedToken> = {}): MintedToken => ({
  token: 'ts-token-opaque-value',
  expiresAtMillis: Date.UTC(2026, 10, 27, 22, 23, 24, 500),
  orgId: 583464508,
  username: 'ada@example.com',
  tokenType: 'full',
  ...overrides,
});

/** A response header by name, whatever its case. */
const headerOf = (response: HttpResponse, name: string): string | undefined =>
  Object.entries(response.headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

describe('wantsJson', () => {
  it.each([
    [{ accept: 'application/json' }, true],
    [{ accept: 'text/html, application/json;q=0.9' }, true],
    [{ accept: 'Application/JSON' }, true],
    [{ accept: '*/*' }, false],
    [{ accept: 'text/plain' }, false],
    [{}, false],
    [undefined, false],
  ])('for headers %j is %s', (headers, expected) => {
    expect(wantsJson(headers)).toBe(expected);
  });
});

describe('tokenResponse', () => {
  it('answers the bare token as text/plain by default, as authEndpoint expects', () => {
    // Act
    const response = tokenResponse(mintedToken(), false);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(headerOf(response, 'content-type')).toMatch(/^text\/plain/);
    expect(response.body).toBe('ts-token-opaque-value');
  });

  it('answers JSON with every documented field when JSON is asked for', () => {
    // Act
    const response = tokenResponse(mintedToken(), true);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(headerOf(response, 'content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(response.body)).toEqual({
      token: 'ts-token-opaque-value',
      expires_at: '2026-11-27T22:23:24.500Z',
      expiration_time_in_millis: Date.UTC(2026, 10, 27, 22, 23, 24, 500),
      org_id: 583464508,
      username: 'ada@example.com',
      token_type: 'full',
    });
  });

  it('reports an object token as such', () => {
    // Act
    const response = tokenResponse(mintedToken({ tokenType: 'object' }), true);

    // Assess
    expect(JSON.parse(response.body)).toHaveProperty('token_type', 'object');
  });

  it.each([true, false])('forbids caching (JSON: %s)', (asJson) => {
    expect(headerOf(tokenResponse(mintedToken(), asJson), 'cache-control')).toBe('no-store');
  });
});

describe('errorResponse', () => {
  it.each([
    [new InvalidRequestError(), 400, 'invalid_request'],
    [new UnauthenticatedError(), 401, 'unauthenticated'],
    [new OrgForbiddenError(), 403, 'org_forbidden'],
    [new OrgNotConfiguredError(), 403, 'org_not_configured'],
    [new UserRejectedError(), 403, 'user_rejected'],
    [new RateLimitedError(undefined), 429, 'rate_limited'],
    [new ThoughtSpotError(), 502, 'thoughtspot_error'],
    [new SecretUnavailableError(), 503, 'secret_unavailable'],
    [new SecretKeyRejectedError(), 503, 'secret_key_rejected'],
    [new ThoughtSpotTimeoutError(), 504, 'thoughtspot_timeout'],
  ])('answers %s with status %i and code %s', (error, status, code) => {
    // Act
    const response = errorResponse(error, REQUEST_ID);

    // Assess
    expect(response.statusCode).toBe(status);
    expect(headerOf(response, 'content-type')).toMatch(/^application\/json/);
    expect(headerOf(response, 'cache-control')).toBe('no-store');
    expect(JSON.parse(response.body)).toEqual({
      error: { code, message: error.message, request_id: REQUEST_ID },
    });
  });

  it('keeps the message the error was given', () => {
    // Act
    const response = errorResponse(
      new InvalidRequestError('Invalid request: unknown field(s) "username".'),
      REQUEST_ID,
    );

    // Assess
    expect(JSON.parse(response.body).error.message).toBe(
      'Invalid request: unknown field(s) "username".',
    );
  });

  it('passes Retry-After on for rate_limited', () => {
    // Act
    const response = errorResponse(new RateLimitedError('30'), REQUEST_ID);

    // Assess
    expect(response.statusCode).toBe(429);
    expect(headerOf(response, 'retry-after')).toBe('30');
    expect(headerOf(response, 'cache-control')).toBe('no-store');
  });

  it('sends no Retry-After when ThoughtSpot gave none', () => {
    expect(
      headerOf(errorResponse(new RateLimitedError(undefined), REQUEST_ID), 'retry-after'),
    ).toBe(undefined);
  });

  it('answers anything unexpected with a generic 500 internal_error', () => {
    // Prepare
    const error = new TypeError("Cannot read properties of undefined (reading 'secret_key')");

    // Act
    const response = errorResponse(error, REQUEST_ID);

    // Assess
    expect(response.statusCode).toBe(500);
    expect(headerOf(response, 'cache-control')).toBe('no-store');
    expect(JSON.parse(response.body)).toEqual({
      error: { code: 'internal_error', message: 'Something went wrong.', request_id: REQUEST_ID },
    });
    expect(response.body).not.toContain('secret_key');
  });

  it.each([
    ['a string', 'boom'],
    ['undefined', undefined],
    ['an object', { statusCode: 200, body: 'not an error' }],
  ])('treats a thrown %s as unexpected', (_case, thrown) => {
    // Act
    const response = errorResponse(thrown, REQUEST_ID);

    // Assess
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body).error.code).toBe('internal_error');
  });

  it('never shows the cause of a typed error', () => {
    // Prepare
    const error = new ThoughtSpotError(undefined, { cause: new Error('upstream said: key=abc') });

    // Act
    const response = errorResponse(error, REQUEST_ID);

    // Assess
    expect(response.body).not.toContain('upstream said');
    expect(response.body).not.toContain('key=abc');
  });
});
