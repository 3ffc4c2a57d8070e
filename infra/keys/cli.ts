import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../../functions/lib/config.js';
import { list } from './commands/list.js';
import { put } from './commands/put.js';
import { remove } from './commands/remove.js';
import { rotate } from './commands/rotate.js';
import { schedule } from './commands/schedule.js';
import { status } from './commands/status.js';
import { sync } from './commands/sync.js';
import { verify } from './commands/verify.js';
import type { Command, CommandContext } from './context.js';
import { CommandFailedError, UsageError } from './errors.js';
import { USAGE } from './usage.js';

/**
 * `npm run keys -- <command> [options]`: the infra team's tool for the per-Org
 * keys. Dispatches to one command and turns its outcome into an exit code:
 * 0 done, 1 failed, 2 bad usage. Errors are one line; a stack only with --debug.
 */

const COMMANDS: Record<string, Command> = {
  put,
  list,
  verify,
  remove,
  sync,
  status,
  rotate,
  schedule,
};
const HELP_FLAGS = new Set(['--help', '-h']);

async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const args = argv.filter((arg) => arg !== '--debug');
  const [name, ...rest] = args;
  if (name === undefined || name === 'help' || args.some((arg) => HELP_FLAGS.has(arg))) {
    process.stdout.write(USAGE);
    return 0;
  }

  let client: SecretsManagerClient | undefined;
  const context: CommandContext = {
    env: process.env,
    stdin: process.stdin,
    out: (line) => process.stdout.write(`${line}\n`),
    note: (line) => process.stderr.write(`${line}\n`),
    secretsManager: () => {
      client ??= new SecretsManagerClient({});
      return client;
    },
  };

  try {
    const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    // Command names are ours to print; an unknown one might be a pasted key, so it is not echoed.
    if (!command) throw new UsageError('unknown command', true);
    await command(rest, context);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.stderr.write(
        error.showUsage ? `\n${USAGE}` : 'Run `npm run keys -- help` for usage.\n',
      );
      return 2;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    if (error instanceof CommandFailedError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    // AWS SDK and network errors: the exception type and AWS's message say enough.
    const { name: type, message } =
      error instanceof Error ? error : { name: 'Error', message: String(error) };
    process.stderr.write(`error: ${type}: ${message}\n`);
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return 1;
  } finally {
    client?.destroy();
  }
}

// `npm run keys -- list | head`: a reader that stops early is no reason for a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', () => process.exit(process.exitCode ?? 0));
}
process.exitCode = await main(process.argv.slice(2));
