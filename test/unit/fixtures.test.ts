import { describe, expect, it } from 'vitest';
import { httpApiEvent, lambdaContext } from '../../infra/local/lambda-events.js';
import { fakeKey, TEST_THOUGHTSPOT_HOST, testConfig } from '../support/fixtures.js';

// The integration tier leans on these factories too; they must look like what AWS sends.

describe('httpApiEvent', () => {
  it('builds a JWT-route event with string claims, as the JWT authorizer passes them', () => {
    // Act
    const event = httpApiEvent({
      routeKey: 'GET /token',
      claims: { email: 'ada@example.com', ts_org: ['acme', 'beta'], org_count: 2 },
      query: { org_id: '9', object_id: 'abc' },
      headers: { Accept: 'application/json' },
    });

    // Assess
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /token',
      rawPath: '/token',
      rawQueryString: 'org_id=9&object_id=abc',
      queryStringParameters: { org_id: '9', object_id: 'abc' },
      isBase64Encoded: false,
      headers: { accept: 'application/json' },
      requestContext: {
        routeKey: 'GET /token',
        stage: '$default',
        http: { method: 'GET', path: '/token', protocol: 'HTTP/1.1' },
        authorizer: {
          jwt: {
            claims: { email: 'ada@example.com', ts_org: '[acme beta]', org_count: '2' },
            scopes: null,
          },
        },
      },
    });
    expect(event.headers.Accept).toBeUndefined();
    expect(event.requestContext.authorizer?.iam).toBeUndefined();
    expect(event.requestContext.timeEpoch).toBeGreaterThan(0);
    expect(event.requestContext.time).toMatch(/^\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
  });

  it('builds a backend event with the IAM authorizer block and a JSON body', () => {
    // Act
    const event = httpApiEvent({
      routeKey: 'POST /backend/token',
      iam: true,
      body: { username: 'ada@example.com', org_id: 9 },
    });

    // Assess
    expect(event.requestContext.authorizer).toEqual({
      iam: expect.objectContaining({ principalOrgId: null, cognitoIdentity: null }),
    });
    expect(event.requestContext.authorizer?.iam).toHaveProperty('userArn');
    expect(event.requestContext.http.method).toBe('POST');
    expect(event.headers['content-type']).toBe('application/json');
    expect(JSON.parse(event.body ?? '')).toEqual({ username: 'ada@example.com', org_id: 9 });
    expect(event.queryStringParameters).toBeUndefined();
    expect(event.rawQueryString).toBe('');
  });

  it('base64-encodes the body when asked', () => {
    // Act
    const event = httpApiEvent({
      routeKey: 'POST /token',
      body: '{"org_id":1}',
      isBase64Encoded: true,
    });

    // Assess
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64').toString('utf8')).toBe('{"org_id":1}');
  });

  it('carries no authorizer when neither claims nor iam are given', () => {
    expect(httpApiEvent({ routeKey: 'GET /token' }).requestContext.authorizer).toBeUndefined();
  });

  it('gives every event its own request id', () => {
    // Act
    const ids = new Set(
      Array.from(
        { length: 20 },
        () => httpApiEvent({ routeKey: 'GET /token' }).requestContext.requestId,
      ),
    );

    // Assess
    expect(ids.size).toBe(20);
  });
});

describe('lambdaContext', () => {
  it('returns a fresh context with its own request id on every call', () => {
    // Act
    const first = lambdaContext();
    const second = lambdaContext();

    // Assess
    expect(first).not.toBe(second);
    expect(first.awsRequestId).not.toBe(second.awsRequestId);
    expect(first.getRemainingTimeInMillis()).toBeGreaterThan(0);
  });
});

describe('fakeKey', () => {
  it('makes distinctive keys that carry their label', () => {
    // Act
    const first = fakeKey('org7');
    const second = fakeKey('org7');

    // Assess
    expect(first).toMatch(/^TESTKEY-org7-[0-9a-f]{16}$/);
    expect(first).not.toBe(second);
  });
});

describe('testConfig', () => {
  it('builds a valid Config and applies overrides through loadConfig', () => {
    // Act
    const config = testConfig({ AUTO_CREATE_USERS: 'true' });

    // Assess
    expect(config.thoughtSpotHost).toBe(TEST_THOUGHTSPOT_HOST);
    expect(config.autoCreateUsers).toBe(true);
    expect(() => testConfig({ AUTO_CREATE_USERS: 'maybe' })).toThrow(/AUTO_CREATE_USERS/);
  });
});
