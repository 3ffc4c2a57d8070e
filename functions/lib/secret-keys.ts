import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import type { Config } from './config.js';
import { ORG_ID_PLACEHOLDER, SECRET_LOOKUP_TIMEOUT_MS } from './config-rules.cjs';
import { OrgNotConfiguredError, SecretUnavailableError, SecretValueError } from './errors.js';
import { parseJson } from './json.js';
import { createRotationWatch, DEFAULT_ROTATION_POLL_INTERVAL_MS } from './rotation-watch.js';
import { isNotFound } from './secret-stages.js';

/**
 * Per-Org secret keys from Secrets Manager, behind a narrow port.
 *
 * - Each secret id is cached for the TTL, including "this Org has no secret".
 * - Concurrent lookups of one secret id share one request (single flight).
 * - While Secrets Manager fails, a cached answer is served up to maxStale past its TTL.
 * - An Org without a secret borrows the primary Org's (Org 0) key, if fallback is on.
 * - After a rejection, a rotation in progress is waited for (rotation-watch.ts) and its
 *   AWSPENDING key is cached in place of AWSCURRENT's until finishSecret moves AWSCURRENT.
 */

export type CacheStatus = 'hit' | 'miss' | 'stale';

export interface OrgKey {
  key: string;
  /** The Org whose secret holds the key: the caller's Org, or 0 on fallback. */
  keyOrgId: number;
  fallback: boolean;
  cache: CacheStatus;
}

/** What a look at AWSPENDING found after a rejection. */
export interface PendingLookup {
  /** A different key to retry with: AWSPENDING's, or AWSCURRENT's if a rotation just ended. */
  key?: OrgKey | undefined;
  /** A rotation of the key's secret was in progress (the request waited for it). */
  rotating: boolean;
  /** `until` passed before the look found a key (or before any look). */
  timedOut?: boolean;
}

export interface SecretKeys {
  /** The key to mint tokens for `orgId` with. Throws OrgNotConfigured / SecretUnavailable. */
  keyFor(orgId: number): Promise<OrgKey>;
  /**
   * After ThoughtSpot rejected `used`: read its secret again, bypassing the cache.
   * Returns the new key when it changed, else undefined.
   */
  refetch(used: OrgKey): Promise<OrgKey | undefined>;
  /**
   * After ThoughtSpot rejected `used` and AWSCURRENT gave no other key: the rotation's
   * AWSPENDING key. While a rotation is in progress and that key is not stored yet, waits
   * for it (one shared poll per secret) until `until` (epoch ms); with none in progress,
   * answers after one look. Never throws.
   */
  pendingKey(used: OrgKey, until: number): Promise<PendingLookup>;
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
  /** While requests wait for a rotation, looks at its secret start at least this far apart. */
  rotationPollIntervalMs?: number;
  now?: () => number;
}

export const PRIMARY_ORG_ID = 0;
/** Deadline for one GetSecretValue, SDK retries included (config-rules.cjs). */
export const DEFAULT_LOOKUP_TIMEOUT_MS = SECRET_LOOKUP_TIMEOUT_MS;
export const DEFAULT_MIN_REFETCH_INTERVAL_MS = 5000;

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
  /** The secret version the key came from. */
  versionId?: string;
  /**
   * Set when the key is a rotation's AWSPENDING key: the AWSCURRENT version it replaces.
   * Until finishSecret moves AWSCURRENT, reads still return that version's dead key.
   */
  supersedes?: string;
}

interface Fetched {
  key: string | null;
  versionId?: string;
}

interface Lookup {
  key: string | null;
  cache: CacheStatus;
}

export function createSecretKeys(options: SecretKeysOptions): SecretKeys {
  const {
    client,
    secretIdTemplate,
    fallbackToPrimaryOrg,
    secretCacheTtlMs,
    secretMaxStaleMs,
    lookupTimeoutMs = DEFAULT_LOOKUP_TIMEOUT_MS,
    minRefetchIntervalMs = DEFAULT_MIN_REFETCH_INTERVAL_MS,
    failureBackoffMs = 5000,
    rotationPollIntervalMs = DEFAULT_ROTATION_POLL_INTERVAL_MS,
    now = Date.now,
  } = options;

  const entries = new Map<string, Entry>();
  const failedAt = new Map<string, number>();
  const forcedAt = new Map<string, number>();
  const inFlight = new Map<string, Promise<Lookup>>();

  async function fetchSecret(secretId: string): Promise<Fetched> {
    try {
      const output = await client.send(new GetSecretValueCommand({ SecretId: secretId }), {
        abortSignal: AbortSignal.timeout(lookupTimeoutMs),
      });
      const key = parseSecretValue(output.SecretString);
      return output.VersionId === undefined ? { key } : { key, versionId: output.VersionId };
    } catch (error) {
      if (isNotFound(error)) return { key: null };
      throw error;
    }
  }

  /** What a read of AWSCURRENT means for the cache. */
  function entryFor(secretId: string, fetched: Fetched): Entry {
    const prior = entries.get(secretId);
    // Mid-rotation AWSCURRENT still holds the key the rotation killed: keep AWSPENDING's.
    if (prior?.supersedes !== undefined && prior.supersedes === fetched.versionId) {
      return { ...prior, fetchedAt: now() };
    }
    return { ...fetched, fetchedAt: now() };
  }

  function load(secretId: string): Promise<Lookup> {
    const running = inFlight.get(secretId);
    if (running) return running;
    const lookup = (async (): Promise<Lookup> => {
      try {
        const entry = entryFor(secretId, await fetchSecret(secretId));
        entries.set(secretId, entry);
        failedAt.delete(secretId);
        return { key: entry.key, cache: 'miss' };
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

  const rotations = createRotationWatch({
    client,
    lookupTimeoutMs,
    pollIntervalMs: rotationPollIntervalMs,
    knownKey: (secretId, versionId) => {
      const entry = entries.get(secretId);
      return entry?.versionId === versionId ? (entry.key ?? undefined) : undefined;
    },
    parse: parseSecretValue,
    isNotFound,
    now,
  });

  /** Caches a rotation's AWSPENDING key in place of AWSCURRENT's dead one. */
  function adoptPending(secretId: string, key: string, versionId: string, supersedes?: string) {
    if (entries.get(secretId)?.versionId === versionId) return;
    entries.set(secretId, {
      key,
      fetchedAt: now(),
      versionId,
      ...(supersedes === undefined ? {} : { supersedes }),
    });
  }

  /** AWSCURRENT's key once no rotation is in progress: re-read if its version moved. */
  async function currentKey(secretId: string, currentVersionId: string | undefined) {
    const entry = entries.get(secretId);
    if (currentVersionId === undefined || entry?.versionId === currentVersionId) {
      return entry?.key ?? undefined;
    }
    const fresh = await load(secretId).catch(() => undefined);
    return fresh?.key ?? undefined;
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

    async pendingKey(used, until) {
      const secretId = secretIdFor(secretIdTemplate, used.keyOrgId);
      const other = (key: string | undefined): OrgKey | undefined =>
        key === undefined || key === used.key ? undefined : { ...used, key, cache: 'miss' };
      let rotating = false;
      for (;;) {
        const look = await rotations.nextLook(secretId, until);
        // The deadline passed while the rotation's key was not readable yet.
        if (look === undefined) return { rotating, timedOut: true };
        // Secrets Manager failed: keep waiting only for a rotation already seen.
        if (look.state === 'unknown') {
          if (rotating) continue;
          return { rotating };
        }
        if (look.state === 'idle') {
          return { rotating, key: other(await currentKey(secretId, look.currentVersionId)) };
        }
        rotating = true;
        if (look.pendingKey === null) continue;
        if (look.pendingKey !== used.key) {
          adoptPending(secretId, look.pendingKey, look.pendingVersionId, look.currentVersionId);
        }
        return { rotating, key: other(look.pendingKey) };
      }
    },

    clear() {
      entries.clear();
      failedAt.clear();
      forcedAt.clear();
      inFlight.clear();
      rotations.clear();
    },
  };
}
