import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../functions/lib/config.js';
import { parseTokenPolicy } from '../../functions/lib/policy-schema.js';
import { withoutAwsCredentials } from '../../infra/local/without-aws-credentials.js';
import EnvironmentSize from '../../infra/serverless/environment-size.cjs';
import resolvers from '../../infra/serverless/resolvers.cjs';
import { loadTemplate, tokenFunction } from './cloudformation.js';
import { type CliResult, DEFAULT_PACKAGE_DIR, ROOT } from './packaging.js';

const { environmentBytes, environmentSizeProblem, LAMBDA_ENVIRONMENT_LIMIT_BYTES } =
  EnvironmentSize;

// The token policy as it deploys (SPEC §7; issue 11, "Deployment"): the file that
// the stage param tokenPolicyFile names is checked at package time by the
// function's own schema and becomes the token function's TOKEN_POLICY, and the
// package fails on a bad policy (naming the field) or over Lambda's 4 KB
// environment limit. Three real `npm run package` runs, at once, prove the
// wiring; the resolver and the size rule are tested directly for the details.

const scratch = mkdtempSync(path.join(tmpdir(), 'token-policy-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A policy file in the scratch folder, pretty-printed as the infra team would keep it. */
function policyFile(name: string, content: unknown): string {
  const file = path.join(scratch, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

/** The resolver as osls calls it, with tokenPolicyFile set to `file`. */
const resolveTokenPolicy = (file: string): Promise<string> =>
  resolvers.tokenPolicy({
    resolveVariable: async (address: string) =>
      address === 'param:tokenPolicyFile' ? file : undefined,
  });

/** The resolver's refusal, as text. */
const refusal = (file: string): Promise<string> =>
  resolveTokenPolicy(file).then(
    (value) => `accepted: ${value}`,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );

/** What the function says of the same JSON at cold start (its config parse), without the prefix. */
function atColdStart(json: string): string {
  try {
    loadConfig({ THOUGHTSPOT_HOST: 'https://a.test', TOKEN_POLICY: json });
    return 'accepted';
  } catch (error) {
    return String(error).replace(/^ConfigError: Invalid configuration: /, '');
  }
}

const minified = (file: string): string => JSON.stringify(JSON.parse(readFileSync(file, 'utf8')));

/** Per Org, a verified claim feeds each variable and rule; names are taken verbatim. */
const VALID_POLICY = {
  default: {
    persist_option: 'REPLACE',
    variables: [{ name: 'region', claim: 'region', required: true }],
    filter_rules: [{ column_name: 'Région', operator: 'IN', claim: 'region' }],
    all_values_when: { claim: 'role', equals: 'analytics_admin' },
  },
  orgs: { '5': { variables: [{ name: 'store', claim: 'store_id', required: true }] } },
};

const INVALID_POLICY = { orgs: { '5': { variables: [{ name: 'store', claim: '' }] } } };
const INVALID_FIELD = 'TOKEN_POLICY orgs.5.variables.0.claim must be a non-empty string';

/** Valid, but 60 variables take more than 4 KB on their own. */
const OVERSIZED_POLICY = {
  default: {
    variables: Array.from({ length: 60 }, (_, i) => ({
      name: `variable_${i}`,
      claim: `claim_number_${i}`,
      required: true,
    })),
  },
};

/** The default policy file beside serverless.yml (absent in this repository: no policy). */
const DEFAULT_POLICY_FILE = path.join(ROOT, resolvers.DEFAULT_TOKEN_POLICY_FILE);
const defaultTokenPolicy = (): string =>
  existsSync(DEFAULT_POLICY_FILE) ? minified(DEFAULT_POLICY_FILE) : '';

/** What a service copy needs to package: the config, the code it bundles, the files it reads. */
const SERVICE_FILES = ['serverless.yml', 'package.json', 'tsconfig.json', 'functions', 'infra'];

/**
 * `npm run package` (dev stage, every default) in a copy of the service whose
 * token-policy.json, beside serverless.yml, holds `policy`: the infra team's own
 * set-up. Every run of osls package empties the service's .serverless/ (where
 * global-setup.ts left the dev package), so each variant runs in a copy of its
 * own, node_modules linked, and they run at once.
 */
function packageWithPolicy(variant: string, policy: unknown): Promise<CliResult & { dir: string }> {
  const service = path.join(scratch, `service-${variant}`);
  for (const name of SERVICE_FILES) {
    cpSync(path.join(ROOT, name), path.join(service, name), { recursive: true });
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(service, 'node_modules'), 'dir');
  writeFileSync(path.join(service, 'token-policy.json'), JSON.stringify(policy, null, 2));
  const env = withoutAwsCredentials(process.env);
  delete env.ESBUILD_WORK_FOLDER;
  const started = performance.now();
  const child = spawn('npm', ['run', 'package'], {
    cwd: service,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    output += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const timer = setTimeout(() => child.kill('SIGTERM'), 170_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      resolve({ status, stdout, output, seconds, dir: path.join(service, '.serverless') });
    });
  });
}

describe('npm run package with token-policy.json beside serverless.yml', () => {
  let runs: Record<'valid' | 'invalid' | 'oversized', CliResult & { dir: string }>;

  beforeAll(async () => {
    const [valid, invalid, oversized] = await Promise.all([
      packageWithPolicy('valid', VALID_POLICY),
      packageWithPolicy('invalid', INVALID_POLICY),
      packageWithPolicy('oversized', OVERSIZED_POLICY),
    ]);
    runs = { valid, invalid, oversized };
    console.log(
      `token policy packages (at once): ${Object.entries(runs)
        .map(([variant, run]) => `${variant} ${run.seconds.toFixed(1)} s`)
        .join(', ')}`,
    );
  });

  it("puts exactly the file's JSON, minified, in the token function's TOKEN_POLICY", () => {
    expect(runs.valid.status, runs.valid.output).toBe(0);
    const env = tokenFunction(loadTemplate(runs.valid.dir)).Environment.Variables;

    expect(env.TOKEN_POLICY).toBe(JSON.stringify(VALID_POLICY));
    expect(env.TOKEN_POLICY).toContain('"column_name":"Région"');
    // The function cold-starts with this environment and reads the file's policy from it.
    expect(loadConfig(env).tokenPolicy).toEqual(
      parseTokenPolicy(JSON.stringify(VALID_POLICY, null, 2)),
    );
    expect(environmentBytes(env)).toBeLessThanOrEqual(LAMBDA_ENVIRONMENT_LIMIT_BYTES);
  });

  it('fails on an invalid policy, naming the param, the file and the field', () => {
    expect(runs.invalid.status).not.toBe(0);
    expect(runs.invalid.output).toContain(
      `param "tokenPolicyFile" (token-policy.json): ${INVALID_FIELD}`,
    );
    expect(existsSync(runs.invalid.dir)).toBe(false);
  });

  it("fails over Lambda's 4 KB environment limit, naming the function and what to do", () => {
    expect(runs.oversized.status).not.toBe(0);
    expect(runs.oversized.output).toMatch(
      /The environment variables of function "token" take \d{4} bytes, over Lambda's limit of 4096 bytes \(4 KB\) for all of them together \(largest, in bytes: TOKEN_POLICY \d{4},/,
    );
    expect(runs.oversized.output).toContain(
      'Shrink the token policy (the file param "tokenPolicyFile" names), or keep a policy this large in SSM Parameter Store or S3 instead: docs/operations.md, "Token policy".',
    );
    const template = path.join(runs.oversized.dir, 'cloudformation-template-update-stack.json');
    expect(existsSync(template)).toBe(false);
  });
});

describe('without a policy file', () => {
  it('packages with TOKEN_POLICY empty: the function then has no policy', () => {
    // global-setup.ts packaged the dev stage with every default: no token-policy.json.
    const env = tokenFunction(loadTemplate(DEFAULT_PACKAGE_DIR)).Environment.Variables;
    const prodEnv = tokenFunction(loadTemplate(inject('prodPackageDir'))).Environment.Variables;

    expect(env.TOKEN_POLICY).toBe(defaultTokenPolicy());
    expect(prodEnv.TOKEN_POLICY).toBe(defaultTokenPolicy());
    if (env.TOKEN_POLICY === '') expect(loadConfig(env).tokenPolicy).toBeUndefined();
  });
});

describe('the tokenPolicy resolver', () => {
  it('reads a path relative to serverless.yml, or an absolute one', async () => {
    const example = 'infra/local/token-policy.example.json';

    await expect(resolveTokenPolicy(example)).resolves.toBe(minified(path.join(ROOT, example)));
    await expect(resolveTokenPolicy(path.join(ROOT, example))).resolves.toBe(
      minified(path.join(ROOT, example)),
    );
  });

  it('means no policy for "" and for the default file when it is absent', async () => {
    await expect(resolveTokenPolicy('')).resolves.toBe('');
    await expect(resolveTokenPolicy(resolvers.DEFAULT_TOKEN_POLICY_FILE)).resolves.toBe(
      defaultTokenPolicy(),
    );
  });

  it('refuses a file a stage names that does not exist: a misspelt name must not drop the policy', async () => {
    await expect(refusal('prod-token-policy.jsn')).resolves.toBe(
      'param "tokenPolicyFile" names prod-token-policy.jsn, which does not exist (relative paths start beside serverless.yml); for no policy set it to ""',
    );
    await expect(refusal(scratch)).resolves.toMatch(
      new RegExp(`^param "tokenPolicyFile" names ${scratch}, which cannot be read \\(.*EISDIR`),
    );
  });

  it('refuses an empty file and one that is not JSON; accepts a byte-order mark', async () => {
    const empty = policyFile('empty.json', '');
    const notJson = policyFile('not.json', '{"default": ');
    const bom = policyFile('bom.json', `\uFEFF${JSON.stringify(VALID_POLICY)}`);

    await expect(refusal(empty)).resolves.toBe(
      `param "tokenPolicyFile" (${empty}): TOKEN_POLICY is empty`,
    );
    await expect(refusal(notJson)).resolves.toBe(
      `param "tokenPolicyFile" (${notJson}): TOKEN_POLICY is not valid JSON`,
    );
    await expect(resolveTokenPolicy(bom)).resolves.toBe(JSON.stringify(VALID_POLICY));
  });
});

describe('package time and cold start say the same of a bad policy', () => {
  it.each([
    ['an empty claim', INVALID_POLICY],
    ['a typo in a field', { default: { variables: [{ name: 'r', claim: 'r', require: true }] } }],
    [
      'a persist option that cannot carry values',
      { orgs: { '7': { persist_option: 'NONE', variables: [{ name: 'r', claim: 'r' }] } } },
    ],
    [
      'an Org key that is not an id',
      { orgs: { acme: { variables: [{ name: 'r', claim: 'r' }] } } },
    ],
    [
      'a wildcard in all_values_when',
      {
        default: {
          variables: [{ name: 'r', claim: 'r' }],
          all_values_when: { claim: 'role', equals: 'ts_wildcard_all' },
        },
      },
    ],
    ['no variable or rule', { default: {} }],
    ['a list', '[]'],
  ])('%s', async (_case, policy) => {
    const file = policyFile('bad.json', policy);
    const json = readFileSync(file, 'utf8');

    const coldStart = atColdStart(json);
    const packaged = await refusal(file);

    expect(coldStart).toMatch(/^TOKEN_POLICY /);
    expect(packaged).toBe(`param "tokenPolicyFile" (${file}): ${coldStart}`);
  });
});

describe("Lambda's 4 KB environment limit", () => {
  it('counts the variables as Lambda measures them: one JSON object, escapes included', () => {
    expect(environmentBytes({ A: 'b' })).toBe('{"A":"b"}'.length);
    expect(environmentBytes({ P: '{"k":"é"}' })).toBe(
      Buffer.byteLength('{"P":"{\\"k\\":\\"é\\"}"}'),
    );
  });

  it('allows exactly 4096 bytes and refuses one more, naming the function and its largest variables', () => {
    const padded = (bytes: number) => ({
      NODE_OPTIONS: '--enable-source-maps',
      TOKEN_POLICY: 'x'.repeat(
        bytes - environmentBytes({ NODE_OPTIONS: '--enable-source-maps', TOKEN_POLICY: '' }),
      ),
    });

    expect(environmentBytes(padded(4096))).toBe(4096);
    expect(environmentSizeProblem('token', padded(4096))).toBeUndefined();
    expect(environmentSizeProblem('token', padded(4097))).toBe(
      `The environment variables of function "token" take 4097 bytes, over Lambda's limit of 4096 bytes (4 KB) for all of them together (largest, in bytes: TOKEN_POLICY 4057, NODE_OPTIONS 37). Shrink the token policy (the file param "tokenPolicyFile" names), or keep a policy this large in SSM Parameter Store or S3 instead: docs/operations.md, "Token policy".`,
    );
  });

  it('tells a function without a policy to move large values out of its environment', () => {
    expect(environmentSizeProblem('rotate', { BIG: 'x'.repeat(5000) })).toMatch(
      /^The environment variables of function "rotate" take 5010 bytes, .* Move large values out of the environment/,
    );
  });
});

describe('serverless.yml', () => {
  const config = parseYaml(readFileSync(path.join(ROOT, 'serverless.yml'), 'utf8'));

  it('reads the policy file into the token function through the resolver, and checks the size', () => {
    expect(config.params.default.tokenPolicyFile).toBe(resolvers.DEFAULT_TOKEN_POLICY_FILE);
    expect(config.functions.token.environment.TOKEN_POLICY).toMatch(
      /^\$\{file\(infra\/serverless\/resolvers\.cjs\):tokenPolicy\}$/,
    );
    expect(config.plugins).toContain('./infra/serverless/environment-size.cjs');
  });

  it('gives npm start (stage local) no policy unless TOKEN_POLICY_FILE names one', () => {
    expect(config.params.local.tokenPolicyFile).toBe('');
  });
});
