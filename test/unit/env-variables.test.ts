import { describe, expect, it } from 'vitest';
import {
  optional,
  readVariables,
  required,
  withDefault,
} from '../../functions/lib/env-variables.js';

// How both functions read their environment variables (SPEC §4): every problem named
// at once, "" taken as unset, defaults as text read like a set value.

const number = (text: string, refuse: (message: string) => never) =>
  /^\d+$/.test(text) ? Number(text) : refuse('must be digits');

const VARIABLES = {
  HOST: required((text) => text),
  SIZE: withDefault('12', number),
  NAME: optional((text) => text.toUpperCase()),
};

describe('readVariables', () => {
  it('reads set variables, applies defaults through the same reader, and leaves optional ones undefined', () => {
    expect(readVariables(VARIABLES, { HOST: 'h', SIZE: '3', NAME: 'ab' })).toEqual({
      values: { HOST: 'h', SIZE: 3, NAME: 'AB' },
      problems: [],
    });
    expect(readVariables(VARIABLES, { HOST: 'h' })).toEqual({
      values: { HOST: 'h', SIZE: 12, NAME: undefined },
      problems: [],
    });
  });

  it('treats an empty string as unset', () => {
    expect(readVariables(VARIABLES, { HOST: 'h', SIZE: '', NAME: '' }).values).toEqual({
      HOST: 'h',
      SIZE: 12,
      NAME: undefined,
    });
    expect(readVariables(VARIABLES, { HOST: '' }).problems).toEqual(['HOST is required']);
  });

  it('names every bad variable, in the table order, and returns no values', () => {
    expect(readVariables(VARIABLES, { SIZE: 'big' })).toEqual({
      values: undefined,
      problems: ['HOST is required', 'SIZE must be digits'],
    });
  });

  it('ignores variables the table does not name', () => {
    expect(readVariables(VARIABLES, { HOST: 'h', PATH: '/bin' }).values).not.toHaveProperty('PATH');
  });

  it('lets a reader error that is not a refusal through', () => {
    const broken = { X: required(() => JSON.parse('{')) };

    expect(() => readVariables(broken, { X: 'x' })).toThrow(SyntaxError);
  });

  it('shows each default as the README writes it', () => {
    expect([VARIABLES.HOST.shown, VARIABLES.SIZE.shown, VARIABLES.NAME.shown]).toEqual([
      'required',
      '12',
      'unset',
    ]);
  });
});
