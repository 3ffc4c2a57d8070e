import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateSecretCommand, DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { parseSecretValue } from '../../functions/lib/secret-keys.js';
import { fakeKey } from '../support/fixtures.js';
import { secretIdOf } from './support/environment.js';
import {
  cli,
  key,
  remembered,
  sdk,
  sm,
  storedValue,
  useKeysCliStandIns,
  VERSION,
  workDir,
} from './support/keys-cli.js';

/** `npm run keys -- put` end to end: storing an Org's key, and the input it refuses (support/keys-cli.ts). */

useKeysCliStandIns();

describe('keys put', () => {
  it('stores a key piped on stdin in a new secret named by the template', async () => {
    const orgKey = key();

    const run = await cli(['put', '--org', '11'], { stdin: `${orgKey}\n` });

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Org 11: key stored in thoughtspot\/trusted-auth\/org\/11 \(created\), version [0-9a-f-]{36}$/m,
    );
    const stored = await storedValue(secretIdOf(11));
    expect(stored.SecretString).toBe(orgKey);
    expect(run.stdout.match(VERSION)?.[1]).toBe(stored.VersionId);
  });

  it('stores a key read from --file, JSON {"secret_key"} included', async () => {
    const orgKey = key();
    const file = join(workDir, 'org12-key.json');
    writeFileSync(file, `${JSON.stringify({ secret_key: orgKey }, null, 2)}\n`);

    const run = await cli(['put', '--org', '12', '--file', file]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Org 12: key stored in thoughtspot/trusted-auth/org/12 (created)');
    const stored = await storedValue(secretIdOf(12));
    expect(parseSecretValue(stored.SecretString)).toBe(orgKey);
  });

  it('adds a new version when the Org secret exists, and says updated', async () => {
    sm.setSecret(secretIdOf(13), key());
    const before = await storedValue(secretIdOf(13));
    const newKey = key();

    const run = await cli(['put', '--org', '13'], { stdin: newKey });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Org 13: key stored in thoughtspot/trusted-auth/org/13 (updated)');
    const after = await storedValue(secretIdOf(13));
    expect(after.SecretString).toBe(newKey);
    expect(after.VersionId).not.toBe(before.VersionId);
    expect(run.stdout.match(VERSION)?.[1]).toBe(after.VersionId);
    expect(sm.callCount('CreateSecret')).toBe(0);
  });

  it('refuses a key on the command line, as a flag or an argument, before any AWS call', async () => {
    const orgKey = key();

    for (const args of [
      ['put', '--org', '14', '--key', orgKey],
      ['put', '--org', '14', `--secret-key=${orgKey}`],
      ['put', '--org', '14', orgKey],
    ]) {
      const run = await cli(args, { stdin: key() });

      expect(run.code).toBe(2);
      expect(run.stderr).toContain('never takes the key on the command line');
      expect(run.stderr).toContain('pipe it on stdin or use --file PATH');
    }
    expect(sm.calls).toHaveLength(0);
  });

  it('refuses empty, broken and short input, and unknown formats unless --allow-nonstandard', async () => {
    const refusals = [
      { stdin: '', message: 'the key is empty' },
      { stdin: '  \n\t\n', message: 'the key is empty' },
      { stdin: `${key()} ${key()}`, message: 'whitespace' },
      { stdin: 'b0cb26a0-1234', message: 'shorter than 16 characters' },
      { stdin: '{"secret_key": 5}', message: 'JSON without a "secret_key" string' },
      { stdin: remembered(fakeKey('nonstandard')), message: 'pass --allow-nonstandard' },
    ];
    for (const { stdin, message } of refusals) {
      const run = await cli(['put', '--org', '15'], { stdin });

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(message);
    }
    const stillBroken = await cli(['put', '--org', '15', '--allow-nonstandard'], {
      stdin: `${key()}\n${key()}`,
    });
    expect(stillBroken.code).toBe(1);
    expect(stillBroken.stderr).toContain('whitespace');
    expect(sm.calls).toHaveLength(0);

    const nonstandard = remembered(fakeKey('nonstandard'));
    const allowed = await cli(['put', '--org', '15', '--allow-nonstandard'], {
      stdin: nonstandard,
    });
    expect(allowed.code).toBe(0);
    expect((await storedValue(secretIdOf(15))).SecretString).toBe(nonstandard);
  });

  it('refuses to write to a secret scheduled for deletion unless --restore', async () => {
    await sdk.send(new CreateSecretCommand({ Name: secretIdOf(16), SecretString: key() }));
    await sdk.send(new DeleteSecretCommand({ SecretId: secretIdOf(16), RecoveryWindowInDays: 7 }));
    const newKey = key();

    const refused = await cli(['put', '--org', '16'], { stdin: newKey });
    const restored = await cli(['put', '--org', '16', '--restore'], { stdin: newKey });

    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is scheduled for deletion on');
    expect(refused.stderr).toContain('RestoreSecret');
    expect(refused.stderr).toContain('put --org 16 --restore');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain('thoughtspot/trusted-auth/org/16 restored');
    expect(restored.stdout).toContain('(updated), version');
    expect((await storedValue(secretIdOf(16))).SecretString).toBe(newKey);
  });
});
