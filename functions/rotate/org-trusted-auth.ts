import {
  type AdminCredentials,
  type AdminSession,
  type AuthStatus,
  levelOf,
  type ThoughtSpotAdmin,
  type TrustedAuthLevel,
} from '../lib/thoughtspot.js';
import { RotationError } from './errors.js';

/**
 * One Org's trusted-auth level in ThoughtSpot, read and switched through the admin
 * APIs with the admin's password login. Made once per invocation: sessions are
 * reused within it and never outlive it.
 */
export interface OrgTrustedAuthPort {
  /** The Org's level as auth/search shows it; throws when ThoughtSpot can't say (nothing changed). */
  read(orgId: number): Promise<TrustedAuthLevel>;
  /** auth/configure for the Org, with the session that could read it. */
  setStatus(orgId: number, status: AuthStatus): Promise<void>;
}

export interface OrgTrustedAuthDeps {
  admin: ThoughtSpotAdmin;
  credentials: () => Promise<AdminCredentials>;
}

/**
 * Org 0 is the cluster level: `auth/search` with scope CLUSTER, `cluster_preferences`.
 *
 * Org N is its `org_preferences` entry whose `org.id` is N, found one of two ways
 * (SPEC §6; which one a real cluster needs is unverified, THOUGHTSPOT-FACTS §7.3.1):
 *  1. tried first: the Org 0 admin token (the one SPEC §6 prescribes), no scope.
 *     The spec's own search example lists another Org's entry beside the cluster's,
 *     and it costs no second login;
 *  2. when that answer has no entry for N: an admin token for Org N, scope ORG.
 * The way that found the entry is kept for the invocation, and `configure` for the
 * Org is sent with that way's token. No entry either way is an error.
 */
export function createOrgTrustedAuth(deps: OrgTrustedAuthDeps): OrgTrustedAuthPort {
  const { admin } = deps;
  const sessions = new Map<number, Promise<AdminSession>>();
  /** The Org whose admin token read each Org's entry. */
  const readFrom = new Map<number, number>();

  function sessionIn(orgId: number): Promise<AdminSession> {
    let session = sessions.get(orgId);
    if (!session) {
      session = deps.credentials().then((credentials) => admin.login(credentials, orgId));
      // A failed login is not kept: a later call may log in again.
      session.catch(() => sessions.delete(orgId));
      sessions.set(orgId, session);
    }
    return session;
  }

  async function readOrg(orgId: number): Promise<TrustedAuthLevel> {
    if (readFrom.get(orgId) !== orgId) {
      const level = levelOf(await admin.search(await sessionIn(0)), orgId);
      if (level) {
        readFrom.set(orgId, 0);
        return level;
      }
      if (readFrom.has(orgId)) {
        throw new RotationError(`auth/search from the Primary Org no longer lists Org ${orgId}.`);
      }
    }
    let session: AdminSession;
    try {
      session = await sessionIn(orgId);
    } catch (error) {
      throw new RotationError(
        `auth/search from the Primary Org lists no entry for Org ${orgId}, and the admin login to Org ${orgId} failed.`,
        { cause: error },
      );
    }
    const level = levelOf(await admin.search(session, 'ORG'), orgId);
    if (!level) {
      throw new RotationError(
        `auth/search lists no entry for Org ${orgId}, neither from the Primary Org nor from Org ${orgId} with scope ORG.`,
      );
    }
    readFrom.set(orgId, orgId);
    return level;
  }

  return {
    async read(orgId) {
      if (orgId !== 0) return readOrg(orgId);
      const level = levelOf(await admin.search(await sessionIn(0), 'CLUSTER'), 0);
      if (!level) throw new RotationError('auth/search answered without cluster_preferences.');
      return level;
    },

    async setStatus(orgId, status) {
      await admin.configure(await sessionIn(readFrom.get(orgId) ?? 0), orgId, status);
    },
  };
}
