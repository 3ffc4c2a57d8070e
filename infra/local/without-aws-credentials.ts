// The variables through which a developer's real AWS identity reaches a process.
// Local tools drop them: packaging must work without any (it never calls AWS), and
// the local function must talk only to the stand-ins, with their fake credentials.
const AWS_CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
];

/** A copy of `env` without any AWS credential or profile. */
export function withoutAwsCredentials(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const name of AWS_CREDENTIAL_VARIABLES) delete copy[name];
  return copy;
}
