import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeSelfSignedCertificate } from '../infra/local/certificate.js';
import { httpApiEvent, lambdaContext } from '../infra/local/lambda-events.js';
import type { BothStandIns } from '../infra/local/stand-ins.js';
import { isEntryPoint, reply, runChild } from './child.js';
import { silenceOutput } from './silence-output.js';
import { naiveAgainst, startBenchStandIns, withOurs } from './world.js';

/**
 * Connections to ThoughtSpot: 1,000 sequential requests, each run against its own
 * stand-in (own origin, so no connection pool is shared between runs). Over HTTPS
 * this runs in a child process started with NODE_EXTRA_CA_CERTS, the only way
 * Node's fetch trusts a certificate made for the run.
 *
 * Two pacings. "Lambda-like": one event-loop turn between invocations, as the
 * runtime's own call for the next event always gives. "Back-to-back": the next
 * invocation starts in the same turn the previous one ended; Node's fetch hands a
 * keep-alive connection back to its pool only a turn after the body ends, so a warm
 * request that reaches fetch without any I/O on the way finds it busy and opens a
 * second one (the naive handler always does I/O first: its Secrets Manager call).
 */

export interface Counts {
  connections: number;
  tlsHandshakes: number;
}

export interface ConnectionResult {
  upstream_connections_1k: number;
  upstream_tls_handshakes_1k: number;
  naive_upstream_connections_1k: number;
  naive_upstream_tls_handshakes_1k: number;
  backToBack: { ours: Counts; naive: Counts };
  failures: number;
}

type Call = (event: ReturnType<typeof httpApiEvent>) => Promise<{ statusCode: number }>;
/** Hands `use` a way to call one handler on `standIns`, and cleans up after it. */
type WithCall = (standIns: BothStandIns, use: (call: Call) => Promise<void>) => Promise<void>;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function sequentialConnections(
  requests: number,
  tls?: { key: string; cert: string },
): Promise<ConnectionResult> {
  const sink = silenceOutput();
  let failures = 0;
  /** Fresh stand-ins, `requests` sequential calls through `withCall`, ThoughtSpot's counters. */
  const run = async (withCall: WithCall, lambdaLike: boolean): Promise<Counts> => {
    const standIns = await startBenchStandIns(tls);
    try {
      await withCall(standIns, async (call) => {
        for (let index = 0; index < requests; index++) {
          const event = httpApiEvent({
            routeKey: 'GET /token',
            claims: { email: `user${index % 50}@example.com`, ts_org: String(1 + (index % 50)) },
          });
          if ((await call(event)).statusCode !== 200) failures += 1;
          if (lambdaLike) await nextTurn();
        }
      });
      const { connections, tlsHandshakes } = standIns.thoughtSpot;
      return { connections, tlsHandshakes };
    } finally {
      await standIns.close();
    }
  };
  const ours: WithCall = (standIns, use) =>
    withOurs(standIns, (handler) => use((event) => handler(event, lambdaContext())));
  const naive: WithCall = (standIns, use) => use(naiveAgainst(standIns));
  try {
    const oursLambda = await run(ours, true);
    const naiveLambda = await run(naive, true);
    const oursBackToBack = await run(ours, false);
    const naiveBackToBack = await run(naive, false);
    return {
      upstream_connections_1k: oursLambda.connections,
      upstream_tls_handshakes_1k: oursLambda.tlsHandshakes,
      naive_upstream_connections_1k: naiveLambda.connections,
      naive_upstream_tls_handshakes_1k: naiveLambda.tlsHandshakes,
      backToBack: { ours: oursBackToBack, naive: naiveBackToBack },
      failures,
    };
  } finally {
    sink.restore();
  }
}

/** Runs the HTTPS variant in a child that trusts the certificate from its start. */
export function tlsConnections(requests: number, certDir: string): ConnectionResult | undefined {
  const files = writeSelfSignedCertificate(certDir);
  if (!files) return undefined;
  return runChild<ConnectionResult>('connections.ts', [String(requests), certDir], {
    NODE_EXTRA_CA_CERTS: files.certFile,
  });
}

// Child side: `node --import tsx bench/connections.ts <requests> <certDir>`.
if (isEntryPoint(import.meta.filename)) {
  const [requests = '1000', certDir = ''] = process.argv.slice(2);
  const tls = {
    key: readFileSync(path.join(certDir, 'key.pem'), 'utf8'),
    cert: readFileSync(path.join(certDir, 'cert.pem'), 'utf8'),
  };
  reply(await sequentialConnections(Number(requests), tls));
}
