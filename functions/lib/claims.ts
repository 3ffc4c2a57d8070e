/**
 * The one reader of verified claims (SPEC §3, §7, §8). API Gateway hands every claim
 * over as a string and a list as "[a b c]"; serverless-offline and some IdPs give real
 * JSON values instead, and a claim may hold a JSON-encoded array. Values come back
 * verbatim, never trimmed or re-cased; a claim of the wrong type is reported as such,
 * never read as absent.
 */

export type Claims = Readonly<Record<string, unknown>>;

/** One value expected (a username, an email). */
export type ClaimValue =
  | { kind: 'absent' }
  | { kind: 'value'; value: string }
  | { kind: 'wrong_type' };

/** Any number of values expected (Orgs, groups, policy claims). */
export type ClaimList =
  | { kind: 'absent' }
  | { kind: 'values'; values: string[] }
  | { kind: 'wrong_type' };

const ABSENT = { kind: 'absent' } as const;
const WRONG_TYPE = { kind: 'wrong_type' } as const;

/** A scalar as text: strings verbatim, finite numbers as their decimal text; else undefined. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** The items of a list that holds only scalars, as text; undefined when any item is not one. */
function listTexts(items: readonly unknown[]): string[] | undefined {
  const texts: string[] = [];
  for (const item of items) {
    const text = scalarText(item);
    if (text === undefined) return undefined;
    texts.push(text);
  }
  return texts;
}

/** "[...]": a JSON array or API Gateway's space-separated rendering of a list claim. */
export const looksLikeList = (text: string): boolean => text.startsWith('[') && text.endsWith(']');

function listFromText(text: string): string[] {
  try {
    const json: unknown = JSON.parse(text);
    // Only a JSON list of strings: numbers in text would come back re-written
    // ("[1.50]" as 1.5, a 20-digit id rounded), so those stay API Gateway's list.
    if (Array.isArray(json) && json.every((item) => typeof item === 'string')) return json;
  } catch {
    // Not JSON: API Gateway's "[a b c]".
  }
  // API Gateway separates a list claim's items with single spaces.
  return text
    .slice(1, -1)
    .split(' ')
    .filter((item) => item !== '');
}

export function readClaimValue(claims: Claims, name: string): ClaimValue {
  const value = Object.hasOwn(claims, name) ? claims[name] : undefined;
  if (value === undefined || value === null) return ABSENT;
  const text = scalarText(value);
  return text === undefined ? WRONG_TYPE : { kind: 'value', value: text };
}

/**
 * `textLists: false` is for claims that arrive as JSON values (the backend's `attributes`):
 * a string is then one value, even one that looks like "[...]"; only a real array is a list.
 */
export function readClaimList(
  claims: Claims,
  name: string,
  { textLists = true }: { textLists?: boolean } = {},
): ClaimList {
  const value = Object.hasOwn(claims, name) ? claims[name] : undefined;
  if (value === undefined || value === null) return ABSENT;
  if (Array.isArray(value)) {
    const values = listTexts(value);
    return values === undefined ? WRONG_TYPE : { kind: 'values', values };
  }
  const text = scalarText(value);
  if (text === undefined) return WRONG_TYPE;
  if (text === '') return { kind: 'values', values: [] };
  if (!textLists || !looksLikeList(text)) return { kind: 'values', values: [text] };
  return { kind: 'values', values: listFromText(text) };
}
