// A fresh instance of the real token handler, as a cold start creates it: the
// environment is set first (the handler reads it at import, the AWS SDK at its
// first call), then the composition root is imported under a new URL, so it
// builds new config, clients and caches. The integration and resilience tiers and
// the benchmarks load the handler only through here.
import type { Context, SecretsManagerRotationEvent } from 'aws-lambda';
import type { TokenEvent } from '../../functions/token/event.js';
import type { HttpResponse } from '../../functions/token/responses.js';

type TokenModule = typeof import('../../functions/token/handler.js');
export type TokenHandler = (event: TokenEvent, context: Context) => Promise<HttpResponse>;
export type RotationHandler = (
  event: SecretsManagerRotationEvent,
  context: Context,
) => Promise<unknown>;

export interface FreshHandler<H = TokenHandler> {
  handler: H;
  /** Puts back the process.env values this load replaced; call it once done with the handler. */
  restoreEnv(): void;
}

let instances = 0;

/** Sets `env`, then imports `modulePath` (relative to this file) under a URL never used before. */
async function loadFresh<M>(modulePath: string, env: Record<string, string>) {
  const saved = Object.entries(env).map(([name]) => [name, process.env[name]] as const);
  Object.assign(process.env, env);
  instances += 1;
  // All of a function's state is built in its handler.ts (its imports hold none), so
  // a new URL for that one module is a new cold start, in plain Node and in vitest.
  const url = new URL(`${modulePath}?instance=${instances}`, import.meta.url);
  const module: M = await import(url.href);
  const restoreEnv = () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  return { module, restoreEnv };
}

/** A cold start of the token function with `env`. */
export async function loadFreshHandler(env: Record<string, string>): Promise<FreshHandler> {
  const { module, restoreEnv } = await loadFresh<TokenModule>(
    '../../functions/token/handler.ts',
    env,
  );
  return { handler: module.handler, restoreEnv };
}

/** A cold start of the rotation function with `env`. */
export async function loadFreshRotationHandler(
  env: Record<string, string>,
): Promise<FreshHandler<RotationHandler>> {
  const { module, restoreEnv } = await loadFresh<
    typeof import('../../functions/rotate/handler.js')
  >('../../functions/rotate/handler.ts', env);
  return { handler: module.handler as RotationHandler, restoreEnv };
}
