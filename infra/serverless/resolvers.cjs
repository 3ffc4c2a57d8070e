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

const {
  INTEGER_LIMITS,
  integerWithin,
  isLoopbackHost,
  maxThoughtSpotTimeoutMs,
  SECRET_LOOKUP_BUDGET_MS,
  SECRET_NAME_CHARS,
  secretIdTemplateProblem,
  secretNamePrefix: templatePrefix,
} = require('../../functions/lib/config-rules.cjs');

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const SECRET_ARN_START = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:/;
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
 * the Org secrets' prefix, or the token function could read the admin password.
 */
const adminSecretArn = async (resolveVariable, orgPrefix) => {
  const id = await param(resolveVariable, 'thoughtspotAdminSecretId');
  const isArn = id.startsWith('arn:');
  const name = id.replace(SECRET_ARN_START, '');
  if (name === '' || !SECRET_NAME_CHARS.test(name) || (isArn && name === id)) {
    fail('thoughtspotAdminSecretId', `must be a Secrets Manager secret name or ARN, got "${id}"`);
  }
  if (isArn) await assertSameRegion('thoughtspotAdminSecretId', id, resolveVariable);
  if (name.startsWith(orgPrefix)) {
    fail(
      'thoughtspotAdminSecretId',
      `must not start with the Org secrets' prefix "${orgPrefix}": the token function may read those`,
    );
  }
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

module.exports = {
  iamStatements,
  rotationIamStatements,
  corsAllowedOrigins,
  thoughtspotTimeoutMs,
  alarmTopicArn,
  orgSecretNamePrefix,
  secretNamePrefix,
};
