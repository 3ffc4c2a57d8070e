/**
 * The ThoughtSpot REST client as the rest of the code imports it. The code lives in
 * thoughtspot/: one request core (deadline, retries, no redirects, status → typed
 * error) under the token calls (token-client.ts) and the admin calls (admin-client.ts).
 * The token function imports token-client.ts directly: importing this file would put
 * the admin client, whose response schemas are built when it loads, in its cold start.
 */
export {
  ADMIN_TOKEN_VALIDITY_SECONDS,
  type AdminCredentials,
  type AdminEndpoint,
  AdminRequestRefusedError,
  type AdminSession,
  type AuthStatus,
  createThoughtSpotAdmin,
  isTrustedAuthOff,
  levelOf,
  type SearchScope,
  type ThoughtSpotAdmin,
  type TrustedAuthLevel,
  type TrustedAuthSettings,
  trustedAuthKey,
} from './thoughtspot/admin-client.js';
export {
  MAX_RETRY_AFTER_SECONDS,
  retryAfterSeconds,
  upstreamErrorCode,
} from './thoughtspot/request-core.js';
export {
  type CustomTokenValues,
  createThoughtSpotClient,
  type MintedToken,
  type MintRequest,
  type MintToken,
  type ThoughtSpotClientOptions,
  TokenRejectedError,
} from './thoughtspot/token-client.js';
