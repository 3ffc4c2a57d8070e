import type { RotationRulesType, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { pendingVersion } from '../../../functions/lib/secret-stages.js';
import {
  isTrustedAuthOff,
  type TrustedAuthLevel,
  trustedAuthKey,
} from '../../../functions/lib/thoughtspot.js';
import { orgIdsOption, parseCommandArgs } from '../args.js';
import type { Command } from '../context.js';
import { listOrgSecrets, type OrgSecret } from '../org-secrets.js';
import { describeRules } from '../rotation-rules.js';
import { secretNames } from '../secret-names.js';
import { readStoredKey, sameKey } from '../stored-key.js';
import { table } from '../table.js';
import { orgsToCover, readTrustedAuth, THOUGHTSPOT_OPTIONS } from '../trusted-auth.js';

/**
 * status: per Org, ThoughtSpot's side (trusted auth on or off, from auth/search)
 * beside Secrets Manager's (secret, rotation settings and dates, from ListSecrets),
 * and whether the stored key is ThoughtSpot's: compared by digest in memory,
 * printed only as match or mismatch. A table, or --json for scripts.
 */

const OPTIONS = {
  org: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  ...THOUGHTSPOT_OPTIONS,
} as const;

export interface OrgStatus {
  orgId: number;
  secretName: string;
  trustedAuth: 'on' | 'off' | 'unknown';
  secret: 'present' | 'missing' | 'scheduled-for-deletion';
  /** not-compared: trusted auth off or unknown, or no live secret. */
  storedKey: 'match' | 'mismatch' | 'not-compared';
  rotation: {
    enabled: boolean;
    /** AWSPENDING on a version other than AWSCURRENT's. */
    inProgress: boolean;
    rules: RotationRulesType | null;
    lastRotated: string | null;
    nextRotation: string | null;
  };
}

const isoOrNull = (date: Date | undefined): string | null => date?.toISOString() ?? null;

async function storedKeyState(
  client: SecretsManagerClient,
  level: TrustedAuthLevel | undefined,
  secret: OrgSecret | undefined,
): Promise<OrgStatus['storedKey']> {
  const key = level === undefined ? undefined : trustedAuthKey(level);
  if (key === undefined || !secret || secret.entry.DeletedDate) return 'not-compared';
  const stored = await readStoredKey(client, secret.name);
  return stored.key !== undefined && sameKey(stored.key, key) ? 'match' : 'mismatch';
}

function tableRows(statuses: readonly OrgStatus[]): string[][] {
  return statuses.map((status) => {
    const { rotation } = status;
    const progress = rotation.inProgress ? ' (in progress)' : '';
    return [
      String(status.orgId),
      status.secret === 'scheduled-for-deletion' ? 'deleting' : status.secret,
      status.trustedAuth,
      status.storedKey === 'not-compared' ? '-' : status.storedKey,
      `${rotation.enabled ? 'on' : 'off'}${progress}`,
      rotation.rules ? describeRules(rotation.rules) : '-',
      rotation.lastRotated ?? '-',
      rotation.nextRotation ?? '-',
    ];
  });
}

const HEADER = [
  'ORG',
  'SECRET',
  'TRUSTED AUTH',
  'STORED KEY',
  'ROTATION',
  'SCHEDULE',
  'LAST ROTATED',
  'NEXT ROTATION',
];

export const status: Command = async (args, context) => {
  const values = parseCommandArgs(args, OPTIONS);
  const named = orgIdsOption(values.org);
  const names = secretNames(context.env);
  const client = context.secretsManager();

  const view = await readTrustedAuth(context, values['thoughtspot-host']);
  const { secrets } = await listOrgSecrets(client, names);
  const statuses: OrgStatus[] = [];
  const orgIds = orgsToCover(
    named,
    view,
    secrets.map((secret) => secret.orgId),
  );
  for (const orgId of orgIds) {
    const secret = secrets.find((candidate) => candidate.orgId === orgId);
    const level = await view.read(orgId).catch((error: unknown) => {
      context.note(`note: Org ${orgId}: trusted auth unknown: ${String((error as Error).message)}`);
      return undefined;
    });
    const entry = secret?.entry;
    const state: OrgStatus = {
      orgId,
      secretName: names.idFor(orgId),
      trustedAuth: level === undefined ? 'unknown' : isTrustedAuthOff(level) ? 'off' : 'on',
      secret: !entry ? 'missing' : entry.DeletedDate ? 'scheduled-for-deletion' : 'present',
      storedKey: await storedKeyState(client, level, secret),
      rotation: {
        enabled: entry?.RotationEnabled === true,
        inProgress: pendingVersion(entry?.SecretVersionsToStages) !== undefined,
        rules: entry?.RotationRules ?? null,
        lastRotated: isoOrNull(entry?.LastRotatedDate),
        nextRotation: isoOrNull(entry?.NextRotationDate),
      },
    };
    statuses.push(state);
    if (state.storedKey === 'mismatch' && !state.rotation.inProgress) {
      context.note(
        `note: Org ${orgId}'s stored key is not ThoughtSpot's: sync --org ${orgId} stores ThoughtSpot's`,
      );
    }
  }

  if (values.json) {
    context.out(JSON.stringify({ orgs: statuses }, null, 2));
    return;
  }
  if (statuses.length === 0) context.out('No Orgs in ThoughtSpot and no Org secrets.');
  else for (const line of table(HEADER, tableRows(statuses))) context.out(line);
};
