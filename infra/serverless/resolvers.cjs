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

/** The Lambda role's statements (beyond the log statements the framework adds). */
const iamStatements = async ({ resolveVariable }) => {
  const prefix = secretNamePrefix(await param(resolveVariable, 'secretIdTemplate'));
  const statements = [
    {
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      Resource: [secretArnPattern(prefix)],
    },
  ];
  const kmsKeyArn = await param(resolveVariable, 'secretsKmsKeyArn');
  if (kmsKeyArn !== '') {
    if (!KMS_KEY_ARN.test(kmsKeyArn)) {
      fail(
        'secretsKmsKeyArn',
        'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias',
      );
    }
    await assertSameRegion('secretsKmsKeyArn', kmsKeyArn, resolveVariable);
    statements.push({
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [kmsKeyArn],
      // Only when Secrets Manager decrypts on the function's behalf.
      Condition: {
        StringEquals: {
          'kms:ViaService': { 'Fn::Sub': `secretsmanager.\${AWS::Region}.amazonaws.com` },
        },
      },
    });
  }
  return statements;
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
  corsAllowedOrigins,
  thoughtspotTimeoutMs,
  alarmTopicArn,
  secretNamePrefix,
};
