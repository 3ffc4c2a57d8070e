import { describe, expect, it } from 'vitest';
import {
  OrgForbiddenError,
  OrgNotConfiguredError,
  ThoughtSpotError,
} from '../../functions/lib/errors.js';
import { newRequestTrace } from '../../functions/lib/request-trace.js';
import type { TokenOptions } from '../../functions/token/request.js';
import { rejection } from '../support/errors.js';
import { fakeKey } from '../support/fixtures.js';
import { fakeMintToken, fakeSecretKeys, minted, orgKey } from '../support/issue-token-fakes.js';
import { caller, issue } from '../support/issue-token-use-case.js';

const OBJECT_ID = 'e65d7d3f-c2b5-4d3e-8cba-7e5a6b9c0d11';

describe('issueToken', () => {
  it("mints with the Org's own key for the caller's first Org", async () => {
    // Prepare
    const key = orgKey();
    const secretKeys = fakeSecretKeys(key);
    const mint = fakeMintToken(minted);
    const trace = newRequestTrace();

    // Act
    const token = await issue(secretKeys.port, mint.port, {}, caller(), trace);

    // Assess
    expect(token).toEqual({
      token: 'token-for-ada@example.com',
      expiresAtMillis: 1_900_000_000_000,
      orgId: 7,
      username: 'ada@example.com',
      tokenType: 'full',
    });
    expect(secretKeys.keyForCalls).toEqual([7]);
    expect(mint.calls.map((call) => call.request)).toEqual([
      { username: 'ada@example.com', orgId: 7, secretKey: key.key, validitySeconds: 300 },
    ]);
    expect(trace).toEqual({
      orgId: 7,
      keySource: 'own',
      cache: 'hit',
      upstream: { attempts: 1 },
    });
  });

  it('mints for the requested Org when the caller belongs to it', async () => {
    // Prepare
    const secretKeys = fakeSecretKeys(orgKey({ keyOrgId: 9 }));
    const mint = fakeMintToken(minted);

    // Act
    await issue(secretKeys.port, mint.port, { orgId: 9 });

    // Assess
    expect(secretKeys.keyForCalls).toEqual([9]);
    expect(mint.calls[0]?.request.orgId).toBe(9);
  });

  it("records a fallback to Org 0's key, and still names the caller's Org", async () => {
    // Prepare
    const primary = orgKey({ key: fakeKey('org0'), keyOrgId: 0, fallback: true, cache: 'miss' });
    const mint = fakeMintToken(minted);
    const trace = newRequestTrace();

    // Act
    await issue(fakeSecretKeys(primary).port, mint.port, {}, caller(), trace);

    // Assess
    expect(trace).toMatchObject({ orgId: 7, keySource: 'fallback', cache: 'miss' });
    expect(mint.calls[0]?.request).toMatchObject({ orgId: 7, secretKey: primary.key });
  });

  it('fills the upstream trace through the mint port', async () => {
    // Prepare
    const mint = fakeMintToken(minted);
    const trace = newRequestTrace();

    // Act
    await issue(fakeSecretKeys(orgKey()).port, mint.port, {}, caller(), trace);

    // Assess
    expect(mint.calls[0]?.trace).toBe(trace.upstream);
  });

  describe('validity', () => {
    it.each([
      ['the default when none is asked for', undefined, 300],
      ['the asked validity below the maximum', 1200, 1200],
      ['the maximum when more is asked for', 100_000, 3600],
      ['the maximum when exactly that is asked for', 3600, 3600],
    ])('uses %s', async (_case, asked, expected) => {
      // Prepare
      const mint = fakeMintToken(minted);
      const options: TokenOptions = asked === undefined ? {} : { validitySeconds: asked };

      // Act
      await issue(fakeSecretKeys(orgKey()).port, mint.port, options);

      // Assess
      expect(mint.calls[0]?.request.validitySeconds).toBe(expected);
    });
  });

  it('asks for an object token when object_id is given', async () => {
    // Prepare
    const mint = fakeMintToken(minted);

    // Act
    const token = await issue(fakeSecretKeys(orgKey()).port, mint.port, { objectId: OBJECT_ID });

    // Assess
    expect(mint.calls[0]?.request.objectId).toBe(OBJECT_ID);
    expect(token.tokenType).toBe('object');
  });

  it('passes provisioning details through to ThoughtSpot', async () => {
    // Prepare
    const provision = { email: 'ada@example.com', displayName: 'Ada', groups: ['analysts'] };
    const mint = fakeMintToken(minted);

    // Act
    await issue(fakeSecretKeys(orgKey()).port, mint.port, {}, caller({ provision }));

    // Assess
    expect(mint.calls[0]?.request.provision).toEqual(provision);
  });

  it('asks for no provisioning when the identity carries none', async () => {
    // Prepare
    const mint = fakeMintToken(minted);

    // Act
    await issue(fakeSecretKeys(orgKey()).port, mint.port);

    // Assess
    expect(mint.calls[0]?.request).not.toHaveProperty('provision');
    expect(mint.calls[0]?.request).not.toHaveProperty('objectId');
  });

  it('refuses an Org the caller does not belong to, before reading a key or calling ThoughtSpot', async () => {
    // Prepare
    const secretKeys = fakeSecretKeys(orgKey());
    const mint = fakeMintToken(minted);

    // Act
    const error = await rejection(issue(secretKeys.port, mint.port, { orgId: 0 }));

    // Assess
    expect(error).toBeInstanceOf(OrgForbiddenError);
    expect(error).toMatchObject({ status: 403, code: 'org_forbidden' });
    expect(secretKeys.keyForCalls).toEqual([]);
    expect(mint.calls).toHaveLength(0);
  });

  it('passes a key lookup failure on without calling ThoughtSpot', async () => {
    // Prepare
    const mint = fakeMintToken(minted);

    // Act
    const error = await rejection(
      issue(fakeSecretKeys(new OrgNotConfiguredError()).port, mint.port),
    );

    // Assess
    expect(error).toBeInstanceOf(OrgNotConfiguredError);
    expect(mint.calls).toHaveLength(0);
  });

  it('passes a ThoughtSpot failure on without refetching the key', async () => {
    // Prepare
    const secretKeys = fakeSecretKeys(orgKey(), orgKey({ key: fakeKey('new') }));
    const mint = fakeMintToken(() => {
      throw new ThoughtSpotError();
    });

    // Act
    const error = await rejection(issue(secretKeys.port, mint.port));

    // Assess
    expect(error).toBeInstanceOf(ThoughtSpotError);
    expect(secretKeys.refetchCalls).toHaveLength(0);
  });
});
