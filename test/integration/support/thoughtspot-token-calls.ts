import { expect } from 'vitest';
import {
  ThoughtSpotErrorBodySchema,
  type ThoughtSpotTokenBody,
  ThoughtSpotTokenBodySchema,
} from '../../support/thoughtspot-bodies.js';

/** A trusted-auth token endpoint of ThoughtSpot's REST API v2. */
export type TokenEndpoint = 'full' | 'object';

/**
 * Plain fetch calls to a ThoughtSpot stand-in's token endpoints, as the token function
 * makes them: `baseUrl` is read at each call, so a describe can create these before
 * its stand-in is started.
 */
export function tokenCalls(baseUrl: () => string) {
  /** POSTs `body` (JSON-encoded unless a string) and reads the whole answer. */
  async function postToken(body: unknown, kind: TokenEndpoint = 'full', init: RequestInit = {}) {
    const response = await fetch(`${baseUrl()}/api/rest/2.0/auth/token/${kind}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      ...init,
    });
    return { response, status: response.status, text: await response.text() };
  }

  /** A token request that must succeed; returns ThoughtSpot's body, checked. */
  async function mint(
    body: Record<string, unknown>,
    kind: TokenEndpoint = 'full',
  ): Promise<ThoughtSpotTokenBody> {
    const { status, text } = await postToken(body, kind);
    expect(status).toBe(200);
    return ThoughtSpotTokenBodySchema.parse(JSON.parse(text));
  }

  /** A token request that must fail with `status` and ThoughtSpot error `code`; returns the body. */
  async function expectError(body: unknown, status: number, code: number, kind?: TokenEndpoint) {
    const result = await postToken(body, kind);
    expect(result.status).toBe(status);
    const parsed = ThoughtSpotErrorBodySchema.parse(JSON.parse(result.text));
    expect(parsed.error.message.code).toBe(code);
    return result.text;
  }

  return { postToken, mint, expectError };
}
