import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, vi } from 'vitest';
import type { SecretKeysOptions } from '../../functions/lib/secret-keys.js';
import { idOf, keyPortOptions, notFound } from './secret-keys-mock.js';

/**
 * Secrets Manager for the rotation unit tests: aws-sdk-client-mock answering
 * GetSecretValue and DescribeSecret from versions with staging labels, which a test
 * moves through a rotation the way AWS does (AWS-AND-ABAC-FACTS §1.1, §1.6): RotateSecret
 * registers a valueless AWSPENDING version, createSecret stores the key, finishSecret
 * moves AWSCURRENT.
 */

interface Version {
  /** null: the valueless AWSPENDING placeholder RotateSecret registers. */
  key: string | null;
  stages: string[];
}

export function rotatingSecrets() {
  const mock = mockClient(SecretsManagerClient);
  const secrets = new Map<string, Map<string, Version>>();
  let versionCount = 0;
  /** While set, DescribeSecret fails with this error. */
  let describeFault: Error | undefined;

  const holder = (versions: Map<string, Version>, stage: string) =>
    [...versions].find(([, version]) => version.stages.includes(stage));
  const detach = (versions: Map<string, Version>, stage: string) => {
    for (const version of versions.values()) {
      version.stages = version.stages.filter((label) => label !== stage);
    }
  };
  const versionsOf = (orgId: number) => {
    const versions = secrets.get(idOf(orgId));
    if (!versions) throw new Error(`no secret for Org ${orgId}`);
    return versions;
  };

  function install() {
    mock.reset();
    mock.on(GetSecretValueCommand).callsFake((input) => {
      const versions = secrets.get(input.SecretId);
      if (!versions) throw notFound("Secrets Manager can't find the specified secret.");
      const found =
        input.VersionId === undefined
          ? holder(versions, input.VersionStage ?? 'AWSCURRENT')
          : [input.VersionId, versions.get(input.VersionId)];
      const [versionId, version] = found ?? [];
      if (versionId === undefined || !version || version.key === null) {
        throw notFound("Secrets Manager can't find the specified secret value.");
      }
      if (input.VersionStage !== undefined && !version.stages.includes(input.VersionStage)) {
        throw new Error('VersionId and VersionStage point to different versions');
      }
      return { SecretString: version.key, VersionId: versionId };
    });
    mock.on(DescribeSecretCommand).callsFake((input) => {
      if (describeFault) throw describeFault;
      const versions = secrets.get(input.SecretId);
      if (!versions) throw notFound("Secrets Manager can't find the specified secret.");
      return {
        VersionIdsToStages: Object.fromEntries(
          [...versions].map(([versionId, version]) => [versionId, [...version.stages]]),
        ),
      };
    });
  }

  const newVersionId = () => {
    versionCount += 1;
    return `version-${versionCount}`;
  };

  return {
    client: new SecretsManagerClient({ region: 'us-east-1' }),
    /** Clears secrets and recorded calls; call in beforeEach. */
    reset() {
      secrets.clear();
      describeFault = undefined;
      install();
    },
    /** Creates the Org's secret with `key` as AWSCURRENT. */
    create(orgId: number, key: string) {
      secrets.set(idOf(orgId), new Map([[newVersionId(), { key, stages: ['AWSCURRENT'] }]]));
    },
    /** RotateSecret: a valueless AWSPENDING version; returns its id. */
    startRotation(orgId: number, copyOfCurrent = false): string {
      const versions = versionsOf(orgId);
      const current = holder(versions, 'AWSCURRENT')?.[1];
      const versionId = newVersionId();
      versions.set(versionId, {
        key: copyOfCurrent ? (current?.key ?? null) : null,
        stages: ['AWSPENDING'],
      });
      return versionId;
    },
    /** createSecret: stores the new key in the AWSPENDING version. */
    storePending(orgId: number, key: string) {
      const pending = holder(versionsOf(orgId), 'AWSPENDING')?.[1];
      if (!pending) throw new Error('no rotation in progress');
      pending.key = key;
    },
    /** finishSecret: AWSCURRENT to the AWSPENDING version (AWSPENDING stays on it, as AWS allows). */
    finishRotation(orgId: number) {
      const versions = versionsOf(orgId);
      const [pendingId] = holder(versions, 'AWSPENDING') ?? [];
      const [, current] = holder(versions, 'AWSCURRENT') ?? [];
      if (pendingId === undefined || !current) throw new Error('no rotation in progress');
      detach(versions, 'AWSPREVIOUS');
      current.stages = ['AWSPREVIOUS'];
      versions.get(pendingId)?.stages.push('AWSCURRENT');
    },
    failDescribe(error: Error | undefined) {
      describeFault = error;
    },
    /** DescribeSecret calls for the Org's secret. */
    describes: (orgId: number) =>
      mock.commandCalls(DescribeSecretCommand, { SecretId: idOf(orgId) }).length,
    /** GetSecretValue calls of AWSPENDING for the Org's secret. */
    pendingReads: (orgId: number) =>
      mock
        .commandCalls(GetSecretValueCommand, { SecretId: idOf(orgId) })
        .filter((call) => call.args[0].input.VersionStage === 'AWSPENDING').length,
    /** GetSecretValue calls of AWSCURRENT (no stage, no version) for the Org's secret. */
    currentReads: (orgId: number) =>
      mock
        .commandCalls(GetSecretValueCommand, { SecretId: idOf(orgId) })
        .filter((call) => call.args[0].input.VersionStage === undefined).length,
  };
}

export type RotatingSecrets = ReturnType<typeof rotatingSecrets>;

/**
 * rotatingSecrets(), reset before each test of the file, which runs on fake timers (and a
 * fake Date) so that waits and deadlines are exact. setImmediate stays real.
 */
export function useRotatingSecrets(): RotatingSecrets {
  const aws = rotatingSecrets();
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_700_000_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    aws.reset();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  return aws;
}

/** createSecretKeys options for these tests; the clock is Date.now (fake timers). */
export const rotationTestOptions = (
  aws: RotatingSecrets,
  overrides: Partial<SecretKeysOptions> = {},
): SecretKeysOptions => keyPortOptions(aws.client, { rotationPollIntervalMs: 250, ...overrides });
