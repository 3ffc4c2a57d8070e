import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * Runs a bench module in its own Node process (through tsx) and returns the JSON
 * it prints last: a fresh heap for the timed part, and process-wide settings
 * (NODE_EXTRA_CA_CERTS, a mocked SDK client) that cannot leak into other parts.
 */

const ROOT = path.resolve(import.meta.dirname, '..');

export function runChild<T>(module: string, args: string[], env: NodeJS.ProcessEnv = {}): T {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'bench', module), ...args],
    { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 300_000 },
  );
  const last = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.status !== 0 || !last.startsWith('{')) {
    throw new Error(`bench/${module} failed (${result.status}): ${result.stderr.slice(-2000)}`);
  }
  return JSON.parse(last) as T;
}

/** True when `moduleFile` (import.meta.filename) is the process's entry point. */
export const isEntryPoint = (moduleFile: string): boolean => moduleFile === process.argv[1];

/** Child side: prints the result as the last line. */
export function reply(value: unknown): void {
  process.stdout.write(`\n${JSON.stringify(value)}\n`);
}
