import {
  GetSecretValueCommand,
  InvalidRequestException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  OrgNotConfiguredError,
  SecretUnavailableError,
  ServiceError,
} from '../../functions/lib/errors.js';
import {
  createSecretKeys,
  type OrgKey,
  parseSecretValue,
  type SecretKeysOptions,
  secretIdFor,
} from '../../functions/lib/secret-keys.js';
import { errorTexts, rejection, thrown } from '../support/errors.js';
import { fakeKey } from '../support/fixtures.js';

const TEMPLATE = 'test/thoughtspot/org/{orgId}/trusted-auth';
const TTL_MS = 60_000;
const MAX_STALE_MS = 600_000;
const REFETCH_INTERVAL_MS = 5000;
const FAILURE_BACKOFF_MS = 5000;

const secretsManager = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: 'us-east-1' });

const idOf = (orgId: number) => secretIdFor(TEMPLATE, orgId);

const notFound = () =>
  new ResourceNotFoundException({
    message: "Secrets Manager can't find the specified secret.",
    $metadata: { httpStatusCode: 400 },
  });

const throttled = () => {
  const error = new Error('Rate exceeded');
  error.name = 'ThrottlingException';
  return error;
};

/** Org `orgId` has no secret; Org 0's holds `primaryKey`. */
function givenOnlyPrimaryKey(orgId: number, primaryKey: string) {
  secretsManager.on(GetSecretValueCommand, { SecretId: idOf(orgId) }).rejects(notFound());
  secretsManager
    .on(GetSecretValueCommand, { SecretId: idOf(0) })
    .resolves({ SecretString: primaryKey });
}

/** How often each secret id was read. */
const readsOf = (orgId: number) =>
  secretsManager.commandCalls(GetSecretValueCommand, { SecretId: idOf(orgId) }).length;

let clock: number;

const secretKeys = (overrides: Partial<SecretKeysOptions> = {}) =>
  createSecretKeys({
    client,
    secretIdTemplate: TEMPLATE,
    fallbackToPrimaryOrg: true,
    secretCacheTtlMs: TTL_MS,
    secretMaxStaleMs: MAX_STALE_MS,
    minRefetchIntervalMs: REFETCH_INTERVAL_MS,
    failureBackoffMs: FAILURE_BACKOFF_MS,
    now: () => clock,
    ...overrides,
  });

beforeEach(() => {
  secretsManager.reset();
  clock = 1_700_000_000_000;
});

describe('secretIdFor', () => {
  it('puts the Org id in place of {orgId}, wherever the template has it', () => {
    expect(secretIdFor('a/{orgId}/b', 583464508)).toBe('a/583464508/b');
  });

  it('uses the default template of SPEC §4 as given', () => {
    expect(secretIdFor('thoughtspot/trusted-auth/org/{orgId}', 0)).toBe(
      'thoughtspot/trusted-auth/org/0',
    );
  });
});

describe('parseSecretValue', () => {
  it('reads a bare key, trimmed', () => {
    expect(parseSecretValue('  abc-123 \n')).toBe('abc-123');
  });

  it('reads {"secret_key": ...}', () => {
    expect(parseSecretValue('{"secret_key": "abc-123", "note": "rotated"}')).toBe('abc-123');
  });

  it.each([
    ['undefined', undefined],
    ['an empty string', ''],
    ['JSON without secret_key', '{"key": "abc"}'],
    ['JSON with an empty secret_key', '{"secret_key": "  "}'],
  ])('refuses %s', (_case, value) => {
    expect(() => parseSecretValue(value)).toThrow();
  });

  it('does not put the value in its error', () => {
    // Prepare
    const key = fakeKey('malformed');

    // Act
    const caught = thrown(() => parseSecretValue(`{"secret_key": "${key}"`));

    // Assess
    expect(errorTexts(caught)).not.toContain(key);
  });
});

describe('createSecretKeys', () => {
  describe('keyFor', () => {
    it("returns the Org's own key from a bare secret string", async () => {
      // Prepare
      const key = fakeKey('org7');
      secretsManager
        .on(GetSecretValueCommand, { SecretId: idOf(7) })
        .resolves({ SecretString: key });

      // Act
      const orgKey = await secretKeys().keyFor(7);

      // Assess
      expect(orgKey).toEqual({ key, keyOrgId: 7, fallback: false, cache: 'miss' });
    });

    it('reads a JSON secret {"secret_key": ...}', async () => {
      // Prepare
      const key = fakeKey('json');
      secretsManager
        .on(GetSecretValueCommand, { SecretId: idOf(7) })
        .resolves({ SecretString: JSON.stringify({ secret_key: key }) });

      // Act
      const orgKey = await secretKeys().keyFor(7);

      // Assess
      expect(orgKey.key).toBe(key);
    });

    it('asks Secrets Manager only for the ids the template gives', async () => {
      // Prepare
      givenOnlyPrimaryKey(7, fakeKey('org0'));

      // Act
      await secretKeys().keyFor(7);

      // Assess
      const asked = secretsManager.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input);
      expect(asked).toEqual([
        { SecretId: 'test/thoughtspot/org/7/trusted-auth' },
        { SecretId: 'test/thoughtspot/org/0/trusted-auth' },
      ]);
    });

    it('gives the SDK call a deadline', async () => {
      // Prepare
      secretsManager.on(GetSecretValueCommand).resolves({ SecretString: fakeKey('org7') });

      // Act
      await secretKeys({ lookupTimeoutMs: 20 }).keyFor(7);
      // The stub's typings list only the command; send() also receives the SDK's options.
      const [, options] = secretsManager.call(0).args as unknown as [
        unknown,
        { abortSignal?: AbortSignal }?,
      ];
      await new Promise((resolve) => setTimeout(resolve, 200));

      // Assess
      expect(options?.abortSignal?.aborted).toBe(true);
    });

    it('answers secret_unavailable for JSON without secret_key, without the value', async () => {
      // Prepare
      const key = fakeKey('misfiled');
      secretsManager
        .on(GetSecretValueCommand, { SecretId: idOf(7) })
        .resolves({ SecretString: JSON.stringify({ key }) });

      // Act
      const error = await rejection(secretKeys().keyFor(7));

      // Assess
      expect(error).toBeInstanceOf(SecretUnavailableError);
      expect(error).toMatchObject({ status: 503, code: 'secret_unavailable' });
      expect(errorTexts(error)).not.toContain(key);
    });

    it('serves the cached key while the secret holds JSON without secret_key', async () => {
      // Prepare
      const key = fakeKey('good');
      secretsManager
        .on(GetSecretValueCommand, { SecretId: idOf(7) })
        .resolvesOnce({ SecretString: key })
        .resolves({ SecretString: '{"secret-key": "typo"}' });
      const keys = secretKeys();
      await keys.keyFor(7);
      clock += TTL_MS + 1;

      // Act
      const orgKey = await keys.keyFor(7);

      // Assess
      expect(orgKey).toMatchObject({ key, cache: 'stale' });
      expect(readsOf(7)).toBe(2);
    });

    it("falls back to Org 0's key when the Org has no secret", async () => {
      // Prepare
      const primaryKey = fakeKey('org0');
      givenOnlyPrimaryKey(7, primaryKey);

      // Act
      const orgKey = await secretKeys().keyFor(7);

      // Assess
      expect(orgKey).toEqual({ key: primaryKey, keyOrgId: 0, fallback: true, cache: 'miss' });
    });

    it('treats a secret scheduled for deletion as missing', async () => {
      // Prepare
      const primaryKey = fakeKey('org0');
      secretsManager.on(GetSecretValueCommand, { SecretId: idOf(7) }).rejects(
        new InvalidRequestException({
          message:
            "You can't perform this operation on the secret because it was marked for deletion.",
          $metadata: {},
        }),
      );
      secretsManager
        .on(GetSecretValueCommand, { SecretId: idOf(0) })
        .resolves({ SecretString: primaryKey });

      // Act
      const orgKey = await secretKeys().keyFor(7);

      // Assess
      expect(orgKey).toMatchObject({ key: primaryKey, fallback: true });
    });

    it('answers org_not_configured when the Org has no secret and fallback is off', async () => {
      // Prepare
      givenOnlyPrimaryKey(7, fakeKey('org0'));

      // Act
      const error = await rejection(secretKeys({ fallbackToPrimaryOrg: false }).keyFor(7));

      // Assess
      expect(error).toBeInstanceOf(OrgNotConfiguredError);
      expect(error).toMatchObject({ status: 403, code: 'org_not_configured' });
      expect(readsOf(0)).toBe(0);
    });

    it('answers org_not_configured when Org 0 itself has no secret', async () => {
      // Prepare
      secretsManager.on(GetSecretValueCommand).rejects(notFound());
      const keys = secretKeys();

      // Act
      const forOrg0 = await rejection(keys.keyFor(0));
      const forOrg7 = await rejection(keys.keyFor(7));

      // Assess
      expect(forOrg0).toBeInstanceOf(OrgNotConfiguredError);
      expect(forOrg7).toBeInstanceOf(OrgNotConfiguredError);
    });

    it('answers secret_unavailable when Secrets Manager throttles and nothing is cached', async () => {
      // Prepare
      secretsManager.on(GetSecretValueCommand).rejects(throttled());

      // Act
      const error = await rejection(secretKeys().keyFor(7));

      // Assess
      expect(error).toBeInstanceOf(SecretUnavailableError);
      expect(error).toMatchObject({ status: 503, code: 'secret_unavailable' });
      expect((error as Error).cause).toMatchObject({ name: 'ThrottlingException' });
    });
  });

  describe('cache', () => {
    it('serves a second call within the TTL from the cache', async () => {
      // Prepare
      const key = fakeKey('org7');
      secretsManager.on(GetSecretValueCommand).resolves({ SecretString: key });
      const keys = secretKeys();
      await keys.keyFor(7);
      clock += TTL_MS - 1;

      // Act
      const orgKey = await keys.keyFor(7);

      // Assess
      expect(orgKey).toEqual({ key, keyOrgId: 7, fallback: false, cache: 'hit' });
      expect(readsOf(7)).toBe(1);
    });

    it('reads the secret again once the TTL has passed', async () => {
      // Prepare
      const oldKey = fakeKey('old');
      const newKey = fakeKey('new');
      secretsManager
        .on(GetSecretValueCommand)
        .resolvesOnce({ SecretString: oldKey })
        .resolves({ SecretString: newKey });
      const keys = secretKeys();
      await keys.keyFor(7);
      clock += TTL_MS;

      // Act
      const orgKey = await keys.keyFor(7);

      // Assess
      expect(orgKey).toMatchObject({ key: newKey, cache: 'miss' });
      expect(readsOf(7)).toBe(2);
    });

    it('caches "this Org has no secret" too', async () => {
      // Prepare
      const primaryKey = fakeKey('org0');
      givenOnlyPrimaryKey(7, primaryKey);
      const keys = secretKeys();
      await keys.keyFor(7);
      clock += TTL_MS - 1;

      // Act
      const orgKey = await keys.keyFor(7);

      // Assess
      expect(orgKey).toEqual({ key: primaryKey, keyOrgId: 0, fallback: true, cache: 'hit' });
      expect(readsOf(7)).toBe(1);
      expect(readsOf(0)).toBe(1);
    });

    it('reports a fallback as a miss when either lookup was one', async () => {
      // Prepare
      givenOnlyPrimaryKey(7, fakeKey('org0'));
      const keys = secretKeys();
      await keys.keyFor(0);

      // Act
      const orgKey = await keys.keyFor(7);

      // Assess
      expect(orgKey.cache).toBe('miss');
    });

    it('shares one lookup among 50 concurrent cold calls (single flight)', async () => {
      // Prepare
      const primaryKey = fakeKey('org0');
      givenOnlyPrimaryKey(7, primaryKey);
      const keys = secretKeys();

      // Act
      const results = await Promise.all(Array.from({ length: 50 }, () => keys.keyFor(7)));

      // Assess
      expect(results.every((orgKey) => orgKey.key === primaryKey && orgKey.fallback)).toBe(true);
      expect(readsOf(7)).toBe(1);
      expect(readsOf(0)).toBe(1);
    });

    it('forgets everything on clear()', async () => {
      // Prepare
      secretsManager.on(GetSecretValueCommand).resolves({ SecretString: fakeKey('org7') });
      const keys = secretKeys();
      await keys.keyFor(7);

      // Act
      keys.clear();
      const orgKey = await keys.keyFor(7);

      // Assess
      expect(orgKey.cache).toBe('miss');
      expect(readsOf(7)).toBe(2);
    });
  });

  describe('stale-if-error', () => {
    it('serves the cached key past its TTL while Secrets Manager fails', async () => {
      // Prepare
      const key = fakeKey('org7');
      secretsManager
        .on(GetSecretValueCommand)
        .resolvesOnce({ SecretString: key })
        .rejects(throttled());
      const keys = secretKeys();
      await keys.keyFor(7);
      clock += TTL_MS + 1;

      // Act
      const orgKey = await keys.keyFor(7);

      // Assess
      expect(orgKey).toEqual({ key, keyOrgId: 7, fallback: false, cache: 'stale' });
      expect(readsOf(7)).toBe(2);
    });

    it('keeps serving it until TTL + max stale, then answers secret_unavailable', async () => {
      // Prepare
      const key = fakeKey('org7');
      secretsManager
        .on(GetSecretValueCommand)
        .resolvesOnce({ SecretString: key })
        .rejects(throttled());
      const keys = secretKeys();
      await keys.keyFor(7);
      const fetchedAt = clock;

      // Act
      clock = fetchedAt + TTL_MS + MAX_STALE_MS - 1;
      const lastStale = await keys.keyFor(7);
      clock = fetchedAt + TTL_MS + MAX_STALE_MS;
      const error = await rejection(keys.keyFor(7));

      // Assess
      expect(lastStale).toMatchObject({ key, cache: 'stale' });
      expect(error).toBeInstanceOf(SecretUnavailableError);
      expect(errorTexts(error)).not.toContain(key);
    });

    it('does not ask a failing Secrets Manager again on every call', async () => {
      // Prepare
      const key = fakeKey('org7');
      secretsManager
        .on(GetSecretValueCommand)
        .resolvesOnce({ SecretString: key })
        .rejects(throttled());
      const keys = secretKeys();
      await keys.keyFor(7);
      clock += TTL_MS + 1;
      await keys.keyFor(7);

      // Act
      clock += FAILURE_BACKOFF_MS - 1;
      const during = await Promise.all([keys.keyFor(7), keys.keyFor(7)]);
      const readsDuringBackoff = readsOf(7);
      clock += 1;
      await keys.keyFor(7);

      // Assess
      expect(during.map((orgKey) => orgKey.cache)).toEqual(['stale', 'stale']);
      expect(readsDuringBackoff).toBe(2);
      expect(readsOf(7)).toBe(3);
    });

    it('recovers with the new key once Secrets Manager answers again', async () => {
      // Prepare
      const oldKey = fakeKey('old');
      const newKey = fakeKey('new');
      secretsManager
        .on(GetSecretValueCommand)
        .resolvesOnce({ SecretString: oldKey })
        .rejectsOnce(throttled())
        .resolves({ SecretString: newKey });
      const keys = secretKeys();
      await keys.keyFor(7);
      clock += TTL_MS + 1;
      await keys.keyFor(7);
      clock += FAILURE_BACKOFF_MS;

      // Act
      const orgKey = await keys.keyFor(7);

      // Assess
      expect(orgKey).toMatchObject({ key: newKey, cache: 'miss' });
    });
  });

  describe('refetch', () => {
    /** A SecretKeys whose Org 7 key was read once (cached) and will read `next` afterwards. */
    async function cachedThen(next: string | Error | 'unchanged') {
      const first = fakeKey('first');
      const behaviour = secretsManager
        .on(GetSecretValueCommand, { SecretId: idOf(7) })
        .resolvesOnce({ SecretString: first });
      if (next === 'unchanged') behaviour.resolves({ SecretString: ` ${first}\n` });
      else if (typeof next === 'string') behaviour.resolves({ SecretString: next });
      else behaviour.rejects(next);
      const keys = secretKeys();
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
      expect(readsOf(7)).toBe(2);
    });

    it('returns undefined when the secret is unchanged', async () => {
      // Prepare
      const { keys, used } = await cachedThen('unchanged');

      // Act
      const fresh = await keys.refetch(used);

      // Assess
      expect(fresh).toBeUndefined();
      expect(readsOf(7)).toBe(2);
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
      expect(readsOf(7)).toBe(2);
    });

    it('does not call Secrets Manager again within minRefetchIntervalMs', async () => {
      // Prepare
      const rotated = fakeKey('rotated');
      const { keys, used } = await cachedThen(rotated);
      await keys.refetch(used);
      clock += REFETCH_INTERVAL_MS - 1;

      // Act: a request still holding the old key also got a 401
      const second = await keys.refetch(used);

      // Assess
      expect(readsOf(7)).toBe(2);
      expect(second?.key).toBe(rotated);
    });

    it('returns undefined within minRefetchIntervalMs when the caller already has the latest key', async () => {
      // Prepare
      const rotated = fakeKey('rotated');
      const { keys, used } = await cachedThen(rotated);
      const fresh = await keys.refetch(used);
      clock += 1;

      // Act
      const again = fresh && (await keys.refetch(fresh));

      // Assess
      expect(fresh?.key).toBe(rotated);
      expect(again).toBeUndefined();
      expect(readsOf(7)).toBe(2);
    });

    it('calls Secrets Manager again once minRefetchIntervalMs has passed', async () => {
      // Prepare
      const { keys, used } = await cachedThen(fakeKey('rotated'));
      await keys.refetch(used);
      clock += REFETCH_INTERVAL_MS;

      // Act
      await keys.refetch(used);

      // Assess
      expect(readsOf(7)).toBe(3);
    });

    it('shares one lookup among concurrent refetches', async () => {
      // Prepare
      const rotated = fakeKey('rotated');
      const { keys, used } = await cachedThen(rotated);

      // Act
      const results = await Promise.all(Array.from({ length: 20 }, () => keys.refetch(used)));

      // Assess
      expect(readsOf(7)).toBe(2);
      expect(results.every((fresh) => fresh?.key === rotated)).toBe(true);
    });

    it('returns undefined, without throwing, when Secrets Manager fails', async () => {
      // Prepare
      const { keys, used } = await cachedThen(throttled());

      // Act
      const fresh = await keys.refetch(used);

      // Assess
      expect(fresh).toBeUndefined();
      expect(readsOf(7)).toBe(2);
    });

    it("re-reads Org 0's secret for a fallback key", async () => {
      // Prepare
      const rotated = fakeKey('org0-rotated');
      secretsManager.on(GetSecretValueCommand, { SecretId: idOf(7) }).rejects(notFound());
      secretsManager
        .on(GetSecretValueCommand, { SecretId: idOf(0) })
        .resolvesOnce({ SecretString: fakeKey('org0') })
        .resolves({ SecretString: rotated });
      const keys = secretKeys();
      const used: OrgKey = await keys.keyFor(7);

      // Act
      const fresh = await keys.refetch(used);

      // Assess
      expect(fresh).toEqual({ key: rotated, keyOrgId: 0, fallback: true, cache: 'miss' });
      expect(readsOf(0)).toBe(2);
      expect(readsOf(7)).toBe(1);
    });
  });

  describe('errors', () => {
    it('never carry a key, whatever went wrong', async () => {
      // Prepare
      const key = fakeKey('leak');
      const values = [
        JSON.stringify({ key }),
        `{"secret_key": "${key}"`,
        JSON.stringify({ secret_key: [key] }),
      ];
      const errors: unknown[] = [];

      // Act
      for (const value of values) {
        secretsManager.reset();
        secretsManager.on(GetSecretValueCommand).resolves({ SecretString: value });
        errors.push(await rejection(secretKeys().keyFor(7)));
      }

      // Assess
      for (const error of errors) {
        expect(error).toBeInstanceOf(ServiceError);
        expect(errorTexts(error)).not.toContain(key);
        expect(JSON.stringify(error)).not.toContain(key);
      }
    });
  });
});
