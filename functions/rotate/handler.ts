import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { METRICS_NAMESPACE } from '../lib/config-rules.cjs';
import { causeChain, OwnMessageError, ServiceError } from '../lib/errors.js';
import {
  type AdminCredentials,
  createThoughtSpotAdmin,
  createThoughtSpotClient,
} from '../lib/thoughtspot.js';
import { loadRotationConfig } from './config.js';
import { RotationStepError } from './errors.js';
import { createOrgTrustedAuth } from './org-trusted-auth.js';
import { addRotationStepMetric, FAILED_OUTCOME } from './rotation-metrics.js';
import { parseRotationEvent, type RotationStep, rotationTarget } from './rotation-target.js';
import { createSecretVersions } from './secret-versions.js';
import { type RotationPorts, runStep } from './steps.js';

// Composition root: configuration and clients are built once per cold start.
// A bad variable throws here, naming it. The steps are in steps.ts.
const config = loadRotationConfig(process.env);
const SERVICE = process.env.POWERTOOLS_SERVICE_NAME ?? 'thoughtspot-token-service-rotation';
const logger = new Logger({ serviceName: SERVICE });
// The token function's namespace: one dashboard for both (rotation-metrics.ts).
const metrics = new Metrics({
  serviceName: SERVICE,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
});
// The endpoint comes from the SDK's standard AWS_ENDPOINT_URL_SECRETS_MANAGER when set.
const secrets = createSecretVersions(new SecretsManagerClient({}));
// Both ThoughtSpot clients send only to THOUGHTSPOT_HOST, and never follow a redirect.
const thoughtSpot = { host: config.thoughtSpotHost, timeoutMs: config.thoughtSpotTimeoutMs };
const admin = createThoughtSpotAdmin(thoughtSpot);
const mintToken = createThoughtSpotClient(thoughtSpot);

/** Ports for one invocation: the admin secret is read once, and only when a step needs it. */
function invocationPorts(logFields: Record<string, unknown>): RotationPorts {
  let credentials: Promise<AdminCredentials> | undefined;
  const adminCredentials = () => {
    credentials ??= secrets.adminCredentials(config.adminSecretId);
    return credentials;
  };
  return {
    secrets,
    trustedAuth: createOrgTrustedAuth({ admin, credentials: adminCredentials }),
    mintToken,
    testUser: async () => config.rotationTestUser ?? (await adminCredentials()).username,
    warn: (message, fields) => logger.warn(message, { ...logFields, ...fields }),
    sleep: (ms) => sleep(ms),
  };
}

/** What went wrong, log-safe, outermost first (a service error's own message included). */
const safeCauses = (error: unknown): string[] =>
  error instanceof ServiceError
    ? [`${error.name}: ${error.message}`, ...causeChain(error)]
    : causeChain(error);

/** Who a step's log line is about: ids and the Org, never a value. */
interface StepLog {
  step?: RotationStep;
  /** The event's SecretId: the ARN when Secrets Manager invokes. */
  secretId?: string;
  secretName?: string;
  orgId?: number;
  /** The event's ClientRequestToken: the new version. */
  versionId?: string;
}

/** One step per invocation, and one log line and one metric for it: ids, the Org and the outcome. */
async function rotate(event: unknown): Promise<void> {
  const started = Date.now();
  const log: StepLog = {};
  try {
    const request = parseRotationEvent(event);
    log.step = request.Step;
    log.secretId = request.SecretId;
    log.versionId = request.ClientRequestToken;
    const target = await rotationTarget(request, secrets, config.secretIdTemplate);
    log.secretName = target.name;
    log.orgId = target.orgId;
    const result = await runStep(request.Step, target, invocationPorts({ ...log }));
    logger.info('rotation step done', {
      ...log,
      outcome: result.outcome,
      ...result.fields,
      latencyMs: Date.now() - started,
    });
    addRotationStepMetric(metrics, log.step, result.outcome);
  } catch (error) {
    addRotationStepMetric(metrics, log.step, FAILED_OUTCOME);
    const causes = safeCauses(error);
    logger.error('rotation step failed', {
      ...log,
      outcome: 'failed',
      latencyMs: Date.now() - started,
      errorCause: causes.join(' <- '),
    });
    // Lambda logs what the handler throws: a message of our own, the cause stays inside.
    const reason = error instanceof OwnMessageError ? error.message : causes[0];
    const secret = log.secretName ?? log.secretId ?? 'unknown';
    throw new RotationStepError(
      `${log.step ?? 'rotation'} failed for secret ${secret}: ${reason ?? 'unknown error'}`,
      { cause: error },
    );
  }
}

export const handler = middy<unknown, void, Error, Context>()
  .use(injectLambdaContext(logger))
  .handler(rotate);
