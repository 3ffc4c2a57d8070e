import { describe, expect, it } from 'vitest';
import { secretIdOf } from './support/environment.js';
import {
  cli,
  ISO_DATE,
  key,
  ORG7_KEY,
  rowOf,
  sm,
  storedValue,
  ts,
  useKeysCliStandIns,
} from './support/keys-cli.js';

/** `npm run keys -- remove` end to end: scheduled and immediate deletion (support/keys-cli.ts). */

useKeysCliStandIns();

describe('keys remove', () => {
  it('refuses without --yes-really-remove and leaves the secret alone', async () => {
    const orgKey = key();
    sm.setSecret(secretIdOf(41), orgKey);

    const run = await cli(['remove', '--org', '41']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('add --yes-really-remove to confirm');
    expect(sm.callCount('DeleteSecret')).toBe(0);
    expect((await storedValue(secretIdOf(41))).SecretString).toBe(orgKey);
  });

  it('schedules deletion after 7 days: list shows it, verify falls back to Org 0', async () => {
    sm.setSecret(secretIdOf(7), ORG7_KEY);
    const own = await cli(['verify', '--org', '7', '--user', 'carol@example.com']);
    expect(own.stdout).toContain("using Org 7's own key");

    const removed = await cli(['remove', '--org', '7', '--yes-really-remove']);
    const listed = await cli(['list']);
    const fallback = await cli(['verify', '--org', '7', '--user', 'carol@example.com']);

    expect(removed.code).toBe(0);
    const deletionDate = new Date(removed.stdout.match(ISO_DATE)?.[0] ?? '').getTime();
    expect(Math.abs(deletionDate - (Date.now() + 7 * 86_400_000))).toBeLessThan(3_600_000);
    expect(removed.stderr).toContain('falls back to the Org 0 key');
    expect(rowOf(listed.stdout, secretIdOf(7))).toMatch(/scheduled for deletion on /);
    expect(fallback.code).toBe(0);
    expect(fallback.stdout).toContain('using the Org 0 key (fallback)');
    expect(ts.minted.map((minted) => minted.keyKind)).toEqual(['org', 'cluster']);
  });

  it('deletes at once with --force-now, after which list no longer shows the Org', async () => {
    sm.setSecret(secretIdOf(42), key());

    const badWindow = await cli([
      'remove',
      '--org',
      '42',
      '--yes-really-remove',
      '--recovery-days',
      '3',
    ]);
    const removed = await cli(['remove', '--org', '42', '--yes-really-remove', '--force-now']);
    const listed = await cli(['list']);

    expect(badWindow.code).toBe(2);
    expect(badWindow.stderr).toContain('--recovery-days must be an integer from 7 to 30');
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(`${secretIdOf(42)} deleted now, without recovery`);
    expect(rowOf(listed.stdout, secretIdOf(42))).toBeUndefined();
    expect(rowOf(listed.stdout, secretIdOf(0))).toBeDefined();
  });

  it('names the secret when the Org has none to remove', async () => {
    const run = await cli(['remove', '--org', '43', '--yes-really-remove']);

    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`error: Org 43: there is no secret ${secretIdOf(43)}`);
  });
});
