import { OwnMessageError } from '../../functions/lib/errors.js';
import {
  type AdminCredentials,
  createThoughtSpotAdmin,
  type TrustedAuthLevel,
} from '../../functions/lib/thoughtspot.js';
import { loadRotationConfig } from '../../functions/rotate/config.js';
import { createOrgTrustedAuth } from '../../functions/rotate/org-trusted-auth.js';
import { createSecretVersions } from '../../functions/rotate/secret-versions.js';
import type { CommandContext } from './context.js';
import { CommandFailedError, UsageError } from './errors.js';

/**
 * ThoughtSpot's trusted-auth settings as the rotation function reads them, with its
 * configuration (THOUGHTSPOT_HOST, THOUGHTSPOT_ADMIN_SECRET_ID, THOUGHTSPOT_TIMEOUT_MS),
 * its admin-secret reader and its admin client. The answer holds plaintext keys:
 * callers compare them and store them, never print them.
 */

/** Options of the commands that talk to ThoughtSpot's admin APIs. */
export const THOUGHTSPOT_OPTIONS = { 'thoughtspot-host': { type: 'string' } } as const;

export interface TrustedAuthView {
  /** Org 0 (the cluster level) and every Org the Primary Org's auth/search lists. */
  listed: ReadonlyMap<number, TrustedAuthLevel>;
  /** The Org's level: listed, else (as the rotation function does) an admin login to it and scope ORG. */
  read(orgId: number): Promise<TrustedAuthLevel>;
}

/** The Orgs a command covers: those named with --org, else every listed Org and every Org secret. */
export function orgsToCover(
  named: readonly number[],
  view: TrustedAuthView,
  secretOrgIds: readonly number[],
): number[] {
  const all = named.length > 0 ? named : [...view.listed.keys(), ...secretOrgIds];
  return [...new Set(all)].sort((a, b) => a - b);
}

/** Our own messages (refused login, old cluster, missing admin secret) end the command cleanly. */
export async function explained<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof OwnMessageError) {
      throw new CommandFailedError(error.message, { cause: error });
    }
    throw error;
  }
}

export async function readTrustedAuth(
  context: CommandContext,
  hostOption: string | undefined,
): Promise<TrustedAuthView> {
  const host = hostOption ?? context.env.THOUGHTSPOT_HOST;
  if (!host) throw new UsageError('set THOUGHTSPOT_HOST or pass --thoughtspot-host URL');
  const config = loadRotationConfig({ ...context.env, THOUGHTSPOT_HOST: host });
  const admin = createThoughtSpotAdmin({
    host: config.thoughtSpotHost,
    timeoutMs: config.thoughtSpotTimeoutMs,
  });
  let credentials: Promise<AdminCredentials> | undefined;
  const adminCredentials = () => {
    credentials ??= createSecretVersions(context.secretsManager()).adminCredentials(
      config.adminSecretId,
    );
    return credentials;
  };

  // One search from the Primary Org lists the cluster level and the Orgs it can see.
  const session = await explained(adminCredentials().then((cred) => admin.login(cred, 0)));
  const settings = await explained(admin.search(session));
  const cluster = settings.cluster ?? (await explained(admin.search(session, 'CLUSTER'))).cluster;
  const listed = new Map<number, TrustedAuthLevel>(settings.orgs.map((org) => [org.orgId, org]));
  if (cluster) listed.set(0, cluster);

  // The rotation function's reader, for Orgs the Primary Org's answer leaves out.
  const orgReader = createOrgTrustedAuth({ admin, credentials: adminCredentials });
  return {
    listed,
    read: async (orgId) => listed.get(orgId) ?? explained(orgReader.read(orgId)),
  };
}
