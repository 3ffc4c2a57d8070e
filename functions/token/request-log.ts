import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { causeChain, ServiceError } from '../lib/errors.js';
import type { TokenEvent } from './event.js';
import type { IssueTrace } from './issue-token.js';
import type { HttpResponse } from './responses.js';

/**
 * One structured log line and one set of metrics per request, built from the trace the
 * use case fills in. Only ids, counts and codes go out: never a key, a token, a JWT or
 * the event.
 */

const traces = new WeakMap<Context, IssueTrace>();

/** The trace of the request this Lambda context belongs to. */
export function traceOf(context: Context): IssueTrace {
  let trace = traces.get(context);
  if (!trace) {
    trace = { upstream: { attempts: 0 } };
    traces.set(context, trace);
  }
  return trace;
}

export const requestLog = (
  logger: Logger,
  metrics: Metrics,
): middy.MiddlewareObj<TokenEvent, HttpResponse, Error, Context> => {
  const started = new WeakMap<Context, number>();

  const finish = (request: middy.Request<TokenEvent, HttpResponse, Error, Context>) => {
    const trace = traceOf(request.context);
    const status = request.response?.statusCode ?? 500;
    const error = request.error;
    const code = error instanceof ServiceError ? error.code : error ? 'internal_error' : undefined;
    const fields = {
      requestId: request.event.requestContext?.requestId,
      route: request.event.routeKey,
      status,
      orgId: trace.orgId,
      keySource: trace.keySource,
      cache: trace.cache,
      refetched: trace.refetched ?? false,
      thoughtspotStatus: trace.upstream.status,
      attempts: trace.upstream.attempts,
      upstreamLatencyMs: trace.upstream.latencyMs,
      latencyMs: Date.now() - (started.get(request.context) ?? Date.now()),
      errorCode: code,
      errorCause: causeChain(error).join(' <- ') || undefined,
    };
    if (status >= 500) logger.error('token request failed', fields);
    else if (code) logger.warn('token request refused', fields);
    else logger.info('token issued', fields);

    metrics.addMetric('Requests', MetricUnit.Count, 1);
    if (!code) metrics.addMetric('TokensIssued', MetricUnit.Count, 1);
    if (code) {
      const single = metrics.singleMetric();
      single.addDimension('code', code);
      single.addMetric('Errors', MetricUnit.Count, 1);
    }
    if (trace.keySource === 'fallback') metrics.addMetric('FallbackUsed', MetricUnit.Count, 1);
    if (trace.cache === 'hit') metrics.addMetric('SecretCacheHit', MetricUnit.Count, 1);
    if (trace.cache === 'miss') metrics.addMetric('SecretCacheMiss', MetricUnit.Count, 1);
    if (trace.cache === 'stale') metrics.addMetric('SecretCacheStale', MetricUnit.Count, 1);
    if (trace.upstream.latencyMs !== undefined) {
      metrics.addMetric('UpstreamLatency', MetricUnit.Milliseconds, trace.upstream.latencyMs);
    }
  };

  return {
    before: (request) => {
      started.set(request.context, Date.now());
      traces.set(request.context, { upstream: { attempts: 0 } });
    },
    after: finish,
    onError: finish,
  };
};
