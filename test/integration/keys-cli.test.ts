import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseSecretValue } from '../../functions/lib/secret-keys.js';
import {
  type SecretsManagerStandIn,
  STAND_IN_AWS_ENV,
  startSecretsManagerStandIn,
} from '../../infra/local/secrets-manager-stand-in.js';
import {
  startThoughtSpotStandIn,
  type ThoughtSpotStandIn,
} from '../../infra/local/thoughtspot-stand-in.js';
import { fakeKey } from '../support/fixtures.js';
import { secretIdOf } from './support/environment.js';
import { CLI_TEST_TIMEOUT_MS, keysCli } from './support/keys-cli-process.js';

/**
 * `npm run keys` end to end: the CLI runs as a real child process (Node 22 + tsx),
 * its real AWS SDK client talks to the Secrets Manager stand-in through
 * AWS_ENDPOINT_URL_SECRETS_MANAGER, and `verify` mints through the ThoughtSpot
 * stand-in. Every run's output is searched for every key and token.
 */

vi.setConfig({ testTimeout: CLI_TEST_TIMEOUT_MS });

const allKeys: string[] = [];
/** A GUID-like key, as ThoughtSpot issues them; remembered for the leak check. */
const key = (): string => {
  const value = randomUUID();
  allKeys.push(value);
  return value;
};
const remembered = (value: string): string => {
  allKeys.push(value);
  return value;
};

const CLUSTER_KEY = key();
const ORG5_KEY = key();
const ORG6_KEY = key();
const ORG7_KEY = key();
const ISO_DATE = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/;
const VERSION = /version ([0-9a-f-]{36})$/m;

let sm: SecretsManagerStandIn;
let ts: ThoughtSpotStandIn;
let sdk: SecretsManagerClient;
let workDir: string;

/** Runs `npm run keys -- ...args`; rejects if the output holds any key or token. */
const cli = keysCli(() => ({
  secretsManagerUrl: sm.url,
  workDir,
  env: { THOUGHTSPOT_HOST: ts.url },
  // Every token the stand-in mints starts with this.
  secrets: () => ['tsstandin-token-', ...allKeys],
}));

const storedValue = async (secretId: string) =>
  sdk.send(new GetSecretValueCommand({ SecretId: secretId }));

/** The list row of one secret name. */
const rowOf = (stdout: string, secretId: string) =>
  stdout.split('\n').find((line) => line.split(/\s+/)[1] === secretId);

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

  // Eight CLI processes in a row: on a loaded 2-core machine that outlasts the tier's 20 s.
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
  }, 60_000);

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
    expect(run.stderr).toContain('1 other secret(s)');
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
