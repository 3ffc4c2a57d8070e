import * as z from 'zod/mini';
import englishLocale from 'zod/v4/locales/en.js';

/**
 * Named helpers for what zod/mini's functional API makes awkward, so that schemas
 * read as they would with classic zod. The functions use zod/mini because classic
 * zod costs about a fifth of the cold start (bench/README.md).
 */

/** A whole number from `min` to `max` (classic `z.number().int().min(min).max(max)`). */
export const integerFrom = (min: number, max: number) =>
  z.number().check(z.int(), z.minimum(min), z.maximum(max));

/**
 * zod's English messages, which classic zod installs globally and zod/mini leaves
 * out; made on the first failed check, since a valid input never needs them.
 */
let english: z.core.$ZodErrorMap | undefined;
const englishMessages: z.core.$ZodErrorMap = (issue) => {
  english ??= englishLocale().localeError;
  return english(issue);
};

/**
 * `schema.safeParse(value)` with zod's English messages for every check that
 * does not say its own words, as classic zod words them.
 */
export const safeParseInEnglish = <T extends z.core.$ZodType>(schema: T, value: unknown) =>
  z.safeParse(schema, value, { error: englishMessages });
