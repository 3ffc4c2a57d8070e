// The trusted-auth secret keys of a ThoughtSpot cluster: one for the cluster
// level (Org 0, valid for every Org) and at most one per Org (THOUGHTSPOT-FACTS
// §3, §6, §7). The one source of truth for both the token endpoints and the
// admin APIs, so a rotation through `auth/configure` changes what tokens accept.
import { randomUUID } from 'node:crypto';

export type KeyKind = 'cluster' | 'org';

export interface OrgInfo {
  id: number;
  name: string;
}

const PRIMARY_ORG_NAME = 'Primary';

export class TrustedAuthKeys {
  private clusterKey: string | undefined;
  private readonly orgKeys = new Map<number, string>();
  /** Every Org the cluster knows besides Org 0, with its name. */
  private readonly orgNames = new Map<number, string>();

  constructor(clusterKey: string, orgKeys: Record<number, string>, orgs: Record<number, string>) {
    this.clusterKey = clusterKey;
    for (const [id, name] of Object.entries(orgs)) this.addOrg(Number(id), name);
    for (const [id, key] of Object.entries(orgKeys)) this.setKey(Number(id), key);
  }

  /** The key of a level: Org 0 is the cluster level. Undefined while disabled. */
  keyOf(orgId: number): string | undefined {
    return orgId === 0 ? this.clusterKey : this.orgKeys.get(orgId);
  }

  /** Test helper: an Org's own key, or none; the cluster key is set with setKey(0, …). */
  setOrgKey(orgId: number, key: string | undefined): void {
    if (orgId === 0) {
      throw new Error('The Org 0 key is the cluster key: use clusterKey or setClusterKey');
    }
    this.setKey(orgId, key);
  }

  setKey(orgId: number, key: string | undefined): void {
    if (orgId === 0) {
      this.clusterKey = key;
      return;
    }
    this.addOrg(orgId);
    if (key === undefined) this.orgKeys.delete(orgId);
    else this.orgKeys.set(orgId, key);
  }

  /** `auth_status: ENABLED`: a new random key only when the level has none. */
  enable(orgId: number): void {
    if (this.keyOf(orgId) === undefined) this.setKey(orgId, randomUUID());
  }

  /** `auth_status: DISABLED`: the level's key stops working at once. */
  disable(orgId: number): void {
    this.setKey(orgId, undefined);
  }

  /** The cluster key works for every Org; an Org key only for its own Org. */
  kindOf(secretKey: string, orgId: number): KeyKind | undefined {
    if (secretKey === this.clusterKey) return 'cluster';
    if (orgId !== 0 && this.orgKeys.get(orgId) === secretKey) return 'org';
    return undefined;
  }

  /** The Org whose key this is: 0 for the cluster key; undefined for no key held now. */
  orgOfKey(secretKey: string): number | undefined {
    if (secretKey === this.clusterKey) return 0;
    for (const [orgId, key] of this.orgKeys) if (key === secretKey) return orgId;
    return undefined;
  }

  /** An `org_identifier`: the Org's id as a string, or its name. */
  resolveOrg(identifier: string): number | undefined {
    if (/^\d+$/.test(identifier)) {
      const id = Number(identifier);
      return id === 0 || this.orgNames.has(id) ? id : undefined;
    }
    if (identifier === PRIMARY_ORG_NAME) return 0;
    for (const [id, name] of this.orgNames) if (name === identifier) return id;
    return undefined;
  }

  org(orgId: number): OrgInfo | undefined {
    if (orgId === 0) return { id: 0, name: PRIMARY_ORG_NAME };
    const name = this.orgNames.get(orgId);
    return name === undefined ? undefined : { id: orgId, name };
  }

  /** The Orgs other than Org 0, by id. */
  orgs(): OrgInfo[] {
    return [...this.orgNames].sort(([a], [b]) => a - b).map(([id, name]) => ({ id, name }));
  }

  private addOrg(orgId: number, name = `Org ${orgId}`): void {
    if (!this.orgNames.has(orgId)) this.orgNames.set(orgId, name);
  }
}
