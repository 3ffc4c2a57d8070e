import * as z from 'zod/mini';
import { parseJson } from '../lib/json.js';
import { parseSecretValue } from '../lib/secret-keys.js';

/** A JSON secret as an object, its fields in their order (parseSecretValue checks secret_key). */
const JsonObjectSchema = z.record(z.string(), z.unknown());

/** A secret value, read once: its key, and how to store another key the same way. */
export interface StoredValue {
  key: string;
  withKey(newKey: string): string;
}

/**
 * Reads `value`'s key (SPEC §4) and its format (SPEC §6): the bare key, or JSON
 * {"secret_key": ...} whose other fields a new key keeps as they were. Throws
 * SecretValueError (which never quotes the value) when `value` holds no key,
 * since then there is no format to keep.
 */
export function readStoredValue(value: string | undefined): StoredValue {
  const key = parseSecretValue(value);
  const text = value?.trim() ?? '';
  // parseSecretValue reads JSON only when the value starts with '{'; anything else is bare.
  const json = text.startsWith('{') ? JsonObjectSchema.safeParse(parseJson(text)) : undefined;
  return {
    key,
    withKey: (newKey) =>
      json?.success ? JSON.stringify({ ...json.data, secret_key: newKey }) : newKey,
  };
}

/** `newKey` stored the way `currentValue` stores its key (readStoredValue). */
export const inSameFormat = (currentValue: string | undefined, newKey: string): string =>
  readStoredValue(currentValue).withKey(newKey);
