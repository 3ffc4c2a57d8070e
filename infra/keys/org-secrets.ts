import {
  paginateListSecrets,
  type SecretListEntry,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { SecretNames } from './secret-names.js';

/** Every Org secret under the template's prefix, from ListSecrets metadata (never a value). */

export interface OrgSecret {
  orgId: number;
  name: string;
  /** Rotation settings, staging labels and dates, as ListSecrets shows them. */
  entry: SecretListEntry;
}

export interface OrgSecretListing {
  /** By Org id, ascending; secrets scheduled for deletion included. */
  secrets: OrgSecret[];
  /** Secrets under the prefix that the template cannot produce. */
  unmatched: number;
}

export async function listOrgSecrets(
  client: SecretsManagerClient,
  names: SecretNames,
): Promise<OrgSecretListing> {
  const secrets: OrgSecret[] = [];
  let unmatched = 0;
  const pages = paginateListSecrets(
    { client, pageSize: 100 },
    {
      IncludePlannedDeletion: true,
      ...(names.prefix !== '' && { Filters: [{ Key: 'name', Values: [names.prefix] }] }),
    },
  );
  for await (const page of pages) {
    for (const entry of page.SecretList ?? []) {
      // AWS's name filter is a loose prefix match; the template decides what is an Org secret.
      const orgId = entry.Name === undefined ? undefined : names.orgIdOf(entry.Name);
      if (entry.Name === undefined || orgId === undefined) unmatched += 1;
      else secrets.push({ orgId, name: entry.Name, entry });
    }
  }
  secrets.sort((a, b) => a.orgId - b.orgId);
  return { secrets, unmatched };
}
