import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { prodPackageArgs, runNpm } from './packaging.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Directory of the "prod" package (all params given, KMS key and alarm topic set). */
    prodPackageDir: string;
    /** Seconds `npm run package` took (default stage, into .serverless/). */
    packageSeconds: number;
  }
}

/**
 * Packages the service twice, once per variant, before the template tests read
 * the results. The prod variant goes to a temporary directory first, because
 * every `serverless package` run clears `.serverless/`; `npm run package` (dev
 * stage, defaults) runs last and leaves its output where the infra team finds it.
 */
export default function setup(project: TestProject): () => void {
  const prodPackageDir = mkdtempSync(path.join(tmpdir(), 'token-service-prod-package-'));

  const prod = runNpm(['run', 'package', '--', ...prodPackageArgs(prodPackageDir)]);
  if (prod.status !== 0) throw new Error(`prod packaging failed:\n${prod.output}`);

  const dev = runNpm(['run', 'package']);
  if (dev.status !== 0) throw new Error(`npm run package failed:\n${dev.output}`);
  console.log(
    `template tests: npm run package took ${dev.seconds.toFixed(1)} s (prod variant ${prod.seconds.toFixed(1)} s)`,
  );

  project.provide('prodPackageDir', prodPackageDir);
  project.provide('packageSeconds', dev.seconds);
  return () => rmSync(prodPackageDir, { recursive: true, force: true });
}
