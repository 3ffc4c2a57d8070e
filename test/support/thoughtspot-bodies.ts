import { randomBytes, randomUUID } from 'node:crypto';
import * as z from 'zod';
import { errorBody } from '../../infra/local/thoughtspot-tokens.js';

/**
 * ThoughtSpot's answers of /api/rest/2.0/auth/token/{full,object}, for every tier: the
 * shapes as schemas (types inferred from them), and factories that build them. Error
 * bodies come from the stand-in's own errorBody, so tests and stand-in cannot disagree.
 */

/** ThoughtSpot's 200 body (its `Token` model), every field. */
export const ThoughtSpotTokenBodySchema = z.object({
  token: z.string(),
  creation_time_in_millis: z.number(),
  expiration_time_in_millis: z.number(),
  scope: z.object({
    access_type: z.enum(['FULL', 'REPORT_BOOK_VIEW']),
    org_id: z.number(),
    metadata_id: z.string().nullable(),
  }),
  valid_for_user_id: z.uuid(),
  valid_for_username: z.string(),
});
export type ThoughtSpotTokenBody = z.infer<typeof ThoughtSpotTokenBodySchema>;

/** ThoughtSpot's error body: {"error":{"message":{code, debug, …}}}. */
export const ThoughtSpotErrorBodySchema = z.object({
  error: z.object({ message: z.object({ code: z.number(), debug: z.string() }) }),
});
export type ThoughtSpotErrorBody = z.infer<typeof ThoughtSpotErrorBodySchema>;

/** A 200 body for a FULL token for ada@example.com in Org 0, valid 5 minutes, unless overridden. */
export function thoughtSpotTokenBody(
  overrides: Partial<ThoughtSpotTokenBody> = {},
): ThoughtSpotTokenBody {
  const created = Date.now();
  return {
    token: `ts-token-${randomBytes(8).toString('hex')}`,
    creation_time_in_millis: created,
    expiration_time_in_millis: created + 300_000,
    scope: { access_type: 'FULL', org_id: 0, metadata_id: null },
    valid_for_user_id: randomUUID(),
    valid_for_username: 'ada@example.com',
    ...overrides,
  };
}

/** ThoughtSpot's error body for `code`, as the stand-in (and a real cluster) sends it. */
export const thoughtSpotError = (code: number, debug = `error ${code}`): ThoughtSpotErrorBody =>
  ThoughtSpotErrorBodySchema.parse(errorBody(code, debug));
