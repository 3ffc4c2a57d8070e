import { describe, expect, it } from 'vitest';
import { headerValue } from '../../functions/lib/headers.js';
import { readJsonBody } from '../../functions/token/request.js';
import { wantsJson } from '../../functions/token/responses.js';

describe('headerValue', () => {
  it.each(['accept', 'Accept', 'ACCEPT', 'aCcEpT'])('finds a header sent as %s', (name) => {
    expect(headerValue({ [name]: 'application/json' }, 'Accept')).toBe('application/json');
  });

  it('finds nothing when the header is absent or there are no headers', () => {
    expect(headerValue({ 'content-type': 'text/plain' }, 'accept')).toBeUndefined();
    expect(headerValue(undefined, 'accept')).toBeUndefined();
    expect(headerValue(null, 'accept')).toBeUndefined();
  });
});

describe('headers are matched whatever the case of their names', () => {
  it('Accept: application/json asks for JSON in any case', () => {
    expect(wantsJson({ Accept: 'application/json' })).toBe(true);
    expect(wantsJson({ ACCEPT: 'application/json' })).toBe(true);
    expect(wantsJson({ Accept: 'text/plain' })).toBe(false);
  });

  it('Content-Type in any case decides whether a body is JSON', () => {
    const body = '{"org_id": 1}';
    expect(readJsonBody({ body, headers: { 'Content-Type': 'application/json' } })).toEqual({
      org_id: 1,
    });
    expect(() => readJsonBody({ body, headers: { 'CONTENT-TYPE': 'text/plain' } })).toThrow(
      'The body must be JSON (Content-Type: application/json).',
    );
  });
});
