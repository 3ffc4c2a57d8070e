import { spawnSync } from 'node:child_process';
import {
  cpSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { parse } from 'yaml';
import { withoutAwsCredentials } from '../infra/local/without-aws-credentials.js';
import { listZip, readZipEntry } from '../infra/serverless/package-zip.js';

/**
 * The bundles the cold-start benchmark imports: the production one, built exactly
 * as `npm run package` builds it (osls + serverless-esbuild, in a scratch copy of
 * the service so nothing in the working tree is touched), and the floor, built by
 * esbuild's API with the options serverless-esbuild derives from serverless.yml.
 */

export const ROOT = path.resolve(import.meta.dirname, '..');
const HANDLER_IN_ZIP = 'functions/token/handler.mjs';

export interface Bundle {
  file: string;
  bytes: number;
}

/** Keys of custom.esbuild that serverless-esbuild consumes itself and never hands to esbuild. */
const PLUGIN_ONLY_KEYS = new Set([
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
]);

/** The esbuild options serverless-esbuild 1.x passes for serverless.yml's custom.esbuild. */
export function deploymentEsbuildOptions(): BuildOptions {
  const service = parse(readFileSync(path.join(ROOT, 'serverless.yml'), 'utf8')) as {
    provider: { runtime: string };
    custom: { esbuild: Record<string, unknown> };
  };
  const custom = service.custom.esbuild;
  const runtimeTarget = service.provider.runtime.replace(/^nodejs(\d+)\.x$/, 'node$1');
  const asList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
  const exclude = 'exclude' in custom ? asList(custom.exclude) : ['aws-sdk'];
  const extension =
    typeof custom.outputFileExtension === 'string' ? custom.outputFileExtension : '.js';
  const passed = Object.fromEntries(
    Object.entries(custom).filter(([key]) => !PLUGIN_ONLY_KEYS.has(key)),
  );
  return {
    bundle: true,
    platform: 'node',
    target: runtimeTarget,
    ...passed,
    external: [...asList(custom.external), ...(exclude.includes('*') ? [] : exclude)],
    ...(extension === '.js' ? {} : { outExtension: { '.js': extension } }),
    absWorkingDir: ROOT,
  };
}

/** Builds `entry` (relative to the repository) into `outdir` with the deployment's options. */
export async function buildLikeDeployment(
  entry: string,
  outdir: string,
): Promise<Bundle & { metafile: Metafile }> {
  const result = await build({
    ...deploymentEsbuildOptions(),
    entryPoints: [entry],
    outdir,
    metafile: true,
    logLevel: 'silent',
  });
  const [file] = Object.keys(result.metafile.outputs).filter((name) => !name.endsWith('.map'));
  if (!file) throw new Error(`esbuild produced no bundle for ${entry}`);
  const absolute = path.resolve(ROOT, file);
  return { file: absolute, bytes: readFileSync(absolute).length, metafile: result.metafile };
}

/** `to` as a copy of the directory `from` made of hard links: same files, nothing copied. */
function hardLinkTree(from: string, to: string): void {
  mkdirSync(to);
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const [source, target] = [path.join(from, entry.name), path.join(to, entry.name)];
    if (entry.isDirectory()) hardLinkTree(source, target);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else linkSync(source, target);
  }
}

/**
 * The scratch copy's node_modules: hard links where the file system allows, else a
 * symlink. Through a symlink esbuild names bundled modules by their real path
 * (../../work/…/node_modules/…), which the unmangled bundle keeps, so it would no
 * longer be the bundle `npm run package` makes in a checkout.
 */
function linkNodeModules(service: string): void {
  const from = path.join(ROOT, 'node_modules');
  const to = path.join(service, 'node_modules');
  if (statSync(from).dev === statSync(service).dev) hardLinkTree(from, to);
  else symlinkSync(from, to);
}

/** Runs `osls package` on a scratch copy of the service and unpacks the function's bundle. */
export function packageLikeDeployment(workDir: string): Bundle {
  const service = path.join(workDir, 'service');
  cpSync(ROOT, service, {
    recursive: true,
    filter: (source) =>
      !/^(node_modules|\.git|\.serverless|\.esbuild|\.local|coverage|dist)$/.test(
        path.relative(ROOT, source).split(path.sep)[0] ?? '',
      ),
  });
  linkNodeModules(service);
  const packageDir = path.join(workDir, 'package');
  const osls = path.join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js');
  const result = spawnSync(process.execPath, [osls, 'package', '--package', packageDir], {
    cwd: service,
    env: withoutAwsCredentials(process.env),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) {
    throw new Error(`osls package failed (${result.status}):\n${result.stdout}${result.stderr}`);
  }
  const zip = readFileSync(path.join(packageDir, 'token.zip'));
  const out = path.join(workDir, 'production');
  let bundle: Bundle | undefined;
  for (const entry of listZip(zip)) {
    const target = path.join(out, entry.name);
    mkdirSync(path.dirname(target), { recursive: true });
    const content = readZipEntry(zip, entry);
    writeFileSync(target, content);
    if (entry.name === HANDLER_IN_ZIP) bundle = { file: target, bytes: content.length };
  }
  if (!bundle) throw new Error(`${HANDLER_IN_ZIP} is not in token.zip`);
  return bundle;
}

/** Bytes in the bundle per package (or "(this repository)"), largest first. */
export function largestInputs(metafile: Metafile, top = 8): { name: string; bytes: number }[] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const name = match?.[1] ?? '(this repository)';
      totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...totals]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top);
}
