import { DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { secretIdOf } from './support/environment.js';
import { cli, ISO_DATE, key, rowOf, sdk, sm, useKeysCliStandIns } from './support/keys-cli.js';

/** `npm run keys -- list` end to end: the Org secrets, without reading a value (support/keys-cli.ts). */

useKeysCliStandIns();

describe('keys list', () => {
  it('shows each Org secret with its name, last change and deletion status, reading no value', async () => {
    const before = Date.now();
    sm.setSecret(secretIdOf(21), key());
    sm.setSecret(secretIdOf(22), JSON.stringify({ secret_key: key() }));
    const after = Date.now();
    await sdk.send(new DeleteSecretCommand({ SecretId: secretIdOf(22), RecoveryWindowInDays: 7 }));
    sm.setSecret('another-app/database-password', key());
    sm.setSecret('thoughtspot/trusted-auth/org/staging', key());

    const run = await cli(['list']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ORG\s+SECRET\s+LAST CHANGED\s+STATUS$/m);
    const org0 = rowOf(run.stdout, secretIdOf(0));
    const org21 = rowOf(run.stdout, secretIdOf(21));
    const org22 = rowOf(run.stdout, secretIdOf(22));
    expect(org0).toMatch(/^0\s.*\sactive$/);
    expect(org21).toMatch(/^21\s.*\sactive$/);
    const changed = new Date(org21?.match(ISO_DATE)?.[0] ?? '').getTime();
    expect(changed).toBeGreaterThanOrEqual(before);
    expect(changed).toBeLessThanOrEqual(after);
    expect(org22).toMatch(/^22\s.*\sscheduled for deletion on \S+$/);
    expect(run.stdout).not.toContain('another-app');
    expect(run.stdout).not.toContain('org/staging');
    expect(run.stderr).toMatch(/(^|\D)1 other secret\(s\)/);
    expect(sm.callCount('GetSecretValue')).toBe(0);
  });

  it('follows ListSecrets pagination and parses Org ids with a custom SECRET_ID_TEMPLATE', async () => {
    const orgIds = Array.from({ length: 230 }, (_, index) => 583_464_000 + index);
    for (const orgId of orgIds) sm.setSecret(`tenants/${orgId}/thoughtspot-key`, key());

    const run = await cli(['list'], {
      env: { SECRET_ID_TEMPLATE: 'tenants/{orgId}/thoughtspot-key' },
    });

    expect(run.code).toBe(0);
    const listed = run.stdout
      .split('\n')
      .slice(1)
      .filter((line) => line !== '')
      .map((line) => Number(line.split(/\s+/)[0]));
    expect(listed).toEqual(orgIds);
    expect(sm.callCount('ListSecrets')).toBe(3);
    expect(run.stderr).toContain('no active Org 0 secret');
  });
});
