import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAND_IN_AWS_ENV } from '../../../infra/local/secrets-manager-stand-in.js';

/**
 * `npm run keys -- ...` as a real child process (Node 22 + tsx, minus npm's own
 * start-up) with the environment a test gives it, and a leak check on every run:
 * the output must contain none of the values `secrets()` lists when the run ends.
 */

/**
 * For a test that spawns the CLI: each run costs about a second of CPU (Node, tsx,
 * the AWS SDK), and several seconds of wall time on a loaded machine.
 */
export const CLI_TEST_TIMEOUT_MS = 90_000;

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface KeysCliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface KeysCliOptions {
  /** Endpoint of the Secrets Manager stand-in. */
  secretsManagerUrl: string;
  /** A directory for the (absent) AWS profile files. */
  workDir: string;
  /** Values that must never appear in the output: keys, passwords, digests. */
  secrets: () => readonly string[];
  env?: Record<string, string | undefined>;
}

export type KeysCli = (
  args: string[],
  options?: { stdin?: string; env?: Record<string, string | undefined> },
) => Promise<KeysCliRun>;

export function keysCli(setup: () => KeysCliOptions): KeysCli {
  return (args, options = {}) => {
    const { secretsManagerUrl, workDir, secrets, env: baseEnv } = setup();
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      ...STAND_IN_AWS_ENV,
      // No profile files: only the environment configures the SDK.
      AWS_CONFIG_FILE: join(workDir, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(workDir, 'no-aws-credentials'),
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManagerUrl,
      ...baseEnv,
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
        const leaked = secrets().some((secret) => secret !== '' && output.includes(secret));
        // The message names no value: test keys are fake, but the habit is the point.
        if (leaked) reject(new Error(`keys ${args[0]} printed a secret value`));
        else resolve({ code, stdout, stderr });
      });
    });
  };
}
