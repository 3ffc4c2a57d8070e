import { beforeAll, describe, expect, inject, it } from 'vitest';
import * as z from 'zod';
import {
  DEFAULTS,
  LAMBDA_TIMEOUT_SECONDS,
  ROTATION_DEFAULTS,
  ROTATION_LAMBDA_TIMEOUT_SECONDS,
  secretNamePrefix,
} from '../../functions/lib/config-rules.cjs';
import {
  allStrings,
  hasAlarmTopic,
  loadTemplate,
  resource,
  resourcesOfType,
  roleStatements,
  rotateFunction,
  subOrString,
  type Template,
  tokenFunction,
} from './cloudformation.js';
import { SERVICE } from './expected.js';
import { DEFAULT_PACKAGE_DIR, PROD_PARAMS } from './packaging.js';

// The rotation function's deployment (SPEC §6, AWS-AND-ABAC-FACTS §1.5, §1.7): its own
// least-privilege role, Secrets Manager's permission to invoke it, its ARN as an
// output, and the EventBridge rule on failed rotations. Its Lambda Errors alarm is
// checked with the other alarms (template-iam-alarms.test.ts), its dashboard in dashboard.test.ts.

const PREFIX = secretNamePrefix(DEFAULTS.SECRET_ID_TEMPLATE);
const ARN_START = `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:`;
const ORG_SECRETS = { 'Fn::Sub': `${ARN_START}${PREFIX}*` };
/** The admin secret by name: exactly it, with the six characters Secrets Manager appends. */
const ADMIN_SECRET = {
  'Fn::Sub': `${ARN_START}${ROTATION_DEFAULTS.THOUGHTSPOT_ADMIN_SECRET_ID}-??????`,
};
const ROTATION_ACTIONS = [
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
];
const LOG_GROUP = `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${SERVICE}-dev-rotate`;

/** Every statement of the rotation role, in the dev package (no KMS key). */
const DEV_ROLE_STATEMENTS = [
  {
    Effect: 'Allow',
    Action: ['logs:CreateLogStream'],
    Resource: [{ 'Fn::Sub': `${LOG_GROUP}:*` }],
  },
  { Effect: 'Allow', Action: ['logs:PutLogEvents'], Resource: [{ 'Fn::Sub': `${LOG_GROUP}:*:*` }] },
  { Effect: 'Allow', Action: ROTATION_ACTIONS, Resource: [ORG_SECRETS] },
  { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [ADMIN_SECRET] },
];

const PermissionSchema = z.object({
  FunctionName: z.unknown(),
  Action: z.string(),
  Principal: z.string(),
  SourceAccount: z.unknown().optional(),
  SourceArn: z.unknown().optional(),
});

const RuleSchema = z.object({
  State: z.string(),
  EventPattern: z.unknown(),
  Targets: z.array(z.object({ Id: z.string(), Arn: z.unknown() })),
});

const TrustSchema = z.object({
  AssumeRolePolicyDocument: z.object({ Statement: z.array(z.unknown()) }),
});

const ROTATE_ARN = { 'Fn::GetAtt': ['RotateLambdaFunction', 'Arn'] };

/** The permissions on the rotation function (the token function has API Gateway's). */
const rotatePermissions = (template: Template) =>
  [...resourcesOfType(template, 'AWS::Lambda::Permission', PermissionSchema).values()].filter(
    (permission) => JSON.stringify(permission.FunctionName).includes('RotateLambdaFunction'),
  );

describe('the rotation function (npm run package, dev)', () => {
  let template: Template;

  beforeAll(() => {
    template = loadTemplate(DEFAULT_PACKAGE_DIR);
  });

  it('runs functions/rotate/handler.handler on Node 22 arm64, with minutes to spare for a slow ThoughtSpot', () => {
    const fn = rotateFunction(template);

    expect(fn).toMatchObject({
      Handler: 'functions/rotate/handler.handler',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: ROTATION_LAMBDA_TIMEOUT_SECONDS,
    });
    expect(fn.Timeout).toBeGreaterThanOrEqual(60);
    expect(fn.Timeout).toBeGreaterThan(LAMBDA_TIMEOUT_SECONDS);
  });

  it("gets the shared ThoughtSpot and secret settings, the admin secret and test user, none of the token function's own", () => {
    const env = rotateFunction(template).Environment.Variables;
    const token = tokenFunction(template).Environment.Variables;

    expect(env).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: `${SERVICE}-dev`,
      POWERTOOLS_METRICS_NAMESPACE: token.POWERTOOLS_METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      THOUGHTSPOT_HOST: token.THOUGHTSPOT_HOST,
      SECRET_ID_TEMPLATE: token.SECRET_ID_TEMPLATE,
      THOUGHTSPOT_TIMEOUT_MS: token.THOUGHTSPOT_TIMEOUT_MS,
      THOUGHTSPOT_ADMIN_SECRET_ID: ROTATION_DEFAULTS.THOUGHTSPOT_ADMIN_SECRET_ID,
      ROTATION_TEST_USER: '', // unset: the admin username
    });
  });

  it("runs with a role of its own, RotateRole, which only Lambda may assume; the token function keeps the framework's", () => {
    const trust = resource(template, 'RotateRole', 'AWS::IAM::Role', TrustSchema);

    expect(rotateFunction(template).Role).toEqual({ 'Fn::GetAtt': ['RotateRole', 'Arn'] });
    expect(tokenFunction(template).Role).toEqual({
      'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'],
    });
    expect(trust.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: 'sts:AssumeRole',
      },
    ]);
  });

  it('may do exactly the rotation actions on the Org secrets, read the admin secret, and log to its own group', () => {
    expect(roleStatements(template, 'RotateRole')).toEqual(DEV_ROLE_STATEMENTS);
  });

  it('grants nothing on a wildcard resource and no KMS without secretsKmsKeyArn', () => {
    const statements = roleStatements(template, 'RotateRole');
    const resources = statements.flatMap((statement) => statement.Resource.map(subOrString));

    expect(statements.flatMap((statement) => statement.Action)).not.toContainEqual(
      expect.stringMatching(/^kms:|\*/),
    );
    for (const arn of resources) {
      expect(arn).toMatch(/^arn:\$\{AWS::Partition\}:(logs|secretsmanager):/);
      // A wildcard only after a fixed name: the Org prefix, or the function's own log group.
      expect(arn).not.toMatch(/:(secret|log-group):\/?\*/);
    }
  });

  it("keeps the admin secret out of the token function's reach", () => {
    const tokenResources = roleStatements(template).flatMap((statement) =>
      statement.Resource.map(subOrString),
    );

    expect(ROTATION_DEFAULTS.THOUGHTSPOT_ADMIN_SECRET_ID.startsWith(PREFIX)).toBe(false);
    expect(tokenResources).not.toContain(subOrString(ADMIN_SECRET));
  });

  it('may be invoked by Secrets Manager for this account only (no SourceArn: one function, every Org secret)', () => {
    expect(rotatePermissions(template)).toEqual([
      {
        FunctionName: ROTATE_ARN,
        Action: 'lambda:InvokeFunction',
        Principal: 'secretsmanager.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
      },
    ]);
  });

  it('outputs its ARN for `npm run keys -- schedule`, and schedules no rotation itself', () => {
    const secretsManagerResources = Object.values(template.Resources).filter((found) =>
      found.Type.startsWith('AWS::SecretsManager::'),
    );

    expect(template.Outputs.RotateFunctionArn).toMatchObject({ Value: ROTATE_ARN });
    expect(secretsManagerResources).toEqual([]);
  });

  it('has no failed-rotation rule without alarmTopicArn (it would notify nobody)', () => {
    expect(hasAlarmTopic(template)).toBe(false);
    expect(template.Resources.RotationFailedRule?.Condition).toBe('HasAlarmTopic');
  });
});

describe('the rotation function (serverless package --stage prod, every param given)', () => {
  let template: Template;

  beforeAll(() => {
    template = loadTemplate(inject('prodPackageDir'));
  });

  it('adds kms:Decrypt and kms:GenerateDataKey on the secretsKmsKeyArn key only, only via Secrets Manager', () => {
    const statements = roleStatements(template, 'RotateRole');

    expect(statements.filter((statement) => !statement.Action[0]?.startsWith('logs:'))).toEqual([
      { Effect: 'Allow', Action: ROTATION_ACTIONS, Resource: [ORG_SECRETS] },
      { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [ADMIN_SECRET] },
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: [PROD_PARAMS.secretsKmsKeyArn],
        Condition: {
          StringEquals: {
            'kms:ViaService': { 'Fn::Sub': `secretsmanager.\${AWS::Region}.amazonaws.com` },
          },
        },
      },
    ]);
  });

  it("sends Secrets Manager's RotationFailed and RotationAbandoned events for the Org secrets to alarmTopicArn", () => {
    const rule = resource(template, 'RotationFailedRule', 'AWS::Events::Rule', RuleSchema);

    expect(hasAlarmTopic(template)).toBe(true);
    expect(rule.State).toBe('ENABLED');
    expect(rule.EventPattern).toEqual({
      source: ['aws.secretsmanager'],
      'detail-type': ['AWS Service Event via CloudTrail'],
      detail: {
        eventSource: ['secretsmanager.amazonaws.com'],
        eventName: ['RotationFailed', 'RotationAbandoned'],
        additionalEventData: {
          SecretId: [{ prefix: { 'Fn::Sub': `${ARN_START}${PREFIX}` } }, { prefix: PREFIX }],
        },
      },
    });
    expect(rule.Targets).toEqual([{ Id: 'alarm-topic', Arn: PROD_PARAMS.alarmTopicArn }]);
  });

  it('matches the Org secrets by the prefix secretIdTemplate gives, as the IAM grants do', () => {
    const rule = resource(template, 'RotationFailedRule', 'AWS::Events::Rule', RuleSchema);
    const granted = roleStatements(template, 'RotateRole')
      .filter((statement) => statement.Action.includes('secretsmanager:PutSecretValue'))
      .flatMap((statement) => statement.Resource.map(subOrString));
    const matched = allStrings(rule.EventPattern).filter((value) => value.includes(PREFIX));

    expect(granted).toEqual([`${ARN_START}${PREFIX}*`]);
    expect(matched.sort()).toEqual([`${ARN_START}${PREFIX}`, PREFIX].sort());
  });
});
