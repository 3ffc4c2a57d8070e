/**
 * Records everything written to stdout/stderr (Powertools Logger and Metrics write
 * there) so a leak check can search all of it. Quiet unless TEST_SHOW_LOGS=1.
 */
export interface OutputCapture {
  text(): string;
  stop(): void;
}

export function captureOutput(): OutputCapture {
  const chunks: string[] = [];
  const show = process.env.TEST_SHOW_LOGS === '1';
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream) => stream.write);
  for (const [index, stream] of streams.entries()) {
    const original = originals[index];
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
      if (!show) return true;
      return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof stream.write;
  }
  return {
    text: () => chunks.join(''),
    stop: () => {
      for (const [index, stream] of streams.entries()) {
        const original = originals[index];
        if (original) stream.write = original;
      }
    },
  };
}
