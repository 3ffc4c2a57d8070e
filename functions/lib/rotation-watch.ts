import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { AWSCURRENT, AWSPENDING, pendingVersion, versionWith } from './secret-stages.js';

/**
 * Looks at a secret's rotation for requests whose key ThoughtSpot rejected (SPEC §5).
 * Used only after a rejection: the token function's hot path never comes here.
 *
 * A rotation in progress shows in DescribeSecret's `VersionIdsToStages` as AWSPENDING on
 * a version other than AWSCURRENT's. Until createSecret stores the new key that version
 * has no value (GetSecretValue answers ResourceNotFoundException), so the stage map, not
 * the read, is the signal.
 *
 * One poll per secret, shared by everyone waiting: each look is one DescribeSecret plus,
 * while a rotation is in progress and its key is not known yet, one GetSecretValue of
 * AWSPENDING. Looks run one at a time and start at least `pollIntervalMs` apart, and only
 * while someone waits.
 *
 * The bound, per secret and container, however many requests are rejected or wait: at
 * most 1000 / pollIntervalMs looks per second (4 at the default 250 ms), each one
 * DescribeSecret and at most one GetSecretValue (AWSPENDING's key while a rotation is in
 * progress, or, in secret-keys.ts, AWSCURRENT's once a look finds it moved), so ≤ 4 + 4
 * calls per second. On top, secret-keys.ts's forced refetch of AWSCURRENT stays at most
 * one per minRefetchIntervalMs (5 s). Once the new key is cached, requests mint with it
 * and stop calling.
 *
 * A waiter is served by the first look that starts after it asked: an earlier one may
 * predate the rotation that killed its key (AWSPENDING is registered before createSecret
 * disables the old key, so a look that starts after the rejection sees it).
 */

export type RotationLook =
  /** No rotation in progress (none, or it has just ended): AWSCURRENT is the key to use. */
  | { state: 'idle'; currentVersionId: string | undefined }
  | {
      state: 'rotating';
      currentVersionId: string | undefined;
      pendingVersionId: string;
      /** AWSPENDING's key, or null while createSecret has not stored it yet. */
      pendingKey: string | null;
    }
  /** DescribeSecret (or the AWSPENDING read) failed. */
  | { state: 'unknown' };

export interface RotationWatchOptions {
  client: Pick<SecretsManagerClient, 'send'>;
  /** Deadline of one Secrets Manager call, SDK retries included. */
  lookupTimeoutMs: number;
  /** Looks at one secret start at least this far apart. */
  pollIntervalMs: number;
  /** A version's key when it is already known (cached), to spare the read. */
  knownKey(secretId: string, versionId: string): string | undefined;
  /** Turns a SecretString into the key; throws when it holds none. */
  parse(value: string | undefined): string;
  isNotFound(error: unknown): boolean;
  now: () => number;
}

export interface RotationWatch {
  /**
   * The first look at `secretId` that starts after this call; undefined if `until`
   * (epoch ms) passes first.
   */
  nextLook(secretId: string, until: number): Promise<RotationLook | undefined>;
  clear(): void;
}

export const DEFAULT_ROTATION_POLL_INTERVAL_MS = 250;

interface Waiter {
  resolve(look: RotationLook | undefined): void;
  timer: ReturnType<typeof setTimeout>;
}

interface Poll {
  /** Waiters for the next look. */
  queued: Waiter[];
  running: boolean;
  lastStartedAt: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createRotationWatch(options: RotationWatchOptions): RotationWatch {
  const { client, lookupTimeoutMs, pollIntervalMs, knownKey, parse, isNotFound, now } = options;
  const polls = new Map<string, Poll>();

  const callOptions = () => ({ abortSignal: AbortSignal.timeout(lookupTimeoutMs) });

  async function look(secretId: string): Promise<RotationLook> {
    try {
      const described = await client.send(
        new DescribeSecretCommand({ SecretId: secretId }),
        callOptions(),
      );
      const stages = described.VersionIdsToStages;
      const currentVersionId = versionWith(stages, AWSCURRENT);
      const pendingVersionId = pendingVersion(stages);
      if (pendingVersionId === undefined) return { state: 'idle', currentVersionId };
      const pendingKey =
        knownKey(secretId, pendingVersionId) ?? (await readPending(secretId, pendingVersionId));
      return { state: 'rotating', currentVersionId, pendingVersionId, pendingKey };
    } catch {
      return { state: 'unknown' };
    }
  }

  async function readPending(secretId: string, versionId: string): Promise<string | null> {
    try {
      const output = await client.send(
        new GetSecretValueCommand({
          SecretId: secretId,
          VersionId: versionId,
          VersionStage: AWSPENDING,
        }),
        callOptions(),
      );
      return parse(output.SecretString);
    } catch (error) {
      // The valueless AWSPENDING placeholder: createSecret has not stored the key yet.
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async function run(secretId: string, poll: Poll): Promise<void> {
    poll.running = true;
    try {
      while (poll.queued.length > 0) {
        const wait = poll.lastStartedAt + pollIntervalMs - now();
        if (wait > 0) await sleep(wait);
        // Everyone may have given up (deadline) meanwhile: then no call at all.
        if (poll.queued.length === 0) break;
        const served = poll.queued;
        poll.queued = [];
        poll.lastStartedAt = now();
        const result = await look(secretId);
        for (const waiter of served) {
          clearTimeout(waiter.timer);
          waiter.resolve(result);
        }
      }
    } finally {
      poll.running = false;
    }
  }

  return {
    nextLook(secretId, until) {
      const left = until - now();
      if (left <= 0) return Promise.resolve(undefined);
      let poll = polls.get(secretId);
      if (!poll) {
        poll = { queued: [], running: false, lastStartedAt: Number.NEGATIVE_INFINITY };
        polls.set(secretId, poll);
      }
      const current = poll;
      return new Promise((resolve) => {
        const waiter: Waiter = {
          resolve,
          timer: setTimeout(() => {
            current.queued = current.queued.filter((queued) => queued !== waiter);
            resolve(undefined);
          }, left),
        };
        current.queued.push(waiter);
        if (!current.running) void run(secretId, current);
      });
    },

    clear() {
      polls.clear();
    },
  };
}
