// ThoughtSpot's admin APIs for trusted-auth keys (26.6.0.cl+, THOUGHTSPOT-FACTS
// §6, §7): a password login for a bearer token, `auth/configure` (DISABLED
// revokes a level's key at once, ENABLED creates one only when none exists) and
// `auth/search` (the plaintext keys). An "old cluster" has neither endpoint.
import * as z from 'zod';
import type { TrustedAuthKeys } from './thoughtspot-keys.js';
import {
  badRequest,
  CREDENTIAL_FIELDS,
  DEFAULT_VALIDITY_SECONDS,
  fail,
  type TokenAuthority,
} from './thoughtspot-tokens.js';

export type ThoughtSpotPrivilege = 'ADMINISTRATION' | 'CONTROL_TRUSTED_AUTH';

/** A local user who logs in with a password; privileges allow configure and search. */
export interface ThoughtSpotUser {
  username: string;
  password: string;
  privileges?: ThoughtSpotPrivilege[];
}

export type AdminEndpoint = 'login' | 'configure' | 'search';

export interface AdminOutcome {
  status: number;
  /** Undefined for 204. */
  body?: Record<string, unknown>;
}

export const ADMIN_PATHS: Readonly<Record<string, 'configure' | 'search'>> = {
  '/api/rest/2.0/auth/configure': 'configure',
  '/api/rest/2.0/auth/search': 'search',
};

const AuthStatus = z.enum(['ENABLED', 'DISABLED']).nullish();
const AuthType = z.literal('TRUSTED_AUTH', { error: 'auth_type must be TRUSTED_AUTH' });
const ConfigureSchema = z.object({
  auth_type: AuthType,
  cluster_preferences: z.object({ auth_status: AuthStatus }).nullish(),
  org_preferences: z
    .array(z.object({ org_identifier: z.string().min(1), auth_status: AuthStatus }))
    .nullish(),
});
const SearchSchema = z.object({ auth_type: AuthType, scope: z.enum(['CLUSTER', 'ORG']).nullish() });
const LoginSchema = z.object({
  username: z.string().min(1),
  password: z.string().min(1),
  org_id: z.number().int().min(0).optional(),
  validity_time_in_sec: CREDENTIAL_FIELDS.validity_time_in_sec,
});

interface Caller {
  orgId: number;
}

export class AdminApi {
  constructor(
    private readonly keys: TrustedAuthKeys,
    private readonly authority: TokenAuthority,
    private readonly users: readonly ThoughtSpotUser[],
  ) {}

  /** `auth/token/full` with `password` instead of `secret_key`. */
  login(body: unknown): AdminOutcome {
    const parsed = LoginSchema.safeParse(body);
    if (!parsed.success) return fail(400, 10002, 'username and password are required');
    const { username, password, org_id: orgId = 0 } = parsed.data;
    const user = this.users.find((candidate) => candidate.username === username);
    if (user?.password !== password) return fail(401, 10097, 'Invalid username or password');
    return this.authority.issue({
      kind: 'full',
      username,
      orgId,
      keyKind: 'password',
      validitySeconds: parsed.data.validity_time_in_sec ?? DEFAULT_VALIDITY_SECONDS,
    });
  }

  /** The auth_status values a configure body asks for, so faults can target one. */
  requestedStatuses(body: unknown): string[] {
    const parsed = ConfigureSchema.safeParse(body);
    if (!parsed.success) return [];
    const { cluster_preferences: cluster, org_preferences: orgs } = parsed.data;
    return [cluster?.auth_status, ...(orgs ?? []).map((org) => org.auth_status)].filter(
      (status): status is 'ENABLED' | 'DISABLED' => !!status,
    );
  }

  call(endpoint: 'configure' | 'search', bearer: string | undefined, body: unknown): AdminOutcome {
    const caller = this.authenticate(bearer);
    if ('status' in caller) return caller;
    return endpoint === 'configure' ? this.configure(caller, body) : this.search(caller, body);
  }

  /** 401 without a valid bearer token, 403 for a user without the privilege. */
  private authenticate(bearer: string | undefined): Caller | AdminOutcome {
    const record = bearer === undefined ? undefined : this.authority.find(bearer);
    if (!record || !this.authority.isValid(record.token)) {
      return fail(401, 10097, 'Not authenticated');
    }
    const user = this.users.find((candidate) => candidate.username === record.username);
    if (!user?.privileges?.length) {
      return fail(403, 10023, 'ADMINISTRATION or CONTROL_TRUSTED_AUTH privilege required');
    }
    return { orgId: record.orgId };
  }

  private configure(caller: Caller, body: unknown): AdminOutcome {
    const parsed = ConfigureSchema.safeParse(body);
    if (!parsed.success) return badRequest(parsed.error);
    const { cluster_preferences: cluster, org_preferences: orgs } = parsed.data;
    if (cluster && caller.orgId !== 0) {
      return fail(403, 10023, 'Cluster settings can only be changed from the Primary Org');
    }
    const changes: [number, 'ENABLED' | 'DISABLED' | null | undefined][] = [];
    if (cluster) changes.push([0, cluster.auth_status]);
    for (const org of orgs ?? []) {
      const orgId = this.keys.resolveOrg(org.org_identifier);
      // Org 0 is the cluster level: it has no Org-level setting of its own.
      if (orgId === undefined || orgId === 0) {
        return fail(400, 10002, `Org not found: ${org.org_identifier}`);
      }
      changes.push([orgId, org.auth_status]);
    }
    // Checked first, applied together: a refused request changes nothing.
    for (const [orgId, status] of changes) {
      if (status === 'ENABLED') this.keys.enable(orgId);
      else if (status === 'DISABLED') this.keys.disable(orgId);
    }
    return { status: 204 };
  }

  private search(caller: Caller, body: unknown): AdminOutcome {
    const parsed = SearchSchema.safeParse(body);
    if (!parsed.success) return badRequest(parsed.error);
    const scope = parsed.data.scope;
    const primary = caller.orgId === 0;
    if (scope === 'CLUSTER' && !primary) {
      return fail(403, 10023, 'Cluster settings can only be read from the Primary Org');
    }
    const answer: Record<string, unknown> = { auth_type: 'TRUSTED_AUTH' };
    if (primary && scope !== 'ORG') answer.cluster_preferences = this.level(0);
    if (scope !== 'CLUSTER') {
      answer.org_preferences = this.visibleOrgIds(caller, scope).flatMap((orgId) => {
        const org = this.keys.org(orgId);
        return org ? [{ org, ...this.level(orgId) }] : [];
      });
    }
    return { status: 200, body: answer };
  }

  /**
   * From Org N: that Org. From the Primary Org: every Org, unless scope ORG asks
   * for the Primary Org's own Org level, which does not exist apart from the cluster's.
   */
  private visibleOrgIds(caller: Caller, scope: 'ORG' | null | undefined): number[] {
    if (caller.orgId !== 0) return [caller.orgId];
    return scope === 'ORG' ? [] : this.keys.orgs().map((org) => org.id);
  }

  /** access_tokens is left out when the level has no key. */
  private level(orgId: number): Record<string, unknown> {
    const key = this.keys.keyOf(orgId);
    return key === undefined
      ? { auth_status: 'DISABLED' }
      : { auth_status: 'ENABLED', access_tokens: [{ key }] };
  }
}
