import * as fc from 'fast-check';
import { MAX_ORG_ID, MAX_VALIDITY_SECONDS } from '../../../functions/lib/config-rules.cjs';
import { mostly, PROTOTYPE_NAMES, text } from './hostile-text.js';

/**
 * Request bodies for the POST routes: JSON objects mostly close to valid, other JSON,
 * text that is not quite JSON (or nested thousands deep), and bodies over 8 KiB.
 */

const orgIdValue = fc.oneof(
  { arbitrary: fc.constantFrom(0, 5, 9, 12), weight: 4 },
  { arbitrary: fc.nat({ max: MAX_ORG_ID }), weight: 2 },
  fc.integer(),
  fc.double(),
  fc.constantFrom('5', null, true, [5], { id: 5 }, MAX_ORG_ID + 1, -0, 1e308),
);

const objectIdValue = fc.oneof(
  { arbitrary: fc.constant('0f6b1e0a-1c2d-4e5f-8a9b-0c1d2e3f4a5b'), weight: 3 },
  fc.constantFrom('a', 'x'.repeat(129), '../etc', ''),
  text,
);

const validityValue = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 100_000 }), weight: 4 },
  fc.integer(),
  fc.constantFrom(0, -1, MAX_VALIDITY_SECONDS, MAX_VALIDITY_SECONDS + 1, 1e308, 3.5, '60', null),
);

const extraFields = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom('username', 'groups', 'secret_key', 'auto_create', 'password'),
        fc.constantFrom(...PROTOTYPE_NAMES),
        fc.string({ maxLength: 8 }),
      ),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    { maxLength: 2 },
  )
  .map((entries) => Object.fromEntries(entries));

/** POST /token bodies that are JSON objects, mostly close to valid. */
const browserObject = fc
  .tuple(
    fc.record(
      { org_id: orgIdValue, object_id: objectIdValue, validity_time_in_sec: validityValue },
      { requiredKeys: [] },
    ),
    fc.option(extraFields, { nil: undefined, freq: 2 }),
  )
  .map(([fields, extra]) => ({ ...fields, ...extra }));

const backendFields = {
  username: mostly(fc.oneof(fc.emailAddress(), fc.constant(' bob@example.com ')), text),
  org_id: orgIdValue,
  object_id: objectIdValue,
  validity_time_in_sec: validityValue,
  email: mostly(fc.emailAddress(), text),
  display_name: mostly(fc.constantFrom('Ada Lovelace', 'José Ñúñez', '山田太郎'), text),
  groups: mostly(
    fc.array(fc.constantFrom('analysts', 'sales', 'admins', 'ALL'), { maxLength: 3 }),
    fc.oneof(fc.array(text, { maxLength: 5 }), text, fc.constant([])),
  ),
};

/** POST /backend/token bodies that are JSON objects, mostly close to valid. */
export const backendObject = fc
  .tuple(
    mostly(
      fc.record(backendFields, { requiredKeys: ['username', 'org_id'] }),
      fc.record(backendFields, { requiredKeys: [] }),
    ),
    fc.option(extraFields, { nil: undefined, freq: 2 }),
  )
  .map(([fields, extra]) => ({ ...fields, ...extra }));

/** Text that is (mostly) not JSON, or JSON nested thousands deep. */
const notQuiteJson = fc.oneof(
  text,
  fc.integer({ min: 1, max: 4000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.integer({ min: 1, max: 4000 }).map((depth) => '['.repeat(depth)),
  fc
    .integer({ min: 1, max: 2000 })
    .map((depth) => `{"org_id":${'['.repeat(depth)}${']'.repeat(depth)}}`),
  fc.integer({ min: 1, max: 1000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.constantFrom(
    '{"__proto__":{"org_id":5}}',
    '{"constructor":{"prototype":{"admin":true}}}',
    '{"org_id":5,"__proto__":null}',
    '{"org_id":5,"org_id":9}',
    '{"org_id":5',
    'null',
    'true',
    '5',
    '"5"',
    '[]',
    '{}',
    '',
    ' ',
  ),
);

/** More than 8 KiB (in UTF-8 bytes), whatever it holds. */
export const oversizeBody: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('x', 'é', '👩‍💻', '[', '{"org_id":5,"pad":"', ' '),
    fc.integer({ min: 8 * 1024 + 1, max: 64 * 1024 }),
  )
  .map(([piece, bytes]) => {
    const per = Buffer.byteLength(piece, 'utf8');
    return piece.repeat(Math.ceil(bytes / per));
  });

/** A body for either POST route: JSON objects, other JSON, non-JSON, oversize, or none. */
export const body = (
  objects: fc.Arbitrary<Record<string, unknown>>,
): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 1 },
    { arbitrary: objects.map((value) => JSON.stringify(value)), weight: 5 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)), weight: 1 },
    { arbitrary: notQuiteJson, weight: 2 },
    { arbitrary: oversizeBody, weight: 1 },
  );

export const browserBody = body(browserObject);
export const backendBody = body(backendObject);
