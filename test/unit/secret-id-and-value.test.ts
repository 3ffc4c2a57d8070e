import { describe, expect, it } from 'vitest';
import { SecretValueError } from '../../functions/lib/errors.js';
import { parseSecretValue, secretIdFor } from '../../functions/lib/secret-keys.js';
import { errorTexts, thrown, thrownAs } from '../support/errors.js';
import { fakeKey } from '../support/fixtures.js';

describe('secretIdFor', () => {
  it('puts the Org id in place of {orgId}, wherever the template has it', () => {
    expect(secretIdFor('a/{orgId}/b', 583464508)).toBe('a/583464508/b');
  });

  it('uses the default template of SPEC §4 as given', () => {
    expect(secretIdFor('thoughtspot/trusted-auth/org/{orgId}', 0)).toBe(
      'thoughtspot/trusted-auth/org/0',
    );
  });
});

describe('parseSecretValue', () => {
  it('reads a bare key, trimmed', () => {
    expect(parseSecretValue('  abc-123 \n')).toBe('abc-123');
  });

  it('reads {"secret_key": ...}', () => {
    expect(parseSecretValue('{"secret_key": "abc-123", "note": "rotated"}')).toBe('abc-123');
  });

  it.each([
    ['undefined', undefined, 'secret is empty'],
    ['an empty string', '', 'secret is empty'],
    [
      'JSON without secret_key',
      '{"key": "abc"}',
      'secret holds JSON without a "secret_key" string',
    ],
    [
      'JSON with an empty secret_key',
      '{"secret_key": "  "}',
      'secret holds JSON without a "secret_key" string',
    ],
  ])('refuses %s, saying why', (_case, value, reason) => {
    expect(thrownAs(SecretValueError, () => parseSecretValue(value)).message).toBe(reason);
  });

  it('does not put the value in its error', () => {
    // Prepare
    const key = fakeKey('malformed');

    // Act
    const caught = thrown(() => parseSecretValue(`{"secret_key": "${key}"`));

    // Assess
    expect(errorTexts(caught)).not.toContain(key);
  });
});
