import { describe, expect, it } from 'vitest';
import { secretIdOf } from './support/environment.js';
import { cli, key, ORG5_KEY, sm, ts, useKeysCliStandIns } from './support/keys-cli.js';

/** `npm run keys -- verify` end to end: a real token request with the stored key (support/keys-cli.ts). */

useKeysCliStandIns();

describe('keys verify', () => {
  it("mints a token with the Org's own key and prints when it expires, not the token", async () => {
    sm.setSecret(secretIdOf(5), ORG5_KEY);

    const run = await cli(['verify', '--org', '5', '--user', 'alice@example.com']);

    expect(run.code).toBe(0);
    const [minted] = ts.minted;
    expect(minted).toMatchObject({
      username: 'alice@example.com',
      orgId: 5,
      keyKind: 'org',
      validitySeconds: 60,
    });
    expect(run.stdout.trim()).toBe(
      "OK: ThoughtSpot issued a token for alice@example.com in Org 5 using Org 5's own key; " +
        `expires ${new Date(minted?.expiresAt ?? 0).toISOString()}`,
    );
    expect(run.stdout + run.stderr).not.toContain(minted?.token);
  });

  it('falls back to the Org 0 key for an Org without a secret', async () => {
    const run = await cli(['verify', '--org', '31', '--user', 'bob@example.com']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'OK: ThoughtSpot issued a token for bob@example.com in Org 31 using the Org 0 key (fallback)',
    );
    expect(ts.minted).toMatchObject([{ orgId: 31, keyKind: 'cluster' }]);
  });

  it('reports secret_key_rejected with exit code 1 when the stored key is wrong', async () => {
    sm.setSecret(secretIdOf(6), key());

    const run = await cli(['verify', '--org', '6', '--user', 'alice@example.com']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "error: secret_key_rejected: ThoughtSpot rejected the configured secret key for this Org. (tried Org 6's own key)",
    );
    expect(run.stderr).toContain(
      'cause: TokenRejectedError: ThoughtSpot answered 401 (code 10097)',
    );
    expect(run.stdout).toBe('');
    expect(ts.minted).toHaveLength(0);
  });

  it('takes --thoughtspot-host and the function config, FALLBACK_TO_PRIMARY_ORG included', async () => {
    const run = await cli(
      ['verify', '--org', '32', '--user', 'bob@example.com', '--thoughtspot-host', ts.url],
      { env: { THOUGHTSPOT_HOST: undefined, FALLBACK_TO_PRIMARY_ORG: 'false' } },
    );
    const noHost = await cli(['verify', '--org', '5', '--user', 'bob@example.com'], {
      env: { THOUGHTSPOT_HOST: undefined },
    });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error: org_not_configured:');
    expect(noHost.code).toBe(2);
    expect(noHost.stderr).toContain('set THOUGHTSPOT_HOST or pass --thoughtspot-host');
    expect(ts.minted).toHaveLength(0);
  });
});
