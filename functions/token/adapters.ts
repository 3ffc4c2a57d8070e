import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Config } from '../lib/config.js';
import { createSecretKeys } from '../lib/secret-keys.js';
// The token client alone: the admin client builds its schemas at load (see lib/thoughtspot.ts).
import { createThoughtSpotClient } from '../lib/thoughtspot/token-client.js';
import type { IssueTokenPorts } from './issue-token.js';

/**
 * The real adapters behind the use case's ports, as the function wires them. The
 * handler builds them once per cold start; `npm run keys -- verify` builds its own
 * so that "OK" means the deployed function would succeed too.
 */
export function createAdapters(config: Config): IssueTokenPorts {
  return {
    secretKeys: createSecretKeys({
      ...config,
      // The endpoint comes from the SDK's standard AWS_ENDPOINT_URL_SECRETS_MANAGER when set.
      client: new SecretsManagerClient({ maxAttempts: 2 }),
    }),
    mintToken: createThoughtSpotClient({
      host: config.thoughtSpotHost,
      timeoutMs: config.thoughtSpotTimeoutMs,
    }),
  };
}
