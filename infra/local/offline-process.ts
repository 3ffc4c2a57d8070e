// serverless-offline as a child process: `osls offline start` on the project's own
// serverless.yml (routes, CORS and the JWT authorizer are the ones that deploy; the
// handler is bundled by serverless-esbuild as for a deployment). The child runs in
// its own process group so stop() — and an unexpected exit of this process —
// takes it down with everything it started (esbuild's service, worker threads).
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { LocalSetupError } from './local-setup-error.js';

export interface OfflineOptions {
  /** The directory of serverless.yml. */
  serviceDir: string;
  stage: string;
  httpPort: number;
  lambdaPort: number;
  /** `--param name=value` for each entry (lists are joined with commas). */
  params: Record<string, string | readonly string[]>;
  /** Environment of the child (and so of the function, for AWS_* variables). */
  env: NodeJS.ProcessEnv;
  /** Appended to the command line, e.g. more `--param`s from `npm start -- …`. */
  extraArgs?: readonly string[];
  /** Receives the child's output; default: this process's stdout/stderr. */
  output?: (text: string, stream: 'stdout' | 'stderr') => void;
  readyTimeoutMs?: number;
}

export interface OfflineProcess {
  readonly url: string;
  readonly pid: number;
  /** Resolves with the exit code (or signal name) when the child has exited. */
  readonly exited: Promise<number | string>;
  /** SIGTERM to the whole process group, SIGKILL if it is still there after the grace period. */
  stop(graceMs?: number): Promise<void>;
}

const require = createRequire(import.meta.url);

/** osls's CLI script, run with this process's Node (the project's Node 22). */
function oslsBin(): string {
  const manifestPath = require.resolve('osls/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    bin: Record<string, string>;
  };
  const bin = manifest.bin.osls;
  if (bin === undefined) throw new Error('osls/package.json names no osls binary');
  return join(dirname(manifestPath), bin);
}

export async function startServerlessOffline(options: OfflineOptions): Promise<OfflineProcess> {
  const args = [
    oslsBin(),
    'offline',
    'start',
    '--stage',
    options.stage,
    '--host',
    '127.0.0.1',
    '--httpPort',
    String(options.httpPort),
    '--lambdaPort',
    String(options.lambdaPort),
    '--noPrependStageInUrl',
    '--ignoreJWTSignature',
    '--noSponsor',
    ...Object.entries(options.params).flatMap(([name, value]) => [
      '--param',
      `${name}=${typeof value === 'string' ? value : value.join(',')}`,
    ]),
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: options.serviceDir,
    env: options.env,
    detached: true, // own process group: signals reach the whole tree, Ctrl-C is ours to relay
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new LocalSetupError('serverless-offline could not be started');

  // Last resort: never leave the group behind, even if this process dies of an error.
  const killOnExit = () => killGroup(pid, 'SIGKILL');
  process.once('exit', killOnExit);

  const recent: string[] = [];
  const write = options.output ?? defaultOutput;
  const forward = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    recent.push(...text.split('\n'));
    recent.splice(0, Math.max(0, recent.length - 40));
    write(text, stream);
  };
  child.stdout?.on('data', forward('stdout'));
  child.stderr?.on('data', forward('stderr'));

  const exited = exitOf(child).then((code) => {
    process.off('exit', killOnExit);
    return code;
  });
  const stop = async (graceMs = 5000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    killGroup(pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    // serverless-offline exits before esbuild's service process notices; sweep the group.
    killGroup(pid, 'SIGKILL');
  };

  const url = `http://127.0.0.1:${options.httpPort}`;
  try {
    await waitUntilListening(options.httpPort, exited, options.readyTimeoutMs ?? 90_000);
  } catch (error) {
    await stop();
    const output = recent.join('\n').trim();
    const reason = error instanceof Error ? error.message : String(error);
    throw new LocalSetupError(`serverless-offline did not start: ${reason}\n${output}`);
  }
  return { url, pid, exited, stop };
}

function defaultOutput(text: string, stream: 'stdout' | 'stderr'): void {
  (stream === 'stdout' ? process.stdout : process.stderr).write(text);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function exitOf(child: ChildProcess): Promise<number | string> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
}

/** Polls a TCP connect to the HTTP API port; fails if the child exits first or time runs out. */
async function waitUntilListening(
  port: number,
  exited: Promise<number | string>,
  timeoutMs: number,
): Promise<void> {
  let exitCode: number | string | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`it exited (${exitCode})`);
    if (await canConnect(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`port ${port} was not listening after ${timeoutMs} ms`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
