/**
 * Replaces stdout/stderr writes with a sink that only counts bytes, so the
 * handler's logs and EMF metrics are produced as in production without the cost
 * of a terminal; returns a restore function.
 */
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
