import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { integerWithin, MAX_ORG_ID } from '../../functions/lib/config-rules.cjs';
import { UsageError } from './errors.js';

/**
 * node:util parseArgs with the CLI's rules: parse errors become UsageErrors, and
 * no message ever repeats a value from the command line (a key pasted in the
 * wrong place must not be echoed back into a terminal or a CI log).
 */

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

/** `--org N`: a ThoughtSpot Org id, an integer from 0 to MAX_ORG_ID. */
export function orgIdOption(value: string | undefined): number {
  if (value === undefined) throw new UsageError('--org is required');
  const orgId = integerWithin(value, { min: 0, max: MAX_ORG_ID });
  if (orgId === undefined) {
    throw new UsageError(`--org must be an Org id (an integer from 0 to ${MAX_ORG_ID})`);
  }
  return orgId;
}

/** A repeatable `--org N`: each one checked as orgIdOption does; none given is an empty list. */
export const orgIdsOption = (values: readonly string[] | undefined): number[] =>
  (values ?? []).map((value) => orgIdOption(value));

/** An integer option within bounds, or its default when absent. */
export function integerOption(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const parsed = integerWithin(value, { min, max });
  if (parsed === undefined) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
  }
  return parsed;
}
