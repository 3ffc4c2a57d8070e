import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ServiceError } from '../lib/errors.js';
import { headerValue } from '../lib/headers.js';
import type { MintedToken } from '../lib/thoughtspot/token-client.js';

/** The service's response shapes (SPEC §3). Every response: Cache-Control: no-store. */

export type HttpResponse = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
};

const NO_STORE = { 'cache-control': 'no-store' };

const json = (
  statusCode: number,
  value: unknown,
  headers: Record<string, string> = {},
): HttpResponse => ({
  statusCode,
  headers: { ...NO_STORE, 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(value),
});

/** JSON only when asked for: the SDK's authEndpoint reads the body as the bare token. */
export function wantsJson(
  headers: Readonly<Record<string, string | undefined>> | undefined,
): boolean {
  return /\bapplication\/json\b/i.test(headerValue(headers, 'accept') ?? '');
}

export function tokenResponse(minted: MintedToken, asJson: boolean): HttpResponse {
  if (!asJson) {
    return {
      statusCode: 200,
      headers: { ...NO_STORE, 'content-type': 'text/plain; charset=utf-8' },
      body: minted.token,
    };
  }
  return json(200, {
    token: minted.token,
    expires_at: new Date(minted.expiresAtMillis).toISOString(),
    expiration_time_in_millis: minted.expiresAtMillis,
    org_id: minted.orgId,
    username: minted.username,
    token_type: minted.tokenType,
  });
}

/** Typed errors keep their status, code and safe message; anything else becomes a generic 500. */
export function errorResponse(error: unknown, requestId: string): HttpResponse {
  if (error instanceof ServiceError) {
    return json(
      error.status,
      { error: { code: error.code, message: error.message, request_id: requestId } },
      error.headers,
    );
  }
  return json(500, {
    error: { code: 'internal_error', message: 'Something went wrong.', request_id: requestId },
  });
}
