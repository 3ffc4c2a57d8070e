import { randomUUID } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { TokenEvent } from '../functions/token/event.js';
import { loadFreshHandler } from '../infra/local/fresh-handler.js';
import { httpApiEvent, lambdaContext } from '../infra/local/lambda-events.js';
import { STAND_IN_AWS_ENV } from '../infra/local/secrets-manager-stand-in.js';
import { isEntryPoint, reply, runChild } from './child.js';
import { createNaiveHandler } from './naive-handler.js';
import { BENCH_POWERTOOLS_ENV } from './powertools-env.js';
import { silenceOutput } from './silence-output.js';
import { median, percentile, round } from './stats.js';

/**
 * Warm overhead: the handler's own time per request with ThoughtSpot (a fetch
 * replacement) and Secrets Manager (aws-sdk-client-mock) answering instantly
 * in-process, in a child process of its own. Ours and the naive handler run in
 * alternating blocks, so load from elsewhere on the machine hits both alike.
 * Logging and metrics run as in production; only their writes go to a counting
 * sink instead of stdout.
 */

const HOST = 'https://tenant.thoughtspot.test';
const BLOCK = 1_000;

export interface WarmResult {
  warm_p50_us: number;
  /** Median over the blocks of each block's p99 (a burst of load elsewhere spoils one block). */
  warm_p99_us: number;
  /** p99 over all requests pooled. */
  warm_p99_pooled_us: number;
  naive_warm_p50_us: number;
  naive_warm_p99_us: number;
  naive_warm_p99_pooled_us: number;
  requests: number;
  /** Bytes of log and EMF lines our handler produced per request (into the sink). */
  logBytesPerRequest: number;
  nonOkResponses: number;
}

type Call = (event: TokenEvent, context: Context) => Promise<{ statusCode: number }>;

/** ThoughtSpot's token endpoint answering at once with a fixed (fake) token. */
function instantThoughtSpot(): typeof globalThis.fetch {
  const body = JSON.stringify({
    token: 'bench-token-not-real',
    creation_time_in_millis: Date.now(),
    expiration_time_in_millis: Date.now() + 3_600_000,
    scope: { access_type: 'FULL', org_id: 0, metadata_id: null },
    valid_for_user_id: 'bench-user-id',
    valid_for_username: 'bench-user@example.com',
  });
  return async () =>
    new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
}

/** Calls `call` `count` times; pushes each call's time (µs) into `micros` when given. */
async function timeBlock(call: Call, count: number, micros?: number[]): Promise<number> {
  let nonOk = 0;
  for (let index = 0; index < count; index++) {
    // Built outside the timed span: API Gateway and the runtime make these, not the handler.
    const event = httpApiEvent({
      routeKey: 'GET /token',
      claims: { email: 'bench-user@example.com' },
    });
    const context = lambdaContext();
    const started = process.hrtime.bigint();
    const response = await call(event, context);
    const elapsed = process.hrtime.bigint() - started;
    if (response.statusCode !== 200) nonOk += 1;
    micros?.push(Number(elapsed) / 1000);
  }
  return nonOk;
}

export async function measureWarm(requests: number, warmup: number): Promise<WarmResult> {
  const secretsManager = mockClient(SecretsManagerClient);
  secretsManager
    .on(GetSecretValueCommand)
    .resolves({ SecretString: JSON.stringify({ secret_key: randomUUID() }) });
  // Before the import: the ThoughtSpot client takes globalThis.fetch when it is created.
  globalThis.fetch = instantThoughtSpot();
  const sink = silenceOutput();
  try {
    const { handler: ours } = await loadFreshHandler({
      ...STAND_IN_AWS_ENV,
      ...BENCH_POWERTOOLS_ENV,
      THOUGHTSPOT_HOST: HOST,
    });
    const naive = createNaiveHandler({ host: HOST });
    let nonOk = (await timeBlock(ours, warmup)) + (await timeBlock(naive, warmup));
    secretsManager.resetHistory();
    const oursBlocks: number[][] = [];
    const naiveBlocks: number[][] = [];
    let logBytes = 0;
    for (let done = 0; done < requests; done += BLOCK) {
      const count = Math.min(BLOCK, requests - done);
      const oursMicros: number[] = [];
      const naiveMicros: number[] = [];
      const before = sink.bytes();
      nonOk += await timeBlock(ours, count, oursMicros);
      logBytes += sink.bytes() - before;
      nonOk += await timeBlock(naive, count, naiveMicros);
      oursBlocks.push(oursMicros);
      naiveBlocks.push(naiveMicros);
      // The mock records every call; dropping the record keeps the heap (and GC) steady.
      secretsManager.resetHistory();
    }
    const p99PerBlock = (blocks: number[][]) =>
      round(median(blocks.map((block) => percentile(block, 99))));
    return {
      warm_p50_us: round(median(oursBlocks.flat())),
      warm_p99_us: p99PerBlock(oursBlocks),
      warm_p99_pooled_us: round(percentile(oursBlocks.flat(), 99)),
      naive_warm_p50_us: round(median(naiveBlocks.flat())),
      naive_warm_p99_us: p99PerBlock(naiveBlocks),
      naive_warm_p99_pooled_us: round(percentile(naiveBlocks.flat(), 99)),
      requests,
      logBytesPerRequest: Math.round(logBytes / requests),
      nonOkResponses: nonOk,
    };
  } finally {
    sink.restore();
    secretsManager.restore();
  }
}

export const warmOverhead = (requests: number, warmup: number): WarmResult =>
  runChild<WarmResult>('warm.ts', [String(requests), String(warmup)]);

// Child side: `node --import tsx bench/warm.ts <requests> <warmup>`.
if (isEntryPoint(import.meta.filename)) {
  const [requests = '20000', warmup = '2000'] = process.argv.slice(2);
  reply(await measureWarm(Number(requests), Number(warmup)));
}
