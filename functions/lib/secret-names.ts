import { canonicalOrgId, ORG_ID_PLACEHOLDER, secretNamePrefix } from './config-rules.cjs';

/**
 * Which Org a secret belongs to, read back from its name with SECRET_ID_TEMPLATE:
 * the inverse of secretIdFor. Only names secretIdFor can produce match: the Org id
 * written as canonicalOrgId reads it (no leading zeros, at most MAX_ORG_ID). The template is a checked one
 * (config-rules: {orgId} exactly once, after a fixed prefix).
 */

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export function orgIdOfSecretName(template: string, name: string): number | undefined {
  const prefix = secretNamePrefix(template);
  const suffix = template.slice(prefix.length + ORG_ID_PLACEHOLDER.length);
  const pattern = new RegExp(`^${escapeRegExp(prefix)}(.+)${escapeRegExp(suffix)}$`);
  const written = pattern.exec(name)?.[1];
  return written === undefined ? undefined : canonicalOrgId(written);
}
