// Proves the local stand-ins behave like the real services they replace: the
// Secrets Manager one through the real AWS SDK v3 client, the ThoughtSpot one
// through Node's fetch and https, over real sockets on 127.0.0.1.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type SecretsManagerFaultKind,
  type SecretsManagerStandIn,
  startSecretsManagerStandIn,
} from '../../infra/local/secrets-manager-stand-in.js';
import {
  startThoughtSpotStandIn,
  type ThoughtSpotStandIn,
} from '../../infra/local/thoughtspot-stand-in.js';
import { selfSignedCertificate } from '../support/certificate.js';
import { rejection } from '../support/errors.js';
import {
  ThoughtSpotErrorBodySchema,
  ThoughtSpotTokenBodySchema,
} from '../support/thoughtspot-bodies.js';
import { smClient } from './support/stand-in-clients.js';

const ARN_PATTERN = /^arn:aws:secretsmanager:us-east-1:000000000000:secret:(.+)-[A-Za-z0-9]{6}$/;

describe('Secrets Manager stand-in (real AWS SDK v3 client)', () => {
  let sm: SecretsManagerStandIn;
  let client: SecretsManagerClient;

  beforeAll(async () => {
    sm = await startSecretsManagerStandIn({ secrets: { 'tsts/org/0': 'cluster-key-value' } });
    client = smClient(sm.url);
  });
  afterAll(async () => {
    client.destroy();
    await sm.close();
  });
  beforeEach(() => {
    sm.setFault(undefined);
    sm.resetCalls();
  });

  it('listens on an ephemeral 127.0.0.1 port', () => {
    expect(sm.port).toBeGreaterThan(0);
    expect(sm.url).toBe(`http://127.0.0.1:${sm.port}`);
  });

  it('returns a preloaded secret with a real-looking ARN, version and AWSCURRENT stage', async () => {
    const out = await client.send(new GetSecretValueCommand({ SecretId: 'tsts/org/0' }));
    expect(out.SecretString).toBe('cluster-key-value');
    expect(out.Name).toBe('tsts/org/0');
    expect(out.ARN).toMatch(ARN_PATTERN);
    expect(out.ARN?.match(ARN_PATTERN)?.[1]).toBe('tsts/org/0');
    expect(out.VersionId).toEqual(expect.any(String));
    expect(out.VersionStages).toEqual(['AWSCURRENT']);
    expect(out.CreatedDate).toBeInstanceOf(Date);
    expect(Math.abs((out.CreatedDate?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
  });

  it('finds a secret by its full ARN', async () => {
    const { ARN } = await client.send(new DescribeSecretCommand({ SecretId: 'tsts/org/0' }));
    const out = await client.send(new GetSecretValueCommand({ SecretId: ARN }));
    expect(out.SecretString).toBe('cluster-key-value');
  });

  it('answers an unknown secret with ResourceNotFoundException (HTTP 400)', async () => {
    const error = await rejection(client.send(new GetSecretValueCommand({ SecretId: 'nope' })));
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 400 });
  });

  it('creates a secret once and rejects a second create with ResourceExistsException', async () => {
    const created = await client.send(
      new CreateSecretCommand({
        Name: 'tsts/create-test',
        SecretString: 'v1',
        Description: 'created by a test',
        KmsKeyId: 'alias/aws/secretsmanager',
      }),
    );
    expect(created.ARN).toMatch(ARN_PATTERN);
    expect(created.Name).toBe('tsts/create-test');
    const got = await client.send(new GetSecretValueCommand({ SecretId: 'tsts/create-test' }));
    expect(got.SecretString).toBe('v1');
    expect(got.VersionId).toBe(created.VersionId);

    const again = await rejection(
      client.send(new CreateSecretCommand({ Name: 'tsts/create-test', SecretString: 'v2' })),
    );
    expect(again.name).toBe('ResourceExistsException');
  });

  it('rejects an invalid secret name with InvalidParameterException', async () => {
    const error = await rejection(
      client.send(new CreateSecretCommand({ Name: 'bad name!', SecretString: 'x' })),
    );
    expect(error.name).toBe('InvalidParameterException');
  });

  it('stores a new version with PutSecretValue', async () => {
    const before = await client.send(new GetSecretValueCommand({ SecretId: 'tsts/org/0' }));
    const put = await client.send(
      new PutSecretValueCommand({ SecretId: 'tsts/org/0', SecretString: 'rotated-key' }),
    );
    expect(put.VersionStages).toEqual(['AWSCURRENT']);
    const after = await client.send(new GetSecretValueCommand({ SecretId: 'tsts/org/0' }));
    expect(after.SecretString).toBe('rotated-key');
    expect(after.VersionId).toBe(put.VersionId);
    expect(after.VersionId).not.toBe(before.VersionId);
    sm.setSecret('tsts/org/0', 'cluster-key-value');
  });

  it('describes a secret with dates and metadata but never its value', async () => {
    const out = await client.send(new DescribeSecretCommand({ SecretId: 'tsts/org/0' }));
    expect(out.Name).toBe('tsts/org/0');
    expect(out.ARN).toMatch(ARN_PATTERN);
    expect(out.CreatedDate).toBeInstanceOf(Date);
    expect(out.LastChangedDate).toBeInstanceOf(Date);
    expect(out.DeletedDate).toBeUndefined();
    expect(JSON.stringify(out)).not.toContain('cluster-key-value');
  });

  it('lists secrets by name prefix with pagination and without values', async () => {
    for (const org of [1, 2, 3]) sm.setSecret(`list-test/org/${org}`, `value-${org}`);
    sm.setSecret('other/secret', 'other-value');

    const first = await client.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['list-test/'] }], MaxResults: 2 }),
    );
    expect(first.SecretList?.map((s) => s.Name)).toEqual(['list-test/org/1', 'list-test/org/2']);
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await client.send(
      new ListSecretsCommand({
        Filters: [{ Key: 'name', Values: ['list-test/'] }],
        MaxResults: 2,
        NextToken: first.NextToken,
      }),
    );
    expect(second.SecretList?.map((s) => s.Name)).toEqual(['list-test/org/3']);
    expect(second.NextToken).toBeUndefined();
    const listed = JSON.stringify([first, second]);
    expect(listed).not.toContain('value-');
    expect(listed).not.toContain('SecretString');
  });

  it('deletes a secret immediately with ForceDeleteWithoutRecovery', async () => {
    sm.setSecret('tsts/force-delete', 'doomed');
    await client.send(
      new DeleteSecretCommand({ SecretId: 'tsts/force-delete', ForceDeleteWithoutRecovery: true }),
    );
    const error = await rejection(
      client.send(new GetSecretValueCommand({ SecretId: 'tsts/force-delete' })),
    );
    expect(error.name).toBe('ResourceNotFoundException');
  });

  it('marks a secret for deletion with a recovery window, refuses reads, and restores it', async () => {
    sm.setSecret('tsts/window-delete', 'recoverable');
    const deleted = await client.send(
      new DeleteSecretCommand({ SecretId: 'tsts/window-delete', RecoveryWindowInDays: 7 }),
    );
    const days = ((deleted.DeletionDate?.getTime() ?? 0) - Date.now()) / 86_400_000;
    expect(days).toBeCloseTo(7, 1);

    const error = await rejection(
      client.send(new GetSecretValueCommand({ SecretId: 'tsts/window-delete' })),
    );
    expect(error.name).toBe('InvalidRequestException');
    expect(error.message).toBe(
      "You can't perform this operation on the secret because it was marked for deletion.",
    );
    const described = await client.send(
      new DescribeSecretCommand({ SecretId: 'tsts/window-delete' }),
    );
    expect(described.DeletedDate).toBeInstanceOf(Date);
    const listed = await client.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['tsts/window-delete'] }] }),
    );
    expect(listed.SecretList).toEqual([]);

    await client.send(new RestoreSecretCommand({ SecretId: 'tsts/window-delete' }));
    const restored = await client.send(
      new GetSecretValueCommand({ SecretId: 'tsts/window-delete' }),
    );
    expect(restored.SecretString).toBe('recoverable');
  });

  it('rejects ForceDeleteWithoutRecovery combined with a recovery window', async () => {
    const error = await rejection(
      client.send(
        new DeleteSecretCommand({
          SecretId: 'tsts/org/0',
          ForceDeleteWithoutRecovery: true,
          RecoveryWindowInDays: 7,
        }),
      ),
    );
    expect(error.name).toBe('InvalidParameterException');
  });

  it('removeSecret makes a secret disappear', async () => {
    sm.setSecret('tsts/removed', 'x');
    sm.removeSecret('tsts/removed');
    const error = await rejection(
      client.send(new GetSecretValueCommand({ SecretId: 'tsts/removed' })),
    );
    expect(error.name).toBe('ResourceNotFoundException');
  });

  it.each<[SecretsManagerFaultKind, string, number]>([
    ['throttle', 'ThrottlingException', 400],
    ['internal', 'InternalServiceError', 500],
    ['access-denied', 'AccessDeniedException', 400],
    ['decryption-failure', 'DecryptionFailure', 400],
  ])('fault %s surfaces as SDK error %s (HTTP %i)', async (kind, name, status) => {
    sm.setFault({ kind });
    const error = await rejection(
      client.send(new GetSecretValueCommand({ SecretId: 'tsts/org/0' })),
    );
    expect(error.name).toBe(name);
    expect(error.$metadata).toMatchObject({ httpStatusCode: status });
  });

  it('applies a fault only to the matching operation and secret, for `times` calls', async () => {
    sm.setSecret('tsts/org/7', 'org-7-key');
    sm.setFault({
      kind: 'throttle',
      operation: 'GetSecretValue',
      secretId: 'tsts/org/7',
      times: 2,
    });

    const other = await client.send(new GetSecretValueCommand({ SecretId: 'tsts/org/0' }));
    expect(other.SecretString).toBe('cluster-key-value');
    await client.send(new DescribeSecretCommand({ SecretId: 'tsts/org/7' }));
    for (const _ of [1, 2]) {
      const error = await rejection(
        client.send(new GetSecretValueCommand({ SecretId: 'tsts/org/7' })),
      );
      expect(error.name).toBe('ThrottlingException');
    }
    const third = await client.send(new GetSecretValueCommand({ SecretId: 'tsts/org/7' }));
    expect(third.SecretString).toBe('org-7-key');
    expect(sm.callCount('GetSecretValue', 'tsts/org/7')).toBe(3);
  });

  it('a hang fault never answers, so only the caller deadline ends the call', async () => {
    sm.setFault({ kind: 'hang', times: 1 });
    const started = Date.now();
    const error = await rejection(
      client.send(new GetSecretValueCommand({ SecretId: 'tsts/org/0' }), {
        abortSignal: AbortSignal.timeout(300),
      }),
    );
    expect(error.name).toBe('AbortError');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(sm.callCount('GetSecretValue')).toBe(1);
    const after = await client.send(new GetSecretValueCommand({ SecretId: 'tsts/org/0' }));
    expect(after.SecretString).toBe('cluster-key-value');
  });

  it('a reset fault drops the connection without a response', async () => {
    sm.setFault({ kind: 'reset', times: 1 });
    const error = await rejection(
      client.send(new GetSecretValueCommand({ SecretId: 'tsts/org/0' })),
    );
    // The SDK renames ECONNRESET to TimeoutError to mark it transient (retryable).
    expect(error.code).toBe('ECONNRESET');
    expect(error.name).toBe('TimeoutError');
    const after = await client.send(new GetSecretValueCommand({ SecretId: 'tsts/org/0' }));
    expect(after.SecretString).toBe('cluster-key-value');
  });

  it('records every call in order, faulted ones included, and counts by operation and secret', async () => {
    sm.setFault({ kind: 'internal', operation: 'DescribeSecret', times: 1 });
    await client.send(new GetSecretValueCommand({ SecretId: 'tsts/org/0' }));
    await rejection(client.send(new DescribeSecretCommand({ SecretId: 'tsts/org/0' })));
    await client.send(new ListSecretsCommand({}));
    await rejection(client.send(new GetSecretValueCommand({ SecretId: 'missing' })));

    expect(sm.calls).toEqual([
      { operation: 'GetSecretValue', secretId: 'tsts/org/0' },
      { operation: 'DescribeSecret', secretId: 'tsts/org/0' },
      { operation: 'ListSecrets' },
      { operation: 'GetSecretValue', secretId: 'missing' },
    ]);
    expect(sm.callCount()).toBe(4);
    expect(sm.callCount('GetSecretValue')).toBe(2);
    expect(sm.callCount('GetSecretValue', 'missing')).toBe(1);
    expect(sm.callCount(undefined, 'tsts/org/0')).toBe(2);
    sm.resetCalls();
    expect(sm.callCount()).toBe(0);
  });

  it('works through AWS_ENDPOINT_URL_SECRETS_MANAGER without an explicit endpoint', async () => {
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = sm.url;
    try {
      const envClient = smClient(undefined);
      const out = await envClient.send(new GetSecretValueCommand({ SecretId: 'tsts/org/0' }));
      expect(out.SecretString).toBe('cluster-key-value');
      envClient.destroy();
    } finally {
      delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
    }
  });

  it('close() resolves even while a request hangs', async () => {
    const doomed = await startSecretsManagerStandIn({ secrets: { s: 'v' } });
    doomed.setFault({ kind: 'hang' });
    const hungClient = smClient(doomed.url);
    const pending = rejection(hungClient.send(new GetSecretValueCommand({ SecretId: 's' })));
    await waitFor(() => doomed.callCount() === 1);
    const started = Date.now();
    await doomed.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await pending).code).toBe('ECONNRESET');
    hungClient.destroy();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// ---------------------------------------------------------------------------

const CLUSTER_KEY = 'cluster-key-0f3c9a';
const ORG_ID = 583464508;
const ORG_KEY = 'org-key-583464508-b71e';
const APP_ORIGIN = 'http://app.example.test';
const TOKEN_PATTERN = /^tsstandin-token-[0-9a-f]{24}$/;

describe('ThoughtSpot stand-in', () => {
  let ts: ThoughtSpotStandIn;

  beforeAll(async () => {
    ts = await startThoughtSpotStandIn({
      clusterKey: CLUSTER_KEY,
      orgKeys: { [ORG_ID]: ORG_KEY },
      corsOrigins: [APP_ORIGIN],
    });
  });
  afterAll(async () => {
    await ts.close();
  });
  beforeEach(() => {
    ts.clearFaults();
    ts.resetCounters();
  });

  async function postToken(
    body: unknown,
    kind: 'full' | 'object' = 'full',
    init: RequestInit = {},
  ) {
    const response = await fetch(`${ts.url}/api/rest/2.0/auth/token/${kind}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      ...init,
    });
    return { response, status: response.status, text: await response.text() };
  }

  async function mint(body: Record<string, unknown>, kind: 'full' | 'object' = 'full') {
    const { status, text } = await postToken(body, kind);
    expect(status).toBe(200);
    return ThoughtSpotTokenBodySchema.parse(JSON.parse(text));
  }

  async function expectError(body: unknown, status: number, code: number, kind?: 'object') {
    const result = await postToken(body, kind);
    expect(result.status).toBe(status);
    const parsed = ThoughtSpotErrorBodySchema.parse(JSON.parse(result.text));
    expect(parsed.error.message.code).toBe(code);
    return result.text;
  }

  it('mints a FULL token with the cluster key for Org 0, a missing org_id, and any other Org', async () => {
    const org0 = await mint({ username: 'ana', secret_key: CLUSTER_KEY, org_id: 0 });
    const implicit = await mint({ username: 'ana', secret_key: CLUSTER_KEY });
    const other = await mint({ username: 'ana', secret_key: CLUSTER_KEY, org_id: ORG_ID });

    expect(org0.token).toMatch(TOKEN_PATTERN);
    expect(org0.scope).toEqual({ access_type: 'FULL', org_id: 0, metadata_id: null });
    expect(org0.valid_for_username).toBe('ana');
    expect(org0.expiration_time_in_millis - org0.creation_time_in_millis).toBe(300_000);
    expect(implicit.scope.org_id).toBe(0);
    expect(other.scope.org_id).toBe(ORG_ID);
    expect(new Set([org0.token, implicit.token, other.token]).size).toBe(3);
    expect(org0.valid_for_user_id).toBe(other.valid_for_user_id);
    expect(ts.minted.map((m) => [m.orgId, m.keyKind])).toEqual([
      [0, 'cluster'],
      [0, 'cluster'],
      [ORG_ID, 'cluster'],
    ]);
    expect(ts.isValid(org0.token)).toBe(true);
    expect(ts.findToken(other.token)).toMatchObject({ username: 'ana', validitySeconds: 300 });
  });

  it('accepts an Org key only for its own Org', async () => {
    const own = await mint({ username: 'bo', secret_key: ORG_KEY, org_id: ORG_ID });
    expect(own.scope.org_id).toBe(ORG_ID);
    expect(ts.findToken(own.token)?.keyKind).toBe('org');

    await expectError({ username: 'bo', secret_key: ORG_KEY, org_id: 0 }, 401, 10097);
    await expectError({ username: 'bo', secret_key: ORG_KEY }, 401, 10097);
    await expectError({ username: 'bo', secret_key: ORG_KEY, org_id: 42 }, 401, 10097);
  });

  it('answers a wrong key with 401 code 10097 without echoing the key', async () => {
    const text = await expectError(
      { username: 'ana', secret_key: 'wrong-key-zzz', org_id: 0 },
      401,
      10097,
    );
    expect(text).not.toContain('wrong-key-zzz');
    expect(ts.minted).toHaveLength(0);
  });

  it('answers bad requests with 400 code 10002', async () => {
    await expectError({ secret_key: CLUSTER_KEY }, 400, 10002);
    await expectError({ username: '', secret_key: CLUSTER_KEY }, 400, 10002);
    await expectError({ username: 'ana', secret_key: CLUSTER_KEY, password: 'pw' }, 400, 10002);
    await expectError({ username: 'ana' }, 400, 10002);
    await expectError({ username: 'ana', secret_key: '' }, 400, 10002);
    await expectError('{not json', 400, 10002);
    await expectError({ username: 'ana', secret_key: CLUSTER_KEY, org_id: 'zero' }, 400, 10002);
    expect(ts.minted).toHaveLength(0);
  });

  it('answers 403 code 10023 for an Org with trusted auth disabled, until re-enabled', async () => {
    ts.disableOrg(ORG_ID);
    try {
      await expectError({ username: 'bo', secret_key: ORG_KEY, org_id: ORG_ID }, 403, 10023);
      await expectError({ username: 'bo', secret_key: CLUSTER_KEY, org_id: ORG_ID }, 403, 10023);
      await mint({ username: 'bo', secret_key: CLUSTER_KEY, org_id: 0 });
    } finally {
      ts.enableOrg(ORG_ID);
    }
    await mint({ username: 'bo', secret_key: ORG_KEY, org_id: ORG_ID });
  });

  it('mints an object token scoped to REPORT_BOOK_VIEW of that object, and requires object_id', async () => {
    const objectId = 'e5c3d1b2-0000-4000-8000-000000000001';
    const out = await mint(
      { username: 'cy', secret_key: CLUSTER_KEY, org_id: 0, object_id: objectId },
      'object',
    );
    expect(out.scope).toEqual({
      access_type: 'REPORT_BOOK_VIEW',
      org_id: 0,
      metadata_id: objectId,
    });
    expect(ts.findToken(out.token)?.objectId).toBe(objectId);
    await expectError({ username: 'cy', secret_key: CLUSTER_KEY, org_id: 0 }, 400, 10002, 'object');
  });

  it('honours validity_time_in_sec and records JIT provisioning fields', async () => {
    const out = await mint({
      username: 'dee',
      secret_key: CLUSTER_KEY,
      org_id: ORG_ID,
      validity_time_in_sec: 1800,
      auto_create: true,
      email: 'dee@example.test',
      display_name: 'Dee',
      group_identifiers: ['analysts'],
    });
    expect(out.expiration_time_in_millis - out.creation_time_in_millis).toBe(1_800_000);
    expect(ts.findToken(out.token)).toMatchObject({
      validitySeconds: 1800,
      expiresAt: out.expiration_time_in_millis,
      autoCreate: true,
      email: 'dee@example.test',
      displayName: 'Dee',
      groups: ['analysts'],
    });
  });

  it('records requests with secret_key redacted and holds no key outside its config', async () => {
    await postToken({ username: 'ana', secret_key: CLUSTER_KEY, org_id: 0 });
    await postToken({ username: 'ana', secret_key: 'some-wrong-key' });
    expect(ts.requests).toEqual([
      {
        method: 'POST',
        path: '/api/rest/2.0/auth/token/full',
        body: { username: 'ana', secret_key: '[redacted]', org_id: 0 },
      },
      {
        method: 'POST',
        path: '/api/rest/2.0/auth/token/full',
        body: { username: 'ana', secret_key: '[redacted]' },
      },
    ]);
    const observable = JSON.stringify([ts.requests, ts.minted]);
    expect(observable).not.toContain(CLUSTER_KEY);
    expect(observable).not.toContain('some-wrong-key');
  });

  it('rejects the old cluster key immediately after rotation', async () => {
    ts.setClusterKey('cluster-key-rotated');
    try {
      await expectError({ username: 'ana', secret_key: CLUSTER_KEY, org_id: 0 }, 401, 10097);
      await mint({ username: 'ana', secret_key: 'cluster-key-rotated', org_id: 0 });
    } finally {
      ts.setClusterKey(CLUSTER_KEY);
    }
  });

  it('setOrgKey replaces and removes an Org key', async () => {
    ts.setOrgKey(ORG_ID, 'org-key-new');
    try {
      await expectError({ username: 'bo', secret_key: ORG_KEY, org_id: ORG_ID }, 401, 10097);
      await mint({ username: 'bo', secret_key: 'org-key-new', org_id: ORG_ID });
      ts.setOrgKey(ORG_ID, undefined);
      await expectError({ username: 'bo', secret_key: 'org-key-new', org_id: ORG_ID }, 401, 10097);
    } finally {
      ts.setOrgKey(ORG_ID, ORG_KEY);
    }
  });

  describe('fault injection on the token endpoints', () => {
    const validBody = { username: 'ana', secret_key: CLUSTER_KEY, org_id: 0 };

    it('plays queued faults one per request, in order, then behaves normally', async () => {
      ts.injectFaults({ kind: 'status', status: 503 }, { kind: 'status', status: 500 });
      const first = await postToken(validBody);
      const second = await postToken(validBody);
      const third = await postToken(validBody);
      expect([first.status, second.status, third.status]).toEqual([503, 500, 200]);
      expect(ThoughtSpotErrorBodySchema.parse(JSON.parse(first.text)).error.message.code).toBe(
        10038,
      );
      expect(ts.minted).toHaveLength(1);
    });

    it('status fault sends a custom body and content type', async () => {
      ts.injectFaults({
        kind: 'status',
        status: 502,
        body: 'upstream down',
        contentType: 'text/plain',
      });
      const out = await postToken(validBody);
      expect(out.status).toBe(502);
      expect(out.text).toBe('upstream down');
      expect(out.response.headers.get('content-type')).toBe('text/plain');
    });

    it('rate-limit fault answers 429, with Retry-After only when given', async () => {
      ts.injectFaults({ kind: 'rate-limit', retryAfterSeconds: 2 }, { kind: 'rate-limit' });
      const withHeader = await postToken(validBody);
      const without = await postToken(validBody);
      expect(withHeader.status).toBe(429);
      expect(withHeader.response.headers.get('retry-after')).toBe('2');
      expect(without.status).toBe(429);
      expect(without.response.headers.get('retry-after')).toBeNull();
    });

    it('hang fault never answers; the next request is served', async () => {
      ts.injectFaults({ kind: 'hang' });
      const error = await rejection(
        postToken(validBody, 'full', { signal: AbortSignal.timeout(300) }),
      );
      expect(error.name).toBe('TimeoutError');
      expect((await postToken(validBody)).status).toBe(200);
    });

    it('reset fault drops the connection without a response', async () => {
      ts.injectFaults({ kind: 'reset' });
      const error = await rejection(postToken(validBody));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe('fetch failed');
      expect((await postToken(validBody)).status).toBe(200);
    });

    it('malformed fault sends 200 with truncated JSON', async () => {
      ts.injectFaults({ kind: 'malformed' });
      const out = await postToken(validBody);
      expect(out.status).toBe(200);
      expect(out.text).toBe('{"token": ');
      expect(() => JSON.parse(out.text)).toThrow(SyntaxError);
    });

    it('html fault sends a 502 text/html page', async () => {
      ts.injectFaults({ kind: 'html' });
      const out = await postToken(validBody);
      expect(out.status).toBe(502);
      expect(out.response.headers.get('content-type')).toBe('text/html');
      expect(out.text).toContain('<h1>502 Bad Gateway</h1>');
    });

    it('missing-token fault sends 200 JSON without a token', async () => {
      ts.injectFaults({ kind: 'missing-token' });
      const out = await postToken(validBody);
      expect(out.status).toBe(200);
      const body: unknown = JSON.parse(out.text);
      expect(body).toMatchObject({ scope: { access_type: 'FULL' } });
      expect(body).not.toHaveProperty('token');
      expect(ts.minted).toHaveLength(0);
    });

    it('delay fault answers normally after the delay', async () => {
      ts.injectFaults({ kind: 'delay', ms: 250 });
      const started = Date.now();
      const out = await postToken(validBody);
      expect(Date.now() - started).toBeGreaterThanOrEqual(240);
      expect(ThoughtSpotTokenBodySchema.parse(JSON.parse(out.text)).token).toMatch(TOKEN_PATTERN);
    });

    it('random faults fire at the configured rate until cleared', async () => {
      ts.setFaultRate(1, [{ kind: 'status', status: 500 }]);
      expect((await postToken(validBody)).status).toBe(500);
      expect((await postToken(validBody)).status).toBe(500);
      ts.setFaultRate(0, [{ kind: 'status', status: 500 }]);
      expect((await postToken(validBody)).status).toBe(200);
      ts.setFaultRate(1, [{ kind: 'html' }]);
      ts.clearFaults();
      expect((await postToken(validBody)).status).toBe(200);
    });

    it('faults do not touch the session endpoints', async () => {
      ts.injectFaults({ kind: 'status', status: 500 });
      const response = await fetch(`${ts.url}/callosum/v1/session/isactive`);
      expect(response.status).toBe(401);
      expect((await postToken(validBody)).status).toBe(500);
    });
  });

  describe('Visual Embed SDK session endpoints', () => {
    const isActive = (headers: Record<string, string> = {}) =>
      fetch(`${ts.url}/callosum/v1/session/isactive`, { headers });
    const login = (username: string, token: string) =>
      fetch(`${ts.url}/callosum/v1/session/login/token`, {
        method: 'POST',
        body: new URLSearchParams({ username, auth_token: token }),
        redirect: 'manual',
      });

    it('isactive accepts a valid minted bearer token and rejects others', async () => {
      const { token } = await mint({ username: 'ana', secret_key: CLUSTER_KEY, org_id: 0 });
      const ok = await isActive({
        authorization: `Bearer ${token}`,
        'x-requested-by': 'ThoughtSpot',
      });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({});
      expect(
        (await isActive({ authorization: 'Bearer tsstandin-token-000000000000000000000000' }))
          .status,
      ).toBe(401);
      expect((await isActive()).status).toBe(401);
    });

    it('isactive rejects an expired token', async () => {
      let clock = Date.now();
      const timed = await startThoughtSpotStandIn({ clusterKey: CLUSTER_KEY, now: () => clock });
      try {
        const response = await fetch(`${timed.url}/api/rest/2.0/auth/token/full`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            username: 'ana',
            secret_key: CLUSTER_KEY,
            validity_time_in_sec: 60,
          }),
        });
        const { token } = ThoughtSpotTokenBodySchema.parse(await response.json());
        const check = () =>
          fetch(`${timed.url}/callosum/v1/session/isactive`, {
            headers: { authorization: `Bearer ${token}` },
          });
        expect((await check()).status).toBe(200);
        clock += 60_000;
        expect(timed.isValid(token)).toBe(false);
        expect((await check()).status).toBe(401);
      } finally {
        await timed.close();
      }
    });

    it('login with a valid token for that user sets a session cookie that isactive accepts', async () => {
      const { token } = await mint({ username: 'ana', secret_key: CLUSTER_KEY, org_id: 0 });
      const response = await login('ana', token);
      expect(response.status).toBe(204);
      const cookie = response.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^JSESSIONID=[0-9a-f]{32}; Path=\/; HttpOnly; SameSite=None$/);
      const session = cookie.split(';')[0] ?? '';
      expect((await isActive({ cookie: session })).status).toBe(200);
      expect((await isActive({ cookie: 'JSESSIONID=forged' })).status).toBe(401);
    });

    it('login rejects a token minted for another user, or never minted', async () => {
      const { token } = await mint({ username: 'ana', secret_key: CLUSTER_KEY, org_id: 0 });
      const otherUser = await login('bo', token);
      expect(otherUser.status).toBe(401);
      expect(otherUser.headers.get('set-cookie')).toBeNull();
      expect((await login('ana', 'tsstandin-token-ffffffffffffffffffffffff')).status).toBe(401);
    });

    it('answers a CORS preflight from an allowed origin with credentials allowed', async () => {
      const response = await fetch(`${ts.url}/callosum/v1/session/isactive`, {
        method: 'OPTIONS',
        headers: {
          origin: APP_ORIGIN,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization, x-requested-by',
        },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
      expect(response.headers.get('access-control-allow-credentials')).toBe('true');
      expect(response.headers.get('access-control-allow-headers')).toBe(
        'Authorization, Content-Type, X-Requested-By, Accept',
      );
      expect(response.headers.get('access-control-allow-methods')).toContain('GET');
    });

    it('refuses a preflight from an unlisted origin and never reflects it', async () => {
      const response = await fetch(`${ts.url}/callosum/v1/session/isactive`, {
        method: 'OPTIONS',
        headers: { origin: 'http://evil.example.test', 'access-control-request-method': 'GET' },
      });
      expect(response.status).toBe(403);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      const plain = await isActive({ origin: 'http://evil.example.test' });
      expect(plain.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('reflects an allowed origin on actual responses', async () => {
      const response = await isActive({ origin: APP_ORIGIN });
      expect(response.status).toBe(401);
      expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
      expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    });
  });

  it('answers unknown paths with 404', async () => {
    const response = await fetch(`${ts.url}/api/rest/2.0/nothing-here`);
    expect(response.status).toBe(404);
  });

  it('close() resolves promptly with a hung request and an idle keep-alive connection open', async () => {
    const doomed = await startThoughtSpotStandIn({ clusterKey: CLUSTER_KEY });
    await fetch(`${doomed.url}/callosum/v1/session/isactive`);
    doomed.injectFaults({ kind: 'hang' });
    const pending = rejection(
      fetch(`${doomed.url}/api/rest/2.0/auth/token/full`, { method: 'POST', body: '{}' }),
    );
    await waitFor(() => doomed.requests.length === 2);
    const started = Date.now();
    await doomed.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await pending).message).toBe('fetch failed');
  });
});

describe('ThoughtSpot stand-in connection counting', () => {
  it('counts one TCP connection for sequential keep-alive requests, one per request without', async () => {
    const ts = await startThoughtSpotStandIn({ clusterKey: CLUSTER_KEY });
    try {
      for (const _ of [1, 2, 3]) {
        const response = await fetch(`${ts.url}/api/rest/2.0/auth/token/full`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'ana', secret_key: CLUSTER_KEY }),
        });
        expect(response.status).toBe(200);
        await response.arrayBuffer();
        // undici returns the socket to its pool a tick after the body ends; a
        // request issued in the same tick would open a second connection.
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(ts.connections).toBe(1);
      expect(ts.tlsHandshakes).toBe(0);

      ts.resetCounters();
      const noKeepAlive = new HttpAgent({ keepAlive: false });
      for (const _ of [1, 2]) await getStatus(httpRequest, `${ts.url}/x`, noKeepAlive);
      expect(ts.connections).toBe(2);
    } finally {
      await ts.close();
    }
  });

  it('serves HTTPS with the given certificate and counts TLS handshakes', async () => {
    const { key, cert } = selfSignedCertificate();
    const ts = await startThoughtSpotStandIn({ clusterKey: CLUSTER_KEY, tls: { key, cert } });
    try {
      expect(ts.url).toBe(`https://127.0.0.1:${ts.port}`);
      const agent = new HttpsAgent({ keepAlive: true, ca: cert });
      expect(await getStatus(httpsRequest, `${ts.url}/callosum/v1/session/isactive`, agent)).toBe(
        401,
      );
      expect(await getStatus(httpsRequest, `${ts.url}/callosum/v1/session/isactive`, agent)).toBe(
        401,
      );
      expect(ts.tlsHandshakes).toBe(1);
      expect(ts.connections).toBe(1);
      agent.destroy();

      const untrusting = new HttpsAgent({ keepAlive: false });
      const error = await rejection(getStatus(httpsRequest, `${ts.url}/x`, untrusting));
      expect(error.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
      expect(ts.tlsHandshakes).toBe(1);
    } finally {
      await ts.close();
    }
  });
});

/** A GET with node:http(s) and an explicit agent, resolving to the status code. */
function getStatus(
  requestFn: typeof httpRequest | typeof httpsRequest,
  url: string,
  agent: HttpAgent,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = requestFn(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}
