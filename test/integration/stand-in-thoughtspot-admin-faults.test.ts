// What a rotation function meets around the ThoughtSpot admin APIs: clusters
// older than 26.6.0.cl, and admin calls that fail or lose their answer. Real
// fetch against the stand-in on 127.0.0.1.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startThoughtSpotStandIn,
  type ThoughtSpotStandIn,
} from '../../infra/local/thoughtspot-stand-in.js';
import { rejection } from '../support/errors.js';
import { fakeKey } from '../support/fixtures.js';
import { type AdminClient, adminClient, ORG_ID } from './support/thoughtspot-admin-client.js';

describe('ThoughtSpot stand-in: admin API faults and old clusters', () => {
  const clusterKey = fakeKey('cluster');
  const orgKey = fakeKey('org');
  const password = fakeKey('admin-password');
  let ts: ThoughtSpotStandIn;
  let api: AdminClient;
  let bearer: string;

  async function start(oldCluster: boolean) {
    ts = await startThoughtSpotStandIn({
      clusterKey,
      orgKeys: { [ORG_ID]: orgKey },
      users: [{ username: 'tsadmin', password, privileges: ['ADMINISTRATION'] }],
      oldCluster,
    });
    api = adminClient(ts.url);
    bearer = await api.login('tsadmin', password);
  }
  afterEach(async () => {
    await ts.close();
  });

  describe('an old cluster', () => {
    beforeEach(() => start(true));

    it('answers configure and search with 404 and changes nothing', async () => {
      const configure = await api.configureOrg(bearer, String(ORG_ID), 'DISABLED');
      const search = await api.admin('search', bearer, { auth_type: 'TRUSTED_AUTH' });

      expect([configure.status, search.status]).toEqual([404, 404]);
      expect(ts.keyOf(ORG_ID)).toBe(orgKey);
    });

    it('still logs admins in and mints tokens with the keys it has', async () => {
      expect(bearer).toEqual(expect.any(String));
      expect((await api.mintStatus(orgKey, ORG_ID)).status).toBe(200);
    });

    it('becomes a 26.6+ cluster with setOldCluster(false)', async () => {
      ts.setOldCluster(false);
      const search = await api.admin('search', bearer, { auth_type: 'TRUSTED_AUTH' });
      expect(search.status).toBe(200);
    });
  });

  describe('admin faults', () => {
    beforeEach(() => start(false));

    it('fails only the next configure ENABLED, once, leaving the Org without a key in between', async () => {
      ts.injectAdminFaults({
        endpoint: 'configure',
        authStatus: 'ENABLED',
        fault: { kind: 'status', status: 500 },
      });

      const disabled = await api.configureOrg(bearer, String(ORG_ID), 'DISABLED');
      const failed = await api.configureOrg(bearer, String(ORG_ID), 'ENABLED');
      expect([disabled.status, failed.status]).toEqual([204, 500]);
      expect(api.codeOf(failed)).toBe(10038);
      expect(ts.keyOf(ORG_ID)).toBeUndefined();

      const retried = await api.configureOrg(bearer, String(ORG_ID), 'ENABLED');
      expect(retried.status).toBe(204);
      expect(ts.keyOf(ORG_ID)).toEqual(expect.any(String));
    });

    it('with afterChange makes the change, then loses the answer', async () => {
      ts.injectAdminFaults({
        endpoint: 'configure',
        authStatus: 'DISABLED',
        fault: { kind: 'reset' },
        afterChange: true,
      });

      const error = await rejection(api.configureOrg(bearer, String(ORG_ID), 'DISABLED'));
      expect(error.name).toBe('TypeError');
      expect(ts.keyOf(ORG_ID)).toBeUndefined();
      expect(await api.mintStatus(orgKey, ORG_ID)).toEqual({ status: 401, code: 10097 });
    });

    it('plays a fault on search and on the password login', async () => {
      ts.injectAdminFaults(
        { endpoint: 'search', fault: { kind: 'html' } },
        { endpoint: 'login', fault: { kind: 'rate-limit', retryAfterSeconds: 1 } },
      );

      const search = await api.admin('search', bearer, { auth_type: 'TRUSTED_AUTH' });
      const login = await api.post('/api/rest/2.0/auth/token/full', {
        username: 'tsadmin',
        password,
      });
      expect([search.status, login.status]).toEqual([502, 429]);
      const again = await api.admin('search', bearer, { auth_type: 'TRUSTED_AUTH' });
      expect(again.status).toBe(200);
    });

    it('keeps admin faults and token-request faults apart', async () => {
      ts.injectFaults({ kind: 'status', status: 503 });
      ts.injectAdminFaults({ endpoint: 'search', fault: { kind: 'status', status: 500 } });

      const login = await api.post('/api/rest/2.0/auth/token/full', {
        username: 'tsadmin',
        password,
      });
      const mint = await api.mintStatus(orgKey, ORG_ID);
      const search = await api.admin('search', bearer, { auth_type: 'TRUSTED_AUTH' });
      expect([login.status, mint.status, search.status]).toEqual([200, 503, 500]);
    });

    it('clearFaults() drops queued admin faults', async () => {
      ts.injectAdminFaults({ endpoint: 'configure', fault: { kind: 'status', status: 500 } });
      ts.clearFaults();

      const response = await api.configureOrg(bearer, String(ORG_ID), 'ENABLED');
      expect(response.status).toBe(204);
    });
  });
});
