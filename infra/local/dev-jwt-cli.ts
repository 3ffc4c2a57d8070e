// `npm run dev:jwt -- --user alice@example.com --org 5` prints an unsigned
// development JWT for the API that `npm start` runs (stdout: the JWT alone, so
// `JWT=$(npm run -s dev:jwt -- --user …)` works; stderr: a curl to try it).
import { parseArgs } from 'node:util';
import { bannerWarning, curlCommand } from './banner.js';
import { readLocalSettings } from './local-settings.js';
import { LocalSetupError } from './local-setup-error.js';
import { createDevJwt } from './unsigned-dev-jwt.js';

const USAGE = `usage: npm run dev:jwt -- --user <username> [--org <id or name>]... [options]

  --user, -u <name>        ThoughtSpot username (claim "email")               required
  --org, -o <id|name>      Org claim "ts_org"; repeat for several Orgs         default: none (DEFAULT_ORG_ID)
  --name <display name>    claim "name" (used with AUTO_CREATE_USERS=true)
  --claim <name=value>     any other claim; repeatable
  --expires-in <seconds>   lifetime                                            default: 3600

Issuer and audience follow JWT_ISSUER / JWT_AUDIENCE, as \`npm start\` does.`;

function main(): void {
  const { values } = parseArgs({
    options: {
      user: { type: 'string', short: 'u' },
      org: { type: 'string', short: 'o', multiple: true },
      name: { type: 'string' },
      claim: { type: 'string', multiple: true },
      'expires-in': { type: 'string', default: '3600' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.user) {
    console.error(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const expiresInSeconds = Number(values['expires-in']);
  if (!Number.isSafeInteger(expiresInSeconds) || expiresInSeconds < 1) {
    throw new LocalSetupError('--expires-in must be a positive number of seconds');
  }
  const extraClaims: Record<string, string> = {};
  for (const pair of values.claim ?? []) {
    const at = pair.indexOf('=');
    if (at < 1) throw new LocalSetupError(`--claim ${pair}: expected name=value`);
    extraClaims[pair.slice(0, at)] = pair.slice(at + 1);
  }
  if (values.name !== undefined) extraClaims.name = values.name;

  const settings = readLocalSettings(process.env);
  const jwt = createDevJwt({
    user: values.user,
    orgs: values.org ?? [],
    issuer: settings.JWT_ISSUER,
    audience: settings.JWT_AUDIENCE,
    expiresInSeconds,
    extraClaims,
  });
  console.log(jwt);
  console.error(
    `\n${bannerWarning()}\nTry it (with \`npm start\` running):\n  ${curlCommand(`http://127.0.0.1:${settings.PORT}`, jwt)}\n`,
  );
}

try {
  main();
} catch (error) {
  if (!(error instanceof LocalSetupError) && !(error instanceof TypeError)) throw error;
  // TypeError: parseArgs refusing an unknown or malformed option.
  console.error(`dev:jwt: ${error.message}\n\n${USAGE}`);
  process.exitCode = 2;
}
