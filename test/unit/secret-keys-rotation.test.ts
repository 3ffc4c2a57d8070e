import { describe, expect, it, vi } from 'vitest';
import {
  createSecretKeys,
  type OrgKey,
  type SecretKeysOptions,
} from '../../functions/lib/secret-keys.js';
import { fakeKey } from '../support/fixtures.js';
import { rotationTestOptions, useRotatingSecrets } from '../support/rotating-secrets.js';

/** SecretKeys.pendingKey: what the key port does after a rejection while a rotation runs (SPEC §5). */

const POLL_MS = 250;
const WAIT_MS = 4000;

const aws = useRotatingSecrets();
const secretKeys = (overrides: Partial<SecretKeysOptions> = {}) =>
  createSecretKeys(rotationTestOptions(aws, overrides));

/** The promise's value if it settles without the clock moving, else 'pending'. */
function settledNow<T>(promise: Promise<T>): Promise<T | 'pending'> {
  // setImmediate is not faked: it runs once every queued microtask has.
  const later = new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')));
  return Promise.race([promise, later]);
}

/** Org 7 holds `oldKey`; the key port has read (cached) it. */
async function cachedOldKey() {
  const oldKey = fakeKey('old');
  aws.create(7, oldKey);
  const keys = secretKeys();
  const used = await keys.keyFor(7);
  return { keys, used };
}

describe('SecretKeys.pendingKey', () => {
  it('answers at once after one DescribeSecret when no rotation is in progress', async () => {
    // Prepare
    const { keys, used } = await cachedOldKey();

    // Act
    const found = await settledNow(keys.pendingKey(used, Date.now() + WAIT_MS));

    // Assess
    expect(found).toEqual({ rotating: false, key: undefined });
    expect(aws.describes(7)).toBe(1);
    expect(aws.pendingReads(7)).toBe(0);
    expect(aws.currentReads(7)).toBe(1);
  });

  it('returns the AWSPENDING key at once when it is already readable', async () => {
    // Prepare
    const { keys, used } = await cachedOldKey();
    const newKey = fakeKey('new');
    aws.startRotation(7);
    aws.storePending(7, newKey);

    // Act
    const found = await settledNow(keys.pendingKey(used, Date.now() + WAIT_MS));

    // Assess
    expect(found).toEqual({
      rotating: true,
      key: { key: newKey, keyOrgId: 7, fallback: false, cache: 'miss' },
    });
    expect([aws.describes(7), aws.pendingReads(7)]).toEqual([1, 1]);
  });

  it('waits while AWSPENDING has no value yet, and returns the key once createSecret stored it', async () => {
    // Prepare
    const { keys, used } = await cachedOldKey();
    const newKey = fakeKey('new');
    aws.startRotation(7);
    const started = Date.now();

    // Act
    const pending = keys.pendingKey(used, started + WAIT_MS);
    await vi.advanceTimersByTimeAsync(600);
    const whileValueless = await settledNow(pending);
    aws.storePending(7, newKey);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    const found = await pending;

    // Assess
    expect(whileValueless).toBe('pending');
    expect(found).toMatchObject({ rotating: true, key: { key: newKey } });
    // Looks at 0, 250, 500 and 750 ms: one DescribeSecret and one AWSPENDING read each.
    expect(aws.describes(7)).toBe(4);
    expect(aws.pendingReads(7)).toBe(4);
  });

  it('gives up at `until` while the rotation still has no key, and says so', async () => {
    // Prepare
    const { keys, used } = await cachedOldKey();
    aws.startRotation(7);
    const until = Date.now() + 1000;
    let settledAt: number | undefined;

    // Act
    const pending = keys.pendingKey(used, until).finally(() => {
      settledAt = Date.now();
    });
    await vi.advanceTimersByTimeAsync(1000);
    const found = await pending;

    // Assess
    expect(found).toEqual({ rotating: true, timedOut: true });
    expect(settledAt).toBe(until);
    expect(aws.describes(7)).toBeLessThanOrEqual(1000 / POLL_MS);
  });

  it('shares one poll among 50 concurrent waiters: at most one look per interval', async () => {
    // Prepare
    const { keys, used } = await cachedOldKey();
    const newKey = fakeKey('new');
    aws.startRotation(7);

    // Act
    const waiters = Array.from({ length: 50 }, () => keys.pendingKey(used, Date.now() + WAIT_MS));
    await vi.advanceTimersByTimeAsync(1000);
    aws.storePending(7, newKey);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    const found = await Promise.all(waiters);

    // Assess
    expect(found.every((lookup) => lookup.key?.key === newKey)).toBe(true);
    // Looks at 0, 250, 500, 750, 1000 and 1250 ms.
    expect(aws.describes(7)).toBe(6);
    expect(aws.pendingReads(7)).toBe(6);
  });

  it('caches the AWSPENDING key, and keeps it while AWSCURRENT still holds the old key', async () => {
    // Prepare
    const { keys, used } = await cachedOldKey();
    const newKey = fakeKey('new');
    aws.startRotation(7);
    aws.storePending(7, newKey);
    await keys.pendingKey(used, Date.now() + WAIT_MS);

    // Act
    const right = await keys.keyFor(7);
    vi.setSystemTime(Date.now() + 60_000);
    const afterTtl = await keys.keyFor(7);
    const refetched = await keys.refetch(used);
    aws.finishRotation(7);
    vi.setSystemTime(Date.now() + 60_000);
    const afterFinish = await keys.keyFor(7);

    // Assess
    expect(right).toMatchObject({ key: newKey, cache: 'hit' });
    expect(afterTtl).toMatchObject({ key: newKey, cache: 'miss' });
    expect(refetched?.key).toBe(newKey);
    expect(afterFinish).toMatchObject({ key: newKey, cache: 'miss' });
    expect(aws.currentReads(7)).toBe(4);
  });

  it('reads AWSCURRENT again when the rotation ended while it waited', async () => {
    // Prepare
    const { keys, used } = await cachedOldKey();
    const newKey = fakeKey('new');
    aws.startRotation(7);

    // Act
    const pending = keys.pendingKey(used, Date.now() + WAIT_MS);
    await vi.advanceTimersByTimeAsync(100);
    aws.storePending(7, newKey);
    aws.finishRotation(7);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    const found = await pending;

    // Assess
    expect(found).toMatchObject({ rotating: true, key: { key: newKey } });
    expect(aws.currentReads(7)).toBe(2);
  });

  it("looks at Org 0's secret for an Org N caller on the fallback key", async () => {
    // Prepare
    const primaryKey = fakeKey('org0-old');
    const newKey = fakeKey('org0-new');
    aws.create(0, primaryKey);
    const keys = secretKeys();
    const used: OrgKey = await keys.keyFor(9);
    aws.startRotation(0);

    // Act
    const pending = keys.pendingKey(used, Date.now() + WAIT_MS);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    aws.storePending(0, newKey);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    const found = await pending;
    const next = await keys.keyFor(9);

    // Assess
    expect(used).toMatchObject({ keyOrgId: 0, fallback: true });
    expect(found.key).toEqual({ key: newKey, keyOrgId: 0, fallback: true, cache: 'miss' });
    expect(next).toMatchObject({ key: newKey, keyOrgId: 0, fallback: true, cache: 'hit' });
    expect(aws.describes(9)).toBe(0);
  });

  it('offers no key when AWSPENDING is a copy of the rejected key (a test rotation)', async () => {
    // Prepare
    const { keys, used } = await cachedOldKey();
    aws.startRotation(7, true);

    // Act
    const found = await settledNow(keys.pendingKey(used, Date.now() + WAIT_MS));

    // Assess
    expect(found).toEqual({ rotating: true, key: undefined });
  });

  it('fails fast when DescribeSecret fails before any rotation was seen (e.g. no permission)', async () => {
    // Prepare
    const { keys, used } = await cachedOldKey();
    const denied = new Error('not authorized to perform secretsmanager:DescribeSecret');
    denied.name = 'AccessDeniedException';
    aws.failDescribe(denied);

    // Act
    const found = await settledNow(keys.pendingKey(used, Date.now() + WAIT_MS));

    // Assess
    expect(found).toEqual({ rotating: false });
    expect(aws.describes(7)).toBe(1);
  });

  it('keeps waiting through a failed look once it has seen the rotation', async () => {
    // Prepare
    const { keys, used } = await cachedOldKey();
    const newKey = fakeKey('new');
    aws.startRotation(7);
    const throttled = new Error('Rate exceeded');
    throttled.name = 'ThrottlingException';

    // Act
    const pending = keys.pendingKey(used, Date.now() + WAIT_MS);
    await vi.advanceTimersByTimeAsync(0);
    aws.failDescribe(throttled);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    aws.failDescribe(undefined);
    aws.storePending(7, newKey);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    const found = await pending;

    // Assess
    expect(found).toMatchObject({ rotating: true, key: { key: newKey } });
  });

  it('makes no call when `until` has already passed', async () => {
    // Prepare
    const { keys, used } = await cachedOldKey();

    // Act
    const found = await keys.pendingKey(used, Date.now());

    // Assess
    expect(found).toEqual({ rotating: false, timedOut: true });
    expect(aws.describes(7)).toBe(0);
  });

  it('outside a rotation, bounds DescribeSecret under a burst of rejections to one per interval', async () => {
    // Prepare: a key really revoked, rejected for request after request
    const { keys, used } = await cachedOldKey();

    // Act: 40 rejections, 25 ms apart, over one second
    const answers: Promise<unknown>[] = [];
    for (let index = 0; index < 40; index++) {
      answers.push(keys.pendingKey(used, Date.now() + WAIT_MS));
      await vi.advanceTimersByTimeAsync(25);
    }
    await vi.advanceTimersByTimeAsync(POLL_MS);
    await Promise.all(answers);

    // Assess: looks at 0, 250, 500, 750 and 1000 ms
    expect(aws.describes(7)).toBe(5);
  });

  it('serves a waiter only with a look that started after it asked', async () => {
    // Prepare: a look is in flight when the second rejection comes in
    const { keys, used } = await cachedOldKey();
    const first = keys.pendingKey(used, Date.now() + WAIT_MS);
    aws.startRotation(7);

    // Act
    const second = keys.pendingKey(used, Date.now() + WAIT_MS);
    const [early, late] = await Promise.all([
      settledNow(first),
      (async () => {
        await vi.advanceTimersByTimeAsync(POLL_MS);
        aws.storePending(7, fakeKey('new'));
        await vi.advanceTimersByTimeAsync(POLL_MS);
        return second;
      })(),
    ]);

    // Assess: the first look predates the rotation; the second request waits for the next
    expect(early).toEqual({ rotating: false, key: undefined });
    expect(late).toMatchObject({ rotating: true });
  });
});
