import type { TokenEvent } from '../../../functions/token/event.js';
import type { HttpResponse } from '../../../functions/token/responses.js';
import { loadFreshHandler } from '../../../infra/local/fresh-handler.js';
import {
  type HttpApiEventOptions,
  httpApiEvent,
  lambdaContext,
} from '../../../infra/local/lambda-events.js';
import { secretIdOf } from '../../../infra/local/local-settings.js';
import type { SecretsManagerStandIn } from '../../../infra/local/secrets-manager-stand-in.js';
import { startStandIns } from '../../../infra/local/stand-ins.js';
import type {
  ThoughtSpotStandIn,
  ThoughtSpotUser,
} from '../../../infra/local/thoughtspot-stand-in.js';

/**
 * The whole handler, as Lambda would load it, wired by environment variables to
 * the local stand-ins: the real AWS SDK talks AWS JSON 1.1 over HTTP to the Secrets
 * Manager stand-in (AWS_ENDPOINT_URL_SECRETS_MANAGER), and the real ThoughtSpot
 * client talks HTTP to the ThoughtSpot stand-in. Only the API Gateway hop is
 * replaced by building the event in-process.
 */

export { secretIdOf };

export interface EnvironmentOptions {
  /** ThoughtSpot's cluster (Org 0) key. */
  clusterKey: string;
  /** Per-Org keys ThoughtSpot accepts. */
  orgKeys?: Record<number, string>;
  /** Secrets Manager content: Org id → SecretString. */
  secrets?: Record<number, string>;
  /** ThoughtSpot users who may log in with a password (admins rotate keys). */
  users?: ThoughtSpotUser[];
  /** Extra or overriding environment for the function. */
  env?: Record<string, string>;
}

export interface Environment {
  sm: SecretsManagerStandIn;
  ts: ThoughtSpotStandIn;
  handler: (event: TokenEvent) => Promise<HttpResponse>;
  invoke(spec: HttpApiEventOptions): Promise<HttpResponse>;
  /** Every response the handler gave, for leak checks. */
  responses: HttpResponse[];
  close(): Promise<void>;
}

export async function startEnvironment(options: EnvironmentOptions): Promise<Environment> {
  const standIns = await startStandIns({
    keys: {
      clusterKey: options.clusterKey,
      orgKeys: options.orgKeys ?? {},
      secrets: Object.fromEntries(
        Object.entries(options.secrets ?? {}).map(([orgId, value]) => [
          secretIdOf(Number(orgId)),
          value,
        ]),
      ),
    },
    ...(options.users ? { thoughtSpot: { users: options.users } } : {}),
  });
  // A fresh instance = a cold start with this environment.
  const { handler, restoreEnv } = await loadFreshHandler({
    ...standIns.functionEnv,
    POWERTOOLS_SERVICE_NAME: 'thoughtspot-token-service-test',
    POWERTOOLS_METRICS_NAMESPACE: 'ThoughtSpotTokenServiceTest',
    ...options.env,
  });
  const responses: HttpResponse[] = [];
  const invokeHandler = async (event: TokenEvent) => {
    const response = await handler(event, lambdaContext());
    responses.push(response);
    return response;
  };

  return {
    sm: standIns.secretsManager,
    ts: standIns.thoughtSpot,
    handler: invokeHandler,
    invoke: (spec) => invokeHandler(httpApiEvent(spec)),
    responses,
    async close() {
      await standIns.close();
      restoreEnv();
    },
  };
}
