import { loadConfig } from '../../../functions/lib/config.js';
import { causeChain, ServiceError } from '../../../functions/lib/errors.js';
import { newRequestTrace } from '../../../functions/lib/request-trace.js';
import { usernameProblem } from '../../../functions/lib/username.js';
import { createAdapters } from '../../../functions/token/adapters.js';
import { issueToken } from '../../../functions/token/issue-token.js';
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

export const verify: Command = async (args, context) => {
  const values = parseCommandArgs(args, OPTIONS);
  const orgId = orgIdOption(values.org);
  // Verbatim, as the function takes a username (SPEC §8): refused rather than trimmed.
  const username = values.user;
  if (username === undefined) throw new UsageError('--user is required (the ThoughtSpot username)');
  const problem = usernameProblem(username);
  if (problem !== undefined) throw new UsageError(`--user ${problem}`);
  const host = values['thoughtspot-host'] ?? context.env.THOUGHTSPOT_HOST;
  if (!host) throw new UsageError('set THOUGHTSPOT_HOST or pass --thoughtspot-host URL');

  const config = loadConfig({ ...context.env, THOUGHTSPOT_HOST: host });
  const ports = createAdapters(config);
  const trace = newRequestTrace();
  const keyUsed = () =>
    trace.keySource === 'fallback' ? 'the Org 0 key (fallback)' : `Org ${orgId}'s own key`;

  try {
    const minted = await issueToken(
      { username, orgIds: [orgId], policyClaims: {} },
      { orgId, validitySeconds: VALIDITY_SECONDS },
      ports,
      {
        ...config,
        tokenValiditySeconds: VALIDITY_SECONDS,
        maxTokenValiditySeconds: VALIDITY_SECONDS,
        // verify checks the key: a full token, whatever the token policy says.
        tokenPolicy: undefined,
      },
      trace,
    );
    context.out(
      `OK: ThoughtSpot issued a token for ${username} in Org ${orgId} using ${keyUsed()}; ` +
        `expires ${new Date(minted.expiresAtMillis).toISOString()}`,
    );
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    for (const line of causeChain(error)) context.note(`cause: ${line}`);
    const tried = trace.keySource === undefined ? '' : ` (tried ${keyUsed()})`;
    throw new CommandFailedError(`${error.code}: ${error.message}${tried}`);
  }
};
