import { describe, expect, it } from 'vitest';
import { httpApiEvent, lambdaContext } from '../../infra/local/lambda-events.js';

// The integration and resilience tiers, the local service and the benchmarks call the
// real handler with these events instead of API Gateway's: they must look like what AWS
// sends, above all the claims, which API Gateway hands over as strings.

describe('httpApiEvent', () => {
  it('builds a JWT-route event with string claims, as the JWT authorizer passes them', () => {
    // Prepare
    const before = Date.now();

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
    expect(event.requestContext.timeEpoch).toBeGreaterThanOrEqual(before);
    expect(event.requestContext.timeEpoch).toBeLessThanOrEqual(Date.now());
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
    expect(first.getRemainingTimeInMillis()).toBeLessThanOrEqual(10_000);
    expect(first.getRemainingTimeInMillis()).toBeGreaterThan(9_000);
  });
});
