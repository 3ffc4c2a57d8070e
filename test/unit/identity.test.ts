import { describe, expect, it } from 'vitest';
import { OrgForbiddenError, UnauthenticatedError } from '../../functions/lib/errors.js';
import {
  type CallerIdentity,
  chooseOrg,
  claimValues,
  identityFromClaims,
} from '../../functions/lib/identity.js';
import { testConfig } from '../support/fixtures.js';

const ORG_MAP = '{"acme": 583464508, "beta": 9}';

describe('claimValues', () => {
  it.each([
    ['a single id', '5', ['5']],
    ['a list claim as API Gateway sends it', '[5 9]', ['5', '9']],
    ['a list with repeated spaces', '[acme  beta]', ['acme', 'beta']],
    ['a list with commas', '[acme, beta]', ['acme', 'beta']],
    ['surrounding whitespace', '  acme ', ['acme']],
    ['a real array', ['5', 9], ['5', '9']],
    ['a number', 5, ['5']],
    ['a boolean', true, ['true']],
    ['an empty string', '', []],
    ['an empty list', '[]', []],
    ['a list of blanks', '[  ]', []],
    ['undefined', undefined, []],
    ['null', null, []],
    ['an object', { org: 5 }, []],
  ])('splits %s', (_case, value, expected) => {
    expect(claimValues(value)).toEqual(expected);
  });
});

describe('identityFromClaims', () => {
  it('takes the username from USERNAME_CLAIM', () => {
    // Prepare
    const config = testConfig({ USERNAME_CLAIM: 'preferred_username' });

    // Act
    const identity = identityFromClaims(
      { email: 'other@example.com', preferred_username: 'ada' },
      config,
    );

    // Assess
    expect(identity.username).toBe('ada');
  });

  it('trims the username', () => {
    expect(identityFromClaims({ email: '  ada@example.com ' }, testConfig()).username).toBe(
      'ada@example.com',
    );
  });

  it('refuses a caller without claims as unauthenticated (401)', () => {
    // Act
    const act = () => identityFromClaims(undefined, testConfig());

    // Assess
    expect(act).toThrow(UnauthenticatedError);
    try {
      act();
    } catch (error) {
      expect(error).toMatchObject({ status: 401, code: 'unauthenticated' });
    }
  });

  it.each([
    ['missing', { sub: 'abc' }],
    ['empty', { email: '' }],
    ['blank', { email: '   ' }],
  ])('refuses a %s username claim as unauthenticated, naming the claim', (_case, claims) => {
    // Act
    let caught: unknown;
    try {
      identityFromClaims(claims, testConfig());
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(UnauthenticatedError);
    expect(caught).toMatchObject({ status: 401, code: 'unauthenticated' });
    expect((caught as Error).message).toContain('"email"');
  });

  it('puts the caller in DEFAULT_ORG_ID when the Org claim is absent', () => {
    // Act
    const identity = identityFromClaims(
      { email: 'ada@example.com' },
      testConfig({ DEFAULT_ORG_ID: '42' }),
    );

    // Assess
    expect(identity.orgIds).toEqual([42]);
  });

  it('reads Org ids from ORG_CLAIM, in claim order, without duplicates', () => {
    // Act
    const identity = identityFromClaims(
      { email: 'ada@example.com', orgs: '[9 5 9]' },
      testConfig({ ORG_CLAIM: 'orgs' }),
    );

    // Assess
    expect(identity.orgIds).toEqual([9, 5]);
  });

  it('maps Org names through ORG_MAP', () => {
    // Act
    const identity = identityFromClaims(
      { email: 'ada@example.com', ts_org: '[beta acme]' },
      testConfig({ ORG_MAP }),
    );

    // Assess
    expect(identity.orgIds).toEqual([9, 583464508]);
  });

  it('drops names ORG_MAP does not know and keeps the rest', () => {
    // Act
    const identity = identityFromClaims(
      { email: 'ada@example.com', ts_org: '[unknown acme 12345678901]' },
      testConfig({ ORG_MAP }),
    );

    // Assess
    expect(identity.orgIds).toEqual([583464508]);
  });

  it('refuses a caller whose Org claim names only unknown Orgs (org_forbidden)', () => {
    // Act
    const act = () =>
      identityFromClaims(
        { email: 'ada@example.com', ts_org: '[gamma delta]' },
        testConfig({ ORG_MAP }),
      );

    // Assess
    expect(act).toThrow(OrgForbiddenError);
    expect(act).toThrow(expect.objectContaining({ status: 403, code: 'org_forbidden' }));
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'does not take the prototype key %s for an Org',
    (name) => {
      // Act
      const act = () =>
        identityFromClaims({ email: 'ada@example.com', ts_org: name }, testConfig({ ORG_MAP }));

      // Assess
      expect(act).toThrow(OrgForbiddenError);
    },
  );

  it('keeps real Orgs next to prototype keys in a list claim', () => {
    expect(
      identityFromClaims(
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
      const identity = identityFromClaims(claims, testConfig({ GROUPS_CLAIM: 'groups' }));

      // Assess
      expect(identity.provision).toBeUndefined();
    });

    it('carries the email, display name and groups claims when AUTO_CREATE_USERS is true', () => {
      // Prepare
      const config = testConfig({ AUTO_CREATE_USERS: 'true', GROUPS_CLAIM: 'groups' });

      // Act
      const identity = identityFromClaims(claims, config);

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
      const identity = identityFromClaims({ ...claims, given_name: 'Ada' }, config);

      // Assess
      expect(identity.provision?.displayName).toBe('Ada');
    });

    it('leaves groups undefined when the groups claim is absent, so groups stay untouched', () => {
      // Prepare
      const config = testConfig({ AUTO_CREATE_USERS: 'true', GROUPS_CLAIM: 'groups' });

      // Act
      const identity = identityFromClaims({ email: 'ada@example.com' }, config);

      // Assess
      expect(identity.provision).toBeDefined();
      expect(identity.provision?.groups).toBeUndefined();
      expect(identity.provision && 'groups' in identity.provision).toBe(false);
    });

    it('leaves groups undefined when GROUPS_CLAIM is not configured', () => {
      // Act
      const identity = identityFromClaims(claims, testConfig({ AUTO_CREATE_USERS: 'true' }));

      // Assess
      expect(identity.provision?.groups).toBeUndefined();
    });

    it('sends an empty group list when the groups claim is an empty list', () => {
      // Prepare
      const config = testConfig({ AUTO_CREATE_USERS: 'true', GROUPS_CLAIM: 'groups' });

      // Act
      const identity = identityFromClaims({ email: 'ada@example.com', groups: '[]' }, config);

      // Assess
      expect(identity.provision?.groups).toEqual([]);
    });

    it('omits an email or display name the token does not carry', () => {
      // Prepare
      const config = testConfig({ AUTO_CREATE_USERS: 'true', USERNAME_CLAIM: 'sub' });

      // Act
      const identity = identityFromClaims({ sub: 'ada' }, config);

      // Assess
      expect(identity.provision).toEqual({});
    });
  });
});

describe('chooseOrg', () => {
  const caller: CallerIdentity = { username: 'ada@example.com', orgIds: [9, 583464508] };

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
