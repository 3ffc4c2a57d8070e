import { describe, expect, it } from 'vitest';
import {
  SecretKeyRejectedError,
  ThoughtSpotError,
  UserRejectedError,
} from '../../functions/lib/errors.js';
import { newRequestTrace } from '../../functions/lib/request-trace.js';
import { TokenRejectedError } from '../../functions/lib/thoughtspot.js';
import { RETRY_RESERVE_MS } from '../../functions/token/issue-token.js';
import { rejection } from '../support/errors.js';
import { fakeKey } from '../support/fixtures.js';
import {
  fakeMintToken,
  fakeSecretKeys,
  minted,
  orgKey,
  rejects,
} from '../support/issue-token-fakes.js';
import { caller, issue, SETTINGS } from '../support/issue-token-use-case.js';

/** What the use case does when ThoughtSpot rejects the key (SPEC §5), against fake ports. */

describe('issueToken after a key rejection', () => {
  describe('a re-read of AWSCURRENT (SPEC §5)', () => {
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
      expect(secretKeys.pendingCalls).toHaveLength(0);
      expect(mint.calls).toHaveLength(1);
    });

    it('looks only at AWSPENDING, not AWSCURRENT again, for a key it has just read (cache miss)', async () => {
      // Prepare
      const used = orgKey({ cache: 'miss' });
      const secretKeys = fakeSecretKeys(used, orgKey({ key: fakeKey('new') }));
      const mint = fakeMintToken(rejects(401, 10097), minted);

      // Act
      const error = await rejection(issue(secretKeys.port, mint.port));

      // Assess
      expect(error).toBeInstanceOf(SecretKeyRejectedError);
      expect(secretKeys.refetchCalls).toHaveLength(0);
      expect(secretKeys.pendingCalls.map((call) => call.used)).toEqual([used]);
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

  describe('a rotation in progress (SPEC §5)', () => {
    it('retries with the AWSPENDING key when AWSCURRENT still holds the rejected one', async () => {
      // Prepare
      const used = orgKey({ cache: 'hit' });
      const pending = orgKey({ key: fakeKey('pending'), cache: 'miss' });
      const secretKeys = fakeSecretKeys(used, undefined, { rotating: true, key: pending });
      const mint = fakeMintToken(rejects(403, 10023), minted);
      const trace = newRequestTrace();

      // Act
      const token = await issue(secretKeys.port, mint.port, {}, caller(), trace);

      // Assess
      expect(token.token).toBe('token-for-ada@example.com');
      expect(secretKeys.refetchCalls).toEqual([used]);
      expect(mint.calls.map((call) => call.request.secretKey)).toEqual([used.key, pending.key]);
      expect(trace).toMatchObject({ refetched: true, rotationWaitMs: expect.any(Number) });
    });

    it('does not look at AWSPENDING when AWSCURRENT already gave a new key', async () => {
      // Prepare
      const secretKeys = fakeSecretKeys(orgKey({ cache: 'hit' }), orgKey({ key: fakeKey('new') }));
      const trace = newRequestTrace();

      // Act
      await issue(
        secretKeys.port,
        fakeMintToken(rejects(401, 10097), minted).port,
        {},
        caller(),
        trace,
      );

      // Assess
      expect(secretKeys.pendingCalls).toHaveLength(0);
      expect(trace.rotationWaitMs).toBeUndefined();
    });

    it('waits for AWSPENDING until the deadline less a reserve for the retry', async () => {
      // Prepare
      const secretKeys = fakeSecretKeys(orgKey(), undefined, {
        rotating: true,
        key: orgKey({ key: fakeKey('pending') }),
      });
      const mint = fakeMintToken(rejects(401, 10097), minted);

      // Act
      await issue(secretKeys.port, mint.port);

      // Assess
      const [first, retry] = mint.calls.map((call) => call.deadlineAt);
      expect(secretKeys.pendingCalls[0]?.until).toBe((first ?? 0) - RETRY_RESERVE_MS);
      expect(retry).toBe(first);
    });

    it('answers secret_key_rejected when the rotation stored no key in time, whatever the code', async () => {
      // Prepare
      const secretKeys = fakeSecretKeys(orgKey(), undefined, { rotating: true, timedOut: true });
      const mint = fakeMintToken(rejects(401));
      const trace = newRequestTrace();

      // Act
      const error = await rejection(issue(secretKeys.port, mint.port, {}, caller(), trace));

      // Assess
      expect(error).toBeInstanceOf(SecretKeyRejectedError);
      expect((error as Error).cause).toBeInstanceOf(TokenRejectedError);
      expect(mint.calls).toHaveLength(1);
      expect(trace.rotationWaitMs).toEqual(expect.any(Number));
      expect(trace.refetched).toBeUndefined();
    });

    it('answers by the upstream code when a rotation offered no other key', async () => {
      // Prepare: e.g. a test rotation, whose AWSPENDING is a copy of the current key
      const secretKeys = fakeSecretKeys(orgKey(), undefined, { rotating: true });

      // Act
      const error = await rejection(issue(secretKeys.port, fakeMintToken(rejects(401)).port));

      // Assess
      expect(error).toBeInstanceOf(UserRejectedError);
    });

    it('records no rotation wait when no rotation is in progress', async () => {
      // Prepare
      const secretKeys = fakeSecretKeys(orgKey(), undefined, { rotating: false });
      const trace = newRequestTrace();

      // Act
      await rejection(
        issue(secretKeys.port, fakeMintToken(rejects(401, 10097)).port, {}, caller(), trace),
      );

      // Assess
      expect(secretKeys.pendingCalls).toHaveLength(1);
      expect(trace.rotationWaitMs).toBeUndefined();
    });
  });
});
