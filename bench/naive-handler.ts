import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { TokenEvent } from '../functions/token/event.js';

/**
 * The comparison point: what ThoughtSpot's example token servers do. On every
 * request it reads the secret from Secrets Manager (no cache; Org 0's when the
 * Org has none), posts to ThoughtSpot with fetch and returns the token. No input
 * validation, no deadline, no retries. Never used outside the benchmark.
 */

export interface NaiveHandlerOptions {
  host: string;
  secretIdTemplate?: string;
  /** A shared client, as the examples create one at module load. */
  client?: SecretsManagerClient;
}

export type NaiveHandler = (event: TokenEvent) => Promise<{ statusCode: number; body: string }>;

export function createNaiveHandler(options: NaiveHandlerOptions): NaiveHandler {
  const template = options.secretIdTemplate ?? 'thoughtspot/trusted-auth/org/{orgId}';
  const client = options.client ?? new SecretsManagerClient({});

  async function secretKey(orgId: number): Promise<string | undefined> {
    try {
      const output = await client.send(
        new GetSecretValueCommand({ SecretId: template.replace('{orgId}', String(orgId)) }),
      );
      const text = output.SecretString ?? '';
      return text.startsWith('{') ? (JSON.parse(text) as { secret_key: string }).secret_key : text;
    } catch (error) {
      if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }

  return async (event) => {
    const claims = event.requestContext.authorizer?.jwt?.claims ?? {};
    const orgId = Number(claims.ts_org ?? 0);
    const key = (await secretKey(orgId)) ?? (await secretKey(0));
    const response = await fetch(`${options.host}/api/rest/2.0/auth/token/full`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        username: claims.email,
        secret_key: key,
        org_id: orgId,
        validity_time_in_sec: 300,
      }),
    });
    const body = (await response.json()) as { token?: string };
    return { statusCode: response.status, body: body.token ?? '' };
  };
}
