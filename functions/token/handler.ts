import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { loadConfig } from '../lib/config.js';
import { METRICS_NAMESPACE } from '../lib/config-rules.cjs';
import { RouteNotFoundError } from '../lib/errors.js';
import { type Caller, callerFromBackend, callerFromJwt } from '../lib/identity.js';
import { createAdapters } from './adapters.js';
import { errorResponseMiddleware } from './error-response-middleware.js';
import type { TokenEvent } from './event.js';
import { issueToken } from './issue-token.js';
import {
  backendBody,
  browserGetOptions,
  browserPostOptions,
  type TokenOptions,
  tokenOptions,
} from './request.js';
import { requestLogMiddleware, traceOf } from './request-log-middleware.js';
import { type HttpResponse, tokenResponse, wantsJson } from './responses.js';

// Composition root: configuration and adapters are built once per cold start.
// A bad variable throws here, naming it, so the function never serves with it.
const config = loadConfig(process.env);
const SERVICE = process.env.POWERTOOLS_SERVICE_NAME ?? 'thoughtspot-token-service';
const logger = new Logger({ serviceName: SERVICE });
const metrics = new Metrics({
  serviceName: SERVICE,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
});

const ports = createAdapters(config);

type Route = (event: TokenEvent) => { caller: Caller; options: TokenOptions };

/** Who is calling (identity.ts) and what they asked for (request.ts), per route. */
const routes: Readonly<Record<string, Route>> = {
  'GET /token': (event) => ({
    caller: callerFromJwt(event.requestContext.authorizer, config),
    options: browserGetOptions(event),
  }),
  'POST /token': (event) => ({
    caller: callerFromJwt(event.requestContext.authorizer, config),
    options: browserPostOptions(event),
  }),
  'POST /backend/token': (event) => {
    const { caller, body } = callerFromBackend(event.requestContext.authorizer, () =>
      backendBody(event),
    );
    return { caller, options: tokenOptions(body) };
  },
};

async function route(event: TokenEvent, context: Context): Promise<HttpResponse> {
  const handle = Object.hasOwn(routes, event.routeKey) ? routes[event.routeKey] : undefined;
  if (!handle) throw new RouteNotFoundError();
  const { caller, options } = handle(event);
  const minted = await issueToken(caller, options, ports, config, traceOf(context));
  return tokenResponse(minted, wantsJson(event.headers));
}

// Order matters. Middy runs `before` top to bottom and `after`/`onError` bottom to top:
// on a failure errorResponseMiddleware answers first, requestLogMiddleware then logs
// and counts that answer, and logMetrics flushes the metrics last, so a failed request
// still leaves its log line and its metrics.
export const handler = middy<TokenEvent, HttpResponse, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }))
  .use(requestLogMiddleware(logger, metrics))
  .use(errorResponseMiddleware())
  .handler(route);
