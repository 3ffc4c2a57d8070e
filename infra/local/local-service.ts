// Everything `npm start` runs, as one function the e2e tests call too: the
// stand-ins (stand-ins.ts; each unless a real service is named in its place),
// serverless-offline serving the project's serverless.yml with the function
// pointed at them, and the demo embedding page (demo-app.ts), whose origin joins
// the CORS origins. stop() undoes all of it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type DemoApp, demoOrigin, startDemoApp } from './demo-app.js';
import type { DevKeys } from './dev-keys.js';
import { assertPortsFree, type PortClaim } from './free-ports.js';
import { policyLaunch } from './local-policy.js';
import { LOCAL_STAGE } from './local-settings.js';
import { type OfflineProcess, startServerlessOffline } from './offline-process.js';
import type { SecretsManagerStandIn } from './secrets-manager-stand-in.js';
import { startStandIns } from './stand-ins.js';
import type { ThoughtSpotStandIn } from './thoughtspot-stand-in.js';
import { withoutAwsCredentials } from './without-aws-credentials.js';

export interface LocalServiceOptions {
  serviceDir?: string;
  /** 0 = any free port (stand-ins only: serverless-offline and CORS must be told real ports). */
  ports: {
    http: number;
    lambda: number;
    thoughtSpot: number;
    secretsManager: number;
    demo: number;
  };
  /** Origins of the developer's own front end; the demo page's origin is added to them. */
  corsOrigins: readonly string[];
  jwtIssuer: string;
  jwtAudience: string;
  keys: DevKeys;
  /** A real cluster: no ThoughtSpot stand-in. */
  thoughtSpotHost?: string;
  /** A Secrets Manager of the user's (LocalStack…): no Secrets Manager stand-in. */
  secretsManagerEndpoint?: string;
  /** Serve the ThoughtSpot stand-in over HTTPS; the function trusts this certificate. */
  thoughtSpotTls?: { key: string | Buffer; cert: string | Buffer };
  /** The ThoughtSpot stand-in's clock (tests expire tokens with it). */
  now?: () => number;
  /** The function's TOKEN_POLICY: a checked policy's JSON, passed as a deployment gets it (local-policy.ts). */
  tokenPolicy?: string;
  /** More serverless CLI arguments, e.g. `--param orgMap={"acme":5}`. */
  extraArgs?: readonly string[];
  output?: (text: string, stream: 'stdout' | 'stderr') => void;
}

export interface LocalService {
  apiUrl: string;
  thoughtSpotUrl: string;
  secretsManagerUrl: string;
  /** What the service and the ThoughtSpot stand-in allow: corsOrigins and the demo page's. */
  corsOrigins: readonly string[];
  demo: DemoApp;
  /** Present unless a real cluster was named. */
  thoughtSpot?: ThoughtSpotStandIn;
  /** Present unless the user's own Secrets Manager was named. */
  secretsManager?: SecretsManagerStandIn;
  offline: OfflineProcess;
  stop(): Promise<void>;
}

export async function startLocalService(options: LocalServiceOptions): Promise<LocalService> {
  const serviceDir = options.serviceDir ?? process.cwd();
  const claims: PortClaim[] = [
    { port: options.ports.http, role: 'HTTP API', envVar: 'PORT' },
    {
      port: options.ports.lambda,
      role: "serverless-offline's Lambda endpoint",
      envVar: 'LAMBDA_PORT',
    },
    { port: options.ports.demo, role: 'demo page', envVar: 'DEMO_PORT' },
  ];
  if (!options.thoughtSpotHost && options.ports.thoughtSpot !== 0) {
    claims.push({
      port: options.ports.thoughtSpot,
      role: 'ThoughtSpot stand-in',
      envVar: 'THOUGHTSPOT_STAND_IN_PORT',
    });
  }
  if (!options.secretsManagerEndpoint && options.ports.secretsManager !== 0) {
    claims.push({
      port: options.ports.secretsManager,
      role: 'Secrets Manager stand-in',
      envVar: 'SECRETS_MANAGER_PORT',
    });
  }
  await assertPortsFree(claims);
  const corsOrigins = [...new Set([...options.corsOrigins, demoOrigin(options.ports.demo)])];

  const cleanups: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const standIns = await startStandIns({
      keys: options.keys,
      ports: {
        secretsManager: options.ports.secretsManager,
        thoughtSpot: options.ports.thoughtSpot,
      },
      thoughtSpot: {
        corsOrigins,
        ...(options.thoughtSpotTls && { tls: options.thoughtSpotTls }),
        ...(options.now && { now: options.now }),
      },
      ...(options.thoughtSpotHost && { thoughtSpotHost: options.thoughtSpotHost }),
      ...(options.secretsManagerEndpoint && {
        secretsManagerEndpoint: options.secretsManagerEndpoint,
      }),
    });
    cleanups.push(() => standIns.close());

    const scratch = mkdtempSync(join(tmpdir(), 'ts-token-local-'));
    cleanups.push(() => rmSync(scratch, { recursive: true, force: true }));
    let caFile: string | undefined;
    if (options.thoughtSpotTls) {
      caFile = join(scratch, 'thoughtspot-stand-in-ca.pem');
      writeFileSync(caFile, options.thoughtSpotTls.cert);
    }
    // Its own bundle folder: a concurrent `npm run package` deletes .esbuild/ when done.
    const workFolder = join('.local', `offline-${options.ports.http}`);
    cleanups.push(() => rmSync(resolve(serviceDir, workFolder), { recursive: true, force: true }));

    // A developer's real AWS identity must never reach the local function.
    const env = withoutAwsCredentials(process.env);
    const policy = policyLaunch(options.tokenPolicy, scratch);
    // THOUGHTSPOT_HOST reaches the function as the thoughtspotHost param, as in a deployment.
    const { THOUGHTSPOT_HOST: _, ...functionEnv } = standIns.functionEnv;
    Object.assign(env, functionEnv, {
      ESBUILD_WORK_FOLDER: workFolder,
      ...(caFile && { NODE_EXTRA_CA_CERTS: caFile }),
    });

    const offline = await startServerlessOffline({
      serviceDir,
      stage: LOCAL_STAGE,
      httpPort: options.ports.http,
      lambdaPort: options.ports.lambda,
      params: {
        thoughtspotHost: standIns.thoughtSpotUrl,
        jwtIssuerUrl: options.jwtIssuer,
        jwtAudience: options.jwtAudience,
        corsAllowedOrigins: corsOrigins,
      },
      env,
      extraArgs: [...policy.args, ...(options.extraArgs ?? [])],
      ...(options.output && { output: options.output }),
    });
    cleanups.push(() => offline.stop());

    const demo = await startDemoApp({
      port: options.ports.demo,
      apiUrl: offline.url,
      thoughtSpotUrl: standIns.thoughtSpotUrl,
      jwtIssuer: options.jwtIssuer,
      jwtAudience: options.jwtAudience,
      orgIds: options.keys.orgIds,
    });
    cleanups.push(() => demo.close());

    return {
      apiUrl: offline.url,
      thoughtSpotUrl: standIns.thoughtSpotUrl,
      secretsManagerUrl: standIns.secretsManagerUrl,
      corsOrigins,
      demo,
      ...(standIns.thoughtSpot && { thoughtSpot: standIns.thoughtSpot }),
      ...(standIns.secretsManager && { secretsManager: standIns.secretsManager }),
      offline,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
