import type { UpstreamTrace } from '../../functions/lib/request-trace.js';
import type { OrgKey, PendingLookup, SecretKeys } from '../../functions/lib/secret-keys.js';
import {
  type MintedToken,
  type MintRequest,
  type MintToken,
  TokenRejectedError,
} from '../../functions/lib/thoughtspot.js';
import { fakeKey } from './fixtures.js';

/** Fakes of the use case's ports, shared by the issue-token unit tests. */

export const orgKey = (overrides: Partial<OrgKey> = {}): OrgKey => ({
  key: fakeKey('org7'),
  keyOrgId: 7,
  fallback: false,
  cache: 'hit',
  ...overrides,
});

/**
 * A SecretKeys port that hands out `key`, on refetch `fresh`, and on a look at AWSPENDING
 * `pending` (no rotation by default); it records what it was asked.
 */
export function fakeSecretKeys(
  key: OrgKey | Error,
  fresh?: OrgKey,
  pending: PendingLookup = { rotating: false },
) {
  const keyForCalls: number[] = [];
  const refetchCalls: OrgKey[] = [];
  const pendingCalls: { used: OrgKey; until: number }[] = [];
  const port: SecretKeys = {
    keyFor: async (orgId) => {
      keyForCalls.push(orgId);
      if (key instanceof Error) throw key;
      return key;
    },
    refetch: async (used) => {
      refetchCalls.push(used);
      return fresh;
    },
    pendingKey: async (used, until) => {
      pendingCalls.push({ used, until });
      return pending;
    },
    clear: () => undefined,
  };
  return { port, keyForCalls, refetchCalls, pendingCalls };
}

/** What the fake ThoughtSpot does with one mint request: answer or throw. */
export type MintStep = (request: MintRequest) => MintedToken;

export const minted = (request: MintRequest): MintedToken => ({
  token: `token-for-${request.username}`,
  expiresAtMillis: 1_900_000_000_000,
  orgId: request.orgId,
  username: request.username,
  tokenType: request.objectId === undefined ? 'full' : 'object',
});

export const rejects =
  (status: number, code?: number): MintStep =>
  () => {
    throw new TokenRejectedError(status, code);
  };

/** A MintToken port that plays `steps` in order (the last one repeats) and records every request. */
export function fakeMintToken(...steps: MintStep[]) {
  const calls: { request: MintRequest; trace: UpstreamTrace; deadlineAt?: number }[] = [];
  const port: MintToken = async (request, trace, options) => {
    calls.push({
      request,
      trace,
      ...(options?.deadlineAt !== undefined && { deadlineAt: options.deadlineAt }),
    });
    trace.attempts += 1;
    const step = steps[Math.min(calls.length, steps.length) - 1] ?? minted;
    return step(request);
  };
  return { port, calls };
}
