// The Secrets Manager stand-in behaves like the real service, through the real AWS SDK
// v3 client over real sockets on 127.0.0.1: values, versions and metadata, deletion
// and restore, listing, faults, and the record of calls that tests count.
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
import { rejection } from '../support/errors.js';
import { smClient } from './support/stand-in-clients.js';
import { waitFor } from './support/wait-for.js';

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
    sm.setSecret('tsts/org/0', 'cluster-key-value');
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
