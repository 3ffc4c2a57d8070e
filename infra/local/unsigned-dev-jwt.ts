// Development JWTs for the local API. They are UNSIGNED (alg "none"): `npm start`
// runs serverless-offline with --ignoreJWTSignature, which decodes the JWT and
// checks only issuer, audience and expiry. A real API Gateway refuses them, which
// is the point: nothing printed here works against a deployed stage.
import { DEFAULTS } from '../../functions/lib/config-rules.cjs';

export interface DevJwtOptions {
  /** The ThoughtSpot username, put in `usernameClaim` (default claim `email`). */
  user: string;
  /** Org ids or names for `orgClaim` (default `ts_org`); none = the service's DEFAULT_ORG_ID. */
  orgs?: readonly string[];
  issuer: string;
  audience: string;
  expiresInSeconds?: number;
  usernameClaim?: string;
  orgClaim?: string;
  /** More claims, e.g. `name` for JIT provisioning. */
  extraClaims?: Record<string, string | string[]>;
  now?: () => number;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function createDevJwt(options: DevJwtOptions): string {
  const issuedAt = Math.floor((options.now ?? Date.now)() / 1000);
  const orgs = options.orgs ?? [];
  const claims: Record<string, unknown> = {
    iss: options.issuer,
    aud: options.audience,
    sub: options.user,
    iat: issuedAt,
    exp: issuedAt + (options.expiresInSeconds ?? 3600),
    ...options.extraClaims,
    [options.usernameClaim ?? DEFAULTS.USERNAME_CLAIM]: options.user,
  };
  // One Org as a string, as API Gateway passes claims; several as a JSON array.
  const orgClaim = options.orgClaim ?? DEFAULTS.ORG_CLAIM;
  if (orgs.length === 1) claims[orgClaim] = orgs[0];
  if (orgs.length > 1) claims[orgClaim] = [...orgs];
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
}
