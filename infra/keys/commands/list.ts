import { parseCommandArgs } from '../args.js';
import { type Command, isoDate } from '../context.js';
import { listOrgSecrets } from '../org-secrets.js';
import { secretNames } from '../secret-names.js';
import { table } from '../table.js';

/**
 * list: the Org secrets that exist, from ListSecrets metadata only. It never
 * calls GetSecretValue, so it needs no permission that could reveal a key.
 */

interface Row {
  orgId: number;
  name: string;
  lastChanged: Date | undefined;
  deletion: Date | undefined;
}

function rowCells(row: Row): string[] {
  return [
    String(row.orgId),
    row.name,
    isoDate(row.lastChanged),
    row.deletion ? `scheduled for deletion on ${isoDate(row.deletion)}` : 'active',
  ];
}

export const list: Command = async (args, context) => {
  parseCommandArgs(args, {});
  const names = secretNames(context.env);
  const { secrets, unmatched } = await listOrgSecrets(context.secretsManager(), names);
  const rows: Row[] = secrets.map(({ orgId, name, entry }) => ({
    orgId,
    name,
    lastChanged: entry.LastChangedDate ?? entry.CreatedDate,
    deletion: entry.DeletedDate,
  }));

  if (rows.length === 0) {
    context.out(`No Org secrets named like ${names.template}.`);
  } else {
    const header = ['ORG', 'SECRET', 'LAST CHANGED', 'STATUS'];
    for (const line of table(header, rows.map(rowCells))) context.out(line);
  }
  if (unmatched > 0) {
    context.note(
      `(${unmatched} other secret(s) under "${names.prefix}" do not match the template)`,
    );
  }
  if (!rows.some((row) => row.orgId === 0 && !row.deletion)) {
    context.note(
      'note: no active Org 0 secret, so Orgs without their own key cannot fall back to it',
    );
  }
};
