import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  type RotateSecretCommandInput,
} from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerRotationEvent } from 'aws-lambda';
import { loadFreshRotationHandler } from '../../../infra/local/fresh-handler.js';
import { lambdaContext } from '../../../infra/local/lambda-events.js';
import type { RotationOutcome } from '../../../infra/local/secrets-manager-stand-in.js';
import { startStandIns } from '../../../infra/local/stand-ins.js';
import type { ThoughtSpotUser } from '../../../infra/local/thoughtspot-stand-in.js';
import { secretIdOf } from './environment.js';
import { smClient } from './stand-in-clients.js';

/**
 * The real rotation handler, loaded fresh with its environment (as environment.ts
 * loads the token handler), registered as the rotation function of the Secrets
 * Manager stand-in: a real RotateSecretCommand through the AWS SDK makes the stand-in
 * invoke it step by step, and the handler talks to both stand-ins over HTTP.
 */

export const ROTATION_LAMBDA_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:rotate-key';
export const ADMIN_SECRET_ID = 'thoughtspot/trusted-auth/admin';
export const ADMIN_USER = 'tsadmin';

export interface RotationEnvironmentOptions {
  clusterKey: string;
  orgKeys?: Record<number, string>;
  /** Org id → SecretString of its key secret. */
  secrets: Record<number, string>;
  adminPassword: string;
  /** Default: one admin with ADMINISTRATION. */
  users?: ThoughtSpotUser[];
  oldCluster?: boolean;
  /** Added to (or replacing) the function's environment, e.g. the packaged service name. */
  env?: Record<string, string>;
}

export async function startRotationEnvironment(options: RotationEnvironmentOptions) {
  const secrets = Object.fromEntries(
    Object.entries(options.secrets).map(([orgId, value]) => [secretIdOf(Number(orgId)), value]),
  );
  secrets[ADMIN_SECRET_ID] = JSON.stringify({
    username: ADMIN_USER,
    password: options.adminPassword,
  });
  const standIns = await startStandIns({
    keys: { secrets, clusterKey: options.clusterKey, orgKeys: options.orgKeys ?? {} },
    thoughtSpot: {
      users: options.users ?? [
        { username: ADMIN_USER, password: options.adminPassword, privileges: ['ADMINISTRATION'] },
      ],
    },
  });
  const { secretsManager: sm, thoughtSpot: ts } = standIns;
  if (options.oldCluster) ts.setOldCluster(true);
  const env: Record<string, string> = {
    ...standIns.functionEnv,
    POWERTOOLS_SERVICE_NAME: 'thoughtspot-token-service-rotation-test',
    ...options.env,
  };
  const { handler, restoreEnv } = await loadFreshRotationHandler(env);
  const invoke = (event: SecretsManagerRotationEvent) => handler(event, lambdaContext());
  sm.registerRotationFunction(ROTATION_LAMBDA_ARN, invoke);
  const client = smClient(sm.url);

  const world = {
    sm,
    ts,
    client,
    invoke,
    /** RotateSecret through the SDK, then the outcome once the stand-in ran the steps. */
    async rotate(secretId: string, input: Partial<RotateSecretCommandInput> = {}) {
      const answer = await client.send(
        new RotateSecretCommand({
          SecretId: secretId,
          RotationLambdaARN: ROTATION_LAMBDA_ARN,
          ...input,
        }),
      );
      const outcome = (await sm.rotationSettled(secretId)) as RotationOutcome;
      return { token: answer.VersionId ?? '', outcome, arn: answer.ARN ?? '' };
    },
    /**
     * Secrets Manager's retry of a failed rotation: the same token, every step again
     * in order, stopping at the first that fails (its error is returned).
     */
    async retry(arn: string, token: string): Promise<unknown> {
      for (const Step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
        try {
          await invoke({ Step, SecretId: arn, ClientRequestToken: token });
        } catch (error) {
          return error;
        }
      }
      return undefined;
    },
    async value(secretId: string, stage = 'AWSCURRENT') {
      const output = await client.send(
        new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }),
      );
      return output.SecretString;
    },
    async stages(secretId: string) {
      const output = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
      return output.VersionIdsToStages ?? {};
    },
    /** The admin configure calls ThoughtSpot received, as their auth_status values. */
    configureCalls: () =>
      ts.requests
        .filter((request) => request.path === '/api/rest/2.0/auth/configure')
        .map((request) => JSON.stringify(request.body).match(/"(ENABLED|DISABLED)"/)?.[1]),
    async close() {
      sm.registerRotationFunction(ROTATION_LAMBDA_ARN, undefined);
      client.destroy();
      await standIns.close();
      restoreEnv();
    },
  };
  return world;
}

export type RotationEnvironment = Awaited<ReturnType<typeof startRotationEnvironment>>;
