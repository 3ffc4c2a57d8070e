import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { loadConfig } from '../lib/config.js';
import { RouteNotFoundError, UnauthenticatedError } from '../lib/errors.js';
import { type CallerIdentity, identityFromClaims } from '../lib/identity.js';
import type { TokenEvent } from './event.js';
import { httpErrors } from './http-errors.js';
import { issueToken } from './issue-token.js';
import { createPorts } from './ports.js';
import {
  backendRequest,
  browserGetOptions,
  browserPostOptions,
  type TokenOptions,
} from './request.js';
import { requestLog, traceOf } from './request-log.js';
import { type HttpResponse, tokenResponse, wantsJson } from './responses.js';

// Composition root: configuration and adapters are built once per cold start.
// A bad variable throws here, naming it, so the function never serves with it.
const config = loadConfig(process.env);
const SERVICE = process.env.POWERTOOLS_SERVICE_NAME ?? 'thoughtspot-token-service';
const logger = new Logger({ serviceName: SERVICE });
const metrics = new Metrics({
  serviceName: SERVICE,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'ThoughtSpotTokenService',
});

const ports = createPorts(config);

function callerAndOptions(event: TokenEvent): { identity: CallerIdentity; options: TokenOptions } {
  const authorizer = event.requestContext.authorizer;
  switch (event.routeKey) {
    case 'GET /token':
      return {
        identity: identityFromClaims(authorizer?.jwt?.claims, config),
        options: browserGetOptions(event),
      };
    case 'POST /token':
      return {
        identity: identityFromClaims(authorizer?.jwt?.claims, config),
        options: browserPostOptions(event),
      };
    case 'POST /backend/token':
      // Only a caller API Gateway verified with SigV4 may name the user.
      if (!authorizer?.iam) throw new UnauthenticatedError('This route needs IAM authorization.');
      return backendRequest(event);
    default:
      throw new RouteNotFoundError();
  }
}

async function route(event: TokenEvent, context: Context): Promise<HttpResponse> {
  const { identity, options } = callerAndOptions(event);
  const minted = await issueToken(identity, options, ports, config, traceOf(context));
  return tokenResponse(minted, wantsJson(event.headers));
}

export const handler = middy<TokenEvent, HttpResponse, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }))
  .use(requestLog(logger, metrics))
  .use(httpErrors())
  .handler(route);
