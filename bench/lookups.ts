import type { TokenEvent } from '../functions/token/event.js';
import { httpApiEvent, lambdaContext } from '../infra/local/lambda-events.js';
import { silenceOutput } from './silence-output.js';
import { pool } from './stats.js';
import { hasOwnKey, naiveAgainst, ORGS, startBenchStandIns, withOurs } from './world.js';

/**
 * Secrets Manager lookups, over real loopback HTTP to the stand-ins: 10,000 requests
 * over 50 Orgs at concurrency 50 (well within the cache TTL), and a cold burst of 200
 * concurrent requests for one Org without its own key.
 */

export interface LookupResult {
  sm_calls_10k: number;
  sm_calls_burst: number;
  naive_sm_calls_10k: number;
  naive_sm_calls_burst: number;
  /** Responses other than 200, over all four runs (should be 0). */
  failures: number;
  seconds: number;
}

const eventFor = (index: number, orgId: number): TokenEvent =>
  httpApiEvent({
    routeKey: 'GET /token',
    claims: { email: `user${index % 500}@example.com`, ts_org: String(orgId) },
  });

type Call = (event: TokenEvent) => Promise<{ statusCode: number }>;

export async function lookups(requests = 10_000, concurrency = 50, burst = 200) {
  const started = performance.now();
  const standIns = await startBenchStandIns();
  const sink = silenceOutput();
  let failures = 0;
  const spread = async (call: Call) => {
    const indexes = Array.from({ length: requests }, (_, index) => index);
    await pool(indexes, concurrency, async (index) => {
      const response = await call(eventFor(index, 1 + (index % ORGS)));
      if (response.statusCode !== 200) failures += 1;
    });
  };
  const burstOn = async (call: Call) => {
    const orgId = ORGS; // an Org without its own key
    if (hasOwnKey(orgId)) throw new Error('the burst Org must have no key of its own');
    const events = Array.from({ length: burst }, (_, index) => eventFor(index, orgId));
    const responses = await Promise.all(events.map((event) => call(event)));
    failures += responses.filter((response) => response.statusCode !== 200).length;
  };
  const count = async (run: () => Promise<void>) => {
    standIns.secretsManager.resetCalls();
    await run();
    return standIns.secretsManager.callCount('GetSecretValue');
  };

  try {
    const sm_calls_10k = await withOurs(standIns, (ours) =>
      count(() => spread((event) => ours(event, lambdaContext()))),
    );
    const sm_calls_burst = await withOurs(standIns, (fresh) =>
      count(() => burstOn((event) => fresh(event, lambdaContext()))),
    );
    const naive_sm_calls_10k = await count(() => spread(naiveAgainst(standIns)));
    const naive_sm_calls_burst = await count(() => burstOn(naiveAgainst(standIns)));
    return {
      sm_calls_10k,
      sm_calls_burst,
      naive_sm_calls_10k,
      naive_sm_calls_burst,
      failures,
      seconds: (performance.now() - started) / 1000,
    } satisfies LookupResult;
  } finally {
    sink.restore();
    await standIns.close();
  }
}
