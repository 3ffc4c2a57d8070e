import { describe, expect, it } from 'vitest';
import { MAX_USERNAME_LENGTH, usernameProblem } from '../../functions/lib/username.js';

describe('usernameProblem', () => {
  it.each([
    ['an email address', 'ada@example.com'],
    ['plus addressing', 'ada+analytics@example.com'],
    ['an apostrophe', "o'brien@example.com"],
    ['accented letters', 'zoë.müller@example.com'],
    ['a non-Latin script', 'пользователь'],
    ['CJK characters', '田中太郎'],
    ['an emoji (one astral code point)', 'ada🚀'],
    ['a decomposed accent, left as it came', 'jose\u0301'],
    ['upper case', 'Ada.Lovelace@Example.COM'],
    ['inner spaces', 'Ada Lovelace'],
    ['brackets inside', 'ada[1]'],
    ['a bracket at one end only', '[ada'],
    ['exactly the longest allowed', 'a'.repeat(MAX_USERNAME_LENGTH)],
    ['255 astral characters (510 UTF-16 units)', '𝒶'.repeat(MAX_USERNAME_LENGTH)],
  ])('accepts %s unchanged', (_case, name) => {
    expect(usernameProblem(name)).toBeUndefined();
  });

  it.each([
    ['empty', '', 'is empty'],
    ['too long', 'a'.repeat(MAX_USERNAME_LENGTH + 1), 'is longer than 255 characters'],
    ['a leading space', ' ada', 'has leading or trailing whitespace'],
    ['a trailing space', 'ada ', 'has leading or trailing whitespace'],
    ['a leading no-break space', '\u00a0ada', 'has leading or trailing whitespace'],
    ['a trailing ideographic space', 'ada\u3000', 'has leading or trailing whitespace'],
    ['a trailing newline', 'ada\n', 'contains control or invisible characters'],
    ['a tab inside', 'a\tda', 'contains control or invisible characters'],
    ['a NUL', 'a\u0000da', 'contains control or invisible characters'],
    ['DEL', 'ada\u007f', 'contains control or invisible characters'],
    ['a byte order mark', '\ufeffada', 'contains control or invisible characters'],
    ['a zero-width space', 'a\u200bda', 'contains control or invisible characters'],
    ['a right-to-left override', 'ada\u202e', 'contains control or invisible characters'],
    ['a line separator', 'a\u2028da', 'contains control or invisible characters'],
    ['a paragraph separator', 'a\u2029da', 'contains control or invisible characters'],
    ['a soft hyphen', 'a\u00adda', 'contains control or invisible characters'],
    ['a lone surrogate', 'ada\ud800', 'is not well-formed Unicode'],
    ['a stringified list claim', '[alice bob]', 'is a list, not one username'],
    ['a stringified one-item list', '[alice]', 'is a list, not one username'],
    ['a JSON-encoded list', '["alice"]', 'is a list, not one username'],
  ])('refuses a username with %s', (_case, name, problem) => {
    expect(usernameProblem(name)).toBe(problem);
  });

  it('never quotes the value in its reason', () => {
    const name = ' secret-looking-value ';
    expect(usernameProblem(name)).not.toContain('secret-looking-value');
  });
});
