// The ThoughtSpot stand-in's admin APIs behave as THOUGHTSPOT-FACTS §6–7 describe
// them, through real fetch on 127.0.0.1: a password login for a bearer token,
// auth/configure (DISABLED revokes at once, ENABLED creates a key only when none
// exists) and auth/search, on the same keys the token endpoints accept.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startThoughtSpotStandIn,
  type ThoughtSpotStandIn,
} from '../../infra/local/thoughtspot-stand-in.js';
import { fakeKey } from '../support/fixtures.js';
import {
  type AdminClient,
  adminClient,
  ORG_ID,
  SearchResponseSchema,
} from './support/thoughtspot-admin-client.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('ThoughtSpot stand-in: admin APIs', () => {
  const clusterKey = fakeKey('cluster');
  const orgKey = fakeKey('org');
  const adminPassword = fakeKey('admin-password');
  const analystPassword = fakeKey('analyst-password');
  let ts: ThoughtSpotStandIn;
  let api: AdminClient;

  beforeEach(async () => {
    ts = await startThoughtSpotStandIn({
      clusterKey,
      orgKeys: { [ORG_ID]: orgKey },
      orgs: { 7: 'Sales' },
      users: [
        { username: 'tsadmin', password: adminPassword, privileges: ['CONTROL_TRUSTED_AUTH'] },
        { username: 'analyst', password: analystPassword },
      ],
    });
    api = adminClient(ts.url);
  });
  afterEach(async () => {
    await ts.close();
  });

  const adminToken = (orgId = 0) => api.login('tsadmin', adminPassword, orgId);

  describe('password login', () => {
    it('gives a configured user a bearer token for the requested Org, outside the minted count', async () => {
      const response = await api.post('/api/rest/2.0/auth/token/full', {
        username: 'tsadmin',
        password: adminPassword,
        org_id: ORG_ID,
        validity_time_in_sec: 600,
      });

      expect(response.status).toBe(200);
      expect(response.json).toMatchObject({
        token: expect.any(String),
        scope: { access_type: 'FULL', org_id: ORG_ID, metadata_id: null },
        valid_for_username: 'tsadmin',
      });
      expect(ts.minted).toHaveLength(0);
      expect(ts.requests[0]?.body).toMatchObject({ password: '[redacted]' });
    });

    it('answers a wrong password or an unknown user with 401 code 10097, never echoing the password', async () => {
      const wrong = await api.post('/api/rest/2.0/auth/token/full', {
        username: 'tsadmin',
        password: 'not-the-password',
      });
      const unknown = await api.post('/api/rest/2.0/auth/token/full', {
        username: 'nobody',
        password: adminPassword,
      });

      expect([wrong.status, unknown.status]).toEqual([401, 401]);
      expect(api.codeOf(wrong)).toBe(10097);
      expect(wrong.text).not.toContain('not-the-password');
    });
  });

  describe('auth/configure and auth/search need an admin bearer token', () => {
    it.each(['configure', 'search'] as const)(
      '%s answers 401 code 10097 without a valid bearer token',
      async (endpoint) => {
        const none = await api.admin(endpoint, undefined, { auth_type: 'TRUSTED_AUTH' });
        const invalid = await api.admin(endpoint, 'not-a-token', { auth_type: 'TRUSTED_AUTH' });

        expect([none.status, invalid.status]).toEqual([401, 401]);
        expect(api.codeOf(invalid)).toBe(10097);
      },
    );

    it.each(['configure', 'search'] as const)(
      '%s answers 403 code 10023 to a user without the privilege',
      async (endpoint) => {
        const bearer = await api.login('analyst', analystPassword);
        const response = await api.admin(endpoint, bearer, {
          auth_type: 'TRUSTED_AUTH',
          org_preferences: [{ org_identifier: String(ORG_ID), auth_status: 'DISABLED' }],
        });

        expect(response.status).toBe(403);
        expect(api.codeOf(response)).toBe(10023);
        expect(ts.keyOf(ORG_ID)).toBe(orgKey);
      },
    );

    it('accepts a trusted-auth token minted for an admin user as a bearer token too', async () => {
      const minted = await api.post('/api/rest/2.0/auth/token/full', {
        username: 'tsadmin',
        secret_key: clusterKey,
        org_id: 0,
      });
      const token = String((minted.json as { token?: unknown }).token);

      const search = await api.admin('search', token, { auth_type: 'TRUSTED_AUTH' });
      expect(search.status).toBe(200);
    });
  });

  describe('auth/configure', () => {
    it('DISABLED revokes an Org key at once: token requests with it get 401 code 10097', async () => {
      const bearer = await adminToken();
      const response = await api.configureOrg(bearer, String(ORG_ID), 'DISABLED');

      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      expect(ts.keyOf(ORG_ID)).toBeUndefined();
      expect(await api.mintStatus(orgKey, ORG_ID)).toEqual({ status: 401, code: 10097 });
      // The levels are independent: the cluster key still mints for that Org.
      expect((await api.mintStatus(clusterKey, ORG_ID)).status).toBe(200);
    });

    it('ENABLED keeps an existing key and creates a random one only when there is none', async () => {
      const bearer = await adminToken();
      await api.configureOrg(bearer, String(ORG_ID), 'ENABLED');
      expect(ts.keyOf(ORG_ID)).toBe(orgKey);

      await api.configureOrg(bearer, String(ORG_ID), 'DISABLED');
      await api.configureOrg(bearer, String(ORG_ID), 'ENABLED');
      const rotated = ts.keyOf(ORG_ID) ?? '';

      expect(rotated).toMatch(UUID);
      expect(rotated).not.toBe(orgKey);
      expect((await api.mintStatus(rotated, ORG_ID)).status).toBe(200);
      expect((await api.mintStatus(orgKey, ORG_ID)).status).toBe(401);
    });

    it('rotates the cluster key through cluster_preferences, failing the old key for every Org', async () => {
      const bearer = await adminToken();
      for (const auth_status of ['DISABLED', 'ENABLED']) {
        const response = await api.admin('configure', bearer, {
          auth_type: 'TRUSTED_AUTH',
          cluster_preferences: { auth_status },
        });
        expect(response.status).toBe(204);
      }
      const rotated = ts.keyOf(0) ?? '';

      expect(rotated).toMatch(UUID);
      expect(await api.mintStatus(clusterKey, 0)).toEqual({ status: 401, code: 10097 });
      expect(await api.mintStatus(clusterKey, 7)).toEqual({ status: 401, code: 10097 });
      expect((await api.mintStatus(rotated, 7)).status).toBe(200);
    });

    it('names an Org by its id as a string or by its name', async () => {
      const bearer = await adminToken();
      await api.configureOrg(bearer, 'Sales', 'ENABLED');

      expect(ts.keyOf(7)).toMatch(UUID);
      expect((await api.mintStatus(ts.keyOf(7) ?? '', 7)).status).toBe(200);
    });

    it.each<[string, unknown]>([
      ['an unknown Org', { org_identifier: '999', auth_status: 'DISABLED' }],
      ['a numeric org_identifier', { org_identifier: ORG_ID, auth_status: 'DISABLED' }],
      ['Org 0, which is the cluster level', { org_identifier: '0', auth_status: 'DISABLED' }],
      ['an unknown auth_status', { org_identifier: '7', auth_status: 'OFF' }],
    ])('refuses %s with 400 code 10002 and changes nothing', async (_, preference) => {
      const bearer = await adminToken();
      const response = await api.admin('configure', bearer, {
        auth_type: 'TRUSTED_AUTH',
        cluster_preferences: { auth_status: 'DISABLED' },
        org_preferences: [{ org_identifier: String(ORG_ID), auth_status: 'DISABLED' }, preference],
      });

      expect(response.status).toBe(400);
      expect(api.codeOf(response)).toBe(10002);
      expect([ts.keyOf(0), ts.keyOf(ORG_ID)]).toEqual([clusterKey, orgKey]);
    });

    it('refuses a body without auth_type TRUSTED_AUTH with 400 code 10002', async () => {
      const bearer = await adminToken();
      const missing = await api.admin('configure', bearer, { cluster_preferences: {} });
      const wrong = await api.admin('search', bearer, { auth_type: 'SAML' });

      expect([missing.status, wrong.status]).toEqual([400, 400]);
      expect(api.codeOf(wrong)).toBe(10002);
    });

    it('answers 204 and changes nothing when neither preference is given', async () => {
      const response = await api.admin('configure', await adminToken(), {
        auth_type: 'TRUSTED_AUTH',
      });
      expect(response.status).toBe(204);
      expect([ts.keyOf(0), ts.keyOf(ORG_ID)]).toEqual([clusterKey, orgKey]);
    });

    it('changes cluster settings only from the Primary Org (403 from another Org)', async () => {
      const response = await api.admin('configure', await adminToken(ORG_ID), {
        auth_type: 'TRUSTED_AUTH',
        cluster_preferences: { auth_status: 'DISABLED' },
      });
      expect(response.status).toBe(403);
      expect(ts.keyOf(0)).toBe(clusterKey);
    });

    it('leaves the per-Org "trusted auth disabled" state (403 code 10023) to disableOrg', async () => {
      ts.disableOrg(ORG_ID);
      await api.configureOrg(await adminToken(), String(ORG_ID), 'ENABLED');

      expect(await api.mintStatus(orgKey, ORG_ID)).toEqual({ status: 403, code: 10023 });
      ts.enableOrg(ORG_ID);
      expect((await api.mintStatus(orgKey, ORG_ID)).status).toBe(200);
    });
  });

  describe('auth/search', () => {
    it('from the Primary Org without scope returns the cluster level and every Org, keys included', async () => {
      const bearer = await adminToken();
      await api.configureOrg(bearer, String(ORG_ID), 'DISABLED');
      const response = await api.admin('search', bearer, { auth_type: 'TRUSTED_AUTH' });

      expect(response.status).toBe(200);
      expect(SearchResponseSchema.parse(response.json)).toEqual({
        auth_type: 'TRUSTED_AUTH',
        cluster_preferences: { auth_status: 'ENABLED', access_tokens: [{ key: clusterKey }] },
        org_preferences: [
          { org: { id: 7, name: 'Sales' }, auth_status: 'DISABLED' },
          { org: { id: ORG_ID, name: `Org ${ORG_ID}` }, auth_status: 'DISABLED' },
        ],
      });
    });

    it('with scope CLUSTER returns the cluster level only', async () => {
      const response = await api.admin('search', await adminToken(), {
        auth_type: 'TRUSTED_AUTH',
        scope: 'CLUSTER',
      });
      expect(SearchResponseSchema.parse(response.json)).toEqual({
        auth_type: 'TRUSTED_AUTH',
        cluster_preferences: { auth_status: 'ENABLED', access_tokens: [{ key: clusterKey }] },
      });
    });

    it("with scope ORG returns the bearer's own Org: Org N's entry, none for the Primary Org", async () => {
      const fromOrg = await api.admin('search', await adminToken(ORG_ID), {
        auth_type: 'TRUSTED_AUTH',
        scope: 'ORG',
      });
      const fromPrimary = await api.admin('search', await adminToken(0), {
        auth_type: 'TRUSTED_AUTH',
        scope: 'ORG',
      });

      expect(SearchResponseSchema.parse(fromOrg.json).org_preferences).toEqual([
        {
          org: { id: ORG_ID, name: `Org ${ORG_ID}` },
          auth_status: 'ENABLED',
          access_tokens: [{ key: orgKey }],
        },
      ]);
      expect(SearchResponseSchema.parse(fromPrimary.json)).toEqual({
        auth_type: 'TRUSTED_AUTH',
        org_preferences: [],
      });
    });

    it('refuses scope CLUSTER from another Org with 403', async () => {
      const response = await api.admin('search', await adminToken(ORG_ID), {
        auth_type: 'TRUSTED_AUTH',
        scope: 'CLUSTER',
      });
      expect(response.status).toBe(403);
      expect(response.text).not.toContain(clusterKey);
    });
  });
});
