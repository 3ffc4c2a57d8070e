import { describe, expect, it } from 'vitest';
import resolvers from '../../infra/serverless/resolvers.cjs';

// serverless.yml derives IAM, CORS and a timeout from params through these
// resolvers; a param that would open the stack or could not work must stop the
// package, naming the param.

const DEFAULTS: Record<string, string | string[]> = {
  secretIdTemplate: 'thoughtspot/trusted-auth/org/{orgId}',
  secretsKmsKeyArn: '',
  corsAllowedOrigins: ['https://analytics.example.com'],
  thoughtspotTimeoutMs: '5000',
  alarmTopicArn: '',
};

/** A resolver context as the CLI passes it: `param:` by name, `self:` by path. */
function context(params: Record<string, string | string[]> = {}, region = 'us-east-1') {
  const variables: Record<string, unknown> = {
    'self:provider.region': region,
    'self:provider.timeout': 10,
    ...Object.fromEntries(
      Object.entries({ ...DEFAULTS, ...params }).map(([name, value]) => [`param:${name}`, value]),
    ),
  };
  return { resolveVariable: async (address: string) => variables[address] };
}

describe('iamStatements', () => {
  it('grants GetSecretValue on the part of secretIdTemplate before {orgId}', async () => {
    const statements = await resolvers.iamStatements(
      context({ secretIdTemplate: 'ts/prod/{orgId}/trusted-auth' }),
    );

    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
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
  it('passes a deadline that fits in the Lambda timeout with room for the secret lookup', async () => {
    await expect(
      resolvers.thoughtspotTimeoutMs(context({ thoughtspotTimeoutMs: '7000' })),
    ).resolves.toBe('7000');
  });

  it.each(['7001', '28000', '5s', '50'])('refuses %s', async (thoughtspotTimeoutMs) => {
    await expect(resolvers.thoughtspotTimeoutMs(context({ thoughtspotTimeoutMs }))).rejects.toThrow(
      /thoughtspotTimeoutMs" must be an integer from 100 to 7000/,
    );
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
