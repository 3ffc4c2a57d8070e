import { type Claims, readClaimList, readClaimValue } from './claims.js';
import type { Config } from './config.js';
import { MAX_ORG_ID } from './config-rules.cjs';
import { InvalidRequestError, OrgForbiddenError, UnauthenticatedError } from './errors.js';
import { usernameProblem } from './username.js';

/**
 * Who is calling, and for which Orgs, on every route (SPEC §3, §8). The browser
 * routes take it only from the JWT authorizer's verified claims; the backend route
 * only from an IAM-verified caller's body. Nothing here trims, re-cases or defaults
 * a value it was given: a value is used as it came or refused.
 */

export interface Caller {
  username: string;
  /** The Orgs the caller belongs to, in claim order; the first is the default. */
  orgIds: readonly number[];
  /** JIT provisioning details, present only when the user should be created/updated. */
  provision?: Provisioning;
  /**
   * What a token policy reads (SPEC §7): the verified claims, or the trusted backend's
   * `attributes` ({} when it sent none). Never anything a browser chose.
   */
  policyClaims: Claims;
  /** The backend sent `attributes`, which only an Org with a token policy accepts. */
  sentAttributes?: true;
}

export interface Provisioning {
  email?: string;
  displayName?: string;
  /** Omitted: groups stay as they are. [] would remove the user from every group. */
  groups?: string[];
}

/** What API Gateway's authorizers put on the request context. */
export interface Authorizer {
  jwt?: { claims?: Claims };
  iam?: unknown;
}

type JwtConfig = Pick<
  Config,
  | 'usernameClaim'
  | 'orgClaim'
  | 'orgMap'
  | 'defaultOrgId'
  | 'autoCreateUsers'
  | 'displayNameClaim'
  | 'groupsClaim'
>;

/** The claim that holds the email used for provisioning (SPEC §4 AUTO_CREATE_USERS). */
const EMAIL_CLAIM = 'email';

/** One provisioning builder for both routes: only the details that are present. */
function provisioning(details: {
  email?: string | undefined;
  displayName?: string | undefined;
  groups?: string[] | undefined;
}): Provisioning {
  return {
    ...(details.email !== undefined && { email: details.email }),
    ...(details.displayName !== undefined && { displayName: details.displayName }),
    ...(details.groups !== undefined && { groups: details.groups }),
  };
}

const wrongType = (claim: string) =>
  new UnauthenticatedError(`The verified token's "${claim}" claim has the wrong type.`);

function claimText(claims: Claims, claim: string): string | undefined {
  const read = readClaimValue(claims, claim);
  if (read.kind === 'wrong_type') throw wrongType(claim);
  return read.kind === 'value' ? read.value : undefined;
}

function claimList(claims: Claims, claim: string): string[] | undefined {
  const read = readClaimList(claims, claim);
  if (read.kind === 'wrong_type') throw wrongType(claim);
  return read.kind === 'values' ? read.values : undefined;
}

function resolveOrg(entry: string, orgMap: Readonly<Record<string, number>>): number | undefined {
  if (/^\d{1,10}$/.test(entry)) {
    const id = Number(entry);
    return id <= MAX_ORG_ID ? id : undefined;
  }
  return Object.hasOwn(orgMap, entry) ? orgMap[entry] : undefined;
}

function orgsFromClaim(claims: Claims, config: JwtConfig): number[] {
  const entries = claimList(claims, config.orgClaim) ?? [];
  // An empty claim ("" or "[]") is no claim: the caller belongs to the default Org.
  if (entries.length === 0) return [config.defaultOrgId];
  const orgIds = [...new Set(entries.flatMap((entry) => resolveOrg(entry, config.orgMap) ?? []))];
  if (orgIds.length === 0) {
    throw new OrgForbiddenError("The caller's Org claim names no Org this service knows.");
  }
  return orgIds;
}

/** The browser routes' caller, taken only from the JWT authorizer's verified claims. */
export function callerFromJwt(authorizer: Authorizer | undefined, config: JwtConfig): Caller {
  const claims = authorizer?.jwt?.claims;
  if (!claims) throw new UnauthenticatedError();
  const username = claimText(claims, config.usernameClaim);
  if (username === undefined) {
    throw new UnauthenticatedError(`The verified token has no "${config.usernameClaim}" claim.`);
  }
  const problem = usernameProblem(username);
  if (problem !== undefined) {
    throw new UnauthenticatedError(
      `The verified token's "${config.usernameClaim}" claim is not a usable username: it ${problem}.`,
    );
  }
  const orgIds = orgsFromClaim(claims, config);
  if (!config.autoCreateUsers) return { username, orgIds, policyClaims: claims };
  return {
    username,
    orgIds,
    policyClaims: claims,
    provision: provisioning({
      email: claimText(claims, EMAIL_CLAIM),
      displayName: claimText(claims, config.displayNameClaim),
      groups: config.groupsClaim === undefined ? undefined : claimList(claims, config.groupsClaim),
    }),
  };
}

/** What the backend body says about the user (already shape-checked by request.ts). */
export interface BackendIdentity {
  username: string;
  org_id: number;
  email?: string | undefined;
  display_name?: string | undefined;
  groups?: string[] | undefined;
  /** Claim name → value(s) for the token policy, keyed like the policy's `claim` fields. */
  attributes?: Readonly<Record<string, string | string[]>> | undefined;
}

/**
 * The backend route's caller: only an IAM-verified caller may name the user.
 * `readBody` runs after the IAM check, so an unverified caller gets 401 whatever it sent.
 */
export function callerFromBackend<Body extends BackendIdentity>(
  authorizer: Authorizer | undefined,
  readBody: () => Body,
): { caller: Caller; body: Body } {
  if (!authorizer?.iam) throw new UnauthenticatedError('This route needs IAM authorization.');
  const body = readBody();
  const problem = usernameProblem(body.username);
  if (problem !== undefined) {
    throw new InvalidRequestError(`Invalid request: username ${problem}.`);
  }
  const provision = provisioning({
    email: body.email,
    displayName: body.display_name,
    groups: body.groups,
  });
  const caller: Caller = {
    username: body.username,
    orgIds: [body.org_id],
    // Naming any provisioning detail asks for just-in-time provisioning (auto_create).
    ...(Object.keys(provision).length > 0 && { provision }),
    policyClaims: body.attributes ?? {},
    ...(body.attributes !== undefined && { sentAttributes: true as const }),
  };
  return { caller, body };
}

/** The Org a token is minted for: the requested one if the caller belongs to it, else their first. */
export function chooseOrg(caller: Caller, requested: number | undefined): number {
  const [first] = caller.orgIds;
  if (requested === undefined && first !== undefined) return first;
  if (requested !== undefined && caller.orgIds.includes(requested)) return requested;
  throw new OrgForbiddenError();
}
