import * as z from 'zod/mini';
import englishLocale from 'zod/v4/locales/en.js';

/**
 * Named helpers for what zod/mini's functional API makes awkward, so that schemas
 * read as they would with classic zod. The functions use zod/mini because classic
 * zod costs about a fifth of the cold start (bench/README.md).
 */

/** Refuses the input being converted: a custom issue with `message`. */
export type Refuse = (message: string) => never;

/**
 * `schema`'s output converted by `convert` (classic `.transform()`); `convert`
 * calls `refuse(message)` to reject the input instead of returning a value.
 */
export const converted = <T extends z.core.SomeType, Out>(
  schema: T,
  convert: (value: z.output<T>, refuse: Refuse) => Out,
) =>
  z.pipe(
    schema,
    z.transform((value: z.output<T>, payload) =>
      convert(value, (message) => {
        payload.issues.push({ code: 'custom', message, input: value });
        return z.NEVER;
      }),
    ),
  );

/** `schema`, with `value` when the input is undefined (classic `.default()`). */
export const withDefault = <T extends z.core.SomeType>(
  schema: T,
  value: Parameters<typeof z._default<T>>[1],
) => z._default(schema, value);

/** A whole number from `min` to `max` (classic `z.number().int().min(min).max(max)`). */
export const integerFrom = (min: number, max: number) =>
  z.number().check(z.int(), z.minimum(min), z.maximum(max));

/** A string, trimmed, then at least one character long (classic `z.string().trim().min(1)`). */
export const trimmedNonEmpty = () => z.string().check(z.trim(), z.minLength(1));

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
