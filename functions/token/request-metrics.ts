import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RequestTrace } from '../lib/request-trace.js';

/**
 * The metrics one request emits. infra/cloudformation/alarms.yml watches these names
 * and dimensions, and a test drives the handler to check that each alarm's metric is
 * emitted exactly so: rename here, and that test names the alarm that would go blind.
 */
export const METRIC = {
  requests: 'Requests',
  tokensIssued: 'TokensIssued',
  errors: 'Errors',
  fallbackUsed: 'FallbackUsed',
  secretCacheHit: 'SecretCacheHit',
  secretCacheMiss: 'SecretCacheMiss',
  secretCacheStale: 'SecretCacheStale',
  upstreamLatency: 'UpstreamLatency',
  /** Milliseconds a request waited for a key rotation in progress; only requests that did. */
  rotationWait: 'RotationWait',
} as const;

/** The extra dimension of `Errors`: the error code of SPEC §3. */
export const ERROR_CODE_DIMENSION = 'code';

const CACHE_METRIC = {
  hit: METRIC.secretCacheHit,
  miss: METRIC.secretCacheMiss,
  stale: METRIC.secretCacheStale,
} as const;

export function addRequestMetrics(
  metrics: Metrics,
  trace: RequestTrace,
  errorCode: string | undefined,
): void {
  metrics.addMetric(METRIC.requests, MetricUnit.Count, 1);
  if (errorCode === undefined) {
    metrics.addMetric(METRIC.tokensIssued, MetricUnit.Count, 1);
  } else {
    // Its own EMF record, so `code` does not become a dimension of the other metrics.
    const single = metrics.singleMetric();
    single.addDimension(ERROR_CODE_DIMENSION, errorCode);
    single.addMetric(METRIC.errors, MetricUnit.Count, 1);
  }
  if (trace.keySource === 'fallback') metrics.addMetric(METRIC.fallbackUsed, MetricUnit.Count, 1);
  if (trace.cache !== undefined) metrics.addMetric(CACHE_METRIC[trace.cache], MetricUnit.Count, 1);
  if (trace.rotationWaitMs !== undefined) {
    metrics.addMetric(METRIC.rotationWait, MetricUnit.Milliseconds, trace.rotationWaitMs);
  }
  if (trace.upstream.latencyMs !== undefined) {
    metrics.addMetric(METRIC.upstreamLatency, MetricUnit.Milliseconds, trace.upstream.latencyMs);
  }
}
