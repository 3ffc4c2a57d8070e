import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { deploymentEsbuildOptions, ROOT } from './build.js';
import { COLD_ENV, importMs } from './cold-start.js';
import { median, table } from './stats.js';

/**
 * Where the cold start goes beyond the floor: bundles of the floor plus one
 * dependency at a time (deployment esbuild settings), imported in fresh processes,
 * rounds alternating. Diagnostic only, not part of `npm run bench`:
 *   npm exec -- tsx bench/cold-breakdown.ts
 */

const FLOOR = `import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
export const client = new SecretsManagerClient({ maxAttempts: 2 });
export const command = GetSecretValueCommand;
`;
/** Classic zod, as the function used it before zod/mini: for comparison only. */
const ZOD_CLASSIC = `import * as z from 'zod';
export const schema = z.object({ host: z.string().url(), ttl: z.number().int() });
export const parsed = schema.safeParse({ host: 'https://example.com', ttl: 1 });
`;
const ZOD_MINI = `import * as z from 'zod/mini';
export const schema = z.object({ host: z.url(), ttl: z.number() });
export const parsed = schema.safeParse({ host: 'https://example.com', ttl: 1 });
`;
/** The function's own validation at import: the configuration read, the schemas every request needs built. */
const OUR_SCHEMAS = `import { loadConfig } from './functions/lib/config.ts';
export const config = loadConfig(process.env);
export * from './functions/token/request.ts';
export * from './functions/lib/thoughtspot/token-response.ts';
export * from './functions/lib/secret-keys.ts';
`;
const POWERTOOLS_MIDDY = `import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
const logger = new Logger({ serviceName: 'bench' });
const metrics = new Metrics({ serviceName: 'bench', namespace: 'bench' });
export const handler = middy().use(injectLambdaContext(logger)).use(logMetrics(metrics)).handler(async () => 1);
`;
const HANDLER = `export * from './functions/token/handler.js';`;

/** Each variant: its entry, esbuild options over the deployment's, the floor it is compared with. */
const VARIANTS: Record<string, { contents: string; options?: BuildOptions; floor?: string }> = {
  floor: { contents: FLOOR },
  'floor + zod (classic)': { contents: FLOOR + ZOD_CLASSIC },
  'floor + zod/mini': { contents: FLOOR + ZOD_MINI },
  'floor + config and schemas': { contents: FLOOR + OUR_SCHEMAS },
  'floor + powertools + middy': { contents: FLOOR + POWERTOOLS_MIDDY },
  'floor + config, schemas, powertools, middy': {
    contents: FLOOR + OUR_SCHEMAS + POWERTOOLS_MIDDY,
  },
  'production handler': { contents: HANDLER },
  // The same two bundles with identifiers mangled (esbuild's plain `minify`), which
  // serverless.yml does not do: a larger source map for Node to parse at load.
  'floor, identifiers mangled': { contents: FLOOR, options: { minify: true } },
  'handler, identifiers mangled': {
    contents: HANDLER,
    options: { minify: true },
    floor: 'floor, identifiers mangled',
  },
};

const rounds = Number(process.argv[2] ?? 15);
const dir = mkdtempSync(path.join(os.tmpdir(), 'cold-breakdown-'));
try {
  const files: { name: string; floor: string; file: string; bytes: number; samples: number[] }[] =
    [];
  for (const [index, [name, { contents, options, floor = 'floor' }]] of Object.entries(
    VARIANTS,
  ).entries()) {
    const file = path.join(dir, `variant-${index}.mjs`);
    await build({
      ...deploymentEsbuildOptions(),
      outExtension: {},
      stdin: { contents, resolveDir: ROOT, sourcefile: `variant-${index}.ts`, loader: 'ts' },
      outfile: file,
      logLevel: 'silent',
      ...options,
    });
    files.push({ name, floor, file, bytes: readFileSync(file).length, samples: [] });
  }
  // A rotating order, as in cold-start.ts: drift on the machine hits every variant alike.
  for (let round = 0; round < rounds; round++) {
    for (let step = 0; step < files.length; step++) {
      const variant = files[(round + step) % files.length];
      variant?.samples.push(importMs(variant.file, COLD_ENV));
    }
  }
  const medianOf = (name: string) => median(files.find((f) => f.name === name)?.samples ?? []);
  const rows = files.map(({ name, floor, bytes, samples }) => {
    const [ms, floorMs] = [median(samples), medianOf(floor)];
    const delta = ms - floorMs;
    return [
      name,
      bytes.toLocaleString('en-US'),
      ms.toFixed(1),
      `${delta >= 0 ? '+' : ''}${delta.toFixed(1)}`,
      (ms / floorMs).toFixed(2),
    ];
  });
  process.stdout.write(
    `${table(['bundle', 'bytes', 'import ms', 'vs its floor', 'ratio'], rows)}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
