// ListSecrets: the name filter, pagination with an opaque NextToken, and
// entries that carry metadata only (never a value).
import * as z from 'zod';
import { parseJson } from '../../functions/lib/json.js';
import { describe, type StoredSecret } from './secret-description.js';
import { AwsError, type ListInput } from './secrets-manager-inputs.js';

export function listSecrets(
  secrets: Iterable<StoredSecret>,
  input: z.infer<typeof ListInput>,
): Record<string, unknown> {
  const prefixes: string[] = [];
  for (const filter of input.Filters ?? []) {
    if (filter.Key !== 'name') {
      throw new AwsError('InvalidParameterException', 'The stand-in supports only the name filter');
    }
    prefixes.push(...filter.Values);
  }
  const matching = [...secrets]
    .filter((secret) => input.IncludePlannedDeletion || !secret.deletionDate)
    .filter((secret) => prefixes.length === 0 || prefixes.some((p) => secret.name.startsWith(p)))
    .sort((a, b) => a.name.localeCompare(b.name));
  const start = input.NextToken === undefined ? 0 : decodeNextToken(input.NextToken);
  const end = start + (input.MaxResults ?? 100);
  return {
    // describe() never includes SecretString, so listings cannot leak values.
    SecretList: matching
      .slice(start, end)
      .map((secret) => describe(secret, 'SecretVersionsToStages')),
    ...(end < matching.length ? { NextToken: encodeNextToken(end) } : {}),
  };
}

function encodeNextToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeNextToken(token: string): number {
  const result = z
    .object({ offset: z.number().int().min(0) })
    .safeParse(parseJson(Buffer.from(token, 'base64url').toString('utf8')));
  if (!result.success)
    throw new AwsError('InvalidNextTokenException', 'The NextToken is not valid.');
  return result.data.offset;
}
