import { describe, expect, it } from 'vitest';
import {
  InvalidRequestError,
  OrgForbiddenError,
  UnauthenticatedError,
} from '../../functions/lib/errors.js';
import { type Caller, callerFromBackend, chooseOrg } from '../../functions/lib/identity.js';
import { iamCaller } from '../../infra/local/lambda-events.js';
import { thrown } from '../support/errors.js';

/** The trusted backend's caller (POST /backend/token), and the Org a caller's request gets. */
describe('callerFromBackend', () => {
  const body = { username: 'ada@example.com', org_id: 5 };

  it('names the user and the one Org the trusted backend asked for', () => {
    expect(callerFromBackend({ iam: iamCaller() }, () => body).caller).toEqual({
      username: 'ada@example.com',
      orgIds: [5],
      policyClaims: {},
    });
  });

  it("gives a token policy the backend's attributes, and notes that they were sent", () => {
    // Act
    const { caller } = callerFromBackend({ iam: iamCaller() }, () => ({
      ...body,
      attributes: { region: ['EMEA', 'APAC'] },
    }));

    // Assess
    expect(caller.policyClaims).toEqual({ region: ['EMEA', 'APAC'] });
    expect(caller.sentAttributes).toBe(true);
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
  const caller: Caller = {
    username: 'ada@example.com',
    orgIds: [9, 583464508],
    policyClaims: {},
  };

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
    expect(() => chooseOrg({ username: 'ada', orgIds: [], policyClaims: {} }, undefined)).toThrow(
      OrgForbiddenError,
    );
  });
});
