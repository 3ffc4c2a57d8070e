// The trusted-auth keys `npm start` runs with: generated per run (never printed,
// never written anywhere), or read from a JSON file the user points to with
// LOCAL_SECRETS_FILE. The same keys seed the Secrets Manager stand-in and tell the
// ThoughtSpot stand-in what to accept, so the two always agree.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { secretIdOf } from './local-settings.js';
import { LocalSetupError } from './local-setup-error.js';

export interface DevKeys {
  /** Secrets Manager content: secret name → SecretString. */
  secrets: Record<string, string>;
  /** The key ThoughtSpot treats as the cluster (Org 0) key. */
  clusterKey: string;
  /** Per-Org keys, Org 0 excluded. */
  orgKeys: Record<number, string>;
  orgIds: number[];
  source: 'generated' | 'file';
}

/**
 * One fresh GUID-like key per Org (real keys look like GUIDs). Org 0's secret holds
 * the bare key, the others `{"secret_key": …}`: both forms the service accepts.
 */
export function generateDevKeys(orgIds: readonly number[]): DevKeys {
  return fromEntries(
    orgIds.map((orgId) => {
      const key = randomUUID();
      return [orgId, key, orgId === 0 ? key : JSON.stringify({ secret_key: key })];
    }),
    'generated',
  );
}

const SecretValueSchema = z.union(
  [z.string().min(1), z.object({ secret_key: z.string().min(1) }).loose()],
  { error: 'each value must be a key or {"secret_key": "<key>"}' },
);
const SecretsFileSchema = z
  .record(z.string(), SecretValueSchema, { error: 'must be a JSON object' })
  .refine((file) => Object.keys(file).length > 0, 'must name at least one Org')
  .refine(
    (file) => Object.keys(file).every((name) => /^\d{1,10}$/.test(name)),
    'each property name must be an Org id (digits)',
  );

/**
 * Reads `{"0": "<key>", "5": {"secret_key": "<key>"}}`: Org id → the secret value,
 * either form Secrets Manager may hold. Errors name the file and the rule, never a value.
 */
export function readSecretsFile(path: string): DevKeys {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read';
    throw new LocalSetupError(`LOCAL_SECRETS_FILE ${path} ${reason}`);
  }
  const parsed = SecretsFileSchema.safeParse(json);
  if (!parsed.success) {
    const rules = parsed.error.issues.map((issue) => issue.message).join('; ');
    throw new LocalSetupError(
      `LOCAL_SECRETS_FILE ${path} must be a JSON object of Org id → key or {"secret_key": key}: ${rules}`,
    );
  }
  return fromEntries(
    Object.entries(parsed.data).map(([orgId, value]) => {
      const key = typeof value === 'string' ? value : value.secret_key;
      const stored = typeof value === 'string' ? value : JSON.stringify(value);
      return [Number(orgId), key, stored];
    }),
    'file',
  );
}

function fromEntries(
  entries: readonly (readonly [orgId: number, key: string, stored: string])[],
  source: DevKeys['source'],
): DevKeys {
  const orgKeys: Record<number, string> = {};
  const secrets: Record<string, string> = {};
  // Without an Org 0 key the ThoughtSpot stand-in still needs a cluster key; an
  // unguessable one that no secret holds means "no fallback key".
  let clusterKey: string = randomUUID();
  for (const [orgId, key, stored] of entries) {
    secrets[secretIdOf(orgId)] = stored;
    if (orgId === 0) clusterKey = key;
    else orgKeys[orgId] = key;
  }
  return {
    secrets,
    clusterKey,
    orgKeys,
    orgIds: entries.map(([orgId]) => orgId).sort((a, b) => a - b),
    source,
  };
}
