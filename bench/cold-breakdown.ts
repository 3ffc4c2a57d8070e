import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
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
const ZOD = `import * as z from 'zod';
export const schema = z.object({ host: z.string().url(), ttl: z.number().int() });
export const parsed = schema.safeParse({ host: 'https://example.com', ttl: 1 });
`;
const ZOD_MINI = `import * as z from 'zod/mini';
export const schema = z.object({ host: z.url(), ttl: z.number() });
export const parsed = schema.safeParse({ host: 'https://example.com', ttl: 1 });
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

const VARIANTS: Record<string, string> = {
  floor: FLOOR,
  'floor + zod': FLOOR + ZOD,
  'floor + zod/mini': FLOOR + ZOD_MINI,
  'floor + powertools + middy': FLOOR + POWERTOOLS_MIDDY,
  'floor + all dependencies': FLOOR + ZOD + POWERTOOLS_MIDDY,
  'same with zod/mini': FLOOR + ZOD_MINI + POWERTOOLS_MIDDY,
  'production handler': `export * from './functions/token/handler.js';`,
};

const rounds = Number(process.argv[2] ?? 15);
const dir = mkdtempSync(path.join(os.tmpdir(), 'cold-breakdown-'));
try {
  const files: { name: string; file: string; bytes: number; samples: number[] }[] = [];
  for (const [index, [name, contents]] of Object.entries(VARIANTS).entries()) {
    const file = path.join(dir, `variant-${index}.mjs`);
    await build({
      ...deploymentEsbuildOptions(),
      outExtension: {},
      stdin: { contents, resolveDir: ROOT, sourcefile: `variant-${index}.ts`, loader: 'ts' },
      outfile: file,
      logLevel: 'silent',
    });
    files.push({ name, file, bytes: readFileSync(file).length, samples: [] });
  }
  for (let round = 0; round < rounds; round++) {
    for (const variant of files) variant.samples.push(importMs(variant.file, COLD_ENV));
  }
  const floorMs = median(files[0]?.samples ?? []);
  const rows = files.map(({ name, bytes, samples }) => {
    const ms = median(samples);
    const delta = ms - floorMs;
    return [
      name,
      bytes.toLocaleString('en-US'),
      ms.toFixed(1),
      `${delta >= 0 ? '+' : ''}${delta.toFixed(1)}`,
    ];
  });
  process.stdout.write(`${table(['bundle', 'bytes', 'import ms', 'vs floor'], rows)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
