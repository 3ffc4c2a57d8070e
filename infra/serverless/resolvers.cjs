// Values serverless.yml derives from stage params, checked at package time so a bad
// param fails `serverless package`/`deploy` with its name instead of shipping a
// stack that is too open or cannot work. Each export is a Serverless variable
// resolver: `${file(infra/serverless/resolvers.cjs):<name>}` calls it with
// `{ resolveVariable }` (osls and Serverless v4 alike), which reads `param:` and
// `self:` values.
// CommonJS (.cjs) because the package is "type": "module" and the file source
// loads resolvers with require().
// The rules the function also enforces at cold start (secret-id template,
// loopback, the ThoughtSpot deadline) come from config-rules.cjs, so that a value
// passes both or neither.
'use strict';

const { readFileSync } = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');
const {
  adminSecretIdProblem,
  INTEGER_LIMITS,
  integerWithin,
  isLoopbackHost,
  maxThoughtSpotTimeoutMs,
  SECRET_LOOKUP_BUDGET_MS,
  secretIdTemplateProblem,
  secretNamePrefix: templatePrefix,
} = require('../../functions/lib/config-rules.cjs');

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

const fail = (param, message) => {
  const error = new Error(`param "${param}" ${message}`);
  error.stack = error.message; // the CLI prints the stack: keep it to the one useful line
  throw error;
};

const param = async (resolveVariable, name) => {
  const value = await resolveVariable(`param:${name}`);
  return value == null ? '' : String(value).trim();
};

/** Secrets Manager only uses keys, and CloudWatch only notifies topics, of its own region. */
const assertSameRegion = async (name, arn, resolveVariable) => {
  const region = String(await resolveVariable('self:provider.region'));
  const arnRegion = arn.split(':')[3];
  if (arnRegion !== region) fail(name, `is in ${arnRegion} but the stack deploys to ${region}`);
};

/**
 * The part of SECRET_ID_TEMPLATE before `{orgId}`: every Org's secret name starts
 * with it, so IAM can grant exactly that prefix. A template the function would
 * refuse at cold start fails the package instead.
 */
const secretNamePrefix = (template) => {
  const problem = secretIdTemplateProblem(template);
  if (problem !== undefined) fail('secretIdTemplate', `${problem} (got "${template}")`);
  return templatePrefix(template);
};

/** `arn:...:secret:<prefix>*` — the `*` covers the Org id and the 6-character suffix Secrets Manager appends. */
const secretArnPattern = (prefix) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${prefix}*`,
});

/** The fixed start of every Org secret's name (secretIdTemplate up to {orgId}), checked. */
const orgSecretNamePrefix = async ({ resolveVariable }) =>
  secretNamePrefix(await param(resolveVariable, 'secretIdTemplate'));

/** The customer-managed KMS key of the secrets, checked, or '' for the AWS-managed key. */
const secretsKmsKeyArn = async (resolveVariable) => {
  const kmsKeyArn = await param(resolveVariable, 'secretsKmsKeyArn');
  if (kmsKeyArn === '') return kmsKeyArn;
  if (!KMS_KEY_ARN.test(kmsKeyArn)) {
    fail(
      'secretsKmsKeyArn',
      'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias',
    );
  }
  await assertSameRegion('secretsKmsKeyArn', kmsKeyArn, resolveVariable);
  return kmsKeyArn;
};

/** `actions` on the secrets' KMS key, none without one; only when Secrets Manager uses the key on the function's behalf. */
const kmsStatements = (kmsKeyArn, actions) =>
  kmsKeyArn === ''
    ? []
    : [
        {
          Effect: 'Allow',
          Action: actions,
          Resource: [kmsKeyArn],
          Condition: {
            StringEquals: {
              'kms:ViaService': { 'Fn::Sub': `secretsmanager.\${AWS::Region}.amazonaws.com` },
            },
          },
        },
      ];

/**
 * The token function's role statements (beyond the log statements the framework
 * adds): read and describe the Org secrets (DescribeSecret shows a rotation in
 * progress, SPEC §5), decrypt with the secrets' key.
 */
const iamStatements = async ({ resolveVariable }) => {
  const prefix = await orgSecretNamePrefix({ resolveVariable });
  return [
    {
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: [secretArnPattern(prefix)],
    },
    ...kmsStatements(await secretsKmsKeyArn(resolveVariable), ['kms:Decrypt']),
  ];
};

/**
 * The admin secret's ARN pattern: a name gets `-??????` (the six characters Secrets
 * Manager appends, and nothing more), an ARN is taken as it is. It must lie outside
 * the Org secrets' prefix (adminSecretIdProblem, which the rotation function applies
 * at cold start too), and an ARN in the stack's region.
 */
const adminSecretArn = async (resolveVariable, orgPrefix) => {
  const id = await param(resolveVariable, 'thoughtspotAdminSecretId');
  const formProblem = adminSecretIdProblem(id, undefined);
  if (formProblem !== undefined) fail('thoughtspotAdminSecretId', `${formProblem}, got "${id}"`);
  const isArn = id.startsWith('arn:');
  if (isArn) await assertSameRegion('thoughtspotAdminSecretId', id, resolveVariable);
  const prefixProblem = adminSecretIdProblem(id, orgPrefix);
  if (prefixProblem !== undefined) fail('thoughtspotAdminSecretId', prefixProblem);
  return isArn
    ? id
    : {
        'Fn::Sub': `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${id}-??????`,
      };
};

/**
 * The rotation function's role statements, beside its log statements (serverless.yml):
 * the four rotation actions on the Org secrets (AWS-AND-ABAC-FACTS §1.5), reading the
 * admin secret only, and Decrypt plus GenerateDataKey (PutSecretValue encrypts) on
 * the secrets' key.
 */
const rotationIamStatements = async ({ resolveVariable }) => {
  const prefix = await orgSecretNamePrefix({ resolveVariable });
  return [
    {
      Effect: 'Allow',
      Action: [
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecretVersionStage',
      ],
      Resource: [secretArnPattern(prefix)],
    },
    {
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      Resource: [await adminSecretArn(resolveVariable, prefix)],
    },
    ...kmsStatements(await secretsKmsKeyArn(resolveVariable), [
      'kms:Decrypt',
      'kms:GenerateDataKey',
    ]),
  ];
};

/**
 * Exact browser origins (list, or comma-separated string from `--param`).
 * `*`, paths and plain http (other than localhost) are refused: the token route
 * mints admin-signed tokens and must not answer arbitrary pages.
 */
const corsAllowedOrigins = async ({ resolveVariable }) => {
  const raw = await resolveVariable('param:corsAllowedOrigins');
  const list = (Array.isArray(raw) ? raw : String(raw ?? '').split(','))
    .map((origin) => String(origin).trim())
    .filter((origin) => origin !== '');
  if (list.length === 0) fail('corsAllowedOrigins', 'must list at least one origin');
  for (const origin of list) {
    let url;
    try {
      url = new URL(origin);
    } catch {
      fail(
        'corsAllowedOrigins',
        `has "${origin}", which is not an origin such as https://app.example.com`,
      );
    }
    const secure =
      url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
    if (url.origin !== origin || !secure || origin.includes('*')) {
      fail(
        'corsAllowedOrigins',
        `has "${origin}": give exact https origins (scheme://host[:port], no path, no *, http only for localhost)`,
      );
    }
  }
  return list;
};

/**
 * THOUGHTSPOT_TIMEOUT_MS, refused when it would not fit inside the stack's Lambda
 * timeout: the same rule, lower bound and all, as the function's config check.
 */
const thoughtspotTimeoutMs = async ({ resolveVariable }) => {
  const value = await param(resolveVariable, 'thoughtspotTimeoutMs');
  const lambdaTimeoutSeconds = Number(await resolveVariable('self:provider.timeout'));
  const limits = {
    min: INTEGER_LIMITS.THOUGHTSPOT_TIMEOUT_MS.min,
    max: maxThoughtSpotTimeoutMs(lambdaTimeoutSeconds),
  };
  if (integerWithin(value, limits) === undefined) {
    fail(
      'thoughtspotTimeoutMs',
      `must be an integer from ${limits.min} to ${limits.max} (Lambda timeout ${lambdaTimeoutSeconds} s minus ${SECRET_LOOKUP_BUDGET_MS} ms for the secret lookup), got "${value}"`,
    );
  }
  return value;
};

/** The SNS topic for alarm notifications, or '' for none. */
const alarmTopicArn = async ({ resolveVariable }) => {
  const value = await param(resolveVariable, 'alarmTopicArn');
  if (value === '') return value;
  if (!SNS_TOPIC_ARN.test(value)) fail('alarmTopicArn', 'must be an SNS topic ARN or empty');
  await assertSameRegion('alarmTopicArn', value, resolveVariable);
  return value;
};

/** The directory of serverless.yml: a relative tokenPolicyFile is read from here. */
const SERVICE_DIR = path.resolve(__dirname, '../..');
/** The function's policy schema (SPEC §7), the one definition of a valid policy. */
const POLICY_SCHEMA_SOURCE = path.join(SERVICE_DIR, 'functions/lib/policy-schema.ts');
/**
 * tokenPolicyFile's default. This one file may be absent (no policy); a file a
 * stage or --param names must exist, so a misspelt name never deploys a stack
 * without its policy.
 */
const DEFAULT_TOKEN_POLICY_FILE = 'token-policy.json';

let policySchema;
/**
 * policy-schema.ts itself, compiled for this CommonJS process: esbuild (the
 * bundler serverless-esbuild already needs) bundles it and its local imports to
 * CommonJS in memory, zod stays a require() of the installed package. So the
 * package check runs the very code, and produces the very messages, of the
 * function's cold-start check: there is no second validator to drift.
 * @returns {{ parseTokenPolicy(json: string): unknown, TokenPolicyError: new (...args: never[]) => Error }}
 */
function loadPolicySchema() {
  if (policySchema === undefined) {
    const { buildSync } = require('esbuild');
    const [bundle] = buildSync({
      entryPoints: [POLICY_SCHEMA_SOURCE],
      bundle: true,
      packages: 'external',
      format: 'cjs',
      platform: 'node',
      target: 'node22',
      write: false,
      logLevel: 'silent',
    }).outputFiles;
    const loaded = { exports: {} };
    const options = { filename: POLICY_SCHEMA_SOURCE };
    const wrapper = `(function (exports, require, module) {${bundle.text}\n})`;
    vm.runInThisContext(wrapper, options)(
      loaded.exports,
      createRequire(POLICY_SCHEMA_SOURCE),
      loaded,
    );
    policySchema = loaded.exports;
  }
  return policySchema;
}

/**
 * TOKEN_POLICY from a policy file: its JSON minified, after the function's own
 * schema accepted it; '' for no policy. `file` is relative to serverless.yml's
 * directory (or absolute); '' means no policy, as does an absent default file.
 * @param {string} file
 * @returns {string}
 */
function tokenPolicyFromFile(file) {
  if (file === '') return '';
  let text;
  try {
    text = readFileSync(path.resolve(SERVICE_DIR, file), 'utf8');
  } catch (error) {
    const missing = /** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT';
    if (missing && file === DEFAULT_TOKEN_POLICY_FILE) return '';
    fail(
      'tokenPolicyFile',
      missing
        ? `names ${file}, which does not exist (relative paths start beside serverless.yml); for no policy set it to ""`
        : `names ${file}, which cannot be read (${String(error)})`,
    );
  }
  const json = text.replace(/^\uFEFF/, ''); // a byte-order mark some editors write
  const { parseTokenPolicy, TokenPolicyError } = loadPolicySchema();
  try {
    // parseTokenPolicy('') means "unset" to the function; an empty file is a mistake.
    if (parseTokenPolicy(json) === undefined) throw new TokenPolicyError('TOKEN_POLICY is empty');
  } catch (error) {
    // The schema's message names the field; the policy's own text is all it quotes.
    if (error instanceof TokenPolicyError) fail('tokenPolicyFile', `(${file}): ${error.message}`);
    throw error;
  }
  return JSON.stringify(JSON.parse(json));
}

/** TOKEN_POLICY for the token function, from the policy file tokenPolicyFile names. */
const tokenPolicy = async ({ resolveVariable }) =>
  tokenPolicyFromFile(await param(resolveVariable, 'tokenPolicyFile'));

module.exports = {
  iamStatements,
  rotationIamStatements,
  corsAllowedOrigins,
  thoughtspotTimeoutMs,
  alarmTopicArn,
  orgSecretNamePrefix,
  tokenPolicy,
  DEFAULT_TOKEN_POLICY_FILE,
};
