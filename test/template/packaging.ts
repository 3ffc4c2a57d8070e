import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { withoutAwsCredentials } from '../../infra/local/without-aws-credentials.js';

/** The repository root (where serverless.yml lives). */
export const ROOT = path.resolve(import.meta.dirname, '../..');

/** Where `npm run package` puts the template and the zip. */
export const DEFAULT_PACKAGE_DIR = path.join(ROOT, '.serverless');

/**
 * Params of the "prod" packaging run: every required param given on the command
 * line, as the infra team would, plus the optional KMS key and alarm topic.
 * Placeholder values, obviously not real accounts.
 */
export const PROD_PARAMS = {
  thoughtspotHost: 'https://analytics-co.thoughtspot.cloud',
  jwtIssuerUrl: 'https://login.example.com/oauth2/default',
  jwtAudience: 'api://thoughtspot-token-service',
  corsAllowedOrigins: 'https://analytics.example.com,https://admin.example.com',
  secretsKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab',
  alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:token-service-oncall',
} as const;
export const PROD_REGION = 'eu-west-1';

export const prodPackageArgs = (packageDir: string): string[] => [
  '--stage',
  'prod',
  '--region',
  PROD_REGION,
  ...Object.entries(PROD_PARAMS).flatMap(([name, value]) => ['--param', `${name}=${value}`]),
  '--package',
  packageDir,
];

export interface CliResult {
  status: number | null;
  stdout: string;
  /** stdout and stderr together, for error messages. */
  output: string;
  seconds: number;
}

/** Runs an npm script of this repository (osls through `npm run package`, `npm exec`). */
export function runNpm(args: string[], timeoutMs = 170_000): CliResult {
  const started = performance.now();
  const result = spawnSync('npm', args, {
    cwd: ROOT,
    env: withoutAwsCredentials(process.env),
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return {
    status: result.status,
    stdout: result.stdout ?? '',
    output: `${result.stdout ?? ''}${result.stderr ?? ''}`,
    seconds: (performance.now() - started) / 1000,
  };
}
