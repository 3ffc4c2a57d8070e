import * as z from 'zod/mini';
import { ThoughtSpotError } from '../errors.js';
import { parseJson } from '../json.js';

/**
 * ThoughtSpot's `Token` answer of /auth/token/{full,object}: trusted-auth tokens
 * and the admin's password login alike. Only the fields we rely on; the Org and
 * the user are required, because a token is used only when the answer says whom
 * it is for.
 */
const TokenResponseSchema = z.object({
  token: z.string().check(z.minLength(1)),
  // The SDK model declares a float; clusters send whole milliseconds. Accept both.
  expiration_time_in_millis: z.number().check(z.positive()),
  scope: z.object({ org_id: z.int() }),
  valid_for_username: z.string(),
});

/**
 * ThoughtSpot's `AccessToken` answer of /auth/token/custom: Org and user are objects here.
 * Built on the first custom token (z.lazy): without TOKEN_POLICY there is none.
 */
const AccessTokenSchema = z.lazy(() =>
  z.object({
    token: z.string().check(z.minLength(1)),
    expiration_time_in_millis: z.number().check(z.positive()),
    org: z.object({ id: z.int() }),
    user: z.object({ name: z.string() }),
  }),
);

export interface CheckedToken {
  token: string;
  expiresAtMillis: number;
}

type Asked = { orgId: number; username: string };

/**
 * The token in a 200 body, refused (ThoughtSpotError, never quoting the body) when
 * it is malformed or for another Org or user than asked for.
 */
export const checkedToken = (body: string, asked: Asked): CheckedToken =>
  checked(TokenResponseSchema, body, asked, (data) => ({
    orgId: data.scope.org_id,
    username: data.valid_for_username,
  }));

/** The same for a custom token: `org.id` and `user.name` say whom it is for. */
export const checkedAccessToken = (body: string, asked: Asked): CheckedToken =>
  checked(AccessTokenSchema, body, asked, (data) => ({
    orgId: data.org.id,
    username: data.user.name,
  }));

function checked<T extends { token: string; expiration_time_in_millis: number }>(
  schema: z.ZodMiniType<T>,
  body: string,
  asked: Asked,
  whom: (data: T) => { orgId: number; username: string },
): CheckedToken {
  const parsed = schema.safeParse(parseJson(body));
  if (!parsed.success) {
    throw new ThoughtSpotError('ThoughtSpot returned a malformed token response.');
  }
  const { orgId, username } = whom(parsed.data);
  return checkedFor(asked, orgId, username, {
    token: parsed.data.token,
    expiresAtMillis: parsed.data.expiration_time_in_millis,
  });
}

function checkedFor(
  asked: Asked,
  orgId: number,
  username: string,
  token: CheckedToken,
): CheckedToken {
  if (orgId !== asked.orgId) {
    throw new ThoughtSpotError('ThoughtSpot returned a token for a different Org.');
  }
  // ThoughtSpot may answer with its own letter case for the name.
  if (username.toLowerCase() !== asked.username.toLowerCase()) {
    throw new ThoughtSpotError('ThoughtSpot returned a token for a different user.');
  }
  return token;
}
