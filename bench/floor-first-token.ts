// The time-to-first-token floor: the bare Secrets Manager client (as floor-entry.ts)
// and the least a token service does on its first request, the naive handler: read
// the Org's secret with GetSecretValue, POST it to ThoughtSpot's token endpoint.
// Bundled with the deployment's esbuild settings and wired at import, as the
// examples do; the endpoint and the host come from the same environment as ours.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createNaiveHandler } from './naive-handler.js';

export const handler = createNaiveHandler({
  host: process.env.THOUGHTSPOT_HOST ?? '',
  client: new SecretsManagerClient({ maxAttempts: 2 }),
});
