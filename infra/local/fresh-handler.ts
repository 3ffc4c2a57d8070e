// A fresh instance of the real token handler, as a cold start creates it: the
// environment is set first (the handler reads it at import, the AWS SDK at its
// first call), then the composition root is imported under a new URL, so it
// builds new config, clients and caches. The integration and resilience tiers and
// the benchmarks load the handler only through here.
import type { Context } from 'aws-lambda';
import type { TokenEvent } from '../../functions/token/event.js';
import type { HttpResponse } from '../../functions/token/responses.js';

type HandlerModule = typeof import('../../functions/token/handler.js');
export type TokenHandler = (event: TokenEvent, context: Context) => Promise<HttpResponse>;

export interface FreshHandler {
  handler: TokenHandler;
  /** Puts back the process.env values this load replaced; call it once done with the handler. */
  restoreEnv(): void;
}

let instances = 0;

export async function loadFreshHandler(env: Record<string, string>): Promise<FreshHandler> {
  const saved = Object.entries(env).map(([name]) => [name, process.env[name]] as const);
  Object.assign(process.env, env);
  instances += 1;
  // All of the function's state is built in handler.ts (its imports hold none), so
  // a new URL for that one module is a new cold start, in plain Node and in vitest.
  const url = new URL(`../../functions/token/handler.ts?instance=${instances}`, import.meta.url);
  const module: HandlerModule = await import(url.href);
  return {
    handler: module.handler,
    restoreEnv() {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
  };
}
