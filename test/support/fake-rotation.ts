import { randomUUID } from 'node:crypto';
import { DEFAULTS } from '../../functions/lib/config-rules.cjs';
import { secretIdFor } from '../../functions/lib/secret-keys.js';
import {
  type MintToken,
  TokenRejectedError,
  type TrustedAuthLevel,
} from '../../functions/lib/thoughtspot.js';
import type { OrgTrustedAuthPort } from '../../functions/rotate/org-trusted-auth.js';
import {
  parseRotationEvent,
  type RotationStep,
  rotationTarget,
} from '../../functions/rotate/rotation-target.js';
import type { SecretVersionsPort } from '../../functions/rotate/secret-versions.js';
import { type RotationPorts, runStep } from '../../functions/rotate/steps.js';
import { AWSCURRENT, AWSPENDING, SecretVersions } from '../../infra/local/secret-versions.js';
import { TrustedAuthKeys } from '../../infra/local/thoughtspot-keys.js';
import { fakeKey } from './fixtures.js';

/**
 * Fake ports for the rotation steps, with the real rules underneath: the Secrets
 * Manager stand-in's version store (immutable versions, one label per version,
 * AWSPREVIOUS follows AWSCURRENT) and the ThoughtSpot stand-in's key store
 * (DISABLED revokes at once, ENABLED makes a key only when there is none).
 * Faults: a call that fails (the step sees an error and goes on), or a crash
 * before or after a call takes effect, after which every call of that invocation
 * fails too: the Lambda was killed or timed out.
 */

export const ADMIN_USER = 'tsadmin';
export const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:fake-AbCdEf';

/** A point where the fake world can fail: a ThoughtSpot call or a Secrets Manager write. */
export type CallPoint = 'search' | 'DISABLED' | 'ENABLED' | 'put' | 'move' | 'mint';

export interface Fault {
  at: CallPoint;
  /** 'after': the call takes effect, then fails (a lost answer). */
  when: 'before' | 'after';
  /** The invocation dies with it: every later call of the invocation fails. */
  dies: boolean;
  /** How many matching calls it hits (default 1). */
  times?: number;
}

/** What a faulted call throws: as a network error would, a name and nothing else. */
export class FaultError extends Error {
  override name = 'TypeError';
}

export interface WorldOptions {
  orgId?: number;
  /** The secret's value format. */
  format?: 'bare' | 'json';
  /** The secret's name (default: the default SECRET_ID_TEMPLATE's, for the Org). */
  name?: string;
}

export function fakeWorld(options: WorldOptions = {}) {
  const orgId = options.orgId ?? 5;
  const name = options.name ?? secretIdFor(DEFAULTS.SECRET_ID_TEMPLATE, orgId);
  const initialKey = fakeKey(`org${orgId}`);
  const keys = new TrustedAuthKeys(orgId === 0 ? initialKey : fakeKey('cluster'), {}, {});
  if (orgId !== 0) keys.setKey(orgId, initialKey);
  const versions = new SecretVersions();
  const encode = (key: string) =>
    options.format === 'json' ? JSON.stringify({ secret_key: key, note: 'kept' }) : key;
  versions.put(randomUUID(), encode(initialKey), [AWSCURRENT]);

  /** Every call in order, e.g. 'search', 'DISABLED', 'put'. */
  const calls: string[] = [];
  const faults: Fault[] = [];
  const warnings: string[] = [];
  let rotationEnabled = true;
  let dead = false;

  async function point<T>(at: CallPoint, act: () => T): Promise<T> {
    if (dead) throw new FaultError('the invocation is dead');
    calls.push(at);
    const index = faults.findIndex((fault) => fault.at === at);
    const fault = faults[index];
    if (!fault) return act();
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) faults.splice(index, 1);
    if (fault.when === 'after') act();
    if (fault.dies) dead = true;
    throw new FaultError(`fault ${fault.when} ${at}`);
  }

  const secrets: SecretVersionsPort = {
    describe: async () => ({
      arn: SECRET_ARN,
      name,
      rotationEnabled,
      stages: versions.stageMap() ?? {},
    }),
    read: async (_id, selector) => {
      try {
        const versionId = 'versionId' in selector ? selector.versionId : undefined;
        return versions.read(versionId, selector.stage).value;
      } catch (error) {
        if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
        throw error;
      }
    },
    putPending: (_id, versionId, value) =>
      point('put', () => {
        versions.put(versionId, value, [AWSPENDING]);
      }),
    moveCurrent: (_id, versionId, from) =>
      point('move', () => versions.move(AWSCURRENT, versionId, from)),
    adminCredentials: async () => ({ username: ADMIN_USER, password: fakeKey('password') }),
  };

  const level = (): TrustedAuthLevel => {
    const key = keys.keyOf(orgId);
    return key === undefined
      ? { authStatus: 'DISABLED', keys: [] }
      : { authStatus: 'ENABLED', keys: [key] };
  };
  const trustedAuth: OrgTrustedAuthPort = {
    read: () => point('search', level),
    setStatus: (_org, status) =>
      point(status, () => (status === 'ENABLED' ? keys.enable(orgId) : keys.disable(orgId))),
  };
  const minted: { username: string; orgId: number }[] = [];
  const mintToken: MintToken = (request) =>
    point('mint', () => {
      if (keys.kindOf(request.secretKey, request.orgId) === undefined) {
        throw new TokenRejectedError(401, 10097);
      }
      minted.push({ username: request.username, orgId: request.orgId });
      return {
        token: `token-${randomUUID()}`,
        expiresAtMillis: Date.now() + request.validitySeconds * 1000,
        orgId: request.orgId,
        username: request.username,
        tokenType: 'full' as const,
      };
    });

  const ports: RotationPorts = {
    secrets,
    trustedAuth,
    mintToken,
    testUser: async () => ADMIN_USER,
    warn: (message) => warnings.push(message),
    sleep: async () => {},
  };

  /** What Secrets Manager does first: a valueless AWSPENDING version for the token. */
  function startRotation(mode: 'rotate' | 'test' = 'rotate'): string {
    const token = randomUUID();
    const copy = mode === 'test' ? versions.holder(AWSCURRENT)?.value : undefined;
    versions.put(token, copy, [AWSPENDING]);
    return token;
  }

  /** One invocation as the handler runs it: the template guard, then the step. */
  async function invoke(step: RotationStep, token: string) {
    dead = false;
    const event = parseRotationEvent({
      Step: step,
      SecretId: SECRET_ARN,
      ClientRequestToken: token,
    });
    const target = await rotationTarget(event, secrets, DEFAULTS.SECRET_ID_TEMPLATE);
    return runStep(step, target, ports);
  }

  /** The four steps in order, as Secrets Manager runs (and re-runs) a rotation. */
  async function rotation(token: string): Promise<string[]> {
    const outcomes: string[] = [];
    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
      outcomes.push((await invoke(step, token)).outcome);
    }
    return outcomes;
  }

  return {
    orgId,
    initialKey,
    keys,
    versions,
    calls,
    warnings,
    minted,
    ports,
    /** The invocation dies at `at`: before the call, or after it took effect. */
    crash: (at: CallPoint, when: 'before' | 'after') => faults.push({ at, when, dies: true }),
    /** The next `times` calls at `at` fail (before or after taking effect); the invocation goes on. */
    fail: (at: CallPoint, times = 1, when: 'before' | 'after' = 'before') =>
      faults.push({ at, when, dies: false, times }),
    setRotationEnabled: (enabled: boolean) => {
      rotationEnabled = enabled;
    },
    startRotation,
    invoke,
    rotation,
    /** The key AWSCURRENT holds, whatever the format. */
    currentKey: () => decode(versions.holder(AWSCURRENT)?.value),
    thoughtSpotKey: () => keys.keyOf(orgId),
    configureCalls: () => calls.filter((call) => call === 'DISABLED' || call === 'ENABLED'),
  };
}

function decode(value: string | undefined): string | undefined {
  if (value === undefined || !value.startsWith('{')) return value;
  return (JSON.parse(value) as { secret_key: string }).secret_key;
}

export type FakeWorld = ReturnType<typeof fakeWorld>;
