/**
 * Which Org a secret belongs to, read back from its name with SECRET_ID_TEMPLATE:
 * the inverse of secretIdFor. Only names secretIdFor can produce match: the Org
 * id written without leading zeros, every {orgId} the same, at most 2^31 - 1.
 */

const MAX_ORG_ID = 2_147_483_647;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export function orgIdOfSecretName(template: string, name: string): number | undefined {
  const [prefix = '', ...rest] = template.split('{orgId}');
  if (rest.length === 0) return undefined;
  const pattern = new RegExp(
    `^${escapeRegExp(prefix)}(0|[1-9]\\d{0,9})${rest.map(escapeRegExp).join('\\1')}$`,
  );
  const digits = pattern.exec(name)?.[1];
  const orgId = Number(digits);
  return digits !== undefined && orgId <= MAX_ORG_ID ? orgId : undefined;
}
