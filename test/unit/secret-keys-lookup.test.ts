import { GetSecretValueCommand, InvalidRequestException } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import {
  OrgNotConfiguredError,
  SecretUnavailableError,
  ServiceError,
} from '../../functions/lib/errors.js';
import { errorTexts, rejection } from '../support/errors.js';
import { fakeKey } from '../support/fixtures.js';
import {
  idOf,
  notFound,
  TTL_MS,
  throttled,
  useMockedSecretsManager,
} from '../support/secret-keys-mock.js';

/** The key port's lookup (SPEC §4): which secret it reads, its fallback to Org 0, its errors. */

const aws = useMockedSecretsManager();

describe('createSecretKeys looking up an Org key (keyFor)', () => {
  it("returns the Org's own key from a bare secret string", async () => {
    // Prepare
    const key = fakeKey('org7');
    aws.mock.on(GetSecretValueCommand, { SecretId: idOf(7) }).resolves({ SecretString: key });

    // Act
    const orgKey = await aws.secretKeys().keyFor(7);

    // Assess
    expect(orgKey).toEqual({ key, keyOrgId: 7, fallback: false, cache: 'miss' });
  });

  it('reads a JSON secret {"secret_key": ...}', async () => {
    // Prepare
    const key = fakeKey('json');
    aws.mock
      .on(GetSecretValueCommand, { SecretId: idOf(7) })
      .resolves({ SecretString: JSON.stringify({ secret_key: key }) });

    // Act
    const orgKey = await aws.secretKeys().keyFor(7);

    // Assess
    expect(orgKey.key).toBe(key);
  });

  it('asks Secrets Manager only for the ids the template gives', async () => {
    // Prepare
    aws.givenOnlyPrimaryKey(7, fakeKey('org0'));

    // Act
    await aws.secretKeys().keyFor(7);

    // Assess
    const asked = aws.mock.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input);
    expect(asked).toEqual([
      { SecretId: 'test/thoughtspot/org/7/trusted-auth' },
      { SecretId: 'test/thoughtspot/org/0/trusted-auth' },
    ]);
  });

  it('gives the SDK call a deadline', async () => {
    // Prepare
    aws.mock.on(GetSecretValueCommand).resolves({ SecretString: fakeKey('org7') });

    // Act
    await aws.secretKeys({ lookupTimeoutMs: 20 }).keyFor(7);
    // The stub's typings list only the command; send() also receives the SDK's options.
    const [, options] = aws.mock.call(0).args as unknown as [
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
    aws.mock
      .on(GetSecretValueCommand, { SecretId: idOf(7) })
      .resolves({ SecretString: JSON.stringify({ key }) });

    // Act
    const error = await rejection(aws.secretKeys().keyFor(7));

    // Assess
    expect(error).toBeInstanceOf(SecretUnavailableError);
    expect(error).toMatchObject({ status: 503, code: 'secret_unavailable' });
    expect(errorTexts(error)).not.toContain(key);
  });

  it('serves the cached key while the secret holds JSON without secret_key', async () => {
    // Prepare
    const key = fakeKey('good');
    aws.mock
      .on(GetSecretValueCommand, { SecretId: idOf(7) })
      .resolvesOnce({ SecretString: key })
      .resolves({ SecretString: '{"secret-key": "typo"}' });
    const keys = aws.secretKeys();
    await keys.keyFor(7);
    aws.clock.now += TTL_MS + 1;

    // Act
    const orgKey = await keys.keyFor(7);

    // Assess
    expect(orgKey).toMatchObject({ key, cache: 'stale' });
    expect(aws.readsOf(7)).toBe(2);
  });

  it("falls back to Org 0's key when the Org has no secret", async () => {
    // Prepare
    const primaryKey = fakeKey('org0');
    aws.givenOnlyPrimaryKey(7, primaryKey);

    // Act
    const orgKey = await aws.secretKeys().keyFor(7);

    // Assess
    expect(orgKey).toEqual({ key: primaryKey, keyOrgId: 0, fallback: true, cache: 'miss' });
  });

  it('treats a secret scheduled for deletion as missing', async () => {
    // Prepare
    const primaryKey = fakeKey('org0');
    aws.mock.on(GetSecretValueCommand, { SecretId: idOf(7) }).rejects(
      new InvalidRequestException({
        message:
          "You can't perform this operation on the secret because it was marked for deletion.",
        $metadata: {},
      }),
    );
    aws.mock
      .on(GetSecretValueCommand, { SecretId: idOf(0) })
      .resolves({ SecretString: primaryKey });

    // Act
    const orgKey = await aws.secretKeys().keyFor(7);

    // Assess
    expect(orgKey).toMatchObject({ key: primaryKey, fallback: true });
  });

  it('answers org_not_configured when the Org has no secret and fallback is off', async () => {
    // Prepare
    aws.givenOnlyPrimaryKey(7, fakeKey('org0'));

    // Act
    const error = await rejection(aws.secretKeys({ fallbackToPrimaryOrg: false }).keyFor(7));

    // Assess
    expect(error).toBeInstanceOf(OrgNotConfiguredError);
    expect(error).toMatchObject({ status: 403, code: 'org_not_configured' });
    expect(aws.readsOf(0)).toBe(0);
  });

  it('answers org_not_configured when Org 0 itself has no secret', async () => {
    // Prepare
    aws.mock.on(GetSecretValueCommand).rejects(notFound());
    const keys = aws.secretKeys();

    // Act
    const forOrg0 = await rejection(keys.keyFor(0));
    const forOrg7 = await rejection(keys.keyFor(7));

    // Assess
    expect(forOrg0).toBeInstanceOf(OrgNotConfiguredError);
    expect(forOrg7).toBeInstanceOf(OrgNotConfiguredError);
  });

  it('answers secret_unavailable when Secrets Manager throttles and nothing is cached', async () => {
    // Prepare
    aws.mock.on(GetSecretValueCommand).rejects(throttled());

    // Act
    const error = await rejection(aws.secretKeys().keyFor(7));

    // Assess
    expect(error).toBeInstanceOf(SecretUnavailableError);
    expect(error).toMatchObject({ status: 503, code: 'secret_unavailable' });
    expect((error as Error).cause).toMatchObject({ name: 'ThrottlingException' });
  });
});

describe('createSecretKeys errors', () => {
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
      aws.mock.reset();
      aws.mock.on(GetSecretValueCommand).resolves({ SecretString: value });
      errors.push(await rejection(aws.secretKeys().keyFor(7)));
    }

    // Assess
    for (const error of errors) {
      expect(error).toBeInstanceOf(ServiceError);
      expect(errorTexts(error)).not.toContain(key);
      expect(JSON.stringify(error)).not.toContain(key);
    }
  });
});
