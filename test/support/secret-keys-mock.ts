import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach } from 'vitest';
import {
  createSecretKeys,
  type SecretKeysOptions,
  secretIdFor,
} from '../../functions/lib/secret-keys.js';

/**
 * The key port (createSecretKeys) against Secrets Manager mocked with
 * aws-sdk-client-mock, for its unit tests: one secret-id template, one set of timings,
 * and the AWS errors they need. rotating-secrets.ts builds its rotation model on these.
 */

export const TEMPLATE = 'test/thoughtspot/org/{orgId}/trusted-auth';
export const idOf = (orgId: number) => secretIdFor(TEMPLATE, orgId);

export const TTL_MS = 60_000;
export const MAX_STALE_MS = 600_000;
export const REFETCH_INTERVAL_MS = 5000;
export const FAILURE_BACKOFF_MS = 5000;

/** createSecretKeys options of these tests, on `client`. */
export const keyPortOptions = (
  client: SecretsManagerClient,
  overrides: Partial<SecretKeysOptions> = {},
): SecretKeysOptions => ({
  client,
  secretIdTemplate: TEMPLATE,
  fallbackToPrimaryOrg: true,
  secretCacheTtlMs: TTL_MS,
  secretMaxStaleMs: MAX_STALE_MS,
  minRefetchIntervalMs: REFETCH_INTERVAL_MS,
  ...overrides,
});

/** Secrets Manager's answer for a secret (or version) it does not have. */
export const notFound = (message = "Secrets Manager can't find the specified secret.") =>
  new ResourceNotFoundException({ message, $metadata: { httpStatusCode: 400 } });

export const throttled = () => {
  const error = new Error('Rate exceeded');
  error.name = 'ThrottlingException';
  return error;
};

/**
 * A mocked Secrets Manager and a clock, both reset before each test of the file, and
 * the key port on them.
 */
export function useMockedSecretsManager() {
  const mock = mockClient(SecretsManagerClient);
  const client = new SecretsManagerClient({ region: 'us-east-1' });
  const clock = { now: 0 };
  beforeEach(() => {
    mock.reset();
    clock.now = 1_700_000_000_000;
  });
  return {
    mock,
    clock,
    /** The key port on the mock, reading `clock` and backing off FAILURE_BACKOFF_MS. */
    secretKeys: (overrides: Partial<SecretKeysOptions> = {}) =>
      createSecretKeys(
        keyPortOptions(client, {
          failureBackoffMs: FAILURE_BACKOFF_MS,
          now: () => clock.now,
          ...overrides,
        }),
      ),
    /** How often the Org's secret was read. */
    readsOf: (orgId: number) =>
      mock.commandCalls(GetSecretValueCommand, { SecretId: idOf(orgId) }).length,
    /** Org `orgId` has no secret; Org 0's holds `primaryKey`. */
    givenOnlyPrimaryKey(orgId: number, primaryKey: string) {
      mock.on(GetSecretValueCommand, { SecretId: idOf(orgId) }).rejects(notFound());
      mock.on(GetSecretValueCommand, { SecretId: idOf(0) }).resolves({ SecretString: primaryKey });
    },
  };
}
