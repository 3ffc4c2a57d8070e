import { beforeAll, describe, expect, it } from 'vitest';
import { secretNamePrefix } from '../../functions/lib/config-rules.cjs';
import {
  AlarmSchema,
  allStrings,
  hasAlarmTopic,
  loadTemplate,
  resourcesOfType,
  roleStatements,
  subOrString,
  type Template,
  tokenFunction,
} from './cloudformation.js';
import {
  CREDENTIAL_PATTERNS,
  NAMESPACE,
  SECRET_ARN,
  SERVICE,
  TOKEN_SECRET_ACTIONS,
} from './expected.js';
import { DEFAULT_PACKAGE_DIR } from './packaging.js';

// The dev package's IAM, its alarms, and no credential anywhere in it.

/**
 * Alarm logical id → metric it watches: a Lambda metric of a function, or the service's
 * Errors with a code (the `service` dimension is checked separately).
 */
const EXPECTED_ALARMS = {
  TokenFunctionErrorsAlarm: {
    namespace: 'AWS/Lambda',
    metric: 'Errors',
    fn: 'TokenLambdaFunction',
  },
  TokenFunctionThrottlesAlarm: {
    namespace: 'AWS/Lambda',
    metric: 'Throttles',
    fn: 'TokenLambdaFunction',
  },
  RotateFunctionErrorsAlarm: {
    namespace: 'AWS/Lambda',
    metric: 'Errors',
    fn: 'RotateLambdaFunction',
  },
  SecretKeyRejectedAlarm: { namespace: NAMESPACE, metric: 'Errors', code: 'secret_key_rejected' },
  SecretUnavailableAlarm: { namespace: NAMESPACE, metric: 'Errors', code: 'secret_unavailable' },
  ThoughtSpotErrorsAlarm: { namespace: NAMESPACE, metric: 'Errors', code: 'thoughtspot_error' },
  ThoughtSpotTimeoutsAlarm: { namespace: NAMESPACE, metric: 'Errors', code: 'thoughtspot_timeout' },
  ThoughtSpotRateLimitedAlarm: { namespace: NAMESPACE, metric: 'Errors', code: 'rate_limited' },
  PolicyDeniedAlarm: { namespace: NAMESPACE, metric: 'Errors', code: 'policy_denied' },
} as const;

describe('npm run package (dev stage, default params): IAM, alarms and secrets', () => {
  let template: Template;

  beforeAll(() => {
    template = loadTemplate(DEFAULT_PACKAGE_DIR);
  });

  describe('IAM', () => {
    it('grants the token function GetSecretValue and DescribeSecret on the secret prefix and only the log statements besides', () => {
      const statements = roleStatements(template);
      const logGroupArn = `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${SERVICE}-dev*`;

      expect(statements).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:CreateLogGroup', 'logs:TagResource'],
          Resource: [{ 'Fn::Sub': `${logGroupArn}:*` }],
        },
        {
          Effect: 'Allow',
          Action: ['logs:PutLogEvents'],
          Resource: [{ 'Fn::Sub': `${logGroupArn}:*:*` }],
        },
        { Effect: 'Allow', Action: TOKEN_SECRET_ACTIONS, Resource: [SECRET_ARN] },
      ]);
    });

    it('derives the secret ARN prefix from SECRET_ID_TEMPLATE', () => {
      const template_ = tokenFunction(template).Environment.Variables.SECRET_ID_TEMPLATE;
      const granted = roleStatements(template)
        .filter((statement) => statement.Action.includes('secretsmanager:GetSecretValue'))
        .flatMap((statement) => statement.Resource.map(subOrString));

      expect(template_).toBeDefined();
      const prefix = secretNamePrefix(template_ ?? '');
      expect(granted).toEqual([expect.stringMatching(/:secret:[^*]+\*$/)]);
      expect(granted[0]?.endsWith(`:secret:${prefix}*`)).toBe(true);
    });

    it('has no kms statement without secretsKmsKeyArn', () => {
      const actions = roleStatements(template).flatMap((statement) => statement.Action);

      expect(actions.filter((action) => action.startsWith('kms:'))).toEqual([]);
    });

    it('creates no other IAM resource than the two roles, and no managed policy', () => {
      const iamResources = Object.entries(template.Resources)
        .filter(([, found]) => found.Type.startsWith('AWS::IAM::'))
        .map(([logicalId]) => logicalId);

      expect(iamResources.sort()).toEqual(['IamRoleLambdaExecution', 'RotateRole']);
      for (const logicalId of iamResources) {
        expect(template.Resources[logicalId]?.Properties.ManagedPolicyArns).toBeUndefined();
      }
    });

    it('never grants on a bare * resource', () => {
      const resources = roleStatements(template).flatMap((statement) =>
        statement.Resource.map(subOrString),
      );

      for (const arn of resources) {
        expect(arn).toMatch(/^arn:\$\{AWS::Partition\}:(logs|secretsmanager):/);
        expect(arn).not.toBe('*');
      }
    });
  });

  describe('alarms', () => {
    it('watch Lambda errors and throttles and the service Errors by code', () => {
      const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm', AlarmSchema);
      const serviceName = tokenFunction(template).Environment.Variables.POWERTOOLS_SERVICE_NAME;

      expect([...alarms.keys()].sort()).toEqual(Object.keys(EXPECTED_ALARMS).sort());
      for (const [logicalId, expected] of Object.entries(EXPECTED_ALARMS)) {
        const alarm = alarms.get(logicalId);
        const dimensions =
          'code' in expected
            ? [
                { Name: 'service', Value: serviceName },
                { Name: 'code', Value: expected.code },
              ]
            : [{ Name: 'FunctionName', Value: { Ref: expected.fn } }];

        expect(alarm, logicalId).toMatchObject({
          Namespace: expected.namespace,
          MetricName: expected.metric,
          Dimensions: dimensions,
          Statistic: 'Sum',
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
        });
      }
    });

    it('page on the first rejected key, unavailable secret, Lambda error or throttle', () => {
      const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm', AlarmSchema);

      for (const logicalId of [
        'SecretKeyRejectedAlarm',
        'SecretUnavailableAlarm',
        'TokenFunctionErrorsAlarm',
        'TokenFunctionThrottlesAlarm',
        'RotateFunctionErrorsAlarm',
      ]) {
        expect(alarms.get(logicalId)?.Threshold, logicalId).toBe(1);
      }
    });

    it('notify nobody when alarmTopicArn is unset', () => {
      const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm', AlarmSchema);

      expect(hasAlarmTopic(template)).toBe(false);
      for (const alarm of alarms.values()) {
        const actions = {
          'Fn::If': ['HasAlarmTopic', [expect.any(String)], { Ref: 'AWS::NoValue' }],
        };
        expect(alarm.AlarmActions).toEqual(actions);
        expect(alarm.OKActions).toEqual(actions);
      }
    });
  });

  it('holds no secret-looking value', () => {
    const strings = allStrings(template);

    for (const pattern of CREDENTIAL_PATTERNS) {
      expect(strings.filter((value) => pattern.test(value))).toEqual([]);
    }
  });
});
