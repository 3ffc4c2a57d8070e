import { describe, expect, it } from 'vitest';
import type { Config } from '../../functions/lib/config.js';
import {
  InvalidRequestError,
  OrgForbiddenError,
  UnauthenticatedError,
} from '../../functions/lib/errors.js';
import {
  type Caller,
  callerFromBackend,
  callerFromJwt,
  chooseOrg,
} from '../../functions/lib/identity.js';
import { iamCaller } from '../../infra/local/lambda-events.js';
import { thrown, thrownAs } from '../support/errors.js';
import { testConfig } from '../support/fixtures.js';

const ORG_MAP = '{"acme": 583464508, "beta": 9}';

/** The browser routes' caller for these claims, as the JWT authorizer hands them over. */
const fromClaims = (claims: Record<string, unknown> | undefined, config: Config) =>
  callerFromJwt(claims === undefined ? {} : { jwt: { claims } }, config);

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

  describe('provisioning', () => {
    const claims = {
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      groups: '[analysts finance]',
    };

    it('is absent when AUTO_CREATE_USERS is false', () => {
      // Act
      const identity = fromClaims(claims, testConfig({ GROUPS_CLAIM: 'groups' }));

      // Assess
      expect(identity.provision).toBeUndefined();
    });

    it('carries the email, display name and groups claims when AUTO_CREATE_USERS is true', () => {
      // Prepare
      const config = testConfig({ AUTO_CREATE_USERS: 'true', GROUPS_CLAIM: 'groups' });

      // Act
      const identity = fromClaims(claims, config);

      // Assess
      expect(identity).toEqual({
        username: 'ada@example.com',
        orgIds: [0],
        provision: {
          email: 'ada@example.com',
          displayName: 'Ada Lovelace',
          groups: ['analysts', 'finance'],
        },
      });
    });

    it('reads the display name from DISPLAY_NAME_CLAIM', () => {
      // Prepare
      const config = testConfig({ AUTO_CREATE_USERS: 'true', DISPLAY_NAME_CLAIM: 'given_name' });

      // Act
      const identity = fromClaims({ ...claims, given_name: 'Ada' }, config);

      // Assess
      expect(identity.provision?.displayName).toBe('Ada');
    });

    it('leaves groups undefined when the groups claim is absent, so groups stay untouched', () => {
      // Prepare
      const config = testConfig({ AUTO_CREATE_USERS: 'true', GROUPS_CLAIM: 'groups' });

      // Act
      const identity = fromClaims({ email: 'ada@example.com' }, config);

      // Assess
      expect(identity.provision).toBeDefined();
      expect(identity.provision?.groups).toBeUndefined();
      expect(identity.provision && 'groups' in identity.provision).toBe(false);
    });

    it('leaves groups undefined when GROUPS_CLAIM is not configured', () => {
      // Act
      const identity = fromClaims(claims, testConfig({ AUTO_CREATE_USERS: 'true' }));

      // Assess
      expect(identity.provision?.groups).toBeUndefined();
    });

    it('sends an empty group list when the groups claim is an empty list', () => {
      // Prepare
      const config = testConfig({ AUTO_CREATE_USERS: 'true', GROUPS_CLAIM: 'groups' });

      // Act
      const identity = fromClaims({ email: 'ada@example.com', groups: '[]' }, config);

      // Assess
      expect(identity.provision?.groups).toEqual([]);
    });

    it('reads a JSON-encoded groups claim as group names, without quotes', () => {
      // Prepare
      const config = testConfig({ AUTO_CREATE_USERS: 'true', GROUPS_CLAIM: 'groups' });

      // Act
      const caller = fromClaims(
        { email: 'ada@example.com', groups: '["Sales Team","finance"]' },
        config,
      );

      // Assess
      expect(caller.provision?.groups).toEqual(['Sales Team', 'finance']);
    });

    it('takes the email and display name claims verbatim', () => {
      // Prepare
      const config = testConfig({ AUTO_CREATE_USERS: 'true' });

      // Act
      const caller = fromClaims({ email: 'ada@example.com', name: ' Ada  Lovelace ' }, config);

      // Assess
      expect(caller.provision).toEqual({
        email: 'ada@example.com',
        displayName: ' Ada  Lovelace ',
      });
    });

    it('refuses a groups claim of the wrong type', () => {
      const config = testConfig({ AUTO_CREATE_USERS: 'true', GROUPS_CLAIM: 'groups' });
      expect(() => fromClaims({ email: 'ada@example.com', groups: { a: 1 } }, config)).toThrow(
        UnauthenticatedError,
      );
    });

    it('omits an email or display name the token does not carry', () => {
      // Prepare
      const config = testConfig({ AUTO_CREATE_USERS: 'true', USERNAME_CLAIM: 'sub' });

      // Act
      const identity = fromClaims({ sub: 'ada' }, config);

      // Assess
      expect(identity.provision).toEqual({});
    });
  });
});

describe('callerFromBackend', () => {
  const body = { username: 'ada@example.com', org_id: 5 };

  it('names the user and the one Org the trusted backend asked for', () => {
    expect(callerFromBackend({ iam: iamCaller() }, () => body).caller).toEqual({
      username: 'ada@example.com',
      orgIds: [5],
    });
  });

  it('refuses a caller API Gateway did not verify with IAM (401), before reading the body', () => {
    for (const authorizer of [undefined, {}, { jwt: { claims: { email: 'ada@example.com' } } }]) {
      let bodyRead = false;
      const error = thrown(() =>
        callerFromBackend(authorizer, () => {
          bodyRead = true;
          return body;
        }),
      );
      expect(error).toBeInstanceOf(UnauthenticatedError);
      expect((error as Error).message).toBe('This route needs IAM authorization.');
      expect(bodyRead).toBe(false);
    }
  });

  it('refuses a username the username rule refuses, as invalid_request (400)', () => {
    // Act
    const error = thrown(() =>
      callerFromBackend({ iam: iamCaller() }, () => ({
        ...body,
        username: ' ada@example.com',
      })),
    );

    // Assess
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toBe(
      'Invalid request: username has leading or trailing whitespace.',
    );
  });

  it('asks for provisioning when the body names any provisioning detail, verbatim', () => {
    // Act
    const { caller } = callerFromBackend({ iam: iamCaller() }, () => ({
      ...body,
      email: 'ada@example.com',
      display_name: ' Ada ',
      groups: [' sales'],
    }));

    // Assess
    expect(caller.provision).toEqual({
      email: 'ada@example.com',
      displayName: ' Ada ',
      groups: [' sales'],
    });
  });

  it('keeps an empty group list, which removes the user from every group', () => {
    const { caller } = callerFromBackend({ iam: iamCaller() }, () => ({ ...body, groups: [] }));
    expect(caller.provision).toEqual({ groups: [] });
  });
});

describe('chooseOrg', () => {
  const caller: Caller = { username: 'ada@example.com', orgIds: [9, 583464508] };

  it("defaults to the caller's first Org", () => {
    expect(chooseOrg(caller, undefined)).toBe(9);
  });

  it('returns the requested Org when the caller belongs to it', () => {
    expect(chooseOrg(caller, 583464508)).toBe(583464508);
  });

  it('refuses an Org the caller does not belong to (org_forbidden)', () => {
    // Act
    const act = () => chooseOrg(caller, 0);

    // Assess
    expect(act).toThrow(OrgForbiddenError);
    expect(act).toThrow(expect.objectContaining({ status: 403, code: 'org_forbidden' }));
  });

  it('refuses a caller with no Orgs at all', () => {
    expect(() => chooseOrg({ username: 'ada', orgIds: [] }, undefined)).toThrow(OrgForbiddenError);
  });
});
