// A local AWS Secrets Manager that speaks the real AWS JSON 1.1 protocol, so the
// real SDK v3 client (endpoint or AWS_ENDPOINT_URL_SECRETS_MANAGER) runs against
// it unchanged. Signatures are not verified; any fake credentials work. Used by
// integration tests, `npm start` and benchmarks. Never logs secret values.
// Rotation runs as on AWS, with in-process functions in place of Lambda.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { parseJson } from '../../functions/lib/json.js';
import {
  BodyTooLargeError,
  type ListeningServer,
  listen,
  readBody,
  resetConnection,
  sendJson,
} from './http-server.js';
import { REGION } from './secret-description.js';
import type { RotationEvent, RotationFunction, RotationOutcome } from './secret-rotation.js';
import {
  FaultSlot,
  faultError,
  type SecretsManagerCall,
  type SecretsManagerFault,
} from './secrets-manager-faults.js';
import { AwsError } from './secrets-manager-inputs.js';
import { SecretsStore } from './secrets-manager-store.js';

export type { RotationFunction, RotationOutcome } from './secret-rotation.js';
export type { SecretsManagerCall, SecretsManagerFaultKind } from './secrets-manager-faults.js';

/**
 * What an AWS SDK needs to talk to the stand-in: a region and credentials to sign
 * with. The stand-in does not check signatures, so these are obviously fake.
 */
export const STAND_IN_AWS_ENV = {
  AWS_REGION: REGION,
  AWS_ACCESS_KEY_ID: 'AKIDLOCALSTANDIN',
  AWS_SECRET_ACCESS_KEY: 'not-a-real-aws-secret',
} as const;

/** The real SDK client pointed at the stand-in on `url`, signing with STAND_IN_AWS_ENV. */
export function standInSecretsManagerClient(url: string): SecretsManagerClient {
  return new SecretsManagerClient({
    endpoint: url,
    region: STAND_IN_AWS_ENV.AWS_REGION,
    credentials: {
      accessKeyId: STAND_IN_AWS_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: STAND_IN_AWS_ENV.AWS_SECRET_ACCESS_KEY,
    },
  });
}

export interface SecretsManagerStandInOptions {
  host?: string;
  /** 0 (the default) = ephemeral port. */
  port?: number;
  /** Initial secrets, name → SecretString. */
  secrets?: Record<string, string>;
  /**
   * Rotation functions by Lambda ARN: RotateSecret invokes them in process, one
   * call per step, after answering. An ARN not listed is denied, as AWS denies
   * a function it may not invoke.
   */
  rotationFunctions?: Record<string, RotationFunction>;
}

export interface SecretsManagerStandIn extends ListeningServer {
  setSecret(name: string, value: string): void;
  removeSecret(name: string): void;
  /** Back to the secrets it started with (their first version), every other one gone. */
  resetSecrets(): void;
  /** Every request in arrival order, faulted ones included. */
  readonly calls: readonly SecretsManagerCall[];
  callCount(operation?: string, secretId?: string): number;
  resetCalls(): void;
  setFault(fault: SecretsManagerFault | undefined): void;
  /** Lets RotateSecret invoke `fn` as the Lambda `arn`; undefined withdraws it. */
  registerRotationFunction(arn: string, fn: RotationFunction | undefined): void;
  /**
   * Resolves once the latest rotation of the secret (name or ARN) has ended,
   * undefined when none was ever started; rejects for an unknown secret.
   */
  rotationSettled(secretId: string): Promise<RotationOutcome | undefined>;
  /** RotationStarted/Succeeded/Failed/Abandoned (and Test…) events in order, as CloudTrail logs them. */
  readonly rotationEvents: readonly RotationEvent[];
}

const TARGET_PREFIX = 'secretsmanager.';
const IdentifiersSchema = z.object({
  SecretId: z.string().optional(),
  Name: z.string().optional(),
});

export async function startSecretsManagerStandIn(
  options: SecretsManagerStandInOptions = {},
): Promise<SecretsManagerStandIn> {
  const store = new SecretsStore(options.rotationFunctions);
  const setInitialSecrets = () => {
    for (const [name, value] of Object.entries(options.secrets ?? {})) store.set(name, value);
  };
  setInitialSecrets();
  const calls: SecretsManagerCall[] = [];
  const faults = new FaultSlot();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.headers['x-amz-target'];
    const operation =
      typeof target === 'string' && target.startsWith(TARGET_PREFIX)
        ? target.slice(TARGET_PREFIX.length)
        : undefined;
    if (req.method !== 'POST' || operation === undefined) {
      throw new AwsError('UnknownOperationException', 'Expected POST / with X-Amz-Target');
    }
    const input = parseJson(await readBody(req));
    if (typeof input !== 'object' || input === null) {
      throw new AwsError('SerializationException', 'Request body is not a JSON object');
    }
    const ids = IdentifiersSchema.safeParse(input);
    const secretId = ids.success ? (ids.data.SecretId ?? ids.data.Name) : undefined;
    const call: SecretsManagerCall =
      secretId === undefined ? { operation } : { operation, secretId };
    calls.push(call);

    const applied = faults.take(call);
    if (applied === 'hang') return;
    if (applied === 'reset') {
      resetConnection(req);
      return;
    }
    if (applied) throw faultError(applied, operation);

    sendJson(res, 200, store.execute(operation, input), requestIdHeader(), CONTENT_TYPE);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendError(res, error));
  });
  const listening = await listen(server, { ...options, scheme: 'http' });

  return {
    ...listening,
    calls,
    setSecret: (name, value) => store.set(name, value),
    removeSecret: (name) => store.remove(name),
    resetSecrets: () => {
      store.clear();
      setInitialSecrets();
    },
    callCount: (operation, secretId) =>
      calls.filter(
        (call) =>
          (operation === undefined || call.operation === operation) &&
          (secretId === undefined || call.secretId === secretId),
      ).length,
    resetCalls: () => {
      calls.length = 0;
    },
    setFault: (next) => faults.set(next),
    registerRotationFunction: (arn, fn) => store.rotation.register(arn, fn),
    rotationSettled: async (secretId) => store.rotation.settled(store.arnOf(secretId)),
    rotationEvents: store.rotation.events,
  };
}

const CONTENT_TYPE = 'application/x-amz-json-1.1';

function requestIdHeader(): Record<string, string> {
  return { 'x-amzn-RequestId': randomUUID() };
}

/** AWS JSON 1.1 error: the SDK reads the type from x-amzn-ErrorType or __type. */
function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const aws =
    error instanceof AwsError
      ? error
      : error instanceof BodyTooLargeError
        ? new AwsError('SerializationException', 'Request body too large')
        : new AwsError('InternalServiceError', 'Stand-in failure', 500);
  sendJson(
    res,
    aws.status,
    { __type: aws.type, message: aws.message },
    { ...requestIdHeader(), 'x-amzn-ErrorType': aws.type },
    CONTENT_TYPE,
  );
}
