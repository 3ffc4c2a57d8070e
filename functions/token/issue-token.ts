import { SecretKeyRejectedError, UserRejectedError } from '../lib/errors.js';
import { type Caller, chooseOrg } from '../lib/identity.js';
import type { RequestTrace } from '../lib/request-trace.js';
import type { OrgKey, SecretKeys } from '../lib/secret-keys.js';
import {
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
  /** One deadline for the whole request, the rotation retry included. */
  thoughtSpotTimeoutMs: number;
}

/** ThoughtSpot's "wrong secret key" and "trusted auth not enabled for this cluster or Org". */
const KEY_PROBLEM_CODES = new Set([10097, 10023]);

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
      },
      trace.upstream,
      { deadlineAt },
    );

  try {
    return await mint(key);
  } catch (error) {
    if (!(error instanceof TokenRejectedError)) throw error;
    // A 401/403 for a cached key may mean the key was rotated since we read it (SPEC §5).
    const mayBeRotated = (error.status === 401 || error.status === 403) && key.cache !== 'miss';
    const fresh = mayBeRotated ? await ports.secretKeys.refetch(key) : undefined;
    if (!fresh) throw rejectionError(error);
    trace.refetched = true;
    try {
      return await mint(fresh);
    } catch (retryError) {
      throw retryError instanceof TokenRejectedError ? rejectionError(retryError) : retryError;
    }
  }
}
