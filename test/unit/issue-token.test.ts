import { describe, expect, it } from 'vitest';
import {
  OrgForbiddenError,
  OrgNotConfiguredError,
  SecretKeyRejectedError,
  ThoughtSpotError,
  UserRejectedError,
} from '../../functions/lib/errors.js';
import type { Caller } from '../../functions/lib/identity.js';
import {
  newRequestTrace,
  type RequestTrace,
  type UpstreamTrace,
} from '../../functions/lib/request-trace.js';
import type { OrgKey, SecretKeys } from '../../functions/lib/secret-keys.js';
import {
  type MintedToken,
  type MintRequest,
  type MintToken,
  TokenRejectedError,
} from '../../functions/lib/thoughtspot.js';
import { type IssueTokenSettings, issueToken } from '../../functions/token/issue-token.js';
import type { TokenOptions } from '../../functions/token/request.js';
import { fakeKey, rejection } from '../support/fixtures.js';

const OBJECT_ID = 'e65d7d3f-c2b5-4d3e-8cba-7e5a6b9c0d11';
const SETTINGS: IssueTokenSettings = {
  tokenValiditySeconds: 300,
  maxTokenValiditySeconds: 3600,
  thoughtSpotTimeoutMs: 5000,
};

const caller = (overrides: Partial<Caller> = {}): Caller => ({
  username: 'ada@example.com',
  orgIds: [7, 9],
  ...overrides,
});

const orgKey = (overrides: Partial<OrgKey> = {}): OrgKey => ({
  key: fakeKey('org7'),
  keyOrgId: 7,
  fallback: false,
  cache: 'hit',
  ...overrides,
});

/** A SecretKeys port that hands out `key` and, on refetch, `fresh`; it records what it was asked. */
function fakeSecretKeys(key: OrgKey | Error, fresh?: OrgKey) {
  const keyForCalls: number[] = [];
  const refetchCalls: OrgKey[] = [];
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
    clear: () => undefined,
  };
  return { port, keyForCalls, refetchCalls };
}

/** What the fake ThoughtSpot does with one mint request: answer or throw. */
type MintStep = (request: MintRequest) => MintedToken;

const minted = (request: MintRequest): MintedToken => ({
  token: `token-for-${request.username}`,
  expiresAtMillis: 1_900_000_000_000,
  orgId: request.orgId,
  username: request.username,
  tokenType: request.objectId === undefined ? 'full' : 'object',
});

const rejects =
  (status: number, code?: number): MintStep =>
  () => {
    throw new TokenRejectedError(status, code);
  };

/** A MintToken port that plays `steps` in order (the last one repeats) and records every request. */
function fakeMintToken(...steps: MintStep[]) {
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

/** Runs the use case with the given ports, options and identity. */
function issue(
  secretKeys: SecretKeys,
  mintToken: MintToken,
  options: TokenOptions = {},
  identity: Caller = caller(),
  trace: RequestTrace = newRequestTrace(),
) {
  return issueToken(identity, options, { secretKeys, mintToken }, SETTINGS, trace);
}

describe('issueToken', () => {
  it("mints with the Org's own key for the caller's first Org", async () => {
    // Prepare
    const key = orgKey();
    const secretKeys = fakeSecretKeys(key);
    const mint = fakeMintToken(minted);
    const trace = newRequestTrace();

    // Act
    const token = await issue(secretKeys.port, mint.port, {}, caller(), trace);

    // Assess
    expect(token).toEqual({
      token: 'token-for-ada@example.com',
      expiresAtMillis: 1_900_000_000_000,
      orgId: 7,
      username: 'ada@example.com',
      tokenType: 'full',
    });
    expect(secretKeys.keyForCalls).toEqual([7]);
    expect(mint.calls.map((call) => call.request)).toEqual([
      { username: 'ada@example.com', orgId: 7, secretKey: key.key, validitySeconds: 300 },
    ]);
    expect(trace).toEqual({
      orgId: 7,
      keySource: 'own',
      cache: 'hit',
      upstream: { attempts: 1 },
    });
  });

  it('mints for the requested Org when the caller belongs to it', async () => {
    // Prepare
    const secretKeys = fakeSecretKeys(orgKey({ keyOrgId: 9 }));
    const mint = fakeMintToken(minted);

    // Act
    await issue(secretKeys.port, mint.port, { orgId: 9 });

    // Assess
    expect(secretKeys.keyForCalls).toEqual([9]);
    expect(mint.calls[0]?.request.orgId).toBe(9);
  });

  it("records a fallback to Org 0's key, and still names the caller's Org", async () => {
    // Prepare
    const primary = orgKey({ key: fakeKey('org0'), keyOrgId: 0, fallback: true, cache: 'miss' });
    const mint = fakeMintToken(minted);
    const trace = newRequestTrace();

    // Act
    await issue(fakeSecretKeys(primary).port, mint.port, {}, caller(), trace);

    // Assess
    expect(trace).toMatchObject({ orgId: 7, keySource: 'fallback', cache: 'miss' });
    expect(mint.calls[0]?.request).toMatchObject({ orgId: 7, secretKey: primary.key });
  });

  it('fills the upstream trace through the mint port', async () => {
    // Prepare
    const mint = fakeMintToken(minted);
    const trace = newRequestTrace();

    // Act
    await issue(fakeSecretKeys(orgKey()).port, mint.port, {}, caller(), trace);

    // Assess
    expect(mint.calls[0]?.trace).toBe(trace.upstream);
  });

  describe('validity', () => {
    it.each([
      ['the default when none is asked for', undefined, 300],
      ['the asked validity below the maximum', 1200, 1200],
      ['the maximum when more is asked for', 100_000, 3600],
      ['the maximum when exactly that is asked for', 3600, 3600],
    ])('uses %s', async (_case, asked, expected) => {
      // Prepare
      const mint = fakeMintToken(minted);
      const options: TokenOptions = asked === undefined ? {} : { validitySeconds: asked };

      // Act
      await issue(fakeSecretKeys(orgKey()).port, mint.port, options);

      // Assess
      expect(mint.calls[0]?.request.validitySeconds).toBe(expected);
    });
  });

  it('asks for an object token when object_id is given', async () => {
    // Prepare
    const mint = fakeMintToken(minted);

    // Act
    const token = await issue(fakeSecretKeys(orgKey()).port, mint.port, { objectId: OBJECT_ID });

    // Assess
    expect(mint.calls[0]?.request.objectId).toBe(OBJECT_ID);
    expect(token.tokenType).toBe('object');
  });

  it('passes provisioning details through to ThoughtSpot', async () => {
    // Prepare
    const provision = { email: 'ada@example.com', displayName: 'Ada', groups: ['analysts'] };
    const mint = fakeMintToken(minted);

    // Act
    await issue(fakeSecretKeys(orgKey()).port, mint.port, {}, caller({ provision }));

    // Assess
    expect(mint.calls[0]?.request.provision).toEqual(provision);
  });

  it('asks for no provisioning when the identity carries none', async () => {
    // Prepare
    const mint = fakeMintToken(minted);

    // Act
    await issue(fakeSecretKeys(orgKey()).port, mint.port);

    // Assess
    expect(mint.calls[0]?.request).not.toHaveProperty('provision');
    expect(mint.calls[0]?.request).not.toHaveProperty('objectId');
  });

  it('refuses an Org the caller does not belong to, before reading a key or calling ThoughtSpot', async () => {
    // Prepare
    const secretKeys = fakeSecretKeys(orgKey());
    const mint = fakeMintToken(minted);

    // Act
    const error = await rejection(issue(secretKeys.port, mint.port, { orgId: 0 }));

    // Assess
    expect(error).toBeInstanceOf(OrgForbiddenError);
    expect(error).toMatchObject({ status: 403, code: 'org_forbidden' });
    expect(secretKeys.keyForCalls).toEqual([]);
    expect(mint.calls).toHaveLength(0);
  });

  it('passes a key lookup failure on without calling ThoughtSpot', async () => {
    // Prepare
    const mint = fakeMintToken(minted);

    // Act
    const error = await rejection(
      issue(fakeSecretKeys(new OrgNotConfiguredError()).port, mint.port),
    );

    // Assess
    expect(error).toBeInstanceOf(OrgNotConfiguredError);
    expect(mint.calls).toHaveLength(0);
  });

  it('passes a ThoughtSpot failure on without refetching the key', async () => {
    // Prepare
    const secretKeys = fakeSecretKeys(orgKey(), orgKey({ key: fakeKey('new') }));
    const mint = fakeMintToken(() => {
      throw new ThoughtSpotError();
    });

    // Act
    const error = await rejection(issue(secretKeys.port, mint.port));

    // Assess
    expect(error).toBeInstanceOf(ThoughtSpotError);
    expect(secretKeys.refetchCalls).toHaveLength(0);
  });

  describe('rotation (SPEC §5)', () => {
    it('refetches a cached key ThoughtSpot rejected and retries once with the new key', async () => {
      // Prepare
      const cached = orgKey({ cache: 'hit' });
      const rotated = orgKey({ key: fakeKey('rotated'), cache: 'miss' });
      const secretKeys = fakeSecretKeys(cached, rotated);
      const mint = fakeMintToken(rejects(401, 10097), minted);
      const trace = newRequestTrace();

      // Act
      const token = await issue(secretKeys.port, mint.port, {}, caller(), trace);

      // Assess
      expect(token.token).toBe('token-for-ada@example.com');
      expect(secretKeys.refetchCalls).toEqual([cached]);
      expect(mint.calls.map((call) => call.request.secretKey)).toEqual([cached.key, rotated.key]);
      expect(mint.calls[1]?.request.orgId).toBe(7);
      expect(trace.refetched).toBe(true);
    });

    it('keeps the retry inside the same overall ThoughtSpot deadline', async () => {
      // Prepare
      const cached = orgKey({ cache: 'hit' });
      const rotated = orgKey({ key: fakeKey('rotated'), cache: 'miss' });
      const mint = fakeMintToken(rejects(401, 10097), minted);
      const before = Date.now();

      // Act
      await issue(fakeSecretKeys(cached, rotated).port, mint.port);

      // Assess
      const [first, second] = mint.calls.map((call) => call.deadlineAt);
      expect(first).toBeGreaterThanOrEqual(before + SETTINGS.thoughtSpotTimeoutMs);
      expect(first).toBeLessThanOrEqual(Date.now() + SETTINGS.thoughtSpotTimeoutMs);
      expect(second).toBe(first);
    });

    it('refetches a stale key ThoughtSpot rejected', async () => {
      // Prepare
      const secretKeys = fakeSecretKeys(
        orgKey({ cache: 'stale' }),
        orgKey({ key: fakeKey('rotated') }),
      );
      const mint = fakeMintToken(rejects(403), minted);

      // Act
      await issue(secretKeys.port, mint.port);

      // Assess
      expect(secretKeys.refetchCalls).toHaveLength(1);
      expect(mint.calls).toHaveLength(2);
    });

    it('answers secret_key_rejected when the key is unchanged and ThoughtSpot said 10097', async () => {
      // Prepare
      const secretKeys = fakeSecretKeys(orgKey({ cache: 'hit' }), undefined);
      const mint = fakeMintToken(rejects(401, 10097));
      const trace = newRequestTrace();

      // Act
      const error = await rejection(issue(secretKeys.port, mint.port, {}, caller(), trace));

      // Assess
      expect(error).toBeInstanceOf(SecretKeyRejectedError);
      expect(error).toMatchObject({ status: 503, code: 'secret_key_rejected' });
      expect((error as Error).cause).toBeInstanceOf(TokenRejectedError);
      expect(secretKeys.refetchCalls).toHaveLength(1);
      expect(mint.calls).toHaveLength(1);
      expect(trace.refetched).toBeUndefined();
    });

    it('answers user_rejected when the key is unchanged and the 401 carried no code', async () => {
      // Prepare
      const secretKeys = fakeSecretKeys(orgKey({ cache: 'hit' }), undefined);
      const mint = fakeMintToken(rejects(401));

      // Act
      const error = await rejection(issue(secretKeys.port, mint.port));

      // Assess
      expect(error).toBeInstanceOf(UserRejectedError);
      expect(error).toMatchObject({ status: 403, code: 'user_rejected' });
      expect(secretKeys.refetchCalls).toHaveLength(1);
    });

    it('answers user_rejected for a 403 with an unrelated code', async () => {
      // Prepare
      const secretKeys = fakeSecretKeys(orgKey({ cache: 'hit' }), undefined);

      // Act
      const error = await rejection(
        issue(secretKeys.port, fakeMintToken(rejects(403, 10001)).port),
      );

      // Assess
      expect(error).toBeInstanceOf(UserRejectedError);
    });

    it('treats 403 code 10023 (trusted auth not enabled) as a key problem, not the user', async () => {
      // Prepare
      const secretKeys = fakeSecretKeys(orgKey({ cache: 'hit' }), undefined);

      // Act
      const error = await rejection(
        issue(secretKeys.port, fakeMintToken(rejects(403, 10023)).port),
      );

      // Assess
      expect(error).toBeInstanceOf(SecretKeyRejectedError);
    });

    it('answers user_rejected for a 400 without refetching', async () => {
      // Prepare
      const secretKeys = fakeSecretKeys(orgKey({ cache: 'hit' }), orgKey({ key: fakeKey('new') }));
      const mint = fakeMintToken(rejects(400, 10002));

      // Act
      const error = await rejection(issue(secretKeys.port, mint.port));

      // Assess
      expect(error).toBeInstanceOf(UserRejectedError);
      expect(secretKeys.refetchCalls).toHaveLength(0);
      expect(mint.calls).toHaveLength(1);
    });

    it('does not refetch a key it has just read (cache miss)', async () => {
      // Prepare
      const secretKeys = fakeSecretKeys(orgKey({ cache: 'miss' }), orgKey({ key: fakeKey('new') }));
      const mint = fakeMintToken(rejects(401, 10097), minted);

      // Act
      const error = await rejection(issue(secretKeys.port, mint.port));

      // Assess
      expect(error).toBeInstanceOf(SecretKeyRejectedError);
      expect(secretKeys.refetchCalls).toHaveLength(0);
      expect(mint.calls).toHaveLength(1);
    });

    it('answers secret_key_rejected when the fresh key is rejected with 10097 too', async () => {
      // Prepare
      const secretKeys = fakeSecretKeys(orgKey({ cache: 'hit' }), orgKey({ key: fakeKey('new') }));
      const mint = fakeMintToken(rejects(401, 10097));
      const trace = newRequestTrace();

      // Act
      const error = await rejection(issue(secretKeys.port, mint.port, {}, caller(), trace));

      // Assess
      expect(error).toBeInstanceOf(SecretKeyRejectedError);
      expect(mint.calls).toHaveLength(2);
      expect(secretKeys.refetchCalls).toHaveLength(1);
      expect(trace.refetched).toBe(true);
    });

    it('answers user_rejected when the fresh key is rejected without a key code', async () => {
      // Prepare
      const secretKeys = fakeSecretKeys(orgKey({ cache: 'hit' }), orgKey({ key: fakeKey('new') }));
      const mint = fakeMintToken(rejects(401, 10097), rejects(403));

      // Act
      const error = await rejection(issue(secretKeys.port, mint.port));

      // Assess
      expect(error).toBeInstanceOf(UserRejectedError);
      expect(mint.calls).toHaveLength(2);
    });

    it('passes a ThoughtSpot failure during the retry on as it is', async () => {
      // Prepare
      const secretKeys = fakeSecretKeys(orgKey({ cache: 'hit' }), orgKey({ key: fakeKey('new') }));
      const mint = fakeMintToken(rejects(401, 10097), () => {
        throw new ThoughtSpotError();
      });

      // Act
      const error = await rejection(issue(secretKeys.port, mint.port));

      // Assess
      expect(error).toBeInstanceOf(ThoughtSpotError);
    });

    it('keeps the keys out of the error it answers with', async () => {
      // Prepare
      const cached = orgKey({ cache: 'hit' });
      const fresh = orgKey({ key: fakeKey('new') });
      const mint = fakeMintToken(rejects(401, 10097));

      // Act
      const error = await rejection(issue(fakeSecretKeys(cached, fresh).port, mint.port));

      // Assess
      const texts = [
        (error as Error).message,
        String((error as Error).cause),
        JSON.stringify(error),
      ];
      for (const text of texts) {
        expect(text).not.toContain(cached.key);
        expect(text).not.toContain(fresh.key);
      }
    });
  });
});
