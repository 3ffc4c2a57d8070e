import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import type { OrgKey } from '../../functions/lib/secret-keys.js';
import { fakeKey } from '../support/fixtures.js';
import {
  idOf,
  notFound,
  REFETCH_INTERVAL_MS,
  throttled,
  useMockedSecretsManager,
} from '../support/secret-keys-mock.js';

/** The key port's refetch after ThoughtSpot rejected a key (SPEC §5): a bypass of the cache, rate-limited. */

const aws = useMockedSecretsManager();

describe('createSecretKeys re-reading a rejected key (refetch)', () => {
  /** A SecretKeys whose Org 7 key was read once (cached) and will read `next` afterwards. */
  async function cachedThen(next: string | Error | 'unchanged') {
    const first = fakeKey('first');
    const behaviour = aws.mock
      .on(GetSecretValueCommand, { SecretId: idOf(7) })
      .resolvesOnce({ SecretString: first });
    if (next === 'unchanged') behaviour.resolves({ SecretString: ` ${first}\n` });
    else if (typeof next === 'string') behaviour.resolves({ SecretString: next });
    else behaviour.rejects(next);
    const keys = aws.secretKeys();
    const used = await keys.keyFor(7);
    return { keys, used, first };
  }

  it('returns the new key when the secret changed, bypassing the cache', async () => {
    // Prepare
    const rotated = fakeKey('rotated');
    const { keys, used } = await cachedThen(rotated);

    // Act
    const fresh = await keys.refetch(used);

    // Assess
    expect(fresh).toEqual({ key: rotated, keyOrgId: 7, fallback: false, cache: 'miss' });
    expect(aws.readsOf(7)).toBe(2);
  });

  it('returns undefined when the secret is unchanged', async () => {
    // Prepare
    const { keys, used } = await cachedThen('unchanged');

    // Act
    const fresh = await keys.refetch(used);

    // Assess
    expect(fresh).toBeUndefined();
    expect(aws.readsOf(7)).toBe(2);
  });

  it('updates the cache, so the next keyFor gets the new key without a lookup', async () => {
    // Prepare
    const rotated = fakeKey('rotated');
    const { keys, used } = await cachedThen(rotated);
    await keys.refetch(used);

    // Act
    const next = await keys.keyFor(7);

    // Assess
    expect(next).toMatchObject({ key: rotated, cache: 'hit' });
    expect(aws.readsOf(7)).toBe(2);
  });

  it('does not call Secrets Manager again within minRefetchIntervalMs', async () => {
    // Prepare
    const rotated = fakeKey('rotated');
    const { keys, used } = await cachedThen(rotated);
    await keys.refetch(used);
    aws.clock.now += REFETCH_INTERVAL_MS - 1;

    // Act: a request still holding the old key also got a 401
    const second = await keys.refetch(used);

    // Assess
    expect(aws.readsOf(7)).toBe(2);
    expect(second?.key).toBe(rotated);
  });

  it('returns undefined within minRefetchIntervalMs when the caller already has the latest key', async () => {
    // Prepare
    const rotated = fakeKey('rotated');
    const { keys, used } = await cachedThen(rotated);
    const fresh = await keys.refetch(used);
    aws.clock.now += 1;

    // Act
    const again = fresh && (await keys.refetch(fresh));

    // Assess
    expect(fresh?.key).toBe(rotated);
    expect(again).toBeUndefined();
    expect(aws.readsOf(7)).toBe(2);
  });

  it('calls Secrets Manager again once minRefetchIntervalMs has passed', async () => {
    // Prepare
    const { keys, used } = await cachedThen(fakeKey('rotated'));
    await keys.refetch(used);
    aws.clock.now += REFETCH_INTERVAL_MS;

    // Act
    await keys.refetch(used);

    // Assess
    expect(aws.readsOf(7)).toBe(3);
  });

  it('shares one lookup among concurrent refetches', async () => {
    // Prepare
    const rotated = fakeKey('rotated');
    const { keys, used } = await cachedThen(rotated);

    // Act
    const results = await Promise.all(Array.from({ length: 20 }, () => keys.refetch(used)));

    // Assess
    expect(aws.readsOf(7)).toBe(2);
    expect(results.every((fresh) => fresh?.key === rotated)).toBe(true);
  });

  it('returns undefined, without throwing, when Secrets Manager fails', async () => {
    // Prepare
    const { keys, used } = await cachedThen(throttled());

    // Act
    const fresh = await keys.refetch(used);

    // Assess
    expect(fresh).toBeUndefined();
    expect(aws.readsOf(7)).toBe(2);
  });

  it("re-reads Org 0's secret for a fallback key", async () => {
    // Prepare
    const rotated = fakeKey('org0-rotated');
    aws.mock.on(GetSecretValueCommand, { SecretId: idOf(7) }).rejects(notFound());
    aws.mock
      .on(GetSecretValueCommand, { SecretId: idOf(0) })
      .resolvesOnce({ SecretString: fakeKey('org0') })
      .resolves({ SecretString: rotated });
    const keys = aws.secretKeys();
    const used: OrgKey = await keys.keyFor(7);

    // Act
    const fresh = await keys.refetch(used);

    // Assess
    expect(fresh).toEqual({ key: rotated, keyOrgId: 0, fallback: true, cache: 'miss' });
    expect(aws.readsOf(0)).toBe(2);
    expect(aws.readsOf(7)).toBe(1);
  });
});
