import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  type SecretsManagerStandIn,
  type SecretsManagerStandInOptions,
  startSecretsManagerStandIn,
} from '../../../infra/local/secrets-manager-stand-in.js';
import {
  startThoughtSpotStandIn,
  type ThoughtSpotStandIn,
  type ThoughtSpotStandInOptions,
} from '../../../infra/local/thoughtspot-stand-in.js';

/**
 * The real SDK v3 client, pointed at a Secrets Manager stand-in (or, with no
 * endpoint, wherever AWS_ENDPOINT_URL_SECRETS_MANAGER says), with fake credentials.
 */
export function smClient(endpoint: string | undefined): SecretsManagerClient {
  return new SecretsManagerClient({
    region: 'us-east-1',
    ...(endpoint === undefined ? {} : { endpoint }),
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'fake-secret-for-tests' },
    // One attempt, so throttling and 5xx faults surface instead of being retried.
    maxAttempts: 1,
  });
}

export interface SecretsManagerHarness {
  readonly sm: SecretsManagerStandIn;
  readonly client: SecretsManagerClient;
}

/** A Secrets Manager stand-in and a real SDK client on it, for the enclosing describe. */
export function useSecretsManagerStandIn(
  options: SecretsManagerStandInOptions = {},
): SecretsManagerHarness {
  let started: SecretsManagerHarness | undefined;
  beforeAll(async () => {
    const sm = await startSecretsManagerStandIn(options);
    started = { sm, client: smClient(sm.url) };
  });
  afterAll(async () => {
    started?.client.destroy();
    await started?.sm.close();
  });
  const get = () => {
    if (!started) throw new Error('the stand-in runs only inside the describe that set it up');
    return started;
  };
  return {
    get sm() {
      return get().sm;
    },
    get client() {
      return get().client;
    },
  };
}

/**
 * A ThoughtSpot stand-in for the enclosing describe: started before its tests, its
 * faults and counters cleared before each test, closed after. The returned object
 * reads through to the running stand-in.
 */
export function useThoughtSpotStandIn(options: ThoughtSpotStandInOptions): ThoughtSpotStandIn {
  let started: ThoughtSpotStandIn | undefined;
  beforeAll(async () => {
    started = await startThoughtSpotStandIn(options);
  });
  afterAll(async () => {
    await started?.close();
  });
  beforeEach(() => {
    started?.clearFaults();
    started?.resetCounters();
  });
  return new Proxy({} as ThoughtSpotStandIn, {
    get(_target, key) {
      if (!started) throw new Error('the stand-in runs only inside the describe that set it up');
      const value: unknown = Reflect.get(started, key);
      return typeof value === 'function' ? value.bind(started) : value;
    },
  });
}
