import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../functions/lib/errors.js';
import {
  backendBody,
  browserGetOptions,
  browserPostOptions,
  MAX_BODY_BYTES,
  type RequestInput,
  readJsonBody,
  tokenOptions,
} from '../../functions/token/request.js';
import { httpApiEvent } from '../../infra/local/lambda-events.js';
import { thrownAs } from '../support/errors.js';

const OBJECT_ID = 'e65d7d3f-c2b5-4d3e-8cba-7e5a6b9c0d11';

const getEvent = (query: Record<string, string>) =>
  httpApiEvent({ routeKey: 'GET /token', claims: { email: 'ada@example.com' }, query });

const postEvent = (body: unknown, extra: Partial<Parameters<typeof httpApiEvent>[0]> = {}) =>
  httpApiEvent({ routeKey: 'POST /token', claims: { email: 'ada@example.com' }, body, ...extra });

const backendEvent = (body: unknown) =>
  httpApiEvent({ routeKey: 'POST /backend/token', iam: true, body });

/** The InvalidRequestError `act` throws; fails the test when it throws nothing or something else. */
function invalidRequest(act: () => unknown): InvalidRequestError {
  const error = thrownAs(InvalidRequestError, act);
  expect(error).toMatchObject({ status: 400, code: 'invalid_request' });
  return error;
}

describe('browserGetOptions', () => {
  it('takes org_id, object_id and validity_time_in_sec from the query string', () => {
    // Act
    const options = browserGetOptions(
      getEvent({ org_id: '583464508', object_id: OBJECT_ID, validity_time_in_sec: '600' }),
    );

    // Assess
    expect(options).toEqual({ orgId: 583464508, objectId: OBJECT_ID, validitySeconds: 600 });
  });

  it('returns no options for a bare GET, as the Visual Embed SDK sends it', () => {
    expect(browserGetOptions(httpApiEvent({ routeKey: 'GET /token' }))).toEqual({});
  });

  it.each([
    ['a negative org_id', { org_id: '-1' }],
    ['a decimal org_id', { org_id: '1.5' }],
    ['an org_id beyond 32 bits', { org_id: '2147483648' }],
    ['a name as org_id', { org_id: 'acme' }],
    ['a zero validity', { validity_time_in_sec: '0' }],
    ['an object_id with a slash', { object_id: '../../etc' }],
  ])('refuses %s', (_case, query) => {
    invalidRequest(() => browserGetOptions(getEvent(query)));
  });

  it.each(['username', 'groups', 'email', 'auto_create', 'secret_key'])(
    'refuses %s from the browser: it never chooses who it is',
    (field) => {
      // Act
      const error = invalidRequest(() => browserGetOptions(getEvent({ [field]: 'x' })));

      // Assess
      expect(error.message).toContain(field);
    },
  );
});

describe('browserPostOptions', () => {
  it('takes the options from a JSON body', () => {
    // Act
    const options = browserPostOptions(
      postEvent({ org_id: 9, object_id: OBJECT_ID, validity_time_in_sec: 120 }),
    );

    // Assess
    expect(options).toEqual({ orgId: 9, objectId: OBJECT_ID, validitySeconds: 120 });
  });

  it('accepts an empty body', () => {
    expect(browserPostOptions(postEvent(undefined))).toEqual({});
  });

  it('accepts a base64-encoded JSON body', () => {
    expect(browserPostOptions(postEvent({ org_id: 9 }, { isBase64Encoded: true }))).toEqual({
      orgId: 9,
    });
  });

  it('accepts application/json with a charset and +json types', () => {
    const withCharset = postEvent(
      { org_id: 9 },
      { headers: { 'Content-Type': 'application/json; charset=utf-8' } },
    );
    const vendorJson = postEvent(
      { org_id: 9 },
      { headers: { 'content-type': 'application/vnd.api+json' } },
    );

    expect(browserPostOptions(withCharset)).toEqual({ orgId: 9 });
    expect(browserPostOptions(vendorJson)).toEqual({ orgId: 9 });
  });

  it.each([
    ['username', { username: 'admin' }],
    ['groups', { groups: ['admins'] }],
    ['an unknown field', { colour: 'blue' }],
  ])('refuses %s in the body', (_case, body) => {
    invalidRequest(() => browserPostOptions(postEvent(body)));
  });

  it.each([
    ['a string org_id', { org_id: '9' }],
    ['a decimal validity', { validity_time_in_sec: 1.5 }],
    ['a JSON array', [1, 2]],
    ['JSON null', null],
  ])('refuses %s', (_case, body) => {
    invalidRequest(() => browserPostOptions(postEvent(body)));
  });

  it('refuses malformed JSON with 400', () => {
    // Act
    const error = invalidRequest(() => browserPostOptions(postEvent('{"org_id": 9')));

    // Assess
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('refuses a body that is not JSON by content type', () => {
    // Act
    const error = invalidRequest(() =>
      browserPostOptions(postEvent('org_id=9', { headers: { 'content-type': 'text/plain' } })),
    );

    // Assess
    expect(error.message).toMatch(/must be JSON/);
  });

  it('refuses a form-encoded body', () => {
    invalidRequest(() =>
      browserPostOptions(
        postEvent('org_id=9', {
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      ),
    );
  });

  it('refuses a query string on POST', () => {
    // Prepare
    const event = postEvent({ org_id: 9 }, { query: { org_id: '9' } });

    // Act
    const error = invalidRequest(() => browserPostOptions(event));

    // Assess
    expect(error.message).toMatch(/query string/);
  });
});

describe('readJsonBody', () => {
  const paddedObject = (bytes: number) => {
    const skeleton = JSON.stringify({ pad: '' });
    return JSON.stringify({ pad: 'x'.repeat(bytes - skeleton.length) });
  };

  it('accepts a body of exactly MAX_BODY_BYTES', () => {
    // Prepare
    const body = paddedObject(MAX_BODY_BYTES);

    // Act
    const value = readJsonBody({ body });

    // Assess
    expect(body).toHaveLength(MAX_BODY_BYTES);
    expect(value).toEqual(JSON.parse(body));
  });

  it('refuses a body over MAX_BODY_BYTES with 400', () => {
    // Act
    const error = invalidRequest(() => readJsonBody({ body: paddedObject(MAX_BODY_BYTES + 1) }));

    // Assess
    expect(error.message).toMatch(/larger than/);
  });

  it('counts bytes, not characters', () => {
    // Prepare: 3 bytes per character in UTF-8
    const body = JSON.stringify({ pad: '€'.repeat(Math.ceil(MAX_BODY_BYTES / 3)) });

    // Act + Assess
    expect(body.length).toBeLessThan(MAX_BODY_BYTES);
    invalidRequest(() => readJsonBody({ body }));
  });

  it('accepts a base64 body that decodes to exactly MAX_BODY_BYTES (padding is not counted)', () => {
    // Prepare: 8192 bytes is not a multiple of 3, so the encoding ends in '=' padding.
    const body = Buffer.from(paddedObject(MAX_BODY_BYTES)).toString('base64');
    expect(body.endsWith('=')).toBe(true);

    // Act + Assess
    expect(readJsonBody({ body, isBase64Encoded: true })).toMatchObject({
      pad: expect.any(String),
    });
  });

  it('refuses a base64 body that decodes to more than MAX_BODY_BYTES', () => {
    // Prepare
    const body = Buffer.from(paddedObject(MAX_BODY_BYTES + 16)).toString('base64');

    // Act
    const error = invalidRequest(() => readJsonBody({ body, isBase64Encoded: true }));

    // Assess
    expect(error.message).toMatch(/larger than/);
  });

  it('refuses an oversize body before looking at its content type', () => {
    // Prepare
    const input: RequestInput = {
      body: 'x'.repeat(MAX_BODY_BYTES * 4),
      headers: { 'content-type': 'text/plain' },
    };

    // Act
    const error = invalidRequest(() => readJsonBody(input));

    // Assess
    expect(error.message).toMatch(/larger than/);
  });

  it('treats a body without a content type as JSON', () => {
    expect(readJsonBody({ body: '{"org_id": 1}' })).toEqual({ org_id: 1 });
  });
});

describe('backendBody', () => {
  it('reads the user, Org and provisioning details verbatim, spaces included', () => {
    // Act
    const body = backendBody(
      backendEvent({
        username: ' ada@example.com',
        org_id: 9,
        email: 'ada@example.com',
        display_name: ' Ada Lovelace ',
        groups: ['analysts ', 'finance'],
      }),
    );

    // Assess: identity.ts applies the username rule; nothing is rewritten here.
    expect(body).toEqual({
      username: ' ada@example.com',
      org_id: 9,
      email: 'ada@example.com',
      display_name: ' Ada Lovelace ',
      groups: ['analysts ', 'finance'],
    });
  });

  it('passes org_id, object_id and validity_time_in_sec on as options', () => {
    // Act
    const options = tokenOptions(
      backendBody(
        backendEvent({
          username: 'ada@example.com',
          org_id: 0,
          object_id: OBJECT_ID,
          validity_time_in_sec: 60,
        }),
      ),
    );

    // Assess
    expect(options).toEqual({ orgId: 0, objectId: OBJECT_ID, validitySeconds: 60 });
  });

  it.each([
    ['username missing', { org_id: 9 }],
    ['a username that is not a string', { username: ['ada'], org_id: 9 }],
    ['org_id missing', { username: 'ada@example.com' }],
    ['an unknown field', { username: 'ada', org_id: 9, secret_key: 'x' }],
    ['groups that are not a list', { username: 'ada', org_id: 9, groups: 'admins' }],
    ['an empty group name', { username: 'ada', org_id: 9, groups: [''] }],
  ])('refuses a body with %s', (_case, body) => {
    invalidRequest(() => backendBody(backendEvent(body)));
  });

  it('refuses an empty body', () => {
    invalidRequest(() => backendBody(backendEvent(undefined)));
  });
});

describe('error messages', () => {
  it('stay short and do not echo a huge unknown field name', () => {
    // Prepare
    const hugeName = `field_${'A'.repeat(5000)}`;

    // Act
    const error = invalidRequest(() => browserGetOptions(getEvent({ [hugeName]: '1' })));

    // Assess
    expect(error.message.length).toBeLessThanOrEqual(400);
    expect(error.message).not.toContain('A'.repeat(100));
  });

  it('stay short with many unknown fields', () => {
    // Prepare
    const query = Object.fromEntries(
      Array.from({ length: 200 }, (_, index) => [`unknown_field_${index}`, '1']),
    );

    // Act
    const error = invalidRequest(() => browserGetOptions(getEvent(query)));

    // Assess
    expect(error.message.length).toBeLessThanOrEqual(400);
  });

  it('do not echo a bad value', () => {
    // Prepare
    const value = `not-a-guid/${'Z'.repeat(200)}`;

    // Act
    const error = invalidRequest(() => browserGetOptions(getEvent({ object_id: value })));

    // Assess
    expect(error.message).toContain('object_id');
    expect(error.message).not.toContain('ZZZZ');
  });

  it('do not echo the body of malformed JSON', () => {
    // Act
    const error = invalidRequest(() =>
      browserPostOptions(postEvent('{"org_id": SECRET-LOOKING-TEXT')),
    );

    // Assess
    expect(error.message).not.toContain('SECRET-LOOKING-TEXT');
  });
});
