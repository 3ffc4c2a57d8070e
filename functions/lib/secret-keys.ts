import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import type { Config } from './config.js';
import { ORG_ID_PLACEHOLDER } from './config-rules.cjs';
import { OrgNotConfiguredError, SecretUnavailableError, SecretValueError } from './errors.js';
import { parseJson } from './json.js';

/**
 * Per-Org secret keys from Secrets Manager, behind a narrow port.
 *
 * - Each secret id is cached for the TTL, including "this Org has no secret".
 * - Concurrent lookups of one secret id share one request (single flight).
 * - While Secrets Manager fails, a cached answer is served up to maxStale past its TTL.
 * - An Org without a secret borrows the primary Org's (Org 0) key, if fallback is on.
 */

export type CacheStatus = 'hit' | 'miss' | 'stale';

export interface OrgKey {
  key: string;
  /** The Org whose secret holds the key: the caller's Org, or 0 on fallback. */
  keyOrgId: number;
  fallback: boolean;
  cache: CacheStatus;
}

export interface SecretKeys {
  /** The key to mint tokens for `orgId` with. Throws OrgNotConfigured / SecretUnavailable. */
  keyFor(orgId: number): Promise<OrgKey>;
  /**
   * After ThoughtSpot rejected `used`: read its secret again, bypassing the cache.
   * Returns the new key when it changed, else undefined.
   */
  refetch(used: OrgKey): Promise<OrgKey | undefined>;
  /** Forgets everything (tests). */
  clear(): void;
}

export interface SecretKeysOptions
  extends Pick<
    Config,
    'secretIdTemplate' | 'fallbackToPrimaryOrg' | 'secretCacheTtlMs' | 'secretMaxStaleMs'
  > {
  client: Pick<SecretsManagerClient, 'send'>;
  /** Deadline for one GetSecretValue, SDK retries included. */
  lookupTimeoutMs?: number;
  /** Forced refetches of one secret happen at most this often. */
  minRefetchIntervalMs?: number;
  /** After a failed lookup, serve stale answers this long before asking again. */
  failureBackoffMs?: number;
  now?: () => number;
}

export const PRIMARY_ORG_ID = 0;
/** Deadline for one GetSecretValue, SDK retries included. */
export const DEFAULT_LOOKUP_TIMEOUT_MS = 3000;

/** `{"secret_key": "..."}` or the bare key. */
const JsonSecretSchema = z.object({ secret_key: z.string().check(z.trim(), z.minLength(1)) });

/** Turns a SecretString into the key; throws (without the value) when it holds none. */
export function parseSecretValue(value: string | undefined): string {
  const text = value?.trim() ?? '';
  if (text.startsWith('{')) {
    const json = parseJson(text);
    if (json === undefined) throw new SecretValueError('secret holds malformed JSON');
    const parsed = JsonSecretSchema.safeParse(json);
    if (!parsed.success)
      throw new SecretValueError('secret holds JSON without a "secret_key" string');
    return parsed.data.secret_key;
  }
  if (text === '') throw new SecretValueError('secret is empty');
  return text;
}

/** Org `orgId`'s secret name; config guarantees `{orgId}` appears in the template once. */
export const secretIdFor = (template: string, orgId: number): string =>
  template.replace(ORG_ID_PLACEHOLDER, String(orgId));

/** A cached answer: the key, or null for "this Org has no secret". */
interface Entry {
  key: string | null;
  fetchedAt: number;
}

interface Lookup {
  key: string | null;
  cache: CacheStatus;
}

const isNotFound = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'ResourceNotFoundException' ||
    // A secret scheduled for deletion is, for us, a secret that is gone.
    (error.name === 'InvalidRequestException' && /marked for deletion/i.test(error.message)));

export function createSecretKeys(options: SecretKeysOptions): SecretKeys {
  const {
    client,
    secretIdTemplate,
    fallbackToPrimaryOrg,
    secretCacheTtlMs,
    secretMaxStaleMs,
    lookupTimeoutMs = DEFAULT_LOOKUP_TIMEOUT_MS,
    minRefetchIntervalMs = 5000,
    failureBackoffMs = 5000,
    now = Date.now,
  } = options;

  const entries = new Map<string, Entry>();
  const failedAt = new Map<string, number>();
  const forcedAt = new Map<string, number>();
  const inFlight = new Map<string, Promise<Lookup>>();

  async function fetchSecret(secretId: string): Promise<string | null> {
    try {
      const output = await client.send(new GetSecretValueCommand({ SecretId: secretId }), {
        abortSignal: AbortSignal.timeout(lookupTimeoutMs),
      });
      return parseSecretValue(output.SecretString);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  function load(secretId: string): Promise<Lookup> {
    const running = inFlight.get(secretId);
    if (running) return running;
    const lookup = (async (): Promise<Lookup> => {
      try {
        const key = await fetchSecret(secretId);
        entries.set(secretId, { key, fetchedAt: now() });
        failedAt.delete(secretId);
        return { key, cache: 'miss' };
      } catch (error) {
        failedAt.set(secretId, now());
        const stale = usableStale(secretId);
        if (stale) return stale;
        throw new SecretUnavailableError(undefined, { cause: error });
      }
    })().finally(() => inFlight.delete(secretId));
    inFlight.set(secretId, lookup);
    return lookup;
  }

  function usableStale(secretId: string): Lookup | undefined {
    const entry = entries.get(secretId);
    if (entry && now() - entry.fetchedAt < secretCacheTtlMs + secretMaxStaleMs) {
      return { key: entry.key, cache: 'stale' };
    }
    return undefined;
  }

  function lookup(secretId: string): Promise<Lookup> {
    const entry = entries.get(secretId);
    if (entry && now() - entry.fetchedAt < secretCacheTtlMs) {
      return Promise.resolve({ key: entry.key, cache: 'hit' });
    }
    // Secrets Manager just failed for this id: don't make every request wait on it again.
    const failed = failedAt.get(secretId);
    if (failed !== undefined && now() - failed < failureBackoffMs) {
      const stale = usableStale(secretId);
      if (stale) return Promise.resolve(stale);
    }
    return load(secretId);
  }

  const worst = (a: CacheStatus, b: CacheStatus): CacheStatus =>
    a === 'miss' || b === 'miss' ? 'miss' : a === 'stale' || b === 'stale' ? 'stale' : 'hit';

  return {
    async keyFor(orgId) {
      const own = await lookup(secretIdFor(secretIdTemplate, orgId));
      if (own.key !== null)
        return { key: own.key, keyOrgId: orgId, fallback: false, cache: own.cache };
      if (orgId === PRIMARY_ORG_ID || !fallbackToPrimaryOrg) throw new OrgNotConfiguredError();
      const primary = await lookup(secretIdFor(secretIdTemplate, PRIMARY_ORG_ID));
      if (primary.key === null) throw new OrgNotConfiguredError();
      return {
        key: primary.key,
        keyOrgId: PRIMARY_ORG_ID,
        fallback: true,
        cache: worst(own.cache, primary.cache),
      };
    },

    async refetch(used) {
      const secretId = secretIdFor(secretIdTemplate, used.keyOrgId);
      // A burst of rejections (a key really revoked) must not become a burst of lookups:
      // one forced lookup per secret every few seconds, shared by everyone who asks meanwhile.
      const last = forcedAt.get(secretId);
      const recentlyForced = last !== undefined && now() - last < minRefetchIntervalMs;
      if (!recentlyForced) forcedAt.set(secretId, now());
      // load() joins a lookup already in flight; otherwise a recent forced read stands.
      const fresh =
        recentlyForced && !inFlight.has(secretId)
          ? entries.get(secretId)
          : await load(secretId).catch(() => undefined);
      if (!fresh || fresh.key === null || fresh.key === used.key) return undefined;
      return { ...used, key: fresh.key, cache: 'miss' };
    },

    clear() {
      entries.clear();
      failedAt.clear();
      forcedAt.clear();
      inFlight.clear();
    },
  };
}
