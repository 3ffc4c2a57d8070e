import { generateDevKeys } from '../infra/local/dev-keys.js';
import { loadFreshHandler, type TokenHandler } from '../infra/local/fresh-handler.js';
import { standInSecretsManagerClient } from '../infra/local/secrets-manager-stand-in.js';
import { type BothStandIns, startStandIns } from '../infra/local/stand-ins.js';
import type { ThoughtSpotStandInOptions } from '../infra/local/thoughtspot-stand-in.js';
import { createNaiveHandler, type NaiveHandler } from './naive-handler.js';
import { BENCH_POWERTOOLS_ENV } from './powertools-env.js';

/**
 * The loopback world of the lookup and connection benchmarks: the shared local
 * stand-ins with Orgs 1..ORGS, the first half with their own secret, the rest
 * without (they fall back to Org 0), and the two handlers compared against them.
 */

export const ORGS = 50;
export const ORGS_WITH_OWN_KEY = 25;
export const hasOwnKey = (orgId: number) => orgId >= 1 && orgId <= ORGS_WITH_OWN_KEY;

/** New stand-ins (each its own origins and counters), holding keys for Orgs 0..ORGS_WITH_OWN_KEY. */
export function startBenchStandIns(tls?: ThoughtSpotStandInOptions['tls']): Promise<BothStandIns> {
  const orgIds = Array.from({ length: ORGS_WITH_OWN_KEY + 1 }, (_, orgId) => orgId);
  return startStandIns({ keys: generateDevKeys(orgIds), ...(tls && { thoughtSpot: { tls } }) });
}

/**
 * Runs `use` with our handler as a cold start creates it, pointed at `standIns`, then
 * puts back the process.env values the load set (the SDK reads them at its first call).
 */
export async function withOurs<T>(
  standIns: BothStandIns,
  use: (handler: TokenHandler) => Promise<T>,
): Promise<T> {
  const { handler, restoreEnv } = await loadFreshHandler({
    ...standIns.functionEnv,
    ...BENCH_POWERTOOLS_ENV,
  });
  try {
    return await use(handler);
  } finally {
    restoreEnv();
  }
}

/** The naive handler pointed at `standIns`, with its own Secrets Manager client. */
export function naiveAgainst(standIns: BothStandIns): NaiveHandler {
  return createNaiveHandler({
    host: standIns.thoughtSpotUrl,
    client: standInSecretsManagerClient(standIns.secretsManagerUrl),
  });
}
