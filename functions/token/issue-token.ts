import { InvalidRequestError, SecretKeyRejectedError, UserRejectedError } from '../lib/errors.js';
import { type Caller, chooseOrg } from '../lib/identity.js';
import { policyFor, type TokenPolicy } from '../lib/policy-schema.js';
import { tokenValues } from '../lib/policy-values.js';
import type { RequestTrace } from '../lib/request-trace.js';
import type { OrgKey, SecretKeys } from '../lib/secret-keys.js';
import {
  type CustomTokenValues,
  type MintedToken,
  type MintToken,
  TokenRejectedError,
} from '../lib/thoughtspot/token-client.js';
import type { TokenOptions } from './request.js';

/**
 * The use case: a caller (already identified), what they asked for, and two ports in;
 * a ThoughtSpot token or a typed error out. No AWS, HTTP or middy here.
 */

export interface IssueTokenPorts {
  secretKeys: SecretKeys;
  mintToken: MintToken;
}

export interface IssueTokenSettings {
  tokenValiditySeconds: number;
  maxTokenValiditySeconds: number;
  /**
   * The deadline of ThoughtSpot's part: the mint, the rotation wait and the retry. The
   * Secrets Manager lookups before it have their own budget (config-rules.cjs).
   */
  thoughtSpotTimeoutMs: number;
  /** SPEC §7: an Org with a policy gets custom (ABAC) tokens. */
  tokenPolicy: TokenPolicy | undefined;
}

/**
 * What the token policy (SPEC §7) makes of this caller in this Org: the ABAC values of a
 * custom token, or undefined for a full/object token. Refuses before any key is read.
 */
function customValues(
  caller: Caller,
  orgId: number,
  options: TokenOptions,
  policy: TokenPolicy | undefined,
): CustomTokenValues | undefined {
  const orgPolicy = policyFor(policy, orgId);
  if (orgPolicy === undefined) {
    if (caller.sentAttributes) {
      throw new InvalidRequestError(
        'Invalid request: attributes are only for an Org with a token policy.',
      );
    }
    return undefined;
  }
  if (options.objectId !== undefined) {
    throw new InvalidRequestError(
      'Invalid request: object_id cannot be used in an Org with a token policy (custom tokens are not object-scoped).',
    );
  }
  return {
    persistOption: orgPolicy.persist_option,
    // The backend's attributes are JSON values: a string is one value, never a text list.
    ...tokenValues(orgPolicy, caller.policyClaims, { textLists: caller.sentAttributes !== true }),
  };
}

/** ThoughtSpot's "wrong secret key" and "trusted auth not enabled for this cluster or Org". */
const KEY_PROBLEM_CODES = new Set([10097, 10023]);

/**
 * A wait for a rotation ends this long before the request's deadline (at most a quarter
 * of it), so that the retry with the new key still has time to mint.
 */
export const RETRY_RESERVE_MS = 500;

const rejectionError = (rejection: TokenRejectedError) =>
  rejection.upstreamCode !== undefined && KEY_PROBLEM_CODES.has(rejection.upstreamCode)
    ? new SecretKeyRejectedError(undefined, { cause: rejection })
    : new UserRejectedError(undefined, { cause: rejection });

export async function issueToken(
  caller: Caller,
  options: TokenOptions,
  ports: IssueTokenPorts,
  settings: IssueTokenSettings,
  trace: RequestTrace,
): Promise<MintedToken> {
  const orgId = chooseOrg(caller, options.orgId);
  trace.orgId = orgId;
  const custom = customValues(caller, orgId, options, settings.tokenPolicy);

  const key = await ports.secretKeys.keyFor(orgId);
  const deadlineAt = Date.now() + settings.thoughtSpotTimeoutMs;
  trace.keySource = key.fallback ? 'fallback' : 'own';
  trace.cache = key.cache;

  const mint = (orgKey: OrgKey) =>
    ports.mintToken(
      {
        username: caller.username,
        orgId,
        secretKey: orgKey.key,
        validitySeconds: Math.min(
          options.validitySeconds ?? settings.tokenValiditySeconds,
          settings.maxTokenValiditySeconds,
        ),
        ...(options.objectId !== undefined && { objectId: options.objectId }),
        ...(caller.provision !== undefined && { provision: caller.provision }),
        ...(custom !== undefined && { custom }),
      },
      trace.upstream,
      { deadlineAt },
    );

  try {
    return await mint(key);
  } catch (error) {
    if (!(error instanceof TokenRejectedError)) throw error;
    // Only a 401/403 may mean the key was rotated (SPEC §5).
    if (error.status !== 401 && error.status !== 403) throw rejectionError(error);
    // A cached key may be older than AWSCURRENT: read it again (rate limited).
    const current = key.cache === 'miss' ? undefined : await ports.secretKeys.refetch(key);
    // Until finishSecret, AWSCURRENT still holds the key a rotation killed: look at
    // AWSPENDING, waiting for it while a rotation is in progress.
    const pending = current
      ? undefined
      : await lookAtPending(key, ports.secretKeys, deadlineAt, settings, trace);
    const fresh = current ?? pending?.key;
    if (!fresh) {
      // A rotation that did not store its key within the deadline is a key problem too.
      throw pending?.rotating && pending.timedOut
        ? new SecretKeyRejectedError(undefined, { cause: error })
        : rejectionError(error);
    }
    trace.refetched = true;
    try {
      return await mint(fresh);
    } catch (retryError) {
      throw retryError instanceof TokenRejectedError ? rejectionError(retryError) : retryError;
    }
  }
}

/** Looks at AWSPENDING and records a rotation wait in the trace. */
async function lookAtPending(
  used: OrgKey,
  secretKeys: SecretKeys,
  deadlineAt: number,
  settings: IssueTokenSettings,
  trace: RequestTrace,
) {
  const started = Date.now();
  const reserve = Math.min(RETRY_RESERVE_MS, settings.thoughtSpotTimeoutMs / 4);
  const pending = await secretKeys.pendingKey(used, deadlineAt - reserve);
  if (pending.rotating) trace.rotationWaitMs = Date.now() - started;
  return pending;
}
