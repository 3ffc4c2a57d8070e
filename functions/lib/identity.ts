import type { Config } from './config.js';
import { OrgForbiddenError, UnauthenticatedError } from './errors.js';

/** Who a token is for: decided by the JWT authorizer's claims or the trusted backend, never the browser. */
export interface CallerIdentity {
  username: string;
  /** The Orgs the caller belongs to, in claim order; the first is the default. */
  orgIds: readonly number[];
  /** JIT provisioning details, present only when the user should be created/updated. */
  provision?: Provisioning;
}

export interface Provisioning {
  email?: string;
  displayName?: string;
  /** Omitted: groups stay as they are. [] would remove the user from every group. */
  groups?: string[];
}

/** API Gateway delivers claim values as strings; a list claim arrives as "[a b c]". */
export type Claims = Readonly<Record<string, unknown>>;

type IdentityConfig = Pick<
  Config,
  | 'usernameClaim'
  | 'orgClaim'
  | 'orgMap'
  | 'defaultOrgId'
  | 'autoCreateUsers'
  | 'displayNameClaim'
  | 'groupsClaim'
>;

const MAX_ORG_ID = 2_147_483_647;

/** Splits a claim value into its entries: "5", "[5 9]", a real array, or a number. */
export function claimValues(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(claimValues);
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (typeof value !== 'string') return [];
  const text = value.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    return text
      .slice(1, -1)
      .split(/[\s,]+/)
      .filter((entry) => entry !== '');
  }
  return text === '' ? [] : [text];
}

function claimString(claims: Claims, name: string): string | undefined {
  const value = claims[name];
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

function resolveOrg(entry: string, orgMap: Readonly<Record<string, number>>): number | undefined {
  if (/^\d{1,10}$/.test(entry)) {
    const id = Number(entry);
    return id <= MAX_ORG_ID ? id : undefined;
  }
  return Object.hasOwn(orgMap, entry) ? orgMap[entry] : undefined;
}

/** The browser routes' caller, taken only from the JWT authorizer's verified claims. */
export function identityFromClaims(
  claims: Claims | undefined,
  config: IdentityConfig,
): CallerIdentity {
  if (!claims) throw new UnauthenticatedError();
  const username = claimString(claims, config.usernameClaim);
  if (username === undefined) {
    throw new UnauthenticatedError(`The verified token has no "${config.usernameClaim}" claim.`);
  }

  const orgEntries = claimValues(claims[config.orgClaim]);
  let orgIds: number[];
  if (orgEntries.length === 0) {
    orgIds = [config.defaultOrgId];
  } else {
    orgIds = [...new Set(orgEntries.flatMap((entry) => resolveOrg(entry, config.orgMap) ?? []))];
    if (orgIds.length === 0) {
      throw new OrgForbiddenError("The caller's Org claim names no Org this service knows.");
    }
  }

  if (!config.autoCreateUsers) return { username, orgIds };
  const provision: Provisioning = {};
  const email = claimString(claims, 'email');
  const displayName = claimString(claims, config.displayNameClaim);
  if (email !== undefined) provision.email = email;
  if (displayName !== undefined) provision.displayName = displayName;
  if (config.groupsClaim !== undefined && config.groupsClaim in claims) {
    provision.groups = claimValues(claims[config.groupsClaim]);
  }
  return { username, orgIds, provision };
}

/** The Org a token is minted for: the requested one if the caller belongs to it, else their first. */
export function chooseOrg(identity: CallerIdentity, requested: number | undefined): number {
  const [first] = identity.orgIds;
  if (requested === undefined && first !== undefined) return first;
  if (requested !== undefined && identity.orgIds.includes(requested)) return requested;
  throw new OrgForbiddenError();
}
