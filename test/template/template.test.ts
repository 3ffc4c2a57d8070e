import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  LAMBDA_TIMEOUT_SECONDS,
  SECRET_LOOKUP_BUDGET_MS,
} from '../../functions/lib/config-rules.cjs';
import { listZip, readZipEntry } from '../../infra/serverless/package-zip.js';
import {
  AuthorizerSchema,
  HttpApiSchema,
  LogGroupSchema,
  loadTemplate,
  RouteSchema,
  resource,
  resourcesOfType,
  rotateFunction,
  StageSchema,
  type Template,
  tokenFunction,
} from './cloudformation.js';
import { NAMESPACE, SERVICE, SPEC_DEFAULTS } from './expected.js';
import { DEFAULT_PACKAGE_DIR } from './packaging.js';

// The dev package: its files, the functions, the HTTP API and the zips.

const API_GATEWAY_INTEGRATION_LIMIT_SECONDS = 30;

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
