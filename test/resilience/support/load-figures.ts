import { percentile } from '../../../bench/stats.js';

/** Small helpers for the figures a load test prints: counts, latency percentiles, waits. */

/** `items` counted by `keyOf`. */
export function tally<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
  return counts;
}

/** "name count, name count", sorted; "none" when empty. */
export const listed = (counts: ReadonlyMap<string, number>): string =>
  [...counts]
    .sort()
    .map(([name, count]) => `${name} ${count}`)
    .join(', ') || 'none';

export interface LatencyStats {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

/** p50/p99/max of latencies in ms (NaN for none). */
export function latency(ms: readonly number[]): LatencyStats {
  return {
    n: ms.length,
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    max: ms.length === 0 ? Number.NaN : Math.max(...ms),
  };
}

const fixed = (value: number) => value.toFixed(1);
export const signed = (value: number): string => `${value >= 0 ? '+' : ''}${fixed(value)}`;
/** "p50/p99/max (n=…)". */
export const figures = (stats: LatencyStats): string =>
  `${fixed(stats.p50)}/${fixed(stats.p99)}/${fixed(stats.max)} (n=${stats.n})`;

/** `promise`'s value, or undefined after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The token function's rotation waits, from its request log lines (one JSON object a line). */
export function rotationWaits(logs: string): { orgId: number; rotationWaitMs: number }[] {
  return logs
    .split('\n')
    .filter((line) => line.includes('"rotationWaitMs"'))
    .map((line) => JSON.parse(line) as { orgId: number; rotationWaitMs: number });
}
