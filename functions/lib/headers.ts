/**
 * A header's value, whatever the case of its name (SPEC §8). HTTP API lower-cases
 * names in payload 2.0, but serverless-offline, test events and other event sources
 * need not, so no code reads `headers.accept` directly.
 */
export function headerValue(
  headers: Readonly<Record<string, string | undefined>> | undefined | null,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  const exact = headers[wanted];
  if (exact !== undefined) return exact;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}
