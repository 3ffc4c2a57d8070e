import type { Caller } from '../../functions/lib/identity.js';
import { newRequestTrace, type RequestTrace } from '../../functions/lib/request-trace.js';
import type { SecretKeys } from '../../functions/lib/secret-keys.js';
import type { MintToken } from '../../functions/lib/thoughtspot.js';
import { type IssueTokenSettings, issueToken } from '../../functions/token/issue-token.js';
import type { TokenOptions } from '../../functions/token/request.js';

/**
 * The use case as the issue-token unit tests run it: their settings and default caller,
 * with the ports they pass (issue-token-fakes.ts).
 */

export const SETTINGS: IssueTokenSettings = {
  tokenValiditySeconds: 300,
  maxTokenValiditySeconds: 3600,
  thoughtSpotTimeoutMs: 5000,
  tokenPolicy: undefined,
};

export const caller = (overrides: Partial<Caller> = {}): Caller => ({
  username: 'ada@example.com',
  orgIds: [7, 9],
  policyClaims: {},
  ...overrides,
});

/** Runs the use case with the given ports, options and identity. */
export function issue(
  secretKeys: SecretKeys,
  mintToken: MintToken,
  options: TokenOptions = {},
  identity: Caller = caller(),
  trace: RequestTrace = newRequestTrace(),
) {
  return issueToken(identity, options, { secretKeys, mintToken }, SETTINGS, trace);
}
