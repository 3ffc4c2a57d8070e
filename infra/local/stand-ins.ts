// The local world every tier shares: a Secrets Manager stand-in seeded with the
// keys and a ThoughtSpot stand-in that accepts the same keys, both on 127.0.0.1,
// and the environment that points the real function at them. `npm start` (through
// local-service.ts), the integration and resilience tiers and the benchmarks all
// start them here, so the ways the function is wired locally cannot drift apart.
import {
  type SecretsManagerStandIn,
  STAND_IN_AWS_ENV,
  startSecretsManagerStandIn,
} from './secrets-manager-stand-in.js';
import {
  startThoughtSpotStandIn,
  type ThoughtSpotStandIn,
  type ThoughtSpotStandInOptions,
} from './thoughtspot-stand-in.js';

/** The keys both stand-ins agree on (dev-keys.ts makes or reads them in this shape). */
export interface StandInKeys {
  /** Secrets Manager content: secret name → SecretString. */
  secrets: Record<string, string>;
  /** The key ThoughtSpot treats as the cluster (Org 0) key. */
  clusterKey: string;
  /** Per-Org keys ThoughtSpot accepts, Org 0 excluded. */
  orgKeys: Record<number, string>;
}

export interface StandInsOptions {
  keys: StandInKeys;
  /** 0 or absent: any free port. */
  ports?: { secretsManager?: number; thoughtSpot?: number };
  /** For the ThoughtSpot stand-in: HTTPS, the origins its session endpoints allow, its clock. */
  thoughtSpot?: Pick<ThoughtSpotStandInOptions, 'tls' | 'corsOrigins' | 'now' | 'users'>;
  /** A real cluster: no ThoughtSpot stand-in, the function is pointed at this host. */
  thoughtSpotHost?: string;
  /** A Secrets Manager of the user's (LocalStack…): no Secrets Manager stand-in. */
  secretsManagerEndpoint?: string;
}

export interface StandIns {
  /** Present unless `secretsManagerEndpoint` was given. */
  secretsManager?: SecretsManagerStandIn;
  /** Present unless `thoughtSpotHost` was given. */
  thoughtSpot?: ThoughtSpotStandIn;
  secretsManagerUrl: string;
  thoughtSpotUrl: string;
  /** What the function's environment needs to use them, fake AWS credentials included. */
  functionEnv: Record<string, string>;
  close(): Promise<void>;
}

/** Both stand-ins run: nothing real was named in their place. */
export type BothStandIns = StandIns & {
  secretsManager: SecretsManagerStandIn;
  thoughtSpot: ThoughtSpotStandIn;
};

export function startStandIns(
  options: StandInsOptions & { thoughtSpotHost?: undefined; secretsManagerEndpoint?: undefined },
): Promise<BothStandIns>;
export function startStandIns(options: StandInsOptions): Promise<StandIns>;
export async function startStandIns(options: StandInsOptions): Promise<StandIns> {
  const secretsManager = options.secretsManagerEndpoint
    ? undefined
    : await startSecretsManagerStandIn({
        port: options.ports?.secretsManager ?? 0,
        secrets: options.keys.secrets,
      });
  let thoughtSpot: ThoughtSpotStandIn | undefined;
  try {
    thoughtSpot = options.thoughtSpotHost
      ? undefined
      : await startThoughtSpotStandIn({
          port: options.ports?.thoughtSpot ?? 0,
          clusterKey: options.keys.clusterKey,
          orgKeys: options.keys.orgKeys,
          ...options.thoughtSpot,
        });
  } catch (error) {
    await secretsManager?.close();
    throw error;
  }

  const secretsManagerUrl = options.secretsManagerEndpoint ?? secretsManager?.url ?? '';
  const thoughtSpotUrl = options.thoughtSpotHost ?? thoughtSpot?.url ?? '';
  return {
    ...(secretsManager && { secretsManager }),
    ...(thoughtSpot && { thoughtSpot }),
    secretsManagerUrl,
    thoughtSpotUrl,
    functionEnv: {
      ...STAND_IN_AWS_ENV,
      // The real AWS SDK in the function finds the stand-in through this standard variable.
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManagerUrl,
      THOUGHTSPOT_HOST: thoughtSpotUrl,
    },
    async close() {
      await Promise.all([secretsManager?.close(), thoughtSpot?.close()]);
    },
  };
}
