import { looksLikeList } from './claims.js';

/**
 * SPEC §8: a username is used verbatim or refused, never trimmed, re-cased or
 * normalised. The same rule for a JWT claim and a backend body; the caller picks
 * the error (401 for a claim, 400 for a body). Reasons never quote the value.
 */

export const MAX_USERNAME_LENGTH = 255;

/** Control (Cc), format (Cf, e.g. zero-width space, BOM), line and paragraph separators. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const EDGE_WHITESPACE = /^\s|\s$/u;

/** Why `name` is not a usable username, or undefined when it is one. */
export function usernameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  // Counted in characters (code points), as a person would count them.
  if ([...name].length > MAX_USERNAME_LENGTH) {
    return `is longer than ${MAX_USERNAME_LENGTH} characters`;
  }
  if (!name.isWellFormed()) return 'is not well-formed Unicode';
  if (INVISIBLE.test(name)) return 'contains control or invisible characters';
  if (EDGE_WHITESPACE.test(name)) return 'has leading or trailing whitespace';
  if (looksLikeList(name)) return 'is a list, not one username';
  return undefined;
}
