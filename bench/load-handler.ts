import type { Context } from 'aws-lambda';
import type { TokenEvent } from '../functions/token/event.js';
import type { HttpResponse } from '../functions/token/responses.js';
import { STAND_IN_AWS_ENV } from '../infra/local/secrets-manager-stand-in.js';

/**
 * A fresh instance of the real handler, as a cold start would create it: the
 * environment is set first (the handler reads it at import), then the composition
 * root is imported under a new URL, so it builds new config, clients and caches.
 */

export type Handler = (event: TokenEvent, context: Context) => Promise<HttpResponse>;

let instances = 0;

export async function loadHandler(env: Record<string, string>): Promise<Handler> {
  Object.assign(process.env, env);
  instances += 1;
  const url = new URL(`../functions/token/handler.ts?instance=${instances}`, import.meta.url);
  const module = (await import(url.href)) as { handler: Handler };
  return module.handler;
}

/** Fake AWS credentials: the SDK signs requests to the stand-in, which does not check them. */
export const FAKE_AWS_ENV: Record<string, string> = {
  ...STAND_IN_AWS_ENV,
  POWERTOOLS_SERVICE_NAME: 'thoughtspot-token-service-bench',
  POWERTOOLS_METRICS_NAMESPACE: 'ThoughtSpotTokenServiceBench',
};

/** Replaces stdout/stderr writes with a sink that only counts bytes; returns a restore function. */
export function silenceOutput(): { bytes: () => number; restore: () => void } {
  let bytes = 0;
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
  }
  return {
    bytes: () => bytes,
    restore: () => {
      for (const [index, stream] of streams.entries()) {
        const original = originals[index];
        if (original) stream.write = original;
      }
    },
  };
}
