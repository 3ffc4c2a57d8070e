import { describe, expect, it, vi } from 'vitest';
import { SecretKeyRejectedError } from '../../functions/lib/errors.js';
import { newRequestTrace } from '../../functions/lib/request-trace.js';
import { createSecretKeys } from '../../functions/lib/secret-keys.js';
import { type MintRequest, TokenRejectedError } from '../../functions/lib/thoughtspot.js';
import { RETRY_RESERVE_MS } from '../../functions/token/issue-token.js';
import { rejection } from '../support/errors.js';
import { fakeKey } from '../support/fixtures.js';
import { fakeMintToken, minted } from '../support/issue-token-fakes.js';
import { caller, issue, SETTINGS } from '../support/issue-token-use-case.js';
import { rotationTestOptions, useRotatingSecrets } from '../support/rotating-secrets.js';

/**
 * The use case with the real key port (Secrets Manager mocked) during a rotation: the old
 * key dies in ThoughtSpot before the new one is readable as AWSPENDING (SPEC §5).
 */

const aws = useRotatingSecrets();

/** ThoughtSpot, reduced to the one key it accepts now (Org 0's also for every Org). */
function thoughtSpot(initial: string) {
  let valid = initial;
  const mint = fakeMintToken((request: MintRequest) => {
    if (request.secretKey !== valid) throw new TokenRejectedError(401, 10097);
    return minted(request);
  });
  return {
    ...mint,
    /** configure DISABLED + ENABLED: the old key dies, a new one works. */
    rotateTo(key: string) {
      valid = key;
    },
  };
}

/** Org 7 with its own key, read once (cached), then rotated in ThoughtSpot; AWSPENDING valueless. */
async function midRotation(orgId = 7) {
  const oldKey = fakeKey('old');
  const newKey = fakeKey('new');
  aws.create(orgId, oldKey);
  const secretKeys = createSecretKeys(rotationTestOptions(aws));
  await secretKeys.keyFor(orgId);
  const ts = thoughtSpot(oldKey);
  aws.startRotation(orgId);
  ts.rotateTo(newKey);
  return { secretKeys, ts, newKey };
}

describe('issueToken during a rotation', () => {
  it('waits for the AWSPENDING key and mints with it within the same deadline', async () => {
    // Prepare
    const { secretKeys, ts, newKey } = await midRotation();
    const trace = newRequestTrace();

    // Act
    const token = issue(secretKeys, ts.port, {}, caller(), trace);
    await vi.advanceTimersByTimeAsync(600);
    aws.storePending(7, newKey);
    await vi.advanceTimersByTimeAsync(250);
    const minted = await token;

    // Assess
    expect(minted.orgId).toBe(7);
    expect(ts.calls.map((call) => call.request.secretKey)).toEqual([
      expect.not.stringMatching(newKey),
      newKey,
    ]);
    const [first, retry] = ts.calls.map((call) => call.deadlineAt);
    expect(retry).toBe(first);
    expect(trace).toMatchObject({ refetched: true, rotationWaitMs: 750 });
  });

  it('answers 503 secret_key_rejected before the deadline when the key never becomes readable', async () => {
    // Prepare
    const { secretKeys, ts } = await midRotation();
    const trace = newRequestTrace();
    const started = Date.now();
    let answeredAt = 0;

    // Act
    const answer = rejection(issue(secretKeys, ts.port, {}, caller(), trace)).finally(() => {
      answeredAt = Date.now();
    });
    await vi.advanceTimersByTimeAsync(SETTINGS.thoughtSpotTimeoutMs);
    const error = await answer;

    // Assess
    expect(error).toBeInstanceOf(SecretKeyRejectedError);
    expect(error).toMatchObject({ status: 503, code: 'secret_key_rejected' });
    expect(answeredAt - started).toBe(SETTINGS.thoughtSpotTimeoutMs - RETRY_RESERVE_MS);
    expect(trace.rotationWaitMs).toBe(SETTINGS.thoughtSpotTimeoutMs - RETRY_RESERVE_MS);
    expect(ts.calls).toHaveLength(1);
  });

  it('fails fast with one DescribeSecret when no rotation is in progress', async () => {
    // Prepare: the key was revoked in ThoughtSpot by hand; Secrets Manager still holds it
    const oldKey = fakeKey('old');
    aws.create(7, oldKey);
    const secretKeys = createSecretKeys(rotationTestOptions(aws));
    await secretKeys.keyFor(7);
    const ts = thoughtSpot(fakeKey('elsewhere'));
    const trace = newRequestTrace();
    const started = Date.now();

    // Act
    const error = await rejection(issue(secretKeys, ts.port, {}, caller(), trace));

    // Assess
    expect(error).toBeInstanceOf(SecretKeyRejectedError);
    expect(Date.now()).toBe(started);
    expect(aws.describes(7)).toBe(1);
    expect(aws.currentReads(7)).toBe(2);
    expect(trace.rotationWaitMs).toBeUndefined();
  });

  it('looks at AWSPENDING for a key it has just read, without reading AWSCURRENT again', async () => {
    // Prepare: nothing cached, so the request reads AWSCURRENT's dead key itself
    const oldKey = fakeKey('old');
    const newKey = fakeKey('new');
    aws.create(7, oldKey);
    aws.startRotation(7);
    aws.storePending(7, newKey);
    const ts = thoughtSpot(newKey);
    const secretKeys = createSecretKeys(rotationTestOptions(aws));

    // Act
    const token = await issue(secretKeys, ts.port);

    // Assess
    expect(token.orgId).toBe(7);
    expect(aws.currentReads(7)).toBe(1);
    expect([aws.describes(7), aws.pendingReads(7)]).toEqual([1, 1]);
  });

  it('lets later requests mint with the new key at once, without another look', async () => {
    // Prepare
    const { secretKeys, ts, newKey } = await midRotation();
    aws.storePending(7, newKey);
    await issue(secretKeys, ts.port);
    const trace = newRequestTrace();

    // Act
    await issue(secretKeys, ts.port, {}, caller(), trace);

    // Assess
    expect(ts.calls.at(-1)?.request.secretKey).toBe(newKey);
    expect(trace).toMatchObject({ cache: 'hit' });
    expect(trace.rotationWaitMs).toBeUndefined();
    expect(aws.describes(7)).toBe(1);
  });

  it('rides Org N callers on the fallback key through a rotation of Org 0, sharing one poll', async () => {
    // Prepare: Org 9 has no secret of its own and borrows Org 0's
    const { secretKeys, ts, newKey } = await midRotation(0);
    const ninth = caller({ orgIds: [9] });
    const primary = caller({ orgIds: [0] });

    // Act
    const tokens = Array.from({ length: 30 }, (_, index) =>
      issue(secretKeys, ts.port, {}, index % 3 === 0 ? primary : ninth),
    );
    await vi.advanceTimersByTimeAsync(1000);
    aws.storePending(0, newKey);
    await vi.advanceTimersByTimeAsync(250);
    const minted = await Promise.all(tokens);

    // Assess
    expect(minted.filter((token) => token.orgId === 9)).toHaveLength(20);
    expect(aws.describes(0)).toBe(6);
    expect(aws.pendingReads(0)).toBe(6);
    expect(aws.describes(9)).toBe(0);
  });
});
