// The cold-start floor: nothing but the Secrets Manager client the function needs,
// bundled with the deployment's esbuild settings. The exports keep tree-shaking
// from dropping the client.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export const client = new SecretsManagerClient({ maxAttempts: 2 });
export const command = GetSecretValueCommand;
