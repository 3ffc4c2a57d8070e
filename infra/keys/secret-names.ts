import { loadConfig } from '../../functions/lib/config.js';
import {
  MAX_ORG_ID,
  ORG_ID_PLACEHOLDER,
  secretNamePrefix,
} from '../../functions/lib/config-rules.cjs';
import { secretIdFor } from '../../functions/lib/secret-keys.js';

/**
 * Secret names from SECRET_ID_TEMPLATE, both ways: Org id → name (exactly as the
 * function builds it) and name → Org id (for listings).
 */

export interface SecretNames {
  template: string;
  idFor(orgId: number): string;
  /** The fixed part before {orgId}: what ListSecrets filters on. */
  prefix: string;
  /** The Org a secret name belongs to, or undefined if the template can't produce it. */
  orgIdOf(name: string): number | undefined;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export function secretNames(env: Record<string, string | undefined>): SecretNames {
  // Validated and defaulted by the function's own config parser. THOUGHTSPOT_HOST
  // is required there but irrelevant to naming, so a placeholder stands in for it.
  const { secretIdTemplate: template } = loadConfig({
    THOUGHTSPOT_HOST: 'https://not-used.invalid',
    SECRET_ID_TEMPLATE: env.SECRET_ID_TEMPLATE,
  });
  // The config check guarantees {orgId} exactly once, after a fixed prefix.
  const prefix = secretNamePrefix(template);
  const suffix = template.slice(prefix.length + ORG_ID_PLACEHOLDER.length);
  // secretIdFor writes String(orgId): no leading zeros.
  const pattern = new RegExp(`^${escapeRegExp(prefix)}(0|[1-9]\\d{0,9})${escapeRegExp(suffix)}$`);
  return {
    template,
    prefix,
    idFor: (orgId) => secretIdFor(template, orgId),
    orgIdOf(name) {
      const digits = pattern.exec(name)?.[1];
      const orgId = Number(digits);
      return digits !== undefined && orgId <= MAX_ORG_ID ? orgId : undefined;
    },
  };
}
