// `npm start` with a token policy: TOKEN_POLICY_FILE is checked with the
// function's own schema before anything starts (a bad policy names its field),
// handed to the function as TOKEN_POLICY, and announced by the banner. The
// example policy and the example users' claims give the demo real values.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type OrgPolicy, policyFor } from '../../functions/lib/policy-schema.js';
import { tokenValues } from '../../functions/lib/policy-values.js';
import { formatBanner } from '../../infra/local/banner.js';
import {
  EXAMPLE_TOKEN_POLICY_FILE,
  policyLaunch,
  policyScope,
  readTokenPolicyFile,
} from '../../infra/local/local-policy.js';
import {
  EXAMPLE_USER_CLAIMS,
  type EXAMPLE_USERS,
  readLocalSettings,
} from '../../infra/local/local-settings.js';
import { LocalSetupError } from '../../infra/local/local-setup-error.js';
import resolvers from '../../infra/serverless/resolvers.cjs';

const scratch = mkdtempSync(join(tmpdir(), 'local-policy-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A policy file in the scratch folder. */
function policyFile(name: string, content: unknown): string {
  const path = join(scratch, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

function setupError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof LocalSetupError) return error.message;
    throw error;
  }
  throw new Error('expected a LocalSetupError');
}

describe('the example token policy', () => {
  it('passes the policy schema and reaches the function as compact JSON of the same policy', () => {
    const example = readTokenPolicyFile(EXAMPLE_TOKEN_POLICY_FILE);

    expect(JSON.parse(example.json)).toEqual(
      JSON.parse(readFileSync(EXAMPLE_TOKEN_POLICY_FILE, 'utf8')),
    );
    expect(example.json).not.toMatch(/\n|: /);
    expect(policyScope(example.policy)).toBe('default for every Org');
  });

  it('is described for the banner by the Orgs it covers', () => {
    const rules: OrgPolicy = {
      persist_option: 'REPLACE',
      variables: [{ name: 'r', claim: 'r', required: false }],
    };

    expect(policyScope({ default: rules, orgs: { '5': rules } })).toBe(
      'default for every Org; own entry for Org 5',
    );
    expect(policyScope({ orgs: { '5': rules, '7': rules } })).toBe('only Orgs 5, 7');
  });

  it('gives each example user the values the demo shows: alice EMEA, bob APAC, carol all values', () => {
    const policy = policyFor(readTokenPolicyFile(EXAMPLE_TOKEN_POLICY_FILE).policy, 5);
    if (!policy) throw new Error('the example policy has no default');
    const regionOf = (user: (typeof EXAMPLE_USERS)[number]) => {
      const values = tokenValues(policy, EXAMPLE_USER_CLAIMS[user]);
      return [values.variable_values, values.filter_rules].map((list) => list[0]?.values);
    };

    expect(regionOf('alice@example.com')).toEqual([['EMEA'], ['EMEA']]);
    expect(regionOf('bob@example.com')).toEqual([['APAC'], ['APAC']]);
    expect(regionOf('carol@example.com')).toEqual([['TS_WILDCARD_ALL'], ['TS_WILDCARD_ALL']]);
  });
});

describe('TOKEN_POLICY_FILE', () => {
  it('is read from the environment like every npm start setting, and is optional', () => {
    expect(
      readLocalSettings({ TOKEN_POLICY_FILE: ` ${EXAMPLE_TOKEN_POLICY_FILE} ` }),
    ).toMatchObject({
      TOKEN_POLICY_FILE: EXAMPLE_TOKEN_POLICY_FILE,
    });
    expect(readLocalSettings({}).TOKEN_POLICY_FILE).toBeUndefined();
  });

  it.each([
    [
      'a variable without its claim',
      { default: { variables: [{ name: 'region' }] } },
      'default.variables.0.claim is required',
    ],
    [
      'a persist option that cannot carry variables',
      { orgs: { '5': { persist_option: 'NONE', variables: [{ name: 'r', claim: 'r' }] } } },
      'orgs.5.persist_option must be REPLACE or APPEND (NONE cannot carry variable values)',
    ],
    [
      'an unknown operator',
      { default: { filter_rules: [{ column_name: 'Region', operator: 'MATCHES', claim: 'r' }] } },
      'default.filter_rules.0.operator must be one of',
    ],
    [
      'a misspelt field',
      { default: { variables: [{ name: 'r', claim: 'r', require: true }] } },
      'default.variables.0 has unknown field(s) "require"',
    ],
  ])('refuses a policy with %s, naming the file and the field', (_, policy, field) => {
    const path = policyFile('bad.json', policy);

    expect(setupError(() => readTokenPolicyFile(path))).toMatch(
      new RegExp(`^TOKEN_POLICY_FILE ${path}: TOKEN_POLICY ${escapeRegExp(field)}`),
    );
  });

  it('refuses a file that is not JSON, is empty, or cannot be read', () => {
    const notJson = policyFile('not.json', '{"default": ');
    const empty = policyFile('empty.json', '');

    expect(setupError(() => readTokenPolicyFile(notJson))).toBe(
      `TOKEN_POLICY_FILE ${notJson}: TOKEN_POLICY is not valid JSON`,
    );
    expect(setupError(() => readTokenPolicyFile(empty))).toBe(
      `TOKEN_POLICY_FILE ${empty}: TOKEN_POLICY is empty`,
    );
    expect(setupError(() => readTokenPolicyFile(join(scratch, 'none.json')))).toBe(
      `TOKEN_POLICY_FILE ${join(scratch, 'none.json')} cannot be read`,
    );
  });

  it('stops `npm start` before anything starts, naming the field, with exit code 1', async () => {
    const path = policyFile('start.json', { default: { variables: [{ claim: 'region' }] } });

    const { code, stderr } = await runStart({ TOKEN_POLICY_FILE: path });

    expect(code).toBe(1);
    expect(stderr).toContain(
      `npm start: TOKEN_POLICY_FILE ${path}: TOKEN_POLICY default.variables.0.name is required`,
    );
    expect(stderr).not.toMatch(/serverless|listening|\n\s+at /);
  });

  it('reaches the function as a deployment gets it: a file tokenPolicyFile names, read by the resolver', async () => {
    const example = readTokenPolicyFile(EXAMPLE_TOKEN_POLICY_FILE);
    const dir = mkdtempSync(join(scratch, 'launch-'));

    const launch = policyLaunch(example.json, dir);

    const file = join(dir, 'token-policy.json');
    expect(launch).toEqual({ args: ['--param', `tokenPolicyFile=${file}`] });
    await expect(resolvers.tokenPolicy({ resolveVariable: async () => file })).resolves.toBe(
      example.json,
    );
    // No policy: no param, so the local stage's own tokenPolicyFile ("") applies.
    expect(policyLaunch(undefined, dir)).toEqual({ args: [] });
  });

  it('is announced by the banner, and the banner says how to turn it on when it is off', () => {
    const banner = (tokenPolicy?: { file: string; scope: string }) =>
      formatBanner({
        apiUrl: 'http://127.0.0.1:3000',
        demoUrl: 'http://127.0.0.1:3020/',
        thoughtSpot: { url: 'http://127.0.0.1:3010', standIn: true },
        secretsManager: { url: 'http://127.0.0.1:3011', standIn: true },
        keys: { source: 'generated', orgIds: [0, 5] },
        corsOrigins: [],
        jwtIssuer: 'https://issuer.test/',
        jwtAudience: 'aud',
        ...(tokenPolicy && { tokenPolicy }),
        exampleJwt: 'jwt',
        exampleUser: 'alice@example.com',
        exampleOrg: '5',
        exampleClaims: { region: 'EMEA' },
        startupMs: 1000,
      });

    const on = banner({ file: EXAMPLE_TOKEN_POLICY_FILE, scope: 'default for every Org' });
    const off = banner();

    expect(on).toContain(
      `Token policy:  ON, from ${EXAMPLE_TOKEN_POLICY_FILE} (default for every Org),`,
    );
    expect(on).toContain('--user bob@example.com --org 0 --claim region=APAC');
    expect(on).toContain('A token for alice@example.com in Org 5, region EMEA');
    expect(off).toContain(
      `Token policy:  off; TOKEN_POLICY_FILE=${EXAMPLE_TOKEN_POLICY_FILE} npm start`,
    );
    expect(off).not.toContain('--claim');
  });
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `npm start`'s script as a child process (Node 22 + tsx), as the npm script runs it. */
function runStart(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  // Should it start after all, it must not outlive the test.
  const timer = setTimeout(() => child.kill('SIGTERM'), 15_000);
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
