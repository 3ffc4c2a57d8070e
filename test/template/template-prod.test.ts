import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AlarmSchema,
  AuthorizerSchema,
  allStrings,
  HttpApiSchema,
  hasAlarmTopic,
  LogGroupSchema,
  loadTemplate,
  resource,
  resourcesOfType,
  roleStatements,
  type Template,
  tokenFunction,
} from './cloudformation.js';
import {
  CREDENTIAL_PATTERNS,
  SECRET_ARN,
  SERVICE,
  SPEC_DEFAULTS,
  TOKEN_SECRET_ACTIONS,
} from './expected.js';
import { PROD_PARAMS, PROD_REGION } from './packaging.js';

// The prod package, built with every param given.

describe('serverless package --stage prod with every param given', () => {
  let template: Template;

  beforeAll(() => {
    template = loadTemplate(inject('prodPackageDir'));
  });

  it('wires the params into the environment, the authorizer and CORS', () => {
    const env = tokenFunction(template).Environment.Variables;
    const authorizer = resource(
      template,
      'HttpApiAuthorizerAppJwt',
      'AWS::ApiGatewayV2::Authorizer',
      AuthorizerSchema,
    );
    const api = resource(template, 'HttpApi', 'AWS::ApiGatewayV2::Api', HttpApiSchema);

    expect(env).toMatchObject({
      ...SPEC_DEFAULTS,
      THOUGHTSPOT_HOST: PROD_PARAMS.thoughtspotHost,
      POWERTOOLS_SERVICE_NAME: `${SERVICE}-prod`,
    });
    expect(authorizer.JwtConfiguration).toEqual({
      Issuer: PROD_PARAMS.jwtIssuerUrl,
      Audience: [PROD_PARAMS.jwtAudience],
    });
    expect(api.CorsConfiguration.AllowOrigins).toEqual(PROD_PARAMS.corsAllowedOrigins.split(','));
  });

  it('grants kms:Decrypt on the key from secretsKmsKeyArn, only via Secrets Manager', () => {
    const statements = roleStatements(template);

    expect(statements.filter((statement) => !statement.Action[0]?.startsWith('logs:'))).toEqual([
      { Effect: 'Allow', Action: TOKEN_SECRET_ACTIONS, Resource: [SECRET_ARN] },
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt'],
        Resource: [PROD_PARAMS.secretsKmsKeyArn],
        Condition: {
          StringEquals: {
            'kms:ViaService': { 'Fn::Sub': `secretsmanager.\${AWS::Region}.amazonaws.com` },
          },
        },
      },
    ]);
  });

  it('keeps logs 90 days', () => {
    const logGroups = resourcesOfType(template, 'AWS::Logs::LogGroup', LogGroupSchema);

    expect([...logGroups.values()].map((group) => group.RetentionInDays)).toEqual([90, 90, 90]);
  });

  it('sends alarm and OK notifications to alarmTopicArn', () => {
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm', AlarmSchema);

    expect(hasAlarmTopic(template)).toBe(true);
    for (const alarm of alarms.values()) {
      const actions = {
        'Fn::If': ['HasAlarmTopic', [PROD_PARAMS.alarmTopicArn], { Ref: 'AWS::NoValue' }],
      };
      expect(alarm.AlarmActions).toEqual(actions);
      expect(alarm.OKActions).toEqual(actions);
    }
  });

  it('holds no secret-looking value besides the KMS key id', () => {
    const strings = allStrings(template).filter((value) => value !== PROD_PARAMS.secretsKmsKeyArn);

    for (const pattern of CREDENTIAL_PATTERNS) {
      expect(strings.filter((value) => pattern.test(value))).toEqual([]);
    }
  });

  it(`deploys to the --region given (${PROD_REGION})`, () => {
    const state = JSON.parse(
      readFileSync(path.join(inject('prodPackageDir'), 'serverless-state.json'), 'utf8'),
    );

    expect(state).toMatchObject({ service: { provider: { region: PROD_REGION, stage: 'prod' } } });
  });
});
