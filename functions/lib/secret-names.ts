import { MAX_ORG_ID, ORG_ID_PLACEHOLDER, secretNamePrefix } from './config-rules.cjs';

/**
 * Which Org a secret belongs to, read back from its name with SECRET_ID_TEMPLATE:
 * the inverse of secretIdFor. Only names secretIdFor can produce match: the Org id
 * written without leading zeros, at most MAX_ORG_ID. The template is a checked one
 * (config-rules: {orgId} exactly once, after a fixed prefix).
 */

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export function orgIdOfSecretName(template: string, name: string): number | undefined {
  const prefix = secretNamePrefix(template);
  const suffix = template.slice(prefix.length + ORG_ID_PLACEHOLDER.length);
  const pattern = new RegExp(`^${escapeRegExp(prefix)}(0|[1-9]\\d{0,9})${escapeRegExp(suffix)}$`);
  const digits = pattern.exec(name)?.[1];
  const orgId = Number(digits);
  return digits !== undefined && orgId <= MAX_ORG_ID ? orgId : undefined;
}
