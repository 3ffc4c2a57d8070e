import { loadConfig } from '../../functions/lib/config.js';
import { secretNamePrefix } from '../../functions/lib/config-rules.cjs';
import { secretIdFor } from '../../functions/lib/secret-keys.js';
import { orgIdOfSecretName } from '../../functions/lib/secret-names.js';

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

export function secretNames(env: Record<string, string | undefined>): SecretNames {
  // Validated and defaulted by the function's own config parser. THOUGHTSPOT_HOST
  // is required there but irrelevant to naming, so a placeholder stands in for it.
  const { secretIdTemplate: template } = loadConfig({
    THOUGHTSPOT_HOST: 'https://not-used.invalid',
    SECRET_ID_TEMPLATE: env.SECRET_ID_TEMPLATE,
  });
  return {
    template,
    prefix: secretNamePrefix(template),
    idFor: (orgId) => secretIdFor(template, orgId),
    orgIdOf: (name) => orgIdOfSecretName(template, name),
  };
}

/** The Description of an Org secret the CLI creates. */
export const orgSecretDescription = (orgId: number): string =>
  `ThoughtSpot trusted-auth secret key of Org ${orgId}`;
