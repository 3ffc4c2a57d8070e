/** Logs and metrics of benchmark runs name themselves apart from a deployed stage's. */
export const BENCH_POWERTOOLS_ENV = {
  POWERTOOLS_SERVICE_NAME: 'thoughtspot-token-service-bench',
  POWERTOOLS_METRICS_NAMESPACE: 'ThoughtSpotTokenServiceBench',
} as const;
