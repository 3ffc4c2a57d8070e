import { createHash, timingSafeEqual } from 'node:crypto';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretValueError } from '../../functions/lib/errors.js';
import { parseSecretValue } from '../../functions/lib/secret-keys.js';

/**
 * An Org secret's stored key, read and compared in memory only: keys and their
 * SHA-256 digests are never printed (a digest of a known key confirms it).
 */

const digest = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

export const sameKey = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

export interface StoredValue {
  /** The SecretString, for keeping its format when writing the next one. */
  value: string | undefined;
  /** The key in it (bare or {"secret_key"}), undefined when it holds none usable. */
  key: string | undefined;
}

/** The AWSCURRENT value of an Org secret and the key in it. */
export async function readStoredKey(
  client: SecretsManagerClient,
  secretId: string,
): Promise<StoredValue> {
  const { SecretString: value } = await client.send(
    new GetSecretValueCommand({ SecretId: secretId }),
  );
  try {
    return { value, key: parseSecretValue(value) };
  } catch (error) {
    if (error instanceof SecretValueError) return { value, key: undefined };
    throw error;
  }
}
