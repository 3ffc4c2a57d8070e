// The token policy `npm start` runs with (SPEC §7): TOKEN_POLICY_FILE names a JSON
// file, e.g. the example beside this module. It is checked at start with the
// function's own schema (parseTokenPolicy), so a bad policy stops `npm start`
// naming the field, and handed to the function as TOKEN_POLICY.
import { readFileSync } from 'node:fs';
import {
  parseTokenPolicy,
  type TokenPolicy,
  TokenPolicyError,
} from '../../functions/lib/policy-schema.js';
import { LocalSetupError } from './local-setup-error.js';

/** The example: `region` claim → variable `region` and a filter on Region; role analytics_admin sees all. */
export const EXAMPLE_TOKEN_POLICY_FILE = 'infra/local/token-policy.example.json';

export interface LocalTokenPolicy {
  /** As given in TOKEN_POLICY_FILE. */
  file: string;
  /** The policy as the function gets it in TOKEN_POLICY: the file's JSON, whitespace removed. */
  json: string;
  policy: TokenPolicy;
}

export function readTokenPolicyFile(file: string): LocalTokenPolicy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new LocalSetupError(`TOKEN_POLICY_FILE ${file} cannot be read`);
  }
  try {
    const policy = parseTokenPolicy(text);
    if (policy === undefined) throw new TokenPolicyError('TOKEN_POLICY is empty');
    return { file, json: JSON.stringify(JSON.parse(text)), policy };
  } catch (error) {
    // The schema's message names the field (and quotes only the policy, never a claim value).
    if (error instanceof TokenPolicyError) {
      throw new LocalSetupError(`TOKEN_POLICY_FILE ${file}: ${error.message}`);
    }
    throw error;
  }
}

/** Which Orgs a policy covers, for the banner: "default for every Org; own entry for Org 5". */
export function policyScope(policy: TokenPolicy): string {
  const orgs = Object.keys(policy.orgs ?? {});
  const listed = `${orgs.length === 1 ? 'Org' : 'Orgs'} ${orgs.join(', ')}`;
  if (policy.default === undefined) return orgs.length === 0 ? 'no Org' : `only ${listed}`;
  if (orgs.length === 0) return 'default for every Org';
  return `default for every Org; ${orgs.length === 1 ? 'own entry' : 'own entries'} for ${listed}`;
}

/**
 * What serverless-offline needs so the function sees TOKEN_POLICY. Only AWS_*
 * variables reach a function unless --localEnvironment is given (serverless.yml
 * has no TOKEN_POLICY yet); with it, the child's environment is the base and
 * serverless.yml's own `environment` still wins for every variable it names.
 */
export function policyLaunch(json: string | undefined): {
  env: Record<string, string>;
  args: string[];
} {
  return json === undefined
    ? { env: {}, args: [] }
    : { env: { TOKEN_POLICY: json }, args: ['--localEnvironment'] };
}
