import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { DEFAULTS } from '../../../functions/lib/config-rules.cjs';
import { parseSecretValue } from '../../../functions/lib/secret-keys.js';
import { orgIdOfSecretName } from '../../../functions/lib/secret-names.js';
import type { RotationFunction } from '../../../infra/local/secrets-manager-stand-in.js';
import { smClient } from './stand-in-clients.js';
import { adminClient, SearchResponseSchema } from './thoughtspot-admin-client.js';

/**
 * A small rotation function for tests, not the product's (functions/rotate/): SPEC §6's
 * protocol reduced to its happy path against the ThoughtSpot stand-in's admin APIs, with
 * pauses where a real cluster and Lambda take time. createSecret: configure DISABLED (the
 * old key dies), ENABLED, search, PutSecretValue AWSPENDING; setSecret and testSecret
 * check the new key; finishSecret moves AWSCURRENT. It counts its own Secrets Manager
 * calls, so a test can tell them from the token function's.
 */

export interface TestRotationOptions {
  smUrl: string;
  tsUrl: string;
  admin: { username: string; password: string };
  /** Between ENABLED and PutSecretValue: the window in which no valid key is readable. */
  keylessMs: number;
  /** setSecret + testSecret: the window in which only AWSPENDING holds the valid key. */
  pendingOnlyMs: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function testRotationFunction(options: TestRotationOptions) {
  const sm = smClient(options.smUrl);
  const ts = adminClient(options.tsUrl);
  /** This function's own Secrets Manager calls, by operation. */
  const calls = new Map<string, number>();
  sm.middlewareStack.add(
    (next, context) => (args) => {
      const operation = context.commandName?.replace(/Command$/, '') ?? 'unknown';
      calls.set(operation, (calls.get(operation) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize' },
  );
  const send = sm.send.bind(sm);

  async function keyInThoughtSpot(orgId: number): Promise<string> {
    const bearer = await ts.login(options.admin.username, options.admin.password);
    const found = SearchResponseSchema.parse(
      (await ts.admin('search', bearer, { auth_type: 'TRUSTED_AUTH' })).json,
    );
    const level =
      orgId === 0
        ? found.cluster_preferences
        : found.org_preferences?.find((entry) => entry.org.id === orgId);
    const key = level?.access_tokens?.[0]?.key;
    if (key === undefined) throw new Error(`no key for Org ${orgId} in auth/search`);
    return key;
  }

  async function configure(orgId: number, status: 'ENABLED' | 'DISABLED') {
    const bearer = await ts.login(options.admin.username, options.admin.password);
    const body =
      orgId === 0
        ? { auth_type: 'TRUSTED_AUTH', cluster_preferences: { auth_status: status } }
        : {
            auth_type: 'TRUSTED_AUTH',
            org_preferences: [{ org_identifier: String(orgId), auth_status: status }],
          };
    const answer = await ts.admin('configure', bearer, body);
    if (answer.status !== 204) throw new Error(`configure ${status} answered ${answer.status}`);
  }

  const fn: RotationFunction = async ({ Step, SecretId, ClientRequestToken: token }) => {
    const described = await send(new DescribeSecretCommand({ SecretId }));
    const orgId = Number(orgIdOfSecretName(DEFAULTS.SECRET_ID_TEMPLATE, described.Name ?? ''));
    if (Number.isNaN(orgId)) throw new Error('secret name does not match the template');
    const stages = described.VersionIdsToStages ?? {};
    const currentId = Object.keys(stages).find((id) => stages[id]?.includes('AWSCURRENT'));
    if (token === currentId) return;

    if (Step === 'createSecret') {
      const current = await send(new GetSecretValueCommand({ SecretId }));
      await configure(orgId, 'DISABLED');
      await configure(orgId, 'ENABLED');
      await pause(options.keylessMs);
      const key = await keyInThoughtSpot(orgId);
      const json = current.SecretString?.trim().startsWith('{');
      await send(
        new PutSecretValueCommand({
          SecretId,
          ClientRequestToken: token,
          SecretString: json ? JSON.stringify({ secret_key: key }) : key,
          VersionStages: ['AWSPENDING'],
        }),
      );
    } else if (Step === 'setSecret') {
      const pending = await send(
        new GetSecretValueCommand({ SecretId, VersionId: token, VersionStage: 'AWSPENDING' }),
      );
      if (parseSecretValue(pending.SecretString) !== (await keyInThoughtSpot(orgId))) {
        throw new Error('ThoughtSpot does not hold the AWSPENDING key');
      }
      await pause(options.pendingOnlyMs);
    } else if (Step === 'testSecret') {
      const pending = await send(
        new GetSecretValueCommand({ SecretId, VersionId: token, VersionStage: 'AWSPENDING' }),
      );
      const minted = await ts.mintStatus(parseSecretValue(pending.SecretString), orgId);
      if (minted.status !== 200) throw new Error(`a test token answered ${minted.status}`);
    } else if (Step === 'finishSecret') {
      await send(
        new UpdateSecretVersionStageCommand({
          SecretId,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: token,
          RemoveFromVersionId: currentId,
        }),
      );
    }
  };

  return {
    fn,
    /** This function's own calls of `operation` so far. */
    callCount: (operation: string) => calls.get(operation) ?? 0,
    close: () => sm.destroy(),
  };
}
