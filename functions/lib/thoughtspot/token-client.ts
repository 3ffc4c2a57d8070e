import { OwnMessageError } from '../errors.js';
import type { Provisioning } from '../identity.js';
import type { OrgPolicy } from '../policy-schema.js';
import type { TokenValues } from '../policy-values.js';
import type { UpstreamTrace } from '../request-trace.js';
import { createRequestCore, type RequestCoreOptions, upstreamErrorCode } from './request-core.js';
import { checkedAccessToken, checkedToken } from './token-response.js';

/**
 * ThoughtSpot REST v2 token client: POST /api/rest/2.0/auth/token/{full,object,custom},
 * on the shared request core (deadline, retries, no redirects, typed errors). The
 * secret key goes only into the request body.
 */

export interface MintRequest {
  username: string;
  orgId: number;
  secretKey: string;
  validitySeconds: number;
  objectId?: string;
  /** Present: JIT-provision the user (auto_create) with these details. */
  provision?: Provisioning;
  /** Present: a custom (ABAC) token with these values, built by the token policy (SPEC §7). */
  custom?: CustomTokenValues;
}

/** The ABAC part of a custom token request. */
export interface CustomTokenValues extends TokenValues {
  persistOption: OrgPolicy['persist_option'];
}

export interface MintedToken {
  token: string;
  expiresAtMillis: number;
  orgId: number;
  username: string;
  tokenType: 'full' | 'object' | 'custom';
}

/** ThoughtSpot refused the request (400/401/403): the key, the user, or trusted auth itself. */
export class TokenRejectedError extends OwnMessageError {
  override name = 'TokenRejectedError';
  constructor(
    readonly status: number,
    /** ThoughtSpot's own error code from the body, e.g. 10097 "wrong secret key". */
    readonly upstreamCode: number | undefined,
  ) {
    super(`ThoughtSpot answered ${status}${upstreamCode ? ` (code ${upstreamCode})` : ''}`);
  }
}

/**
 * `deadlineAt` (epoch ms) lets a caller that mints twice (the rotation retry) keep both
 * attempts inside one overall deadline; the client's own timeout applies either way.
 */
export type MintToken = (
  request: MintRequest,
  trace: UpstreamTrace,
  options?: { deadlineAt?: number },
) => Promise<MintedToken>;

export type ThoughtSpotClientOptions = RequestCoreOptions;

/** JIT provisioning (SPEC §3): `auto_create` always sent; groups in the endpoint's own shape. */
function provisionFields(
  provision: Provisioning | undefined,
  groups: (names: string[]) => Record<string, unknown>,
) {
  return {
    auto_create: provision !== undefined,
    ...(provision?.email !== undefined && { email: provision.email }),
    ...(provision?.displayName !== undefined && { display_name: provision.displayName }),
    ...(provision?.groups !== undefined && groups(provision.groups)),
  };
}

function requestBody(request: MintRequest): string {
  return JSON.stringify({
    username: request.username,
    secret_key: request.secretKey,
    // Always name the Org: without it ThoughtSpot's sources disagree on which Org is meant.
    org_id: request.orgId,
    validity_time_in_sec: request.validitySeconds,
    ...(request.objectId !== undefined && { object_id: request.objectId }),
    ...provisionFields(request.provision, (groups) => ({ group_identifiers: groups })),
  });
}

/**
 * The custom endpoint's own shape (SPEC §7): the Org as a string `org_identifier`,
 * groups as `{identifier}`, and `auto_create` sent explicitly (it defaults to true there).
 */
function customBody(request: MintRequest, custom: CustomTokenValues): string {
  return JSON.stringify({
    username: request.username,
    secret_key: request.secretKey,
    org_identifier: String(request.orgId),
    validity_time_in_sec: request.validitySeconds,
    persist_option: custom.persistOption,
    variable_values: custom.variable_values,
    filter_rules: custom.filter_rules,
    ...provisionFields(request.provision, (groups) => ({
      groups: groups.map((identifier) => ({ identifier })),
    })),
  });
}

const endpointOf = (request: MintRequest) =>
  request.custom !== undefined ? 'custom' : request.objectId === undefined ? 'full' : 'object';

/** On the token endpoints 400/401/403 are ThoughtSpot refusing the key, the user or the Org. */
const tokenRefusal = (status: number, body: string) =>
  status === 400 || status === 401 || status === 403
    ? new TokenRejectedError(status, upstreamErrorCode(body))
    : undefined;

export function createThoughtSpotClient(options: ThoughtSpotClientOptions): MintToken {
  const post = createRequestCore(options);

  return async function mintToken(request, trace, { deadlineAt } = {}) {
    const endpoint = endpointOf(request);
    const answer = await post({
      path: `/api/rest/2.0/auth/token/${endpoint}`,
      body:
        request.custom === undefined ? requestBody(request) : customBody(request, request.custom),
      trace,
      ...(deadlineAt === undefined ? {} : { deadlineAt }),
      refusal: tokenRefusal,
    });
    // A token for another Org or user than asked for must never reach the caller.
    const checked =
      endpoint === 'custom'
        ? checkedAccessToken(answer.body, request)
        : checkedToken(answer.body, request);
    return { ...checked, orgId: request.orgId, username: request.username, tokenType: endpoint };
  };
}
