import { describe, expect, it } from 'vitest';
import { UnauthenticatedError } from '../../functions/lib/errors.js';
import { fromClaims, testConfig } from '../support/fixtures.js';

/** What a JWT caller's claims provision in ThoughtSpot when AUTO_CREATE_USERS is on (SPEC §4). */

describe('callerFromJwt provisioning users (AUTO_CREATE_USERS)', () => {
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
      policyClaims: claims,
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
    expect(identity.provision).toStrictEqual({ email: 'ada@example.com' });
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
