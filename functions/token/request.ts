import * as z from 'zod/mini';
import { MAX_ORG_ID, MAX_VALIDITY_SECONDS } from '../lib/config-rules.cjs';
import { InvalidRequestError } from '../lib/errors.js';
import { headerValue } from '../lib/headers.js';
import { parseJson } from '../lib/json.js';
import { integerFrom, safeParseInEnglish } from '../lib/zod-helpers.js';

/**
 * What each route accepts. Anything else, a username from a browser in particular, is a 400.
 * Each route's schema is z.lazy: built on the route's first call, so a cold start builds
 * only the one its first request needs.
 */

/** Bodies above this are refused before parsing (SPEC §3 "body too large"). */
export const MAX_BODY_BYTES = 8 * 1024;

const OrgId = integerFrom(0, MAX_ORG_ID);
const ObjectId = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(128),
    z.regex(/^[A-Za-z0-9_-]+$/, { error: 'must be an object GUID' }),
  );
const Validity = integerFrom(1, MAX_VALIDITY_SECONDS);
const Digits = z.pipe(
  z.string().check(z.regex(/^\d{1,10}$/, { error: 'must be a non-negative integer' })),
  z.transform(Number),
);
/** Up to ten digits in a query string, read as a number that `schema` then checks. */
const digitsAs = <T extends z.core.$ZodType<unknown, number>>(schema: T) =>
  z.optional(z.pipe(Digits, schema));
const optional = z.optional;
const text = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));

/** POST /token body. */
export const BrowserBodySchema = z.lazy(() =>
  z.strictObject({
    org_id: optional(OrgId),
    object_id: optional(ObjectId),
    validity_time_in_sec: optional(Validity),
  }),
);

/** GET /token query string: the same fields, as text. */
export const BrowserQuerySchema = z.lazy(() =>
  z.strictObject({
    org_id: digitsAs(OrgId),
    object_id: optional(ObjectId),
    validity_time_in_sec: digitsAs(Validity),
  }),
);

/**
 * POST /backend/token body: the app's own backend (IAM-authorized) names the user.
 * Strings are taken verbatim (never trimmed); the username rule is identity.ts's.
 */
export const BackendBodySchema = z.lazy(() =>
  z.strictObject({
    username: z.string(),
    org_id: OrgId,
    object_id: optional(ObjectId),
    validity_time_in_sec: optional(Validity),
    email: optional(text(3, 320)),
    display_name: optional(text(1, 255)),
    groups: optional(z.array(text(1, 255)).check(z.maxLength(200))),
    // For an Org with a token policy (SPEC §7): values taken verbatim, as claims are.
    attributes: optional(
      z.record(text(1, 128), z.union([z.string(), z.array(z.string()).check(z.maxLength(200))])),
    ),
  }),
);

export type BackendBody = z.output<typeof BackendBodySchema>;

export interface TokenOptions {
  orgId?: number;
  objectId?: string;
  validitySeconds?: number;
}

/** The slice of an HTTP API (payload 2.0) event that carries input. */
export interface RequestInput {
  headers?: Readonly<Record<string, string | undefined>>;
  queryStringParameters?: Readonly<Record<string, string | undefined>>;
  body?: string;
  isBase64Encoded?: boolean;
}

function describe(error: z.core.$ZodError): string {
  const text = error.issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return `unknown field(s) ${issue.keys.map((key) => JSON.stringify(key.slice(0, 40))).join(', ')}`;
      }
      const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
      return `${field} ${issue.message}`;
    })
    .join('; ');
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

function parse<T extends z.core.$ZodType>(schema: T, value: unknown): z.output<T> {
  const result = safeParseInEnglish(schema, value);
  if (!result.success) throw new InvalidRequestError(`Invalid request: ${describe(result.error)}.`);
  return result.data;
}

/** Reads a JSON object body, refusing oversize, non-JSON and invalid bodies before zod sees them. */
export function readJsonBody(input: RequestInput): unknown {
  const raw = input.body;
  if (raw === undefined || raw === '') return {};
  // Check the size before decoding or parsing anything. For base64, byteLength counts the
  // decoded bytes from the length and padding (4 chars per 3 bytes) without decoding.
  const bytes = Buffer.byteLength(raw, input.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes > MAX_BODY_BYTES) {
    throw new InvalidRequestError(`The body is larger than ${MAX_BODY_BYTES} bytes.`);
  }
  const contentType = headerValue(input.headers, 'content-type');
  if (contentType !== undefined && !/^application\/([\w.+-]+\+)?json\b/i.test(contentType)) {
    throw new InvalidRequestError('The body must be JSON (Content-Type: application/json).');
  }
  const text = input.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  const json = parseJson(text);
  if (json === undefined) throw new InvalidRequestError('The body is not valid JSON.');
  return json;
}

export const tokenOptions = (input: {
  org_id?: number | undefined;
  object_id?: string | undefined;
  validity_time_in_sec?: number | undefined;
}): TokenOptions => ({
  ...(input.org_id !== undefined && { orgId: input.org_id }),
  ...(input.object_id !== undefined && { objectId: input.object_id }),
  ...(input.validity_time_in_sec !== undefined && { validitySeconds: input.validity_time_in_sec }),
});

/** GET /token: options from the query string only. */
export function browserGetOptions(input: RequestInput): TokenOptions {
  return tokenOptions(parse(BrowserQuerySchema, input.queryStringParameters ?? {}));
}

/** POST /token: options from the JSON body only. */
export function browserPostOptions(input: RequestInput): TokenOptions {
  if (Object.keys(input.queryStringParameters ?? {}).length > 0) {
    throw new InvalidRequestError(
      'POST /token takes its input in the JSON body, not the query string.',
    );
  }
  return tokenOptions(parse(BrowserBodySchema, readJsonBody(input)));
}

/** POST /backend/token: the body, whose identity fields identity.ts turns into the caller. */
export function backendBody(input: RequestInput): BackendBody {
  return parse(BackendBodySchema, readJsonBody(input));
}
