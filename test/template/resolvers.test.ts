import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/lib/config.js';
import {
  DEFAULTS,
  INTEGER_LIMITS,
  LAMBDA_TIMEOUT_SECONDS,
  ROTATION_DEFAULTS,
} from '../../functions/lib/config-rules.cjs';
import resolvers from '../../infra/serverless/resolvers.cjs';

// serverless.yml derives IAM, CORS and a timeout from params through these
// resolvers; a param that would open the stack or could not work must stop the
// package, naming the param.

const PARAMS: Record<string, string | string[]> = {
  secretIdTemplate: DEFAULTS.SECRET_ID_TEMPLATE,
  secretsKmsKeyArn: '',
  corsAllowedOrigins: ['https://analytics.example.com'],
  thoughtspotTimeoutMs: DEFAULTS.THOUGHTSPOT_TIMEOUT_MS,
  alarmTopicArn: '',
  thoughtspotAdminSecretId: ROTATION_DEFAULTS.THOUGHTSPOT_ADMIN_SECRET_ID,
};

/** A resolver context as the CLI passes it: `param:` by name, `self:` by path. */
function context(params: Record<string, string | string[]> = {}, region = 'us-east-1') {
  const variables: Record<string, unknown> = {
    'self:provider.region': region,
    'self:provider.timeout': LAMBDA_TIMEOUT_SECONDS,
    ...Object.fromEntries(
      Object.entries({ ...PARAMS, ...params }).map(([name, value]) => [`param:${name}`, value]),
    ),
  };
  return { resolveVariable: async (address: string) => variables[address] };
}

/** The Secrets Manager actions the rotation function's code sends (`new XCommand(` in functions/rotate). */
function rotationCodeActions(): Set<string> {
  const dir = path.join(import.meta.dirname, '../../functions/rotate');
  const actions = new Set<string>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts'))) {
    for (const [, command] of readFileSync(path.join(dir, file), 'utf8').matchAll(
      /new (\w+)Command\(/g,
    )) {
      actions.add(`secretsmanager:${command}`);
    }
  }
  return actions;
}

describe('iamStatements', () => {
  it('grants GetSecretValue and DescribeSecret on the part of secretIdTemplate before {orgId}', async () => {
    const statements = await resolvers.iamStatements(
      context({ secretIdTemplate: 'ts/prod/{orgId}/trusted-auth' }),
    );

    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: [
          {
            'Fn::Sub': `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:ts/prod/*`,
          },
        ],
      },
    ]);
  });

  it.each([
    ['no {orgId}', 'thoughtspot/trusted-auth/org', /exactly once/],
    ['{orgId} twice', 'ts/{orgId}/{orgId}', /exactly once/],
    ['nothing before {orgId}', '{orgId}/key', /fixed prefix/],
    ['a wildcard', 'ts/*/{orgId}', /characters/],
    ['an ARN', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ts/{orgId}', /not an ARN/],
  ])('refuses a secretIdTemplate with %s', async (_case, secretIdTemplate, message) => {
    await expect(resolvers.iamStatements(context({ secretIdTemplate }))).rejects.toThrow(message);
  });

  it('adds kms:Decrypt on the key, only via Secrets Manager, when secretsKmsKeyArn is set', async () => {
    const key = 'arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab';

    const statements = await resolvers.iamStatements(context({ secretsKmsKeyArn: key }));

    expect(statements[1]).toEqual({
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [key],
      Condition: {
        StringEquals: {
          'kms:ViaService': { 'Fn::Sub': `secretsmanager.\${AWS::Region}.amazonaws.com` },
        },
      },
    });
  });

  it.each([
    ['an alias', 'arn:aws:kms:us-east-1:123456789012:alias/secrets', /not an alias/],
    ['a wildcard', '*', /KMS key ARN/],
    [
      'another region',
      'arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab',
      /is in eu-west-1 but the stack deploys to us-east-1/,
    ],
  ])('refuses a secretsKmsKeyArn that is %s', async (_case, secretsKmsKeyArn, message) => {
    await expect(resolvers.iamStatements(context({ secretsKmsKeyArn }))).rejects.toThrow(message);
  });
});

describe('rotationIamStatements', () => {
  const arnOf = (resource: string) => ({
    'Fn::Sub': `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${resource}`,
  });

  it('grants on the Org prefix exactly the Secrets Manager actions the rotation code sends, and GetSecretValue on the admin secret by name', async () => {
    const statements = await resolvers.rotationIamStatements(
      context({ secretIdTemplate: 'ts/prod/{orgId}', thoughtspotAdminSecretId: 'ts/admin' }),
    );

    // Read off the code, so a new call without its grant (or a grant left behind) fails here.
    expect([...rotationCodeActions()].sort()).toEqual([
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'secretsmanager:PutSecretValue',
      'secretsmanager:UpdateSecretVersionStage',
    ]);
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: [...rotationCodeActions()].sort(),
        Resource: [arnOf('ts/prod/*')],
      },
      {
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: [arnOf('ts/admin-??????')],
      },
    ]);
  });

  it('takes an admin secret ARN as it is', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ts/admin-AbCdEf';

    const statements = await resolvers.rotationIamStatements(
      context({ thoughtspotAdminSecretId: arn }),
    );

    expect(statements[1]?.Resource).toEqual([arn]);
  });

  it('adds kms:Decrypt and kms:GenerateDataKey, only via Secrets Manager, when secretsKmsKeyArn is set', async () => {
    const key = 'arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab';

    const statements = await resolvers.rotationIamStatements(context({ secretsKmsKeyArn: key }));

    expect(statements).toHaveLength(3);
    expect(statements[2]).toMatchObject({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: [key],
      Condition: { StringEquals: { 'kms:ViaService': expect.anything() } },
    });
  });

  it.each([
    [
      'inside the Org prefix (the token function could read it)',
      'thoughtspot/trusted-auth/org/admin',
      /must not start with the Org secrets' prefix/,
    ],
    [
      'an ARN inside the Org prefix',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:thoughtspot/trusted-auth/org/x-AbCdEf',
      /must not start/,
    ],
    ['a wildcard', 'ts/*', /secret name or ARN/],
    ['empty', '', /secret name or ARN/],
    [
      'another service ARN',
      'arn:aws:ssm:us-east-1:123456789012:parameter/admin',
      /secret name or ARN/,
    ],
    [
      'another region',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ts/admin-AbCdEf',
      /is in eu-west-1/,
    ],
  ])('refuses a thoughtspotAdminSecretId %s', async (_case, thoughtspotAdminSecretId, message) => {
    await expect(
      resolvers.rotationIamStatements(context({ thoughtspotAdminSecretId })),
    ).rejects.toThrow(message);
  });
});

describe('orgSecretNamePrefix', () => {
  it('is secretIdTemplate up to {orgId}, refused as the IAM grant refuses it', async () => {
    await expect(
      resolvers.orgSecretNamePrefix(context({ secretIdTemplate: 'ts/prod/{orgId}/key' })),
    ).resolves.toBe('ts/prod/');
    await expect(
      resolvers.orgSecretNamePrefix(context({ secretIdTemplate: '{orgId}' })),
    ).rejects.toThrow(/fixed prefix/);
  });
});

describe('corsAllowedOrigins', () => {
  it('accepts a list or a comma-separated --param value', async () => {
    await expect(
      resolvers.corsAllowedOrigins(
        context({ corsAllowedOrigins: ' https://a.example.com, https://b.example.com:8443 ' }),
      ),
    ).resolves.toEqual(['https://a.example.com', 'https://b.example.com:8443']);
    await expect(
      resolvers.corsAllowedOrigins(context({ corsAllowedOrigins: ['http://localhost:5173'] })),
    ).resolves.toEqual(['http://localhost:5173']);
  });

  it.each([
    ['*', '*'],
    ['a wildcard subdomain', 'https://*.example.com'],
    ['a path', 'https://app.example.com/embed'],
    ['a trailing slash', 'https://app.example.com/'],
    ['plain http to a remote host', 'http://app.example.com'],
    ['nothing', ''],
  ])('refuses %s', async (_case, corsAllowedOrigins) => {
    await expect(resolvers.corsAllowedOrigins(context({ corsAllowedOrigins }))).rejects.toThrow(
      /corsAllowedOrigins/,
    );
  });
});

describe('thoughtspotTimeoutMs', () => {
  const { min, max } = INTEGER_LIMITS.THOUGHTSPOT_TIMEOUT_MS;

  it('passes a deadline that fits in the Lambda timeout with room for the secret lookup', async () => {
    // 10 s Lambda timeout minus 3 s for the secret lookup.
    expect(max).toBe(7000);
    await expect(
      resolvers.thoughtspotTimeoutMs(context({ thoughtspotTimeoutMs: String(max) })),
    ).resolves.toBe(String(max));
  });

  it.each([String(max + 1), '28000', '5s', String(min - 1)])(
    'refuses %s',
    async (thoughtspotTimeoutMs) => {
      await expect(
        resolvers.thoughtspotTimeoutMs(context({ thoughtspotTimeoutMs })),
      ).rejects.toThrow(
        new RegExp(`thoughtspotTimeoutMs" must be an integer from ${min} to ${max}`),
      );
    },
  );
});

/** What the function says of `env` at cold start: 'accepted', or the problem. */
function atColdStart(env: Record<string, string>): string {
  try {
    loadConfig({ THOUGHTSPOT_HOST: 'https://a.test', ...env });
    return 'accepted';
  } catch (error) {
    return String(error).replace(/^ConfigError: Invalid configuration: [A-Z_]+ /, '');
  }
}

/** What a resolver says of the same value at package time: 'accepted', or its error. */
const atPackage = (resolved: Promise<unknown>): Promise<string> =>
  resolved.then(
    () => 'accepted',
    (error: unknown) => String(error),
  );

describe('the function and the package apply the same rules', () => {
  it.each([
    String(INTEGER_LIMITS.THOUGHTSPOT_TIMEOUT_MS.min - 1),
    String(INTEGER_LIMITS.THOUGHTSPOT_TIMEOUT_MS.min),
    DEFAULTS.THOUGHTSPOT_TIMEOUT_MS,
    String(INTEGER_LIMITS.THOUGHTSPOT_TIMEOUT_MS.max),
    String(INTEGER_LIMITS.THOUGHTSPOT_TIMEOUT_MS.max + 1),
    '28000',
  ])('THOUGHTSPOT_TIMEOUT_MS=%s', async (thoughtspotTimeoutMs) => {
    const coldStart = atColdStart({ THOUGHTSPOT_TIMEOUT_MS: thoughtspotTimeoutMs });
    const packaged = await atPackage(
      resolvers.thoughtspotTimeoutMs(context({ thoughtspotTimeoutMs })),
    );

    expect(packaged === 'accepted').toBe(coldStart === 'accepted');
  });

  it.each([
    ['{orgId} twice', 'ts/{orgId}/{orgId}'],
    ['an ARN', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ts/{orgId}'],
    ['nothing before {orgId}', '{orgId}/key'],
    ['a wildcard', 'ts/*/{orgId}'],
  ])('SECRET_ID_TEMPLATE with %s: refused by both, in the same words', async (_case, template) => {
    const coldStart = atColdStart({ SECRET_ID_TEMPLATE: template });
    const packaged = await atPackage(
      resolvers.iamStatements(context({ secretIdTemplate: template })),
    );

    expect(coldStart).not.toBe('accepted');
    expect(packaged).toContain(coldStart);
  });

  it.each([
    ['http://localhost:5173', true],
    ['http://127.0.0.2:8080', true],
    ['http://[::1]:3000', true],
    ['http://app.example.com', false],
  ])('loopback: plain http to %s allowed: %s', async (origin, loopback) => {
    const coldStart = atColdStart({ THOUGHTSPOT_HOST: origin });
    const packaged = await atPackage(
      resolvers.corsAllowedOrigins(context({ corsAllowedOrigins: origin })),
    );

    expect([packaged === 'accepted', coldStart === 'accepted']).toEqual([loopback, loopback]);
  });
});

describe('alarmTopicArn', () => {
  it('is empty (no notifications) or an SNS topic of the stack region', async () => {
    const topic = 'arn:aws:sns:us-east-1:123456789012:oncall';

    await expect(resolvers.alarmTopicArn(context())).resolves.toBe('');
    await expect(resolvers.alarmTopicArn(context({ alarmTopicArn: topic }))).resolves.toBe(topic);
    await expect(
      resolvers.alarmTopicArn(context({ alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:x' })),
    ).rejects.toThrow(/is in eu-west-1/);
    await expect(
      resolvers.alarmTopicArn(context({ alarmTopicArn: 'oncall@example.com' })),
    ).rejects.toThrow(/SNS topic ARN/);
  });
});
