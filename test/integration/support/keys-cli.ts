import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  type SecretsManagerStandIn,
  STAND_IN_AWS_ENV,
  startSecretsManagerStandIn,
} from '../../../infra/local/secrets-manager-stand-in.js';
import {
  startThoughtSpotStandIn,
  type ThoughtSpotStandIn,
} from '../../../infra/local/thoughtspot-stand-in.js';
import { secretIdOf } from './environment.js';

/**
 * `npm run keys` end to end: the CLI runs as a real child process (Node 22 + tsx),
 * its real AWS SDK client talks to the Secrets Manager stand-in through
 * AWS_ENDPOINT_URL_SECRETS_MANAGER, and `verify` mints through the ThoughtSpot
 * stand-in. Every run's output is searched for every key and token.
 *
 * The keys-*.test.ts files share this set-up; each starts its own stand-ins with
 * useKeysCliStandIns(), whose state the exported bindings below hold.
 */

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
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

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export let sm: SecretsManagerStandIn;
export let ts: ThoughtSpotStandIn;
export let sdk: SecretsManagerClient;
export let workDir: string;

/** Runs `npm run keys -- ...args` as the infra team would, minus npm's own start-up. */
export function cli(
  args: string[],
  options: { stdin?: string; env?: Record<string, string | undefined> } = {},
): Promise<Run> {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    ...STAND_IN_AWS_ENV,
    // No profile files: only the environment configures the SDK.
    AWS_CONFIG_FILE: join(workDir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(workDir, 'no-aws-credentials'),
    AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.url,
    THOUGHTSPOT_HOST: ts.url,
    ...options.env,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/keys/cli.ts', ...args], {
    cwd: REPO_ROOT,
    env: Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined)),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(options.stdin ?? '');
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      // Whatever the command, no key and no token ever reaches the terminal.
      const output = stdout + stderr;
      const leaked = output.includes('tsstandin-token-') || allKeys.some((k) => output.includes(k));
      // The message names neither: test keys are fake, but the habit is the point.
      if (leaked) reject(new Error(`keys ${args[0]} printed a secret key or a token`));
      else resolve({ code, stdout, stderr });
    });
  });
}

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
  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'keys-cli-'));
    sm = await startSecretsManagerStandIn({ secrets: { [secretIdOf(0)]: CLUSTER_KEY } });
    ts = await startThoughtSpotStandIn({
      clusterKey: CLUSTER_KEY,
      orgKeys: { 5: ORG5_KEY, 6: ORG6_KEY, 7: ORG7_KEY },
    });
    sdk = new SecretsManagerClient({
      region: 'us-east-1',
      endpoint: sm.url,
      credentials: {
        accessKeyId: STAND_IN_AWS_ENV.AWS_ACCESS_KEY_ID,
        secretAccessKey: STAND_IN_AWS_ENV.AWS_SECRET_ACCESS_KEY,
      },
    });
  });

  afterAll(async () => {
    sdk.destroy();
    await Promise.all([sm.close(), ts.close()]);
    rmSync(workDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    sm.resetCalls();
    sm.setFault(undefined);
    ts.resetCounters();
  });
}
