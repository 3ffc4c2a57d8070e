import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DEFAULTS,
  LAMBDA_TIMEOUT_SECONDS,
  SECRET_LOOKUP_BUDGET_MS,
  secretNamePrefix,
} from '../../functions/lib/config-rules.cjs';
import { listZip, readZipEntry } from '../../infra/serverless/package-zip.js';
import {
  AlarmSchema,
  AuthorizerSchema,
  allStrings,
  HttpApiSchema,
  hasAlarmTopic,
  LogGroupSchema,
  loadTemplate,
  RouteSchema,
  resource,
  resourcesOfType,
  roleStatements,
  rotateFunction,
  StageSchema,
  subOrString,
  type Template,
  tokenFunction,
} from './cloudformation.js';
import { DEFAULT_PACKAGE_DIR, PROD_PARAMS, PROD_REGION } from './packaging.js';

// The packages were built by global-setup.ts: `npm run package` (dev stage,
// defaults) into .serverless/, and a prod variant with every param given.

const SERVICE = 'thoughtspot-token-service';
const NAMESPACE = 'ThoughtSpotTokenService';
const API_GATEWAY_INTEGRATION_LIMIT_SECONDS = 30;

/** SPEC §4: every variable with its default (THOUGHTSPOT_HOST has none). */
const SPEC_DEFAULTS = {
  ...DEFAULTS,
  GROUPS_CLAIM: '', // unset: the function treats '' as absent
};

const SECRET_ARN = {
  'Fn::Sub': `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${secretNamePrefix(DEFAULTS.SECRET_ID_TEMPLATE)}*`,
};

/** The token function's Secrets Manager actions: DescribeSecret shows a rotation in progress (SPEC §5). */
const TOKEN_SECRET_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];

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

/** Strings that would be a credential if they ever reached the template. */
const CREDENTIAL_PATTERNS = [
  /\bA(KI|SI)A[0-9A-Z]{16}\b/, // AWS access key id
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i, // ThoughtSpot secret keys are UUIDs
  /secret_key"?\s*[:=]/i,
];

describe('npm run package (dev stage, default params)', () => {
  let template: Template;

  beforeAll(() => {
    template = loadTemplate(DEFAULT_PACKAGE_DIR);
  });

  it('writes the CloudFormation template and the function zip into .serverless/', () => {
    // Prepare / Act: global-setup ran `npm run package` without AWS credentials.
    const files = ['cloudformation-template-update-stack.json', 'token.zip', 'rotate.zip'];

    // Assess
    for (const file of files) expect(existsSync(path.join(DEFAULT_PACKAGE_DIR, file))).toBe(true);
    console.log(`npm run package: ${inject('packageSeconds').toFixed(1)} s`);
  });

  describe('the function', () => {
    it('runs the bundled handler on Node 22, arm64, 512 MB', () => {
      const fn = tokenFunction(template);

      expect(fn.Handler).toBe('functions/token/handler.handler');
      expect(fn.Runtime).toBe('nodejs22.x');
      expect(fn.Architectures).toEqual(['arm64']);
      expect(fn.MemorySize).toBe(512);
    });

    it('times out after the ThoughtSpot deadline plus a secret lookup, before API Gateway gives up', () => {
      const fn = tokenFunction(template);
      const thoughtSpotTimeoutMs = Number(fn.Environment.Variables.THOUGHTSPOT_TIMEOUT_MS);

      expect(fn.Timeout).toBe(LAMBDA_TIMEOUT_SECONDS);
      expect(fn.Timeout * 1000).toBeGreaterThanOrEqual(
        thoughtSpotTimeoutMs + SECRET_LOOKUP_BUDGET_MS,
      );
      expect(fn.Timeout).toBeLessThan(API_GATEWAY_INTEGRATION_LIMIT_SECONDS);
    });

    it('gets every SPEC §4 variable with its SPEC default, plus Powertools and source maps', () => {
      const env = tokenFunction(template).Environment.Variables;

      expect(env).toEqual({
        ...SPEC_DEFAULTS,
        THOUGHTSPOT_HOST: 'https://example.thoughtspot.cloud', // dev placeholder, see serverless.yml
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: `${SERVICE}-dev`,
        POWERTOOLS_METRICS_NAMESPACE: NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        TOKEN_POLICY: expect.any(String), // its value: token-policy.test.ts
      });
    });

    it('keeps its logs 30 days, the rotation function and API access logs too', () => {
      const logGroups = resourcesOfType(template, 'AWS::Logs::LogGroup', LogGroupSchema);

      expect([...logGroups.values()]).toEqual([
        { LogGroupName: `/aws/lambda/${SERVICE}-dev-token`, RetentionInDays: 30 },
        { LogGroupName: `/aws/lambda/${SERVICE}-dev-rotate`, RetentionInDays: 30 },
        { LogGroupName: `/aws/http-api/${SERVICE}-dev`, RetentionInDays: 30 },
      ]);
    });
  });

  describe('the HTTP API', () => {
    it('has exactly the three routes, the browser ones behind the JWT authorizer, the backend one behind IAM', () => {
      const routes = resourcesOfType(template, 'AWS::ApiGatewayV2::Route', RouteSchema);
      const byKey = Object.fromEntries(
        [...routes.values()].map((route) => [
          route.RouteKey,
          { type: route.AuthorizationType, authorizer: route.AuthorizerId },
        ]),
      );

      expect(byKey).toEqual({
        'GET /token': { type: 'JWT', authorizer: { Ref: 'HttpApiAuthorizerAppJwt' } },
        'POST /token': { type: 'JWT', authorizer: { Ref: 'HttpApiAuthorizerAppJwt' } },
        'POST /backend/token': { type: 'AWS_IAM', authorizer: undefined },
      });
    });

    it('verifies the JWT from the Authorization header against the issuer and audience params', () => {
      const authorizer = resource(
        template,
        'HttpApiAuthorizerAppJwt',
        'AWS::ApiGatewayV2::Authorizer',
        AuthorizerSchema,
      );

      expect(authorizer).toEqual({
        Name: 'appJwt',
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: {
          Issuer: 'https://issuer.example.com/',
          Audience: [`${SERVICE}-dev`],
        },
      });
    });

    it('answers CORS for the listed origins only, never *', () => {
      const api = resource(template, 'HttpApi', 'AWS::ApiGatewayV2::Api', HttpApiSchema);
      const cors = api.CorsConfiguration;

      expect(cors.AllowOrigins).toEqual(['http://localhost:5173']);
      expect(cors.AllowOrigins).not.toContain('*');
      expect(cors.AllowMethods).toEqual(['GET', 'POST', 'OPTIONS']);
      expect(cors.AllowHeaders).toEqual(['Authorization', 'Content-Type']);
      expect(cors.ExposeHeaders).toEqual(['Retry-After']);
      expect(cors.AllowCredentials ?? false).toBe(false);
      expect(cors.MaxAge).toBe(600);
      expect(api.DisableExecuteApiEndpoint).toBe(false);
    });

    it('throttles the stage with the throttleBurst and throttleRate params and logs access', () => {
      const stage = resource(template, 'HttpApiStage', 'AWS::ApiGatewayV2::Stage', StageSchema);

      expect(stage.DefaultRouteSettings).toEqual({
        ThrottlingBurstLimit: 100,
        ThrottlingRateLimit: 50,
        DetailedMetricsEnabled: false,
      });
      expect(stage.AccessLogSettings?.DestinationArn).toEqual({
        'Fn::GetAtt': ['HttpApiLogGroup', 'Arn'],
      });
      expect(JSON.parse(stage.AccessLogSettings?.Format ?? '{}')).toMatchObject({
        status: '$context.status',
        authorizerError: '$context.authorizer.error',
      });
    });
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

  describe.each([
    ['token', tokenFunction],
    ['rotate', rotateFunction],
  ] as const)('the %s function zip', (name, functionOf) => {
    const zipPath = path.join(DEFAULT_PACKAGE_DIR, `${name}.zip`);

    it('holds only the ESM bundle and its source map', () => {
      const zip = readFileSync(zipPath);
      const entries = listZip(zip);
      const unpacked = entries.reduce((sum, entry) => sum + entry.size, 0);

      expect(entries.map((entry) => entry.name).sort()).toEqual([
        `functions/${name}/handler.mjs`,
        `functions/${name}/handler.mjs.map`,
      ]);
      console.log(
        `${name}.zip: ${(zip.length / 1024).toFixed(0)} KiB zipped, ${(unpacked / 1024).toFixed(0)} KiB unpacked: ${entries
          .map((entry) => `${entry.name} ${(entry.size / 1024).toFixed(0)} KiB`)
          .join(', ')}`,
      );
    });

    it('bundles every dependency, the AWS SDK included: only node: builtins are imported', () => {
      const zip = readFileSync(zipPath);
      const bundleEntry = listZip(zip).find((entry) => entry.name.endsWith('handler.mjs'));
      expect(bundleEntry).toBeDefined();
      const bundle = bundleEntry ? readZipEntry(zip, bundleEntry).toString('utf8') : '';

      const imported = [...bundle.matchAll(/\bfrom\s*"([^"]+)"|\bimport\(\s*"([^"]+)"\)/g)].map(
        (match) => match[1] ?? match[2],
      );
      expect(imported.length).toBeGreaterThan(0);
      expect(imported.filter((specifier) => !specifier?.startsWith('node:'))).toEqual([]);
      expect(
        bundle.startsWith("import { createRequire as __createRequire } from 'node:module'"),
      ).toBe(true);
      expect(bundle.trimEnd().endsWith('//# sourceMappingURL=handler.mjs.map')).toBe(true);
    });

    it('loads on Node 22 with the template environment and exports handler', () => {
      // Prepare: unpack the bundle as Lambda would.
      const zip = readFileSync(zipPath);
      const dir = mkdtempSync(path.join(tmpdir(), `${name}-bundle-`));
      try {
        for (const entry of listZip(zip)) {
          const target = path.join(dir, path.basename(entry.name));
          writeFileSync(target, readZipEntry(zip, entry));
        }
        const env = functionOf(template).Environment.Variables;

        // Act
        const result = spawnSync(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            "const m = await import('./handler.mjs'); console.log(typeof m.handler);",
          ],
          {
            cwd: dir,
            encoding: 'utf8',
            timeout: 30_000,
            env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', ...env },
          },
        );

        // Assess
        expect(result.stderr).toBe('');
        expect(result.stdout.trim()).toBe('function');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

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
