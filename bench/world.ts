import { generateDevKeys } from '../infra/local/dev-keys.js';
import { loadFreshHandler, type TokenHandler } from '../infra/local/fresh-handler.js';
import { standInSecretsManagerClient } from '../infra/local/secrets-manager-stand-in.js';
import { type BothStandIns, startStandIns } from '../infra/local/stand-ins.js';
import type { ThoughtSpotStandInOptions } from '../infra/local/thoughtspot-stand-in.js';
import { createNaiveHandler, type NaiveHandler } from './naive-handler.js';

/**
 * The loopback world of the lookup and connection benchmarks: the shared local
 * stand-ins with Orgs 1..ORGS, the first half with their own secret, the rest
 * without (they fall back to Org 0), and the two handlers compared against them.
 */

export const ORGS = 50;
export const ORGS_WITH_OWN_KEY = 25;
export const hasOwnKey = (orgId: number) => orgId >= 1 && orgId <= ORGS_WITH_OWN_KEY;

/** Logs and metrics of benchmark runs name themselves apart from a deployed stage's. */
export const BENCH_POWERTOOLS_ENV = {
  POWERTOOLS_SERVICE_NAME: 'thoughtspot-token-service-bench',
  POWERTOOLS_METRICS_NAMESPACE: 'ThoughtSpotTokenServiceBench',
} as const;

/** New stand-ins (each its own origins and counters), holding keys for Orgs 0..ORGS_WITH_OWN_KEY. */
export function startBenchStandIns(tls?: ThoughtSpotStandInOptions['tls']): Promise<BothStandIns> {
  const orgIds = Array.from({ length: ORGS_WITH_OWN_KEY + 1 }, (_, orgId) => orgId);
  return startStandIns({ keys: generateDevKeys(orgIds), ...(tls && { thoughtSpot: { tls } }) });
}

/** Our handler as a cold start creates it, pointed at `standIns`. */
export async function oursAgainst(standIns: BothStandIns): Promise<TokenHandler> {
  const { handler } = await loadFreshHandler({ ...standIns.functionEnv, ...BENCH_POWERTOOLS_ENV });
  return handler;
}

/** The naive handler pointed at `standIns`, with its own Secrets Manager client. */
export function naiveAgainst(standIns: BothStandIns): NaiveHandler {
  return createNaiveHandler({
    host: standIns.thoughtSpotUrl,
    client: standInSecretsManagerClient(standIns.secretsManagerUrl),
  });
}
