import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, vi } from 'vitest';
import {
  type SecretsManagerStandIn,
  startSecretsManagerStandIn,
} from '../../../infra/local/secrets-manager-stand-in.js';
import {
  startThoughtSpotStandIn,
  type ThoughtSpotStandIn,
} from '../../../infra/local/thoughtspot-stand-in.js';
import { secretIdOf } from './environment.js';
import { CLI_TEST_TIMEOUT_MS, keysCli } from './keys-cli-process.js';
import { smClient } from './stand-in-clients.js';

/**
 * `npm run keys` end to end: the CLI runs as a real child process (Node 22 + tsx),
 * its real AWS SDK client talks to the Secrets Manager stand-in through
 * AWS_ENDPOINT_URL_SECRETS_MANAGER, and `verify` mints through the ThoughtSpot
 * stand-in. Every run's output is searched for every key and token.
 *
 * The keys-*.test.ts files share this set-up; each starts its own stand-ins with
 * useKeysCliStandIns(), whose state the exported bindings below hold.
 */

const allKeys: string[] = [];
/** A GUID-like key, as ThoughtSpot issues them; remembered for the leak check. */
export const key = (): string => {
  const value = randomUUID();
  allKeys.push(value);
  return value;
};
export const remembered = (value: string): string => {
  allKeys.push(value);
  return value;
};

export const CLUSTER_KEY = key();
export const ORG5_KEY = key();
export const ORG6_KEY = key();
export const ORG7_KEY = key();
export const ISO_DATE = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/;
export const VERSION = /version ([0-9a-f-]{36})$/m;

export let sm: SecretsManagerStandIn;
export let ts: ThoughtSpotStandIn;
export let sdk: SecretsManagerClient;
export let workDir: string;

/** Runs `npm run keys -- ...args` as the infra team would; rejects if the output holds a key or token. */
export const cli = keysCli(() => ({
  secretsManagerUrl: sm.url,
  workDir,
  env: { THOUGHTSPOT_HOST: ts.url },
  // Every token the stand-in mints starts with this.
  secrets: () => ['tsstandin-token-', ...allKeys],
}));

export const storedValue = async (secretId: string) =>
  sdk.send(new GetSecretValueCommand({ SecretId: secretId }));

/** The list row of one secret name. */
export const rowOf = (stdout: string, secretId: string) =>
  stdout.split('\n').find((line) => line.split(/\s+/)[1] === secretId);

/**
 * Starts the stand-ins and the work directory for the calling test file, and resets
 * calls, faults and counters before each of its tests.
 */
export function useKeysCliStandIns(): void {
  // Each test runs CLI processes, several in a row: seconds each on a loaded machine.
  vi.setConfig({ testTimeout: CLI_TEST_TIMEOUT_MS });
  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'keys-cli-'));
    sm = await startSecretsManagerStandIn({ secrets: { [secretIdOf(0)]: CLUSTER_KEY } });
    ts = await startThoughtSpotStandIn({
      clusterKey: CLUSTER_KEY,
      orgKeys: { 5: ORG5_KEY, 6: ORG6_KEY, 7: ORG7_KEY },
    });
    sdk = smClient(sm.url);
  });

  afterAll(async () => {
    sdk.destroy();
    await Promise.all([sm.close(), ts.close()]);
    rmSync(workDir, { recursive: true, force: true });
  });

  // Every test starts from the same secrets, so none depends on what an earlier one stored.
  beforeEach(() => {
    sm.resetSecrets();
    sm.resetCalls();
    sm.setFault(undefined);
    ts.resetCounters();
  });
}
