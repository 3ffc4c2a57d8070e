// What API Gateway and the Lambda runtime hand the function, built in-process:
// the integration tier, the resilience tier and the benchmarks call the real
// handler with these instead of going through API Gateway. Each call returns a
// fresh object, so a caller can change what it got without touching another's.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { LAMBDA_TIMEOUT_SECONDS } from '../../functions/lib/config-rules.cjs';
import type { TokenEvent } from '../../functions/token/event.js';
import { REGION } from './secret-description.js';

/** A claim as a caller likes to write it; API Gateway turns it into a string (a list into "[a b]"). */
export type ClaimInput = string | number | boolean | readonly string[];

/** The IAM authorizer block API Gateway adds for a SigV4-signed call. */
export type IamAuthorizer = {
  accessKey: string;
  accountId: string;
  callerId: string;
  principalOrgId: string | null;
  userArn: string;
  userId: string;
  cognitoIdentity: null;
};

export interface HttpApiEventOptions {
  /** "GET /token", "POST /token", "POST /backend/token", or anything else to test routing. */
  routeKey: string;
  /** JWT claims: present means the JWT authorizer let the call through. */
  claims?: Record<string, ClaimInput>;
  /** IAM authorizer details: `true` for a default caller, or the fields to change. */
  iam?: true | Partial<IamAuthorizer>;
  query?: Record<string, string>;
  /** A string is sent as is; anything else is JSON-encoded. Base64-encoded when isBase64Encoded. */
  body?: unknown;
  /** Any case; the event carries them lower-cased, as HTTP API does. */
  headers?: Record<string, string>;
  isBase64Encoded?: boolean;
}

const PLACEHOLDER_ACCOUNT_ID = '123456789012';
const PLACEHOLDER_API_ID = 'a1b2c3d4e5';

export const iamCaller = (overrides: Partial<IamAuthorizer> = {}): IamAuthorizer => ({
  accessKey: 'ASIATESTACCESSKEY000',
  accountId: PLACEHOLDER_ACCOUNT_ID,
  callerId: 'AROATESTROLEID000000:app-backend',
  principalOrgId: null,
  userArn: `arn:aws:sts::${PLACEHOLDER_ACCOUNT_ID}:assumed-role/app-backend/app-backend`,
  userId: 'AROATESTROLEID000000:app-backend',
  cognitoIdentity: null,
  ...overrides,
});

const claimString = (value: ClaimInput): string =>
  Array.isArray(value) ? `[${value.join(' ')}]` : String(value);

/** API Gateway's requestContext.time format: 27/Nov/2026:22:18:23 +0000. */
function accessLogTime(date: Date): string {
  const [, day, month, year, time] = date.toUTCString().split(' ');
  return `${day}/${month}/${year}:${time} +0000`;
}

/** A complete HTTP API (payload format 2.0) event, as API Gateway hands it to the function. */
export function httpApiEvent(options: HttpApiEventOptions): TokenEvent {
  const { routeKey, claims, iam, query, isBase64Encoded = false } = options;
  const [method = 'GET', path = '/'] = routeKey.includes(' ') ? routeKey.split(' ') : [];
  const now = new Date();

  let body: string | undefined;
  if (options.body !== undefined) {
    const text = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    body = isBase64Encoded ? Buffer.from(text, 'utf8').toString('base64') : text;
  }

  const headers: Record<string, string> = {
    accept: '*/*',
    host: `${PLACEHOLDER_API_ID}.execute-api.${REGION}.amazonaws.com`,
    'user-agent': 'local-stand-in',
    'x-forwarded-for': '203.0.113.10',
    'x-forwarded-proto': 'https',
    ...(body !== undefined && { 'content-type': 'application/json' }),
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    headers[name.toLowerCase()] = value;
  }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body, 'utf8'));

  const authorizer = {
    ...(claims !== undefined && {
      jwt: {
        claims: Object.fromEntries(
          Object.entries(claims).map(([name, value]) => [name, claimString(value)]),
        ),
        scopes: null,
      },
    }),
    ...(iam !== undefined && { iam: iamCaller(iam === true ? {} : iam) }),
  };

  const rawQueryString = new URLSearchParams(query ?? {}).toString();
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString,
    headers,
    ...(query !== undefined && Object.keys(query).length > 0 && { queryStringParameters: query }),
    requestContext: {
      accountId: PLACEHOLDER_ACCOUNT_ID,
      apiId: PLACEHOLDER_API_ID,
      domainName: headers.host ?? '',
      domainPrefix: PLACEHOLDER_API_ID,
      http: {
        method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.10',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomBytes(12).toString('base64url'),
      routeKey,
      stage: '$default',
      time: accessLogTime(now),
      timeEpoch: now.getTime(),
      ...(Object.keys(authorizer).length > 0 && { authorizer }),
    },
    ...(body !== undefined && { body }),
    isBase64Encoded,
  };
}

/** A minimal Lambda context; a new object (and request id) on every call. */
export function lambdaContext(overrides: Partial<Context> = {}): Context {
  const started = Date.now();
  const functionName = 'thoughtspot-token-service-test-token';
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${PLACEHOLDER_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: '512', // serverless.yml's provider.memorySize
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `2026/01/01/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () =>
      Math.max(0, LAMBDA_TIMEOUT_SECONDS * 1000 - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    ...overrides,
  };
}
