import * as z from 'zod/mini';
import { parseJson } from '../lib/json.js';
import { parseSecretValue } from '../lib/secret-keys.js';

/** A JSON secret as an object, its fields in their order (parseSecretValue checks secret_key). */
const JsonObjectSchema = z.record(z.string(), z.unknown());

/**
 * `newKey` stored the way `currentValue` stores its key (SPEC §4, §6): the bare
 * key, or JSON {"secret_key": ...} with the secret's other fields as they were.
 * Throws SecretValueError (which never quotes the value) when `currentValue`
 * holds no key, since then there is no format to keep.
 */
export function inSameFormat(currentValue: string | undefined, newKey: string): string {
  parseSecretValue(currentValue);
  const json = JsonObjectSchema.safeParse(parseJson(currentValue?.trim() ?? ''));
  return json.success ? JSON.stringify({ ...json.data, secret_key: newKey }) : newKey;
}
