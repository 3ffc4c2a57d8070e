import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { causeChain, ServiceError } from '../lib/errors.js';
import { newRequestTrace, type RequestTrace, traceLogFields } from '../lib/request-trace.js';
import type { TokenEvent } from './event.js';
import { addRequestMetrics } from './request-metrics.js';
import type { HttpResponse } from './responses.js';

/** The Lambda context once this middleware has added the request's trace. */
type TracedContext = Context & { trace?: RequestTrace };

type TracedRequest = middy.Request<TokenEvent, HttpResponse, Error, Context>;

/** The trace requestLogMiddleware made for this request. */
export function traceOf(context: Context): RequestTrace {
  const { trace } = context as TracedContext;
  if (!trace) throw new Error('requestLogMiddleware must run before the handler');
  return trace;
}

/**
 * Creates the request's trace (the one place it is made), then writes one log line
 * and one set of metrics from it when the request ends, answered or failed.
 */
export const requestLogMiddleware = (
  logger: Logger,
  metrics: Metrics,
): middy.MiddlewareObj<TokenEvent, HttpResponse, Error, Context> => {
  const started = new WeakMap<Context, number>();

  const finish = (request: TracedRequest) => {
    const trace = traceOf(request.context);
    // On failure the error middleware (used after this one, so run before it) has
    // already turned the error into a response: its status is what the caller got.
    const status = request.response?.statusCode ?? 500;
    const error = request.error;
    const code = error instanceof ServiceError ? error.code : error ? 'internal_error' : undefined;
    const fields = {
      requestId: request.event.requestContext?.requestId,
      route: request.event.routeKey,
      status,
      ...traceLogFields(trace),
      latencyMs: Date.now() - (started.get(request.context) ?? Date.now()),
      errorCode: code,
      errorCause: causeChain(error).join(' <- ') || undefined,
    };
    if (status >= 500) logger.error('token request failed', fields);
    else if (code) logger.warn('token request refused', fields);
    else logger.info('token issued', fields);
    addRequestMetrics(metrics, trace, code);
  };

  return {
    before: (request) => {
      started.set(request.context, Date.now());
      (request.context as TracedContext).trace = newRequestTrace();
    },
    after: finish,
    onError: finish,
  };
};
