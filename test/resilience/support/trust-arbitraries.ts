import * as fc from 'fast-check';

/** Generators for the trust-rule properties: usernames on the edge, secrets built to leak. */

/** Characters SPEC §8 singles out, and their neighbours that must pass. */
const EDGE_CHARACTERS = [
  ' ',
  '\t',
  '\n',
  '\r',
  '\u00a0', // no-break space
  '\u2007', // figure space
  '\u3000', // ideographic space
  '\ufeff', // BOM
  '\u200b', // zero-width space
  '\u200d', // zero-width joiner
  '\u202e', // right-to-left override
  '\u2028', // line separator
  '\u2029', // paragraph separator
  '\u00ad', // soft hyphen
  '\u0000',
  '\u007f',
  '\ud800', // lone surrogate
  "'",
  '+',
  '[',
  ']',
  'é',
  'e\u0301', // decomposed é
  'ß',
  'İ',
  '🚀',
  '田',
];

const BASES = ['ada@example.com', "o'brien+bi@example.com", 'Zoë', 'alice', 'БОРИС', '田中'];

/** A username as an IdP or a backend might send one, biased to SPEC §8's corners. */
export const username: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
  fc
    .tuple(
      fc.array(fc.constantFrom(...EDGE_CHARACTERS), { maxLength: 2 }),
      fc.constantFrom(...BASES),
      fc.array(fc.constantFrom(...EDGE_CHARACTERS), { maxLength: 2 }),
    )
    .map(([before, base, after]) => `${before.join('')}${base}${after.join('')}`),
  fc
    .array(fc.constantFrom(...BASES), { minLength: 1, maxLength: 3 })
    .map((names) => `[${names.join(' ')}]`),
  fc.integer({ min: 250, max: 260 }).map((length) => 'a'.repeat(length)),
  fc.integer({ min: 250, max: 260 }).map((length) => '🚀'.repeat(length)),
);

/** Pieces that break naive quoting: what a parser's error message would echo. */
const FRAGMENTS = ['"', "'", '{', '}', '[', ']', '\\', '\n', '","secret_key":"', '": ', '\\u0022'];

export interface GeneratedSecret {
  value: string;
  /** Random hex runs inside the value: any of them in the output is a leak. */
  markers: string[];
}

const HEX = fc.constantFrom(...'0123456789abcdef');
/** 12 hex characters: long enough that output never holds one by chance. */
const marker = fc.string({ unit: HEX, minLength: 12, maxLength: 12 });

/** A secret with random markers between quote-breaking fragments. */
export const secret: fc.Arbitrary<GeneratedSecret> = fc
  .array(fc.tuple(marker, fc.constantFrom(...FRAGMENTS)), { minLength: 1, maxLength: 4 })
  .map((parts) => ({
    value: parts.map(([hex, fragment]) => `${hex}${fragment}`).join(''),
    markers: parts.map(([hex]) => hex),
  }));

/** How the secret is stored in, or answered by, Secrets Manager. */
export type SecretForm = 'bare' | 'json' | 'json-without-key' | 'truncated-json';

export const secretForm: fc.Arbitrary<SecretForm> = fc.constantFrom(
  'bare',
  'json',
  'json-without-key',
  'truncated-json',
);

export function storedAs(form: SecretForm, value: string): string {
  switch (form) {
    case 'bare':
      return value;
    case 'json':
      return JSON.stringify({ secret_key: value });
    case 'json-without-key':
      return JSON.stringify({ key: value });
    case 'truncated-json':
      return `{"secret_key": "${value}`;
  }
}

/** A broken Secrets Manager answer carrying the secret: status and body. */
export const brokenAnswer = (value: string): fc.Arbitrary<{ status: number; body: string }> =>
  fc.constantFrom(
    { status: 200, body: value },
    { status: 200, body: `{"SecretString": ${value}}` },
    { status: 200, body: `{"SecretString": "${value}` },
    { status: 400, body: JSON.stringify({ __type: value, message: value }) },
    { status: 400, body: `{"__type": "${value}", "message": ${value}` },
    { status: 500, body: `<html>${value}</html>` },
  );
