// What `npm start` prints once everything listens: what runs where, the loud
// warning about JWT signatures, and a curl that works as pasted.
import { EXAMPLE_TOKEN_POLICY_FILE } from './local-policy.js';
import { EXAMPLE_USER_CLAIMS, EXAMPLE_USERS } from './local-settings.js';

export interface BannerInfo {
  apiUrl: string;
  demoUrl: string;
  thoughtSpot: { url: string; standIn: boolean };
  secretsManager: { url: string; standIn: boolean };
  keys: { source: 'generated' | 'file'; orgIds: readonly number[]; file?: string };
  corsOrigins: readonly string[];
  jwtIssuer: string;
  jwtAudience: string;
  /** Present when TOKEN_POLICY_FILE gave the function a token policy. */
  tokenPolicy?: { file: string; scope: string };
  exampleJwt: string;
  exampleUser: string;
  /** The example JWT's claims besides email and ts_org, e.g. region. */
  exampleClaims: Record<string, string>;
  exampleOrg: string;
  startupMs: number;
}

const RULE = '!'.repeat(78);

/** A curl command line that gets a token from the local API with this JWT. */
export function curlCommand(apiUrl: string, jwt: string): string {
  return `curl -sS -H 'Authorization: Bearer ${jwt}' ${apiUrl}/token`;
}

/** The warning `npm start` and `npm run dev:jwt` both print. */
export function bannerWarning(): string {
  return [
    RULE,
    '!!  WARNING: JWT SIGNATURES ARE NOT CHECKED LOCALLY (--ignoreJWTSignature).',
    '!!  serverless-offline only decodes the JWT and checks iss, aud and exp: anyone',
    '!!  can write a JWT for any user. Development only; never expose this port.',
    '!!  A deployed API Gateway verifies signatures against the issuer.',
    RULE,
  ].join('\n');
}

/** The user of the banner's second example: anyone but the first. */
const OTHER_USER = EXAMPLE_USERS[1];

/** " --claim region=APAC" for dev:jwt. */
const claimFlags = (claims: Record<string, string>): string =>
  Object.entries(claims)
    .map(([name, value]) => ` --claim ${name}=${value}`)
    .join('');

/** ", region EMEA" for the example JWT's extra claims. */
const claimList = (claims: Record<string, string>): string =>
  Object.entries(claims)
    .map(([name, value]) => `, ${name} ${value}`)
    .join('');

export function formatBanner(info: BannerInfo): string {
  const keys =
    info.keys.source === 'file'
      ? `keys for Orgs ${info.keys.orgIds.join(', ')} from ${info.keys.file ?? 'LOCAL_SECRETS_FILE'}`
      : `generated development keys for Orgs ${info.keys.orgIds.join(', ')} (not printed)`;
  const rows: [string, string, string][] = [
    ['HTTP API (serverless-offline)', info.apiUrl, 'GET/POST /token (JWT), POST /backend/token'],
    [
      'Demo embedding page',
      info.demoUrl,
      'the Visual Embed SDK signing in a user and Org you pick',
    ],
    [
      info.thoughtSpot.standIn ? 'ThoughtSpot stand-in' : 'ThoughtSpot (real cluster)',
      info.thoughtSpot.url,
      info.thoughtSpot.standIn ? 'use as the SDK thoughtSpotHost' : 'THOUGHTSPOT_HOST',
    ],
    [
      info.secretsManager.standIn ? 'Secrets Manager stand-in' : 'Secrets Manager (yours)',
      info.secretsManager.url,
      info.secretsManager.standIn ? keys : 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
    ],
  ];
  const width = Math.max(...rows.map(([what]) => what.length));
  const urlWidth = Math.max(...rows.map(([, url]) => url.length));
  return [
    '',
    `ThoughtSpot token service, running locally (ready in ${(info.startupMs / 1000).toFixed(1)} s)`,
    '',
    ...rows.map(([what, url, note]) => `  ${what.padEnd(width)}  ${url.padEnd(urlWidth)}  ${note}`),
    '',
    `  CORS origins:  ${info.corsOrigins.join(', ')}   (CORS_ORIGINS=a,b to change; the demo's stays)`,
    `  JWT issuer:    ${info.jwtIssuer}`,
    `  JWT audience:  ${info.jwtAudience}`,
    ...(info.secretsManager.standIn && info.keys.source === 'generated'
      ? ['  Keys:          new each run; LOCAL_SECRETS_FILE=<json> to use your own']
      : []),
    ...(info.tokenPolicy
      ? [
          `  Token policy:  ON, from ${info.tokenPolicy.file} (${info.tokenPolicy.scope}),`,
          '                 passed to the function as TOKEN_POLICY; the embedded page lists',
          '                 the ABAC values ThoughtSpot received',
        ]
      : [
          `  Token policy:  off; TOKEN_POLICY_FILE=${EXAMPLE_TOKEN_POLICY_FILE} npm start`,
          '                 runs with the example policy (region claim → ABAC values)',
        ]),
    '  Backend route: IAM auth is not emulated; POST /backend/token answers 401 unless the',
    '                 request carries an sls-offline-authorizer-override header',
    '                 (docs/development.md, "Where local differs from AWS").',
    '',
    bannerWarning(),
    '',
    `A token for ${info.exampleUser} in Org ${info.exampleOrg}${claimList(info.exampleClaims)} (paste into another terminal):`,
    '',
    `  ${curlCommand(info.apiUrl, info.exampleJwt)}`,
    '',
    `Open in a browser:    ${info.demoUrl}`,
    `Another user or Org:  npm run dev:jwt -- --user ${OTHER_USER} --org 0${info.tokenPolicy ? claimFlags(EXAMPLE_USER_CLAIMS[OTHER_USER]) : ''}`,
    'Stop everything:      Ctrl-C',
    '',
  ].join('\n');
}
