// The Secrets Manager stand-in rotates a secret the way AWS does
// (AWS-AND-ABAC-FACTS §1.1, §1.4, §1.7): RotateSecret answers at once, the
// token is first a valueless AWSPENDING version, the rotation function runs
// step by step in the background, and outcomes become CloudTrail-like events.
import { randomUUID } from 'node:crypto';
import {
  CancelRotateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  type RotateSecretCommandInput,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerRotationEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { RotationFunction } from '../../infra/local/secrets-manager-stand-in.js';
import { rejection } from '../support/errors.js';
import { useSecretsManagerStandIn } from './support/stand-in-clients.js';

const LAMBDA_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:rotate-key';

describe('Secrets Manager stand-in: RotateSecret', () => {
  const aws = useSecretsManagerStandIn();
  let secretCount = 0;

  function freshSecret(value = 'old-key'): string {
    secretCount += 1;
    const name = `rotation/org/${secretCount}`;
    aws.sm.setSecret(name, value);
    return name;
  }

  /**
   * A rotation function shaped like AWS's template: createSecret stores
   * `newValue` as AWSPENDING unless it is there already, finishSecret moves
   * AWSCURRENT. `during` runs first at every step, e.g. to look or to fail.
   */
  function templateFunction(
    newValue: string,
    during: (event: SecretsManagerRotationEvent) => Promise<void> = async () => {},
  ) {
    const steps: string[] = [];
    const fn: RotationFunction = async (event) => {
      steps.push(event.Step);
      await during(event);
      const { SecretId, ClientRequestToken: token } = event;
      if (event.Step === 'createSecret') {
        const stored = await aws.client
          .send(new GetSecretValueCommand({ SecretId, VersionId: token }))
          .then(
            () => true,
            (error: Error) => {
              if (error.name === 'ResourceNotFoundException') return false;
              throw error;
            },
          );
        if (stored) return;
        await aws.client.send(
          new PutSecretValueCommand({
            SecretId,
            ClientRequestToken: token,
            SecretString: newValue,
            VersionStages: ['AWSPENDING'],
          }),
        );
      } else if (event.Step === 'finishSecret') {
        const stages = await versionStages(SecretId);
        const current = Object.keys(stages).find((id) => stages[id]?.includes('AWSCURRENT'));
        if (current === token) return;
        await aws.client.send(
          new UpdateSecretVersionStageCommand({
            SecretId,
            VersionStage: 'AWSCURRENT',
            MoveToVersionId: token,
            RemoveFromVersionId: current,
          }),
        );
      }
    };
    return { fn, steps };
  }

  async function versionStages(secretId: string): Promise<Record<string, string[]>> {
    const described = await aws.client.send(new DescribeSecretCommand({ SecretId: secretId }));
    return described.VersionIdsToStages ?? {};
  }

  const currentValue = async (secretId: string) =>
    (await aws.client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;

  function rotate(SecretId: string, input: Partial<RotateSecretCommandInput> = {}) {
    return aws.client.send(
      new RotateSecretCommand({ SecretId, RotationLambdaARN: LAMBDA_ARN, ...input }),
    );
  }

  const eventsOf = (arn: string) =>
    aws.sm.rotationEvents.filter((event) => event.secretId === arn).map((event) => event.eventName);

  it('answers RotateSecret at once and then runs the four steps in order with the ARN and token', async () => {
    const name = freshSecret();
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen: SecretsManagerRotationEvent[] = [];
    const { fn, steps } = templateFunction('new-key', async (event) => {
      seen.push(event);
      // Held until RotateSecret has answered: a synchronous RotateSecret would never answer.
      if (event.Step === 'createSecret') await gate;
    });
    aws.sm.registerRotationFunction(LAMBDA_ARN, fn);

    const answer = await rotate(name);
    release();
    const outcome = await aws.sm.rotationSettled(name);

    expect(outcome).toMatchObject({ status: 'succeeded', mode: 'rotate' });
    expect(outcome?.versionId).toBe(answer.VersionId);
    expect(steps).toEqual(['createSecret', 'setSecret', 'testSecret', 'finishSecret']);
    expect(new Set(seen.map((event) => event.SecretId))).toEqual(new Set([answer.ARN]));
    expect(new Set(seen.map((event) => event.ClientRequestToken))).toEqual(
      new Set([answer.VersionId]),
    );
  });

  it('registers the token as an AWSPENDING version without a value before createSecret runs', async () => {
    const name = freshSecret();
    let stagesAtCreate: Record<string, string[]> = {};
    let readAtCreate: Error | undefined;
    const { fn } = templateFunction('new-key', async (event) => {
      if (event.Step !== 'createSecret') return;
      stagesAtCreate = await versionStages(event.SecretId);
      readAtCreate = await rejection(
        aws.client.send(
          new GetSecretValueCommand({
            SecretId: event.SecretId,
            VersionId: event.ClientRequestToken,
            VersionStage: 'AWSPENDING',
          }),
        ),
      );
    });
    aws.sm.registerRotationFunction(LAMBDA_ARN, fn);

    const { VersionId } = await rotate(name);
    await aws.sm.rotationSettled(name);

    expect(stagesAtCreate[VersionId ?? '']).toEqual(['AWSPENDING']);
    expect(readAtCreate?.name).toBe('ResourceNotFoundException');
  });

  it('ends a rotation with the new value AWSCURRENT, the old one AWSPREVIOUS and a LastRotatedDate', async () => {
    const name = freshSecret('old-key');
    aws.sm.registerRotationFunction(LAMBDA_ARN, templateFunction('new-key').fn);

    const { ARN, VersionId } = await rotate(name, {
      RotationRules: { AutomaticallyAfterDays: 30 },
    });
    await aws.sm.rotationSettled(name);
    const described = await aws.client.send(new DescribeSecretCommand({ SecretId: name }));
    const previous = await aws.client.send(
      new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }),
    );

    expect(await currentValue(name)).toBe('new-key');
    expect(previous.SecretString).toBe('old-key');
    // AWSPENDING stays with AWSCURRENT: one of the two end states AWS accepts.
    expect(described.VersionIdsToStages?.[VersionId ?? '']).toEqual(['AWSPENDING', 'AWSCURRENT']);
    expect(described).toMatchObject({
      RotationEnabled: true,
      RotationLambdaARN: LAMBDA_ARN,
      RotationRules: { AutomaticallyAfterDays: 30 },
    });
    expect(Math.abs((described.LastRotatedDate?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
    expect(eventsOf(ARN ?? '')).toEqual(['RotationStarted', 'RotationSucceeded']);
  });

  it('with RotateImmediately false runs only testSecret, on a copy of the current value, then drops it', async () => {
    const name = freshSecret('current-key');
    let pendingAtTest: string | undefined;
    const { fn, steps } = templateFunction('never-used', async (event) => {
      const pending = await aws.client.send(
        new GetSecretValueCommand({ SecretId: event.SecretId, VersionStage: 'AWSPENDING' }),
      );
      pendingAtTest = pending.SecretString;
    });
    aws.sm.registerRotationFunction(LAMBDA_ARN, fn);

    const { ARN, VersionId } = await rotate(name, {
      RotateImmediately: false,
      RotationRules: { ScheduleExpression: 'rate(10 days)' },
    });
    const outcome = await aws.sm.rotationSettled(name);
    const described = await aws.client.send(new DescribeSecretCommand({ SecretId: name }));

    expect(outcome).toMatchObject({ status: 'succeeded', mode: 'test' });
    expect(steps).toEqual(['testSecret']);
    expect(pendingAtTest).toBe('current-key');
    expect(await currentValue(name)).toBe('current-key');
    expect(Object.keys(described.VersionIdsToStages ?? {})).not.toContain(VersionId);
    expect(described.RotationEnabled).toBe(true);
    expect(described.LastRotatedDate).toBeUndefined();
    expect(eventsOf(ARN ?? '')).toEqual(['TestRotationStarted', 'TestRotationSucceeded']);
  });

  it('after a failed step keeps AWSCURRENT, leaves AWSPENDING on the partial version and logs RotationFailed', async () => {
    const name = freshSecret('old-key');
    const { fn, steps } = templateFunction('new-key', async (event) => {
      if (event.Step === 'setSecret') throw new Error('ThoughtSpot said no');
    });
    aws.sm.registerRotationFunction(LAMBDA_ARN, fn);

    const { ARN, VersionId } = await rotate(name);
    const outcome = await aws.sm.rotationSettled(name);

    expect(outcome).toMatchObject({ status: 'failed', failedStep: 'setSecret' });
    expect(outcome?.error).toMatchObject({ message: 'ThoughtSpot said no' });
    expect(steps).toEqual(['createSecret', 'setSecret']);
    expect(await currentValue(name)).toBe('old-key');
    expect((await versionStages(name))[VersionId ?? '']).toEqual(['AWSPENDING']);
    const failed = aws.sm.rotationEvents.filter((event) => event.secretId === ARN).at(-1);
    expect(failed).toMatchObject({
      eventName: 'RotationFailed',
      versionId: VersionId,
      errorMessage: `Error when executing lambda ${LAMBDA_ARN} during setSecret step`,
    });
  });

  it('refuses a new rotation while AWSPENDING sits on another version, until it is removed', async () => {
    const name = freshSecret();
    aws.sm.registerRotationFunction(LAMBDA_ARN, async () => {
      throw new Error('fails at createSecret');
    });
    const first = await rotate(name);
    await aws.sm.rotationSettled(name);

    const refused = await rejection(rotate(name));
    expect(refused.name).toBe('InvalidRequestException');
    expect(refused.message).toContain("A previous rotation isn't complete");

    await aws.client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: 'AWSPENDING',
        RemoveFromVersionId: first.VersionId,
      }),
    );
    aws.sm.registerRotationFunction(LAMBDA_ARN, templateFunction('new-key').fn);
    await rotate(name);
    expect(await aws.sm.rotationSettled(name)).toMatchObject({ status: 'succeeded' });
    expect(await currentValue(name)).toBe('new-key');
  });

  it('answers the same ClientRequestToken again with the same version, starting nothing new', async () => {
    const name = freshSecret();
    const token = randomUUID();
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { fn, steps } = templateFunction('new-key', async (event) => {
      if (event.Step === 'createSecret') await gate;
    });
    aws.sm.registerRotationFunction(LAMBDA_ARN, fn);

    const first = await rotate(name, { ClientRequestToken: token });
    const retried = await rotate(name, { ClientRequestToken: token });
    release();
    await aws.sm.rotationSettled(name);

    expect(retried.VersionId).toBe(first.VersionId);
    expect(steps.filter((step) => step === 'createSecret')).toHaveLength(1);
  });

  it('refuses a Lambda ARN it may not invoke (AccessDeniedException) and changes nothing', async () => {
    const name = freshSecret();
    const unknownArn = 'arn:aws:lambda:us-east-1:000000000000:function:not-registered';

    const error = await rejection(rotate(name, { RotationLambdaARN: unknownArn }));
    const described = await aws.client.send(new DescribeSecretCommand({ SecretId: name }));

    expect(error.name).toBe('AccessDeniedException');
    expect(described.RotationEnabled).toBeUndefined();
    expect(Object.values(described.VersionIdsToStages ?? {})).toEqual([['AWSCURRENT']]);
    expect(await aws.sm.rotationSettled(name)).toBeUndefined();
  });

  it('refuses to rotate a secret that has no rotation function configured', async () => {
    const name = freshSecret();
    const error = await rejection(aws.client.send(new RotateSecretCommand({ SecretId: name })));
    expect(error.name).toBe('InvalidRequestException');
  });

  it('abandons a rotation when a new AWSCURRENT value is put by hand mid-rotation', async () => {
    const name = freshSecret('old-key');
    const { fn, steps } = templateFunction('rotated-key', async (event) => {
      if (event.Step === 'setSecret') {
        await aws.client.send(
          new PutSecretValueCommand({ SecretId: name, SecretString: 'by-hand' }),
        );
      }
    });
    aws.sm.registerRotationFunction(LAMBDA_ARN, fn);

    const { ARN, VersionId } = await rotate(name);
    const outcome = await aws.sm.rotationSettled(name);

    expect(outcome).toMatchObject({ status: 'abandoned', versionId: VersionId });
    expect(steps).toEqual(['createSecret', 'setSecret']);
    expect(await currentValue(name)).toBe('by-hand');
    expect(Object.values(await versionStages(name)).flat()).not.toContain('AWSPENDING');
    expect(eventsOf(ARN ?? '')).toEqual(['RotationStarted', 'RotationAbandoned']);
  });

  it('CancelRotateSecret turns rotation off, stops before the next step and names the partial version', async () => {
    const name = freshSecret();
    let cancelled: { VersionId?: string | undefined } = {};
    const { fn, steps } = templateFunction('new-key', async (event) => {
      if (event.Step === 'setSecret') {
        cancelled = await aws.client.send(new CancelRotateSecretCommand({ SecretId: name }));
      }
    });
    aws.sm.registerRotationFunction(LAMBDA_ARN, fn);

    const { VersionId } = await rotate(name);
    const outcome = await aws.sm.rotationSettled(name);
    const described = await aws.client.send(new DescribeSecretCommand({ SecretId: name }));

    expect(outcome?.status).toBe('cancelled');
    expect(steps).toEqual(['createSecret', 'setSecret']);
    expect(cancelled.VersionId).toBe(VersionId);
    expect(described.RotationEnabled).toBe(false);
    expect(described.NextRotationDate).toBeUndefined();
  });

  it('counts a finishSecret that leaves AWSCURRENT in place as a failed rotation', async () => {
    const name = freshSecret();
    aws.sm.registerRotationFunction(LAMBDA_ARN, async () => {});

    await rotate(name);
    const outcome = await aws.sm.rotationSettled(name);

    expect(outcome).toMatchObject({ status: 'failed', failedStep: 'finishSecret' });
    expect(aws.sm.rotationEvents.at(-1)?.eventName).toBe('RotationFailed');
  });

  it('rejects rotationSettled for a secret that does not exist', async () => {
    const error = await rejection(aws.sm.rotationSettled('rotation/never-created'));
    expect(error.name).toBe('ResourceNotFoundException');
  });
});
