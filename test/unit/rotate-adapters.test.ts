import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type {
  AdminSession,
  SearchScope,
  ThoughtSpotAdmin,
  TrustedAuthSettings,
} from '../../functions/lib/thoughtspot.js';
import { RotationError } from '../../functions/rotate/errors.js';
import { createOrgTrustedAuth } from '../../functions/rotate/org-trusted-auth.js';
import { createSecretVersions } from '../../functions/rotate/secret-versions.js';
import { errorTexts, rejection } from '../support/errors.js';
import { fakeKey } from '../support/fixtures.js';

const ORG = 583464508;
const level = (key: string) => ({ authStatus: 'ENABLED' as const, keys: [key] });

/**
 * A ThoughtSpotAdmin that answers search by the session's Org and scope, and
 * records logins, searches and configure calls.
 */
function fakeAdmin(
  answers: (orgId: number, scope: SearchScope | undefined) => TrustedAuthSettings,
) {
  const log: string[] = [];
  let loginFails = new Set<number>();
  const admin: ThoughtSpotAdmin = {
    login: async (_credentials, orgId) => {
      log.push(`login ${orgId}`);
      if (loginFails.has(orgId)) throw new RotationError(`login to ${orgId} refused`);
      return { orgId, username: 'tsadmin' };
    },
    search: async (session: AdminSession, scope) => {
      log.push(`search from ${session.orgId}${scope ? ` ${scope}` : ''}`);
      return answers(session.orgId, scope);
    },
    configure: async (session, orgId, status) => {
      log.push(`configure ${orgId} ${status} from ${session.orgId}`);
    },
  };
  const credentials = async () => ({ username: 'tsadmin', password: 'pw' });
  return {
    log,
    port: createOrgTrustedAuth({ admin, credentials }),
    failLogin: (...orgIds: number[]) => {
      loginFails = new Set(orgIds);
    },
  };
}

describe('createOrgTrustedAuth', () => {
  it('reads Org 0 as cluster_preferences with scope CLUSTER, logged in once', async () => {
    const ts = fakeAdmin(() => ({ cluster: level('c'), orgs: [] }));

    expect(await ts.port.read(0)).toEqual(level('c'));
    await ts.port.setStatus(0, 'DISABLED');

    expect(ts.log).toEqual(['login 0', 'search from 0 CLUSTER', 'configure 0 DISABLED from 0']);
  });

  it('tries Org 0 without a scope first, and configures Org N from there when it finds the entry', async () => {
    const ts = fakeAdmin(() => ({ cluster: level('c'), orgs: [{ orgId: ORG, ...level('n') }] }));

    expect(await ts.port.read(ORG)).toEqual({ orgId: ORG, ...level('n') });
    await ts.port.setStatus(ORG, 'ENABLED');

    expect(ts.log).toEqual(['login 0', 'search from 0', `configure ${ORG} ENABLED from 0`]);
  });

  it('then an admin token for Org N with scope ORG, kept for the invocation', async () => {
    const ts = fakeAdmin((orgId, scope) => ({
      cluster: undefined,
      orgs: orgId === ORG && scope === 'ORG' ? [{ orgId: ORG, ...level('n') }] : [],
    }));

    expect((await ts.port.read(ORG)).keys).toEqual(['n']);
    await ts.port.setStatus(ORG, 'DISABLED');
    await ts.port.read(ORG);

    expect(ts.log).toEqual([
      'login 0',
      'search from 0',
      `login ${ORG}`,
      `search from ${ORG} ORG`,
      `configure ${ORG} DISABLED from ${ORG}`,
      `search from ${ORG} ORG`,
    ]);
  });

  it('fails when neither way lists the Org', async () => {
    const ts = fakeAdmin(() => ({ cluster: level('c'), orgs: [{ orgId: 7, ...level('x') }] }));

    await expect(ts.port.read(ORG)).rejects.toThrow(
      `auth/search lists no entry for Org ${ORG}, neither from the Primary Org nor from Org ${ORG} with scope ORG.`,
    );
  });

  it('says so when the Primary Org lacks the entry and the login to Org N fails', async () => {
    const ts = fakeAdmin(() => ({ cluster: level('c'), orgs: [] }));
    ts.failLogin(ORG);

    const error = await rejection(ts.port.read(ORG));

    expect((error as Error).message).toMatch(/and the admin login to Org 583464508 failed/);
    expect((error as Error).cause).toBeInstanceOf(RotationError);
  });

  it('fails when search has no cluster_preferences for Org 0', async () => {
    const ts = fakeAdmin(() => ({ cluster: undefined, orgs: [] }));

    await expect(ts.port.read(0)).rejects.toThrow(/without cluster_preferences/);
  });

  it('logs in again after a failed login', async () => {
    const ts = fakeAdmin(() => ({ cluster: level('c'), orgs: [] }));
    ts.failLogin(0);
    await expect(ts.port.read(0)).rejects.toThrow();
    ts.failLogin();

    await ts.port.read(0);

    expect(ts.log.filter((line) => line === 'login 0')).toHaveLength(2);
  });
});

describe('createSecretVersions', () => {
  const secretsManager = mockClient(SecretsManagerClient);
  const port = createSecretVersions(new SecretsManagerClient({ region: 'us-east-1' }));
  beforeEach(() => secretsManager.reset());

  it('reads a version by VersionId alone, and answers undefined while it has no value', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 's', VersionId: 'v1' })
      .resolves({ SecretString: 'value' })
      .on(GetSecretValueCommand, { SecretId: 's', VersionId: 'v2' })
      .rejects(new ResourceNotFoundException({ message: 'none', $metadata: {} }));

    expect(await port.read('s', { versionId: 'v1' })).toBe('value');
    expect(await port.read('s', { versionId: 'v2' })).toBeUndefined();
    expect(secretsManager.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: 's',
      VersionId: 'v1',
    });
  });

  it('stores AWSPENDING with the token as ClientRequestToken, and moves AWSCURRENT from the old version', async () => {
    secretsManager
      .on(PutSecretValueCommand)
      .resolves({})
      .on(UpdateSecretVersionStageCommand)
      .resolves({});

    await port.putPending('s', 'token', 'new');
    await port.moveCurrent('s', 'token', 'old');

    expect(secretsManager.commandCalls(PutSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: 's',
      ClientRequestToken: 'token',
      SecretString: 'new',
      VersionStages: ['AWSPENDING'],
    });
    expect(secretsManager.commandCalls(UpdateSecretVersionStageCommand)[0]?.args[0].input).toEqual({
      SecretId: 's',
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: 'token',
      RemoveFromVersionId: 'old',
    });
  });

  it('reads the admin credential, refusing anything else without quoting it', async () => {
    const password = fakeKey('password');
    const values = [
      JSON.stringify({ username: 'tsadmin', password }),
      JSON.stringify({ username: ' tsadmin', password }),
      JSON.stringify({ user: 'tsadmin', password }),
      password,
    ];
    for (const SecretString of values) {
      secretsManager.reset();
      secretsManager.on(GetSecretValueCommand).resolves({ SecretString });
      const answer = await port.adminCredentials('admin').catch((error: unknown) => error);
      if (SecretString === values[0]) expect(answer).toEqual({ username: 'tsadmin', password });
      else {
        expect(answer).toBeInstanceOf(RotationError);
        expect(errorTexts(answer)).not.toContain(password);
      }
    }
  });

  it('says when the admin secret is missing', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(new ResourceNotFoundException({ message: 'none', $metadata: {} }));

    await expect(port.adminCredentials('ts/admin')).rejects.toThrow(
      'The admin secret ts/admin does not exist or has no value.',
    );
  });
});
