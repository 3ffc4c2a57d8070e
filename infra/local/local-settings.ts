// What `npm start` runs with: ports, origins, JWT issuer/audience, where keys and
// ThoughtSpot come from. Read from the environment once, validated with zod, so a
// typo fails at once naming the variable. `npm run dev:jwt` reads the same values,
// so the JWTs it prints match what the local API accepts.
import * as z from 'zod';
import { DEFAULTS } from '../../functions/lib/config-rules.cjs';
import { secretIdFor } from '../../functions/lib/secret-keys.js';
import { LocalSetupError } from './local-setup-error.js';

/** The JWT authorizer's issuer and audience for `npm start` (serverless.yml gets them as params). */
export const LOCAL_JWT_ISSUER = 'https://dev-jwt.localhost/';
export const LOCAL_JWT_AUDIENCE = 'thoughtspot-token-service-local';
/** The serverless stage `npm start` runs: no params of its own, everything comes from start.ts. */
export const LOCAL_STAGE = 'local';
/** Where a Vite (5173) front end usually runs; override with CORS_ORIGINS. */
export const DEFAULT_CORS_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'];
/** Orgs that get generated development keys when no LOCAL_SECRETS_FILE is given. */
export const DEFAULT_DEV_ORGS = [0, 5];
/** The users of the banner's example and of the demo page's switcher; the first is the default. */
export const EXAMPLE_USERS = ['alice@example.com', 'bob@example.com', 'carol@example.com'] as const;
export type ExampleUser = (typeof EXAMPLE_USERS)[number];
/**
 * More claims in each example user's development JWT, for a token policy to read
 * (TOKEN_POLICY_FILE): the example policy sends alice's and bob's region, and all
 * values for carol, whose role matches its all_values_when.
 */
export const EXAMPLE_USER_CLAIMS: Record<ExampleUser, Record<string, string>> = {
  'alice@example.com': { region: 'EMEA' },
  'bob@example.com': { region: 'APAC' },
  'carol@example.com': { region: 'AMER', role: 'analytics_admin' },
};
/** The example Org: the first with a key of its own, so the example shows a per-Org key at work. */
export const exampleOrgOf = (orgIds: readonly number[]): number =>
  orgIds.find((orgId) => orgId !== 0) ?? orgIds[0] ?? 0;
/** Development JWTs that `npm start` mints last a working day, so a page left open keeps working. */
export const EXAMPLE_JWT_LIFETIME_SECONDS = 12 * 3600;
/** Where the function looks for Org N's key with serverless.yml's default secretIdTemplate. */
export const secretIdOf = (orgId: number): string =>
  secretIdFor(DEFAULTS.SECRET_ID_TEMPLATE, orgId);

const port = (fallback: number) =>
  z
    .string()
    .default(String(fallback))
    .transform((value, ctx) => {
      const parsed = /^\d{1,5}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
      if (!(parsed >= 1 && parsed <= 65_535)) {
        ctx.addIssue({ code: 'custom', message: 'must be a port number from 1 to 65535' });
        return z.NEVER;
      }
      return parsed;
    });

const origins = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value.trim() === '') return DEFAULT_CORS_ORIGINS;
    const list = value
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== '');
    for (const origin of list) {
      if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
        ctx.addIssue({
          code: 'custom',
          message: `"${origin}" is not an origin (scheme://host:port)`,
        });
        return z.NEVER;
      }
    }
    return list;
  });

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const LocalEnvSchema = z.object({
  /** The emulated HTTP API (serverless-offline's httpPort). */
  PORT: port(3000),
  /** serverless-offline's Lambda invoke endpoint; it always listens, so it needs a port too. */
  LAMBDA_PORT: port(3002),
  THOUGHTSPOT_STAND_IN_PORT: port(3010),
  SECRETS_MANAGER_PORT: port(3011),
  /** The demo embedding page; its origin (http://127.0.0.1:DEMO_PORT) joins the CORS origins. */
  DEMO_PORT: port(3020),
  CORS_ORIGINS: origins,
  JWT_ISSUER: z.string().trim().min(1).default(LOCAL_JWT_ISSUER),
  JWT_AUDIENCE: z.string().trim().min(1).default(LOCAL_JWT_AUDIENCE),
  /** A real cluster instead of the ThoughtSpot stand-in. */
  THOUGHTSPOT_HOST: optionalText,
  /** A Secrets Manager of the user's (e.g. LocalStack) instead of the stand-in. */
  AWS_ENDPOINT_URL_SECRETS_MANAGER: optionalText,
  /** JSON file of Org id → key, instead of generated development keys. */
  LOCAL_SECRETS_FILE: optionalText,
  /** A token policy (SPEC §7) for the function's TOKEN_POLICY, e.g. infra/local/token-policy.example.json. */
  TOKEN_POLICY_FILE: optionalText,
});

export type LocalSettings = z.output<typeof LocalEnvSchema>;

export function readLocalSettings(env: Record<string, string | undefined>): LocalSettings {
  const result = LocalEnvSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${String(issue.path[0] ?? 'environment')} ${issue.message}`,
    );
    throw new LocalSetupError(problems.join('; '));
  }
  const settings = result.data;
  const keysFromFile = settings.LOCAL_SECRETS_FILE !== undefined;
  const ownSecretsManager = settings.AWS_ENDPOINT_URL_SECRETS_MANAGER !== undefined;
  if (settings.THOUGHTSPOT_HOST && !keysFromFile && !ownSecretsManager) {
    throw new LocalSetupError(
      'THOUGHTSPOT_HOST is set, so the service talks to that real cluster and needs its real keys: ' +
        'put them in a JSON file ({"0": "<Org 0 key>", "5": "<Org 5 key>"}) and set LOCAL_SECRETS_FILE=<path>, ' +
        'or point AWS_ENDPOINT_URL_SECRETS_MANAGER at a Secrets Manager that holds them.',
    );
  }
  if (!settings.THOUGHTSPOT_HOST && ownSecretsManager && !keysFromFile) {
    throw new LocalSetupError(
      'AWS_ENDPOINT_URL_SECRETS_MANAGER is set, so the keys live in that Secrets Manager; the ThoughtSpot ' +
        'stand-in must accept the same keys: list them in a JSON file and set LOCAL_SECRETS_FILE=<path>.',
    );
  }
  return settings;
}
