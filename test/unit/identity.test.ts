import { describe, expect, it } from 'vitest';
import { OrgForbiddenError, UnauthenticatedError } from '../../functions/lib/errors.js';
import { thrown, thrownAs } from '../support/errors.js';
import { fromClaims, testConfig } from '../support/fixtures.js';

const ORG_MAP = '{"acme": 583464508, "beta": 9}';

describe('callerFromJwt', () => {
  it('takes the username from USERNAME_CLAIM', () => {
    // Prepare
    const config = testConfig({ USERNAME_CLAIM: 'preferred_username' });

    // Act
    const identity = fromClaims({ email: 'other@example.com', preferred_username: 'ada' }, config);

    // Assess
    expect(identity.username).toBe('ada');
  });

  it.each([
    ['leading and trailing spaces', '  ada@example.com '],
    ['a trailing newline', 'ada@example.com\n'],
    ['a no-break space', '\u00a0ada@example.com'],
    ['a byte order mark', '\ufeffada@example.com'],
  ])('refuses a username claim with %s instead of trimming it', (_case, username) => {
    // Act
    const error = thrown(() => fromClaims({ email: username }, testConfig()));

    // Assess
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect((error as Error).message).toContain('"email" claim is not a usable username');
  });

  it('refuses a username claim of the wrong type (an object or a real list)', () => {
    for (const email of [{ name: 'ada' }, ['ada@example.com'], true]) {
      const error = thrown(() => fromClaims({ email }, testConfig()));
      expect(error).toBeInstanceOf(UnauthenticatedError);
      expect((error as Error).message).toBe(
        'The verified token\'s "email" claim has the wrong type.',
      );
    }
  });

  it('refuses API Gateway\'s stringified list "[alice bob]" as a username', () => {
    expect(() => fromClaims({ email: '[alice bob]' }, testConfig())).toThrow(UnauthenticatedError);
  });

  it('refuses a caller without claims as unauthenticated (401)', () => {
    // Act
    const act = () => fromClaims(undefined, testConfig());

    // Assess
    expect(thrownAs(UnauthenticatedError, act)).toMatchObject({
      status: 401,
      code: 'unauthenticated',
    });
  });

  it.each([
    ['missing', { sub: 'abc' }],
    ['empty', { email: '' }],
    ['blank', { email: '   ' }],
    ['null', { email: null }],
  ])('refuses a %s username claim as unauthenticated, naming the claim', (_case, claims) => {
    // Act
    const caught = thrownAs(UnauthenticatedError, () => fromClaims(claims, testConfig()));

    // Assess
    expect(caught).toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(caught.message).toContain('"email"');
  });

  it('puts the caller in DEFAULT_ORG_ID when the Org claim is absent', () => {
    // Act
    const identity = fromClaims({ email: 'ada@example.com' }, testConfig({ DEFAULT_ORG_ID: '42' }));

    // Assess
    expect(identity.orgIds).toEqual([42]);
  });

  it('gives a token policy the verified claims, and nothing from the request', () => {
    // Prepare
    const claims = { email: 'ada@example.com', region: '[EMEA APAC]' };

    // Act
    const caller = fromClaims(claims, testConfig());

    // Assess
    expect(caller.policyClaims).toBe(claims);
    expect(caller.sentAttributes).toBeUndefined();
  });

  it('reads Org ids from ORG_CLAIM, in claim order, without duplicates', () => {
    // Act
    const identity = fromClaims(
      { email: 'ada@example.com', orgs: '[9 5 9]' },
      testConfig({ ORG_CLAIM: 'orgs' }),
    );

    // Assess
    expect(identity.orgIds).toEqual([9, 5]);
  });

  it('maps Org names through ORG_MAP', () => {
    // Act
    const identity = fromClaims(
      { email: 'ada@example.com', ts_org: '[beta acme]' },
      testConfig({ ORG_MAP }),
    );

    // Assess
    expect(identity.orgIds).toEqual([9, 583464508]);
  });

  it('drops names ORG_MAP does not know and keeps the rest', () => {
    // Act
    const identity = fromClaims(
      { email: 'ada@example.com', ts_org: '[unknown acme 12345678901]' },
      testConfig({ ORG_MAP }),
    );

    // Assess
    expect(identity.orgIds).toEqual([583464508]);
  });

  it('refuses a caller whose Org claim names only unknown Orgs (org_forbidden)', () => {
    // Act
    const act = () =>
      fromClaims({ email: 'ada@example.com', ts_org: '[gamma delta]' }, testConfig({ ORG_MAP }));

    // Assess
    expect(act).toThrow(OrgForbiddenError);
    expect(act).toThrow(expect.objectContaining({ status: 403, code: 'org_forbidden' }));
  });

  it.each([
    ['an object', { id: 5 }],
    ['a list of objects', [{ id: 5 }]],
    ['a nested list', [['5']]],
  ])('refuses an Org claim that is %s instead of using the default Org', (_case, ts_org) => {
    // Act
    const error = thrown(() => fromClaims({ email: 'ada@example.com', ts_org }, testConfig()));

    // Assess
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect((error as Error).message).toContain('"ts_org" claim has the wrong type');
  });

  it('reads a JSON-encoded list claim as its items', () => {
    expect(
      fromClaims({ email: 'ada@example.com', ts_org: '["beta", "5"]' }, testConfig({ ORG_MAP }))
        .orgIds,
    ).toEqual([9, 5]);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'does not take the prototype key %s for an Org',
    (name) => {
      // Act
      const act = () =>
        fromClaims({ email: 'ada@example.com', ts_org: name }, testConfig({ ORG_MAP }));

      // Assess
      expect(act).toThrow(OrgForbiddenError);
    },
  );

  it('keeps real Orgs next to prototype keys in a list claim', () => {
    expect(
      fromClaims(
        { email: 'ada@example.com', ts_org: '[constructor beta __proto__]' },
        testConfig({ ORG_MAP }),
      ).orgIds,
    ).toEqual([9]);
  });
});
