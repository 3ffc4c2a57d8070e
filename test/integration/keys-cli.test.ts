import { describe, expect, it } from 'vitest';
import { cli, sm, useKeysCliStandIns } from './support/keys-cli.js';

/** `npm run keys` itself: usage, unknown commands and flags, and how an AWS error reads (support/keys-cli.ts). */

useKeysCliStandIns();

describe('keys CLI usage', () => {
  it('prints the usage and exits 0 for help and for no arguments', async () => {
    for (const args of [[], ['help'], ['put', '--help']]) {
      const run = await cli(args);

      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Usage: npm run keys -- <command>');
    }
  });

  it('answers an unknown command or flag with the usage and exit code 2', async () => {
    const command = await cli(['rotate-all']);
    const flag = await cli(['list', '--all']);

    expect(command.code).toBe(2);
    expect(command.stderr).toContain('error: unknown command');
    expect(command.stderr).toContain('Usage: npm run keys');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('error: unknown option --all');
    expect(flag.stderr).toContain('Usage: npm run keys');
    expect(sm.calls).toHaveLength(0);
  });

  it('reports an AWS error as one line without a stack, exit code 1', async () => {
    sm.setFault({ kind: 'access-denied', operation: 'ListSecrets' });

    const run = await cli(['list']);

    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(
      /^error: AccessDeniedException: User is not authorized to perform: secretsmanager:ListSecrets/,
    );
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
