import * as fc from 'fast-check';
import { MAX_ORG_ID } from '../../../functions/lib/config-rules.cjs';

/**
 * Hostile text for every generator of the hostile-input properties: Object.prototype
 * names, injection strings, "[a b c]" lists, lone surrogates and huge values, favoured
 * over uniform noise.
 */

/** Names that are also Object.prototype members, or that poison a naive merge. */
export const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupGetter__',
] as const;

const INJECTIONS = [
  "' OR 1=1 --",
  '" OR ""="',
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"admin":true}}}',
  '[0 1 2 3 4 5 6 7 8 9]',
  '[acme globex initech]',
  '[acme,9]',
  '[5',
  '5]',
  '[]',
  '[ ]',
  '[,]',
  ' 5 ',
  '05',
  '-1',
  '1e3',
  '0x10',
  '5.0',
  'NaN',
  'Infinity',
  String(MAX_ORG_ID),
  String(MAX_ORG_ID + 1),
  '99999999999',
  'null',
  'undefined',
  'true',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell-style probe, literally.
  '${jndi:ldap://127.0.0.1/a}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00',
  '\u0000',
  '\u202e',
  '\ufeff',
  ' \t\n ',
  'é',
  '👩‍💻',
] as const;

const loneSurrogates = fc.string({
  unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
  minLength: 1,
  maxLength: 4,
});

/** A short piece of text repeated into 2k–120k characters. */
const huge = fc
  .tuple(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }),
    fc.integer({ min: 2000, max: 30_000 }),
  )
  .map(([piece, count]) => piece.repeat(count));

/** Any text, weighted towards the interesting kinds. */
export const text: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string(), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme' }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary' }), weight: 1 },
  { arbitrary: fc.constantFrom(...INJECTIONS, ...PROTOTYPE_NAMES), weight: 3 },
  { arbitrary: loneSurrogates, weight: 1 },
  { arbitrary: huge, weight: 1 },
);

/** Usually a plausible value, otherwise a hostile one. */
export const mostly = <T, U>(
  plausible: fc.Arbitrary<T>,
  hostile: fc.Arbitrary<U>,
): fc.Arbitrary<T | U> =>
  fc.oneof({ arbitrary: plausible, weight: 3 }, { arbitrary: hostile, weight: 1 });
