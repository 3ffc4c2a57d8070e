import { parseSecretValue } from '../../functions/lib/secret-keys.js';
import { CommandFailedError } from './errors.js';

/**
 * Catches the usual mistakes before a key reaches Secrets Manager: nothing
 * pasted, two things pasted, a truncated copy, the wrong clipboard. Messages
 * say what is wrong, never what the input was.
 */

/** ThoughtSpot's trusted-auth keys are GUIDs, e.g. b0cb26a0-1234-4abc-9def-0123456789ab. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Printable ASCII without the space: no whitespace, control or look-alike characters. */
const PRINTABLE = /^[\x21-\x7e]+$/;
export const MIN_KEY_LENGTH = 16;
export const MAX_KEY_LENGTH = 512;
/** A JSON secret may carry more than the key, but not much more. */
const MAX_VALUE_LENGTH = 4096;

export class KeyRefusedError extends CommandFailedError {
  override name = 'KeyRefusedError';
}

export interface KeyCheckOptions {
  /** Skip the GUID check (never the empty, whitespace and length checks). */
  allowNonstandard: boolean;
}

/**
 * Returns the SecretString to store: the trimmed input, either the bare key or
 * JSON {"secret_key": "..."}, read back exactly as the function will read it.
 */
export function checkKey(input: string, options: KeyCheckOptions): string {
  const value = input.trim();
  if (value === '') throw new KeyRefusedError('the key is empty: nothing was read');
  if (value.length > MAX_VALUE_LENGTH) {
    throw new KeyRefusedError(`the input is longer than ${MAX_VALUE_LENGTH} characters`);
  }
  let key: string;
  try {
    key = parseSecretValue(value);
  } catch (error) {
    // parseSecretValue's messages name the problem, never the value.
    throw new KeyRefusedError(`the key is not usable: ${(error as Error).message}`);
  }
  if (!PRINTABLE.test(key)) {
    throw new KeyRefusedError(
      'the key contains whitespace, control or non-ASCII characters: one key, on one line, please',
    );
  }
  if (key.length < MIN_KEY_LENGTH) {
    throw new KeyRefusedError(`the key is shorter than ${MIN_KEY_LENGTH} characters`);
  }
  if (key.length > MAX_KEY_LENGTH) {
    throw new KeyRefusedError(`the key is longer than ${MAX_KEY_LENGTH} characters`);
  }
  if (!options.allowNonstandard && !GUID.test(key)) {
    throw new KeyRefusedError(
      'the key does not look like a ThoughtSpot secret key (a GUID such as ' +
        'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); pass --allow-nonstandard to store it anyway',
    );
  }
  return value;
}
