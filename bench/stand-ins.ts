import { secretIdOf } from '../infra/local/local-settings.js';
import {
  type SecretsManagerStandIn,
  startSecretsManagerStandIn,
} from '../infra/local/secrets-manager-stand-in.js';
import {
  startThoughtSpotStandIn,
  type ThoughtSpotStandIn,
} from '../infra/local/thoughtspot-stand-in.js';
import { fakeKey } from '../test/support/fixtures.js';
import { FAKE_AWS_ENV } from './load-handler.js';

/**
 * The loopback world of the lookup and connection benchmarks: Orgs 1..ORGS, the
 * first half with their own secret, the rest without (they fall back to Org 0).
 */

export const ORGS = 50;
export const ORGS_WITH_OWN_KEY = 25;
export const hasOwnKey = (orgId: number) => orgId >= 1 && orgId <= ORGS_WITH_OWN_KEY;

export interface World {
  sm: SecretsManagerStandIn;
  clusterKey: string;
  orgKeys: Record<number, string>;
  /** A ThoughtSpot stand-in that accepts this world's keys (each its own origin and counters). */
  startThoughtSpot(tls?: { key: string; cert: string }): Promise<ThoughtSpotStandIn>;
  /** The handler's environment, pointed at `ts`. */
  env(ts: ThoughtSpotStandIn): Record<string, string>;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const clusterKey = fakeKey('cluster');
  const orgKeys: Record<number, string> = {};
  for (let orgId = 1; orgId <= ORGS_WITH_OWN_KEY; orgId++) orgKeys[orgId] = fakeKey(`org${orgId}`);
  const secrets: Record<string, string> = {
    [secretIdOf(0)]: JSON.stringify({ secret_key: clusterKey }),
  };
  for (const [orgId, key] of Object.entries(orgKeys)) {
    secrets[secretIdOf(Number(orgId))] = JSON.stringify({ secret_key: key });
  }
  const sm = await startSecretsManagerStandIn({ secrets });
  const started: ThoughtSpotStandIn[] = [];
  return {
    sm,
    clusterKey,
    orgKeys,
    async startThoughtSpot(tls) {
      const ts = await startThoughtSpotStandIn({ clusterKey, orgKeys, ...(tls && { tls }) });
      started.push(ts);
      return ts;
    },
    env: (ts) => ({
      ...FAKE_AWS_ENV,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.url,
      THOUGHTSPOT_HOST: ts.url,
    }),
    async close() {
      await Promise.all([sm.close(), ...started.map((ts) => ts.close())]);
    },
  };
}
