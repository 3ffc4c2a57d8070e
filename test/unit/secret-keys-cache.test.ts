import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { SecretUnavailableError } from '../../functions/lib/errors.js';
import { errorTexts, rejection } from '../support/errors.js';
import { fakeKey } from '../support/fixtures.js';
import {
  FAILURE_BACKOFF_MS,
  MAX_STALE_MS,
  TTL_MS,
  throttled,
  useMockedSecretsManager,
} from '../support/secret-keys-mock.js';

/** The key port's cache (SPEC §4): TTL, single flight, and stale-if-error up to the max stale age. */

const aws = useMockedSecretsManager();

describe('createSecretKeys caching keys', () => {
  it('serves a second call within the TTL from the cache', async () => {
    // Prepare
    const key = fakeKey('org7');
    aws.mock.on(GetSecretValueCommand).resolves({ SecretString: key });
    const keys = aws.secretKeys();
    await keys.keyFor(7);
    aws.clock.now += TTL_MS - 1;

    // Act
    const orgKey = await keys.keyFor(7);

    // Assess
    expect(orgKey).toEqual({ key, keyOrgId: 7, fallback: false, cache: 'hit' });
    expect(aws.readsOf(7)).toBe(1);
  });

  it('reads the secret again once the TTL has passed', async () => {
    // Prepare
    const oldKey = fakeKey('old');
    const newKey = fakeKey('new');
    aws.mock
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: oldKey })
      .resolves({ SecretString: newKey });
    const keys = aws.secretKeys();
    await keys.keyFor(7);
    aws.clock.now += TTL_MS;

    // Act
    const orgKey = await keys.keyFor(7);

    // Assess
    expect(orgKey).toMatchObject({ key: newKey, cache: 'miss' });
    expect(aws.readsOf(7)).toBe(2);
  });

  it('caches "this Org has no secret" too', async () => {
    // Prepare
    const primaryKey = fakeKey('org0');
    aws.givenOnlyPrimaryKey(7, primaryKey);
    const keys = aws.secretKeys();
    await keys.keyFor(7);
    aws.clock.now += TTL_MS - 1;

    // Act
    const orgKey = await keys.keyFor(7);

    // Assess
    expect(orgKey).toEqual({ key: primaryKey, keyOrgId: 0, fallback: true, cache: 'hit' });
    expect(aws.readsOf(7)).toBe(1);
    expect(aws.readsOf(0)).toBe(1);
  });

  it('reports a fallback as a miss when either lookup was one', async () => {
    // Prepare
    aws.givenOnlyPrimaryKey(7, fakeKey('org0'));
    const keys = aws.secretKeys();
    await keys.keyFor(0);

    // Act
    const orgKey = await keys.keyFor(7);

    // Assess
    expect(orgKey.cache).toBe('miss');
  });

  it('shares one lookup among 50 concurrent cold calls (single flight)', async () => {
    // Prepare
    const primaryKey = fakeKey('org0');
    aws.givenOnlyPrimaryKey(7, primaryKey);
    const keys = aws.secretKeys();

    // Act
    const results = await Promise.all(Array.from({ length: 50 }, () => keys.keyFor(7)));

    // Assess
    expect(results.every((orgKey) => orgKey.key === primaryKey && orgKey.fallback)).toBe(true);
    expect(aws.readsOf(7)).toBe(1);
    expect(aws.readsOf(0)).toBe(1);
  });

  it('forgets everything on clear()', async () => {
    // Prepare
    aws.mock.on(GetSecretValueCommand).resolves({ SecretString: fakeKey('org7') });
    const keys = aws.secretKeys();
    await keys.keyFor(7);

    // Act
    keys.clear();
    const orgKey = await keys.keyFor(7);

    // Assess
    expect(orgKey.cache).toBe('miss');
    expect(aws.readsOf(7)).toBe(2);
  });
});

describe('createSecretKeys while Secrets Manager fails (stale-if-error)', () => {
  it('serves the cached key past its TTL while Secrets Manager fails', async () => {
    // Prepare
    const key = fakeKey('org7');
    aws.mock.on(GetSecretValueCommand).resolvesOnce({ SecretString: key }).rejects(throttled());
    const keys = aws.secretKeys();
    await keys.keyFor(7);
    aws.clock.now += TTL_MS + 1;

    // Act
    const orgKey = await keys.keyFor(7);

    // Assess
    expect(orgKey).toEqual({ key, keyOrgId: 7, fallback: false, cache: 'stale' });
    expect(aws.readsOf(7)).toBe(2);
  });

  it('keeps serving it until TTL + max stale, then answers secret_unavailable', async () => {
    // Prepare
    const key = fakeKey('org7');
    aws.mock.on(GetSecretValueCommand).resolvesOnce({ SecretString: key }).rejects(throttled());
    const keys = aws.secretKeys();
    await keys.keyFor(7);
    const fetchedAt = aws.clock.now;

    // Act
    aws.clock.now = fetchedAt + TTL_MS + MAX_STALE_MS - 1;
    const lastStale = await keys.keyFor(7);
    aws.clock.now = fetchedAt + TTL_MS + MAX_STALE_MS;
    const error = await rejection(keys.keyFor(7));

    // Assess
    expect(lastStale).toMatchObject({ key, cache: 'stale' });
    expect(error).toBeInstanceOf(SecretUnavailableError);
    expect(errorTexts(error)).not.toContain(key);
  });

  it('does not ask a failing Secrets Manager again on every call', async () => {
    // Prepare
    const key = fakeKey('org7');
    aws.mock.on(GetSecretValueCommand).resolvesOnce({ SecretString: key }).rejects(throttled());
    const keys = aws.secretKeys();
    await keys.keyFor(7);
    aws.clock.now += TTL_MS + 1;
    await keys.keyFor(7);

    // Act
    aws.clock.now += FAILURE_BACKOFF_MS - 1;
    const during = await Promise.all([keys.keyFor(7), keys.keyFor(7)]);
    const readsDuringBackoff = aws.readsOf(7);
    aws.clock.now += 1;
    await keys.keyFor(7);

    // Assess
    expect(during.map((orgKey) => orgKey.cache)).toEqual(['stale', 'stale']);
    expect(readsDuringBackoff).toBe(2);
    expect(aws.readsOf(7)).toBe(3);
  });

  it('recovers with the new key once Secrets Manager answers again', async () => {
    // Prepare
    const oldKey = fakeKey('old');
    const newKey = fakeKey('new');
    aws.mock
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: oldKey })
      .rejectsOnce(throttled())
      .resolves({ SecretString: newKey });
    const keys = aws.secretKeys();
    await keys.keyFor(7);
    aws.clock.now += TTL_MS + 1;
    await keys.keyFor(7);
    aws.clock.now += FAILURE_BACKOFF_MS;

    // Act
    const orgKey = await keys.keyFor(7);

    // Assess
    expect(orgKey).toMatchObject({ key: newKey, cache: 'miss' });
  });
});
