import type { CacheStatus } from './secret-keys.js';

/**
 * What happened during one token request, filled in as it goes: the use case
 * records the Org and the key, the ThoughtSpot client its attempts. The request's
 * log line and metrics are built from it, and nothing else. Only ids, counts and
 * codes: never a key, a token, a JWT or the event.
 */
export interface RequestTrace {
  orgId?: number;
  keySource?: 'own' | 'fallback';
  cache?: CacheStatus;
  refetched?: boolean;
  /** Set when a rotation of the key's secret was in progress: how long the request waited. */
  rotationWaitMs?: number;
  upstream: UpstreamTrace;
}

/** What the ThoughtSpot client records about its exchange. */
export interface UpstreamTrace {
  attempts: number;
  status?: number;
  latencyMs?: number;
}

export const newUpstreamTrace = (): UpstreamTrace => ({ attempts: 0 });

export const newRequestTrace = (): RequestTrace => ({ upstream: newUpstreamTrace() });

/** The log line's fields from the trace. docs/operations.md's Logs Insights queries read them. */
export function traceLogFields(trace: RequestTrace) {
  return {
    orgId: trace.orgId,
    keySource: trace.keySource,
    cache: trace.cache,
    refetched: trace.refetched ?? false,
    rotationWaitMs: trace.rotationWaitMs,
    thoughtspotStatus: trace.upstream.status,
    attempts: trace.upstream.attempts,
    upstreamLatencyMs: trace.upstream.latencyMs,
  };
}
