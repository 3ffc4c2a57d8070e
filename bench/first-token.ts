import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { LAMBDA_TIMEOUT_SECONDS } from '../functions/lib/config-rules.cjs';
import { httpApiEvent, lambdaContext } from '../infra/local/lambda-events.js';
import { type Bundle, buildLikeDeployment } from './build.js';
import { COLD_ENV } from './cold-start.js';
import { median, round } from './stats.js';
import { startBenchStandIns } from './world.js';

/**
 * Time to first token: a fresh Node process imports a bundle and serves its first
 * request through the stand-ins (Secrets Manager and ThoughtSpot on 127.0.0.1, plain
 * HTTP), so work moved from the import into the first request still counts. The
 * floor is bench/floor-first-token.ts: the bare SDK client, one GetSecretValue and
 * one POST to ThoughtSpot's token endpoint. Both kinds run in a rotating order.
 */

/** The Org of the first request: one with a secret of its own, so both read one secret. */
const ORG_ID = 1;

/**
 * The child: time from the import to the first response, printed as the last line.
 * The stand-ins live in the parent, so the parent must not block while a child runs.
 */
const CHILD = `const started = performance.now();
const { handler } = await import(process.argv[1]);
const context = { ...JSON.parse(process.argv[3]), getRemainingTimeInMillis: () => ${LAMBDA_TIMEOUT_SECONDS * 1000} };
const response = await handler(JSON.parse(process.argv[2]), context);
const ms = performance.now() - started;
process.stdout.write('\\n' + JSON.stringify({ ms, status: response.statusCode }) + '\\n');
process.exit(0);`;

function firstTokenMs(
  file: string,
  env: Record<string, string>,
): Promise<{ ms: number; status: number }> {
  const event = httpApiEvent({
    routeKey: 'GET /token',
    claims: { email: 'first@example.com', ts_org: String(ORG_ID) },
  });
  const args = [
    '--input-type=module',
    '-e',
    CHILD,
    pathToFileURL(file).href,
    JSON.stringify(event),
    JSON.stringify(lambdaContext()),
  ];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 30_000 },
      (error, stdout, stderr) => {
        const last = stdout.trim().split('\n').at(-1) ?? '';
        if (error || !last.startsWith('{')) {
          reject(new Error(`first request through ${file} failed: ${error?.message}\n${stderr}`));
        } else resolve(JSON.parse(last) as { ms: number; status: number });
      },
    );
  });
}

export interface FirstTokenResult {
  ttft_ms: number;
  floor_ttft_ms: number;
  ttft_ratio: number;
  processes: number;
}

/** `production` is the packaged bundle; the floor is built here with the same settings. */
export async function timeToFirstToken(
  workDir: string,
  production: Bundle,
  processes: number,
): Promise<FirstTokenResult> {
  const floor = await buildLikeDeployment('bench/floor-first-token.ts', `${workDir}/first-token`);
  const standIns = await startBenchStandIns();
  // As deployed (source maps on), pointed at the stand-ins; the floor reads the same.
  const env = { ...COLD_ENV, ...standIns.functionEnv };
  const kinds = [
    { file: production.file, samples: [] as number[] },
    { file: floor.file, samples: [] as number[] },
  ] as const;
  try {
    for (let run = 0; run < processes; run++) {
      for (let step = 0; step < kinds.length; step++) {
        const kind = kinds[(run + step) % kinds.length];
        if (!kind) continue;
        const { ms, status } = await firstTokenMs(kind.file, env);
        // A fast error is no first token: its time would flatter the median, so the run stops.
        if (status !== 200) {
          throw new Error(
            `time to first token: the first GET /token through ${kind.file} answered ${status}, not 200`,
          );
        }
        kind.samples.push(ms);
      }
    }
  } finally {
    await standIns.close();
  }
  const [ours, floorMs] = kinds.map((kind) => median(kind.samples)) as [number, number];
  return {
    ttft_ms: round(ours),
    floor_ttft_ms: round(floorMs),
    ttft_ratio: round(ours / floorMs, 2),
    processes,
  };
}
