import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadConfig } from '../../../functions/lib/config.js';
import { ServiceError } from '../../../functions/lib/errors.js';
import { createSecretKeys } from '../../../functions/lib/secret-keys.js';
import { createThoughtSpotClient } from '../../../functions/lib/thoughtspot.js';
import { type IssueTrace, issueToken } from '../../../functions/token/issue-token.js';
import { orgIdOption, parseCommandArgs } from '../args.js';
import type { Command } from '../context.js';
import { CommandFailedError, UsageError } from '../errors.js';

/**
 * verify: mint one short-lived token through the function's own code path
 * (config, key lookup with fallback, ThoughtSpot client, rotation retry), so
 * "OK" means the deployed function would succeed too. The token is dropped unseen.
 */

const OPTIONS = {
  org: { type: 'string' },
  user: { type: 'string' },
  'thoughtspot-host': { type: 'string' },
} as const;

const VALIDITY_SECONDS = 60;

/** Names and messages down the cause chain: AWS and fetch errors, never a key. */
function causes(error: unknown): string[] {
  const lines: string[] = [];
  let cause = error instanceof Error ? error.cause : undefined;
  while (cause instanceof Error && lines.length < 3) {
    lines.push(`cause: ${cause.name}: ${cause.message}`);
    cause = cause.cause;
  }
  return lines;
}

export const verify: Command = async (args, context) => {
  const values = parseCommandArgs(args, OPTIONS);
  const orgId = orgIdOption(values.org);
  const username = values.user?.trim();
  if (!username) throw new UsageError('--user is required (the ThoughtSpot username)');
  const host = values['thoughtspot-host'] ?? context.env.THOUGHTSPOT_HOST;
  if (!host) throw new UsageError('set THOUGHTSPOT_HOST or pass --thoughtspot-host URL');

  const config = loadConfig({ ...context.env, THOUGHTSPOT_HOST: host });
  const ports = {
    secretKeys: createSecretKeys({
      ...config,
      // Like the function's client; a client of its own, so the TTL cache starts empty.
      client: new SecretsManagerClient({ maxAttempts: 2 }),
    }),
    mintToken: createThoughtSpotClient({
      host: config.thoughtSpotHost,
      timeoutMs: config.thoughtSpotTimeoutMs,
    }),
  };
  const trace: IssueTrace = { upstream: { attempts: 0 } };
  const keyUsed = () =>
    trace.keySource === 'fallback' ? 'the Org 0 key (fallback)' : `Org ${orgId}'s own key`;

  try {
    const minted = await issueToken(
      { username, orgIds: [orgId] },
      { orgId, validitySeconds: VALIDITY_SECONDS },
      ports,
      {
        ...config,
        tokenValiditySeconds: VALIDITY_SECONDS,
        maxTokenValiditySeconds: VALIDITY_SECONDS,
      },
      trace,
    );
    context.out(
      `OK: ThoughtSpot issued a token for ${username} in Org ${orgId} using ${keyUsed()}; ` +
        `expires ${new Date(minted.expiresAtMillis).toISOString()}`,
    );
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    for (const line of causes(error)) context.note(line);
    const tried = trace.keySource === undefined ? '' : ` (tried ${keyUsed()})`;
    throw new CommandFailedError(`${error.code}: ${error.message}${tried}`);
  } finally {
    ports.secretKeys.clear();
  }
};
