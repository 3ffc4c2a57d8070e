import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { REGION } from '../infra/local/secret-description.js';
import { type Bundle, buildLikeDeployment, largestInputs, packageLikeDeployment } from './build.js';
import { BENCH_POWERTOOLS_ENV } from './powertools-env.js';
import { median, round } from './stats.js';

/**
 * Cold start: the time to import each bundle in a fresh Node process.
 */

/** What the function reads at import, as deployed (placeholders; nothing goes on the network). */
export const COLD_ENV: Record<string, string> = {
  NODE_OPTIONS: '--enable-source-maps', // as serverless.yml sets it
  AWS_REGION: REGION,
  ...BENCH_POWERTOOLS_ENV,
  POWERTOOLS_LOG_LEVEL: 'INFO',
  THOUGHTSPOT_HOST: 'https://example.thoughtspot.cloud',
};

/** Imported in the child: time around the dynamic import only, printed as JSON. */
const CHILD = `const started = performance.now();
await import(process.argv[1]);
process.stdout.write(JSON.stringify({ ms: performance.now() - started }));`;

export function importMs(file: string, env: Record<string, string>): number {
  const result = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', CHILD, pathToFileURL(file).href],
    { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 30_000 },
  );
  if (result.status !== 0) throw new Error(`importing ${file} failed: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { ms: number }).ms;
}

export interface ColdStartResult {
  /** The packaged bundle, for the time-to-first-token run. */
  production: Bundle;
  bundle_bytes: number;
  floor_bundle_bytes: number;
  cold_import_ms: number;
  floor_import_ms: number;
  cold_start_ratio: number;
  /** Same, without --enable-source-maps: how much of the cost is the source map. */
  cold_import_ms_no_source_maps: number;
  floor_import_ms_no_source_maps: number;
  processes: number;
  apiBuildMatchesZip: boolean;
  largest: { name: string; bytes: number }[];
}

export async function coldStart(workDir: string, processes: number): Promise<ColdStartResult> {
  const production = packageLikeDeployment(workDir);
  // Same options through esbuild's API: proves the floor is built like production, and
  // gives the metafile (what the bundle is made of).
  const apiBuild = await buildLikeDeployment('functions/token/handler.ts', `${workDir}/api`);
  const floor = await buildLikeDeployment('bench/floor-entry.ts', `${workDir}/floor`);
  const apiBuildMatchesZip = readFileSync(apiBuild.file).equals(readFileSync(production.file));

  // Four kinds of process per round, in a rotating order, so drift on this shared
  // machine hits all alike: each bundle with and without --enable-source-maps.
  const { NODE_OPTIONS: _, ...noMapsEnv } = COLD_ENV;
  const kinds = [
    { file: production.file, env: COLD_ENV, samples: [] as number[] },
    { file: floor.file, env: COLD_ENV, samples: [] as number[] },
    { file: production.file, env: noMapsEnv, samples: [] as number[] },
    { file: floor.file, env: noMapsEnv, samples: [] as number[] },
  ] as const;
  for (let run = 0; run < processes; run++) {
    for (let step = 0; step < kinds.length; step++) {
      const kind = kinds[(run + step) % kinds.length];
      kind?.samples.push(importMs(kind.file, kind.env));
    }
  }
  const [withMaps, floorWithMaps, withoutMaps, floorWithoutMaps] = kinds.map((kind) =>
    median(kind.samples),
  ) as [number, number, number, number];
  return {
    production,
    bundle_bytes: production.bytes,
    floor_bundle_bytes: floor.bytes,
    cold_import_ms: round(withMaps),
    floor_import_ms: round(floorWithMaps),
    cold_start_ratio: round(withMaps / floorWithMaps, 2),
    cold_import_ms_no_source_maps: round(withoutMaps),
    floor_import_ms_no_source_maps: round(floorWithoutMaps),
    processes,
    apiBuildMatchesZip,
    largest: largestInputs(apiBuild.metafile),
  };
}
