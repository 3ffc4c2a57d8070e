import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors.js';

/**
 * node:util parseArgs with the CLI's rules: parse errors become UsageErrors, and
 * no message ever repeats a value from the command line (a key pasted in the
 * wrong place must not be echoed back into a terminal or a CI log).
 */

const MAX_ORG_ID = 2_147_483_647;

export function parseCommandArgs<const T extends ParseArgsOptionsConfig>(
  args: string[],
  options: T,
  positionalMessage = 'unexpected argument: this command takes only --options',
) {
  try {
    const parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
    if (parsed.positionals.length > 0) throw new UsageError(positionalMessage, true);
    return parsed.values;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as { code?: unknown }).code;
    const option = error instanceof Error ? /'(-[^' <]*)/.exec(error.message)?.[1] : undefined;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new UsageError(`unknown option ${option ?? ''}`.trim(), true);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new UsageError(`option ${option ?? ''} has a missing or unexpected value`, true);
    }
    throw error;
  }
}

/** `--org N`: a ThoughtSpot Org id, an integer from 0 to 2147483647. */
export function orgIdOption(value: string | undefined): number {
  if (value === undefined) throw new UsageError('--org is required');
  if (!/^\d{1,10}$/.test(value.trim()) || Number(value) > MAX_ORG_ID) {
    throw new UsageError(`--org must be an Org id (an integer from 0 to ${MAX_ORG_ID})`);
  }
  return Number(value);
}

/** An integer option within bounds, or its default when absent. */
export function integerOption(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const parsed = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
  }
  return parsed;
}
