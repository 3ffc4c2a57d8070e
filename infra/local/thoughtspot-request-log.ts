// What the ThoughtSpot stand-in remembers of each request: method, path and a
// body with secret keys and passwords replaced, so no key stays in its log.
import * as z from 'zod';

export interface RecordedRequest {
  method: string;
  path: string;
  /** JSON object or form fields; `secret_key` and `password` read '[redacted]'. */
  body: Record<string, unknown> | undefined;
}

const REDACTED_FIELDS = ['secret_key', 'password'];
const JsonObjectSchema = z.record(z.string(), z.unknown());

/** What the request log keeps of a body: keys and passwords never stay in memory. */
export function recordable(
  json: unknown,
  form: URLSearchParams | undefined,
): Record<string, unknown> | undefined {
  const parsed = JsonObjectSchema.safeParse(json);
  const body = parsed.success ? parsed.data : form ? Object.fromEntries(form) : undefined;
  if (!body) return undefined;
  const redacted = { ...body };
  for (const field of REDACTED_FIELDS) {
    if (field in redacted) redacted[field] = '[redacted]';
  }
  return redacted;
}
