// The Secrets Manager stand-in keeps versions and staging labels the way AWS
// does (AWS-AND-ABAC-FACTS §1.1, §1.3, §1.6), driven through the real SDK v3
// client over 127.0.0.1.
import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { rejection } from '../support/errors.js';
import { useSecretsManagerStandIn } from './support/stand-in-clients.js';

describe('Secrets Manager stand-in: versions and staging labels', () => {
  const aws = useSecretsManagerStandIn();
  let secretCount = 0;

  /** A fresh secret holding `value` as AWSCURRENT; returns its name and version. */
  async function freshSecret(value = 'first-value') {
    secretCount += 1;
    const name = `versions/secret-${secretCount}`;
    const created = await aws.client.send(
      new CreateSecretCommand({ Name: name, SecretString: value }),
    );
    return { name, firstVersion: created.VersionId ?? '' };
  }

  async function put(name: string, value: string, stages?: string[], token: string = randomUUID()) {
    const out = await aws.client.send(
      new PutSecretValueCommand({
        SecretId: name,
        SecretString: value,
        ClientRequestToken: token,
        ...(stages ? { VersionStages: stages } : {}),
      }),
    );
    return { versionId: out.VersionId ?? '', stages: out.VersionStages };
  }

  async function stagesOf(name: string) {
    return (await aws.client.send(new DescribeSecretCommand({ SecretId: name })))
      .VersionIdsToStages;
  }

  const read = (input: { SecretId: string; VersionId?: string; VersionStage?: string }) =>
    aws.client.send(new GetSecretValueCommand(input));

  it('stores an AWSPENDING version without moving AWSCURRENT', async () => {
    const { name, firstVersion } = await freshSecret();
    const pending = await put(name, 'next-value', ['AWSPENDING']);

    expect(pending.stages).toEqual(['AWSPENDING']);
    expect((await read({ SecretId: name })).SecretString).toBe('first-value');
    expect(await stagesOf(name)).toEqual({
      [firstVersion]: ['AWSCURRENT'],
      [pending.versionId]: ['AWSPENDING'],
    });
  });

  it('reads a version by VersionId, by VersionStage, or by both when they agree', async () => {
    const { name, firstVersion } = await freshSecret();
    const pending = await put(name, 'next-value', ['AWSPENDING']);

    const byId = await read({ SecretId: name, VersionId: pending.versionId });
    const byStage = await read({ SecretId: name, VersionStage: 'AWSPENDING' });
    const byBoth = await read({
      SecretId: name,
      VersionId: firstVersion,
      VersionStage: 'AWSCURRENT',
    });
    expect([byId.SecretString, byStage.SecretString, byBoth.SecretString]).toEqual([
      'next-value',
      'next-value',
      'first-value',
    ]);
    expect(byId.VersionStages).toEqual(['AWSPENDING']);
    expect(byBoth.VersionId).toBe(firstVersion);
  });

  it('rejects a VersionId and VersionStage that name different versions', async () => {
    const { name, firstVersion } = await freshSecret();
    await put(name, 'next-value', ['AWSPENDING']);

    const error = await rejection(
      read({ SecretId: name, VersionId: firstVersion, VersionStage: 'AWSPENDING' }),
    );
    expect(error.name).toBe('InvalidRequestException');
  });

  it('answers ResourceNotFoundException for an unknown version or a stage no version carries', async () => {
    const { name } = await freshSecret();

    const unknownId = await rejection(read({ SecretId: name, VersionId: randomUUID() }));
    const noPending = await rejection(read({ SecretId: name, VersionStage: 'AWSPENDING' }));
    expect(unknownId.name).toBe('ResourceNotFoundException');
    expect(noPending.name).toBe('ResourceNotFoundException');
    expect(noPending.message).toContain('staging label: AWSPENDING');
  });

  it('treats a repeated ClientRequestToken with the same value as a no-op', async () => {
    const { name } = await freshSecret();
    const token = randomUUID();
    const first = await put(name, 'pending-value', ['AWSPENDING'], token);
    const again = await put(name, 'pending-value', ['AWSPENDING'], token);

    expect(again).toEqual(first);
    expect(Object.keys((await stagesOf(name)) ?? {})).toHaveLength(2);
  });

  it('refuses a repeated ClientRequestToken with another value (ResourceExistsException)', async () => {
    const { name } = await freshSecret();
    const token = randomUUID();
    await put(name, 'pending-value', ['AWSPENDING'], token);

    const error = await rejection(put(name, 'other-value', ['AWSPENDING'], token));
    expect(error.name).toBe('ResourceExistsException');
    expect(error.message).not.toContain('other-value');
    const stored = await read({ SecretId: name, VersionId: token });
    expect(stored.SecretString).toBe('pending-value');
  });

  it('refuses a ClientRequestToken shorter than 32 characters, as AWS does', async () => {
    const { name } = await freshSecret();
    const error = await rejection(put(name, 'x', undefined, 'too-short'));
    expect(error.name).toBe('InvalidParameterException');
  });

  it('makes a default PutSecretValue AWSCURRENT and moves AWSPREVIOUS to the version it replaced', async () => {
    const { name, firstVersion } = await freshSecret();
    const second = await put(name, 'second-value');
    const third = await put(name, 'third-value');

    expect(third.stages).toEqual(['AWSCURRENT']);
    expect(await stagesOf(name)).toEqual({
      [second.versionId]: ['AWSPREVIOUS'],
      [third.versionId]: ['AWSCURRENT'],
    });
    // The unlabelled first version is deprecated but still readable by id.
    expect((await read({ SecretId: name, VersionId: firstVersion })).VersionStages).toEqual([]);
    const previous = await read({ SecretId: name, VersionStage: 'AWSPREVIOUS' });
    expect(previous.SecretString).toBe('second-value');
  });

  it('moves AWSCURRENT with UpdateSecretVersionStage and puts AWSPREVIOUS on the version it left', async () => {
    const { name, firstVersion } = await freshSecret();
    const pending = await put(name, 'next-value', ['AWSPENDING']);

    await aws.client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: pending.versionId,
        RemoveFromVersionId: firstVersion,
      }),
    );
    expect((await read({ SecretId: name })).SecretString).toBe('next-value');
    expect(await stagesOf(name)).toEqual({
      [firstVersion]: ['AWSPREVIOUS'],
      [pending.versionId]: ['AWSPENDING', 'AWSCURRENT'],
    });
  });

  it('refuses to move a label held elsewhere unless RemoveFromVersionId names the holder', async () => {
    const { name, firstVersion } = await freshSecret();
    const pending = await put(name, 'next-value', ['AWSPENDING']);
    const other = await put(name, 'other-value', ['CUSTOM']);
    const move = (removeFrom?: string) =>
      aws.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: name,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: pending.versionId,
          ...(removeFrom ? { RemoveFromVersionId: removeFrom } : {}),
        }),
      );

    const missing = await rejection(move());
    const wrong = await rejection(move(other.versionId));
    expect(missing.name).toBe('InvalidParameterException');
    expect(missing.message).toContain(`currently attached to version ${firstVersion}`);
    expect(wrong.name).toBe('InvalidParameterException');
    expect((await read({ SecretId: name })).VersionId).toBe(firstVersion);
  });

  it('removes AWSPENDING with RemoveFromVersionId alone, but never AWSCURRENT', async () => {
    const { name, firstVersion } = await freshSecret();
    const pending = await put(name, 'next-value', ['AWSPENDING']);
    const remove = (stage: string, versionId: string) =>
      aws.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: name,
          VersionStage: stage,
          RemoveFromVersionId: versionId,
        }),
      );

    await remove('AWSPENDING', pending.versionId);
    const current = await rejection(remove('AWSCURRENT', firstVersion));
    expect(current.name).toBe('InvalidParameterException');
    expect(await stagesOf(name)).toEqual({ [firstVersion]: ['AWSCURRENT'] });
  });

  it('refuses to move a label to a version that does not exist', async () => {
    const { name } = await freshSecret();
    const error = await rejection(
      aws.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: name,
          VersionStage: 'AWSPENDING',
          MoveToVersionId: randomUUID(),
        }),
      ),
    );
    expect(error.name).toBe('InvalidParameterException');
  });

  it('gives a secret created without a value its first AWSCURRENT by PutSecretValue', async () => {
    const name = 'versions/created-empty';
    await aws.client.send(new CreateSecretCommand({ Name: name }));
    const before = await rejection(read({ SecretId: name }));
    const first = await put(name, 'first-value');

    expect(before.name).toBe('ResourceNotFoundException');
    expect(first.stages).toEqual(['AWSCURRENT']);
    expect(await stagesOf(name)).toEqual({ [first.versionId]: ['AWSCURRENT'] });
  });

  it('lists the same label map as SecretVersionsToStages, and never a value', async () => {
    const { name, firstVersion } = await freshSecret();
    const pending = await put(name, 'listed-pending-value', ['AWSPENDING']);

    const listed = await aws.client.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [name] }] }),
    );
    expect(listed.SecretList?.[0]?.SecretVersionsToStages).toEqual({
      [firstVersion]: ['AWSCURRENT'],
      [pending.versionId]: ['AWSPENDING'],
    });
    expect(JSON.stringify(listed)).not.toContain('listed-pending-value');
  });

  it('setSecret() makes a new AWSCURRENT version like a PutSecretValue', async () => {
    const { name, firstVersion } = await freshSecret();
    aws.sm.setSecret(name, 'set-by-test');

    const current = await read({ SecretId: name });
    expect(current.SecretString).toBe('set-by-test');
    expect(await stagesOf(name)).toEqual({
      [firstVersion]: ['AWSPREVIOUS'],
      [current.VersionId ?? '']: ['AWSCURRENT'],
    });
  });
});
