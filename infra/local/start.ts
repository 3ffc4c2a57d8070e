// `npm start`: the whole flow on this machine, no AWS account, no ThoughtSpot
// cluster. Stand-ins for Secrets Manager and ThoughtSpot, serverless-offline for
// API Gateway + Lambda, a demo embedding page, a banner with its URL and a curl
// that works. Ctrl-C stops it all.
// Settings: infra/local/local-settings.ts (PORT, DEMO_PORT, CORS_ORIGINS, LOCAL_SECRETS_FILE,
// THOUGHTSPOT_HOST, AWS_ENDPOINT_URL_SECRETS_MANAGER, TOKEN_POLICY_FILE, …). Arguments
// after `--` go to serverless, e.g. `npm start -- --param 'orgMap={"acme":5}'`.
// With a token policy (checked before anything starts, passed on as TOKEN_POLICY):
//   TOKEN_POLICY_FILE=infra/local/token-policy.example.json npm start
import { formatBanner } from './banner.js';
import { type DevKeys, generateDevKeys, readSecretsFile } from './dev-keys.js';
import { watchLaunchers } from './launcher-watch.js';
import { policyScope, readTokenPolicyFile } from './local-policy.js';
import { type LocalService, startLocalService } from './local-service.js';
import {
  DEFAULT_DEV_ORGS,
  EXAMPLE_JWT_LIFETIME_SECONDS,
  EXAMPLE_USER_CLAIMS,
  EXAMPLE_USERS,
  exampleOrgOf,
  readLocalSettings,
} from './local-settings.js';
import { LocalSetupError } from './local-setup-error.js';
import { createDevJwt } from './unsigned-dev-jwt.js';

async function main(): Promise<number> {
  const started = Date.now();
  const settings = readLocalSettings(process.env);
  const keys: DevKeys = settings.LOCAL_SECRETS_FILE
    ? readSecretsFile(settings.LOCAL_SECRETS_FILE)
    : generateDevKeys(DEFAULT_DEV_ORGS);
  const policy = settings.TOKEN_POLICY_FILE
    ? readTokenPolicyFile(settings.TOKEN_POLICY_FILE)
    : undefined;

  let service: LocalService | undefined;
  let stopping: Promise<void> | undefined;
  const shutdown = (why: string) => {
    stopping ??= (async () => {
      console.error(`\n${why}: stopping the local service…`);
      await service?.stop();
      console.error('Stopped.');
    })();
    return stopping;
  };
  // Installed before anything starts, so a Ctrl-C during start-up also cleans up.
  const signalled = new Promise<string>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => resolve(signal));
    }
    watchLaunchers(() => resolve('npm exited'));
  });

  const starting = startLocalService({
    ports: {
      http: settings.PORT,
      lambda: settings.LAMBDA_PORT,
      thoughtSpot: settings.THOUGHTSPOT_STAND_IN_PORT,
      secretsManager: settings.SECRETS_MANAGER_PORT,
      demo: settings.DEMO_PORT,
    },
    corsOrigins: settings.CORS_ORIGINS,
    jwtIssuer: settings.JWT_ISSUER,
    jwtAudience: settings.JWT_AUDIENCE,
    keys,
    ...(policy && { tokenPolicy: policy.json }),
    ...(settings.THOUGHTSPOT_HOST && { thoughtSpotHost: settings.THOUGHTSPOT_HOST }),
    ...(settings.AWS_ENDPOINT_URL_SECRETS_MANAGER && {
      secretsManagerEndpoint: settings.AWS_ENDPOINT_URL_SECRETS_MANAGER,
    }),
    extraArgs: process.argv.slice(2),
  });
  const first = await Promise.race([starting, signalled]);
  if (typeof first === 'string') {
    // Interrupted while starting: let start-up finish or fail, then undo it.
    service = await starting.catch(() => undefined);
    await shutdown(first);
    return 130;
  }
  service = first;

  const exampleUser = EXAMPLE_USERS[0];
  const exampleOrg = String(exampleOrgOf(keys.orgIds));
  console.log(
    formatBanner({
      apiUrl: service.apiUrl,
      demoUrl: `${service.demo.origin}/`,
      thoughtSpot: { url: service.thoughtSpotUrl, standIn: service.thoughtSpot !== undefined },
      secretsManager: {
        url: service.secretsManagerUrl,
        standIn: service.secretsManager !== undefined,
      },
      keys: {
        source: keys.source,
        orgIds: keys.orgIds,
        ...(settings.LOCAL_SECRETS_FILE && { file: settings.LOCAL_SECRETS_FILE }),
      },
      corsOrigins: service.corsOrigins,
      jwtIssuer: settings.JWT_ISSUER,
      jwtAudience: settings.JWT_AUDIENCE,
      ...(policy && { tokenPolicy: { file: policy.file, scope: policyScope(policy.policy) } }),
      exampleJwt: createDevJwt({
        user: exampleUser,
        orgs: [exampleOrg],
        issuer: settings.JWT_ISSUER,
        audience: settings.JWT_AUDIENCE,
        expiresInSeconds: EXAMPLE_JWT_LIFETIME_SECONDS,
        extraClaims: EXAMPLE_USER_CLAIMS[exampleUser],
      }),
      exampleUser,
      exampleClaims: EXAMPLE_USER_CLAIMS[exampleUser],
      exampleOrg,
      startupMs: Date.now() - started,
    }),
  );

  const outcome = await Promise.race([
    signalled,
    service.offline.exited.then((code) => ({ code })),
  ]);
  if (typeof outcome === 'string') {
    await shutdown(outcome);
    return 0;
  }
  await shutdown(`serverless-offline exited (${outcome.code})`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A set-up problem is explained by its message; anything else is a bug: show the stack.
    const known = error instanceof LocalSetupError;
    console.error(`\nnpm start: ${known ? error.message : String(error)}`);
    if (!known && error instanceof Error && error.stack) console.error(error.stack);
    process.exit(1);
  },
);
