// The token policy `npm start` runs with (SPEC §7): TOKEN_POLICY_FILE names a JSON
// file, e.g. the example beside this module. It is checked at start with the
// function's own schema (parseTokenPolicy), so a bad policy stops `npm start`
// naming the field, and handed to the function as TOKEN_POLICY through the
// tokenPolicyFile param, as a deployment gets it (policyLaunch).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
 * How the function gets TOKEN_POLICY under serverless-offline: the way a deployment
 * does. The checked policy is written to a file in `dir`, and serverless.yml's
 * tokenPolicyFile param names it; its resolver checks it again with the same schema
 * and puts the minified JSON in the token function's environment. Without a policy
 * nothing is passed: the local stage's tokenPolicyFile is "" (serverless.yml).
 */
export function policyLaunch(json: string | undefined, dir: string): { args: string[] } {
  if (json === undefined) return { args: [] };
  const file = join(dir, 'token-policy.json');
  writeFileSync(file, json);
  return { args: ['--param', `tokenPolicyFile=${file}`] };
}
