import { describe, expect, it } from 'vitest';
import { readClaimList, readClaimValue } from '../../functions/lib/claims.js';

describe('readClaimList', () => {
  it.each([
    ['a single value', '5', ['5']],
    ['a list as API Gateway sends it', '[5 9]', ['5', '9']],
    ['a list with repeated spaces', '[acme  beta]', ['acme', 'beta']],
    ['a JSON-encoded list', '["Sales Team","finance"]', ['Sales Team', 'finance']],
    [
      'numbers in a list claim, as written',
      '[1.50 12345678901234567890]',
      ['1.50', '12345678901234567890'],
    ],
    ['a one-item list of a number, as written', '[1e3]', ['1e3']],
    ['a real array', ['5', 9], ['5', '9']],
    ['a number, as its decimal text', 5, ['5']],
    ['a value with surrounding spaces, verbatim', '  acme ', ['  acme ']],
    ['a value with upper case, verbatim', 'ACME', ['ACME']],
    ['an empty string', '', []],
    ['an empty list', '[]', []],
    ['a list of blanks', '[  ]', []],
  ])('reads %s', (_case, value, expected) => {
    expect(readClaimList({ claim: value }, 'claim')).toEqual({ kind: 'values', values: expected });
  });

  it.each([
    ['a JSON list holding an object', '[{"org":5}]', ['{"org":5}']],
    ['a JSON list holding null', '[null]', ['null']],
    ['a JSON list holding true', '[true]', ['true']],
  ])('reads %s as API Gateway text, never as JSON values', (_case, value, expected) => {
    expect(readClaimList({ claim: value }, 'claim')).toEqual({ kind: 'values', values: expected });
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
  ])('reads %s as absent', (_case, value) => {
    expect(readClaimList({ claim: value }, 'claim')).toEqual({ kind: 'absent' });
  });

  it('reads a claim the token does not have as absent, prototype names included', () => {
    expect(readClaimList({}, 'claim')).toEqual({ kind: 'absent' });
    expect(readClaimList({}, 'constructor')).toEqual({ kind: 'absent' });
  });

  it.each([
    ['an object', { org: 5 }],
    ['a boolean', true],
    ['a list of objects', [{ org: 5 }]],
    ['a nested list', [['5']]],
    ['a number that is not finite', Number.NaN],
  ])('refuses %s as the wrong type', (_case, value) => {
    expect(readClaimList({ claim: value }, 'claim')).toEqual({ kind: 'wrong_type' });
  });
});

describe('readClaimValue', () => {
  it.each([
    ['a string, verbatim', ' Ada ', ' Ada '],
    ['a number, as its decimal text', 42, '42'],
    ['a list-looking string, as the string it is', '[a b]', '[a b]'],
    ['an empty string', '', ''],
  ])('reads %s', (_case, value, expected) => {
    expect(readClaimValue({ claim: value }, 'claim')).toEqual({ kind: 'value', value: expected });
  });

  it.each([
    ['an object', { a: 1 }],
    ['a real list where one value is expected', ['ada']],
    ['a boolean', false],
  ])('refuses %s as the wrong type', (_case, value) => {
    expect(readClaimValue({ claim: value }, 'claim')).toEqual({ kind: 'wrong_type' });
  });

  it('reads a missing or null claim as absent', () => {
    expect(readClaimValue({}, 'claim')).toEqual({ kind: 'absent' });
    expect(readClaimValue({ claim: null }, 'claim')).toEqual({ kind: 'absent' });
  });
});
