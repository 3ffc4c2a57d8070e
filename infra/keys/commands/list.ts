import { paginateListSecrets } from '@aws-sdk/client-secrets-manager';
import { parseCommandArgs } from '../args.js';
import { type Command, isoDate } from '../context.js';
import { secretNames } from '../secret-names.js';

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

function table(rows: Row[]): string[] {
  const cells = [
    ['ORG', 'SECRET', 'LAST CHANGED', 'STATUS'],
    ...rows.map((row) => [
      String(row.orgId),
      row.name,
      isoDate(row.lastChanged),
      row.deletion ? `scheduled for deletion on ${isoDate(row.deletion)}` : 'active',
    ]),
  ];
  const widths = cells[0]?.map((_, column) =>
    Math.max(...cells.map((line) => line[column]?.length ?? 0)),
  );
  return cells.map((line) =>
    line
      .map((cell, column) => cell.padEnd(widths?.[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

export const list: Command = async (args, context) => {
  parseCommandArgs(args, {});
  const names = secretNames(context.env);
  const rows: Row[] = [];
  let unmatched = 0;
  const pages = paginateListSecrets(
    { client: context.secretsManager(), pageSize: 100 },
    {
      IncludePlannedDeletion: true,
      ...(names.prefix !== '' && { Filters: [{ Key: 'name', Values: [names.prefix] }] }),
    },
  );
  for await (const page of pages) {
    for (const secret of page.SecretList ?? []) {
      // AWS's name filter is a loose prefix match; the template decides what is an Org secret.
      const orgId = secret.Name === undefined ? undefined : names.orgIdOf(secret.Name);
      if (secret.Name === undefined || orgId === undefined) {
        unmatched += 1;
        continue;
      }
      rows.push({
        orgId,
        name: secret.Name,
        lastChanged: secret.LastChangedDate ?? secret.CreatedDate,
        deletion: secret.DeletedDate,
      });
    }
  }
  rows.sort((a, b) => a.orgId - b.orgId);

  if (rows.length === 0) {
    context.out(`No Org secrets named like ${names.template}.`);
  } else {
    for (const line of table(rows)) context.out(line);
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
