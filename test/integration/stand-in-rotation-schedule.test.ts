// The Secrets Manager stand-in accepts the RotationRules AWS accepts and shows
// the schedule in DescribeSecret (AWS-AND-ABAC-FACTS §1.4), through the real SDK.
import {
  DescribeSecretCommand,
  RotateSecretCommand,
  type RotationRulesType,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { rejection } from '../support/errors.js';
import { useSecretsManagerStandIn } from './support/stand-in-clients.js';

const LAMBDA_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:rotate-key';
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

describe('Secrets Manager stand-in: rotation schedules', () => {
  const aws = useSecretsManagerStandIn({
    // testSecret alone (RotateImmediately false) passes and changes nothing.
    rotationFunctions: { [LAMBDA_ARN]: async () => {} },
  });
  let secretCount = 0;

  /** Configures rotation on a fresh secret without rotating; returns DescribeSecret. */
  async function schedule(rules: RotationRulesType) {
    secretCount += 1;
    const name = `schedule/org/${secretCount}`;
    aws.sm.setSecret(name, 'key');
    const before = Date.now();
    await aws.client.send(
      new RotateSecretCommand({
        SecretId: name,
        RotationLambdaARN: LAMBDA_ARN,
        RotationRules: rules,
        RotateImmediately: false,
      }),
    );
    await aws.sm.rotationSettled(name);
    const described = await aws.client.send(new DescribeSecretCommand({ SecretId: name }));
    return { name, before, described };
  }

  const startOfUtcDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

  it('opens a days-based window at the start of the UTC day N days on', async () => {
    const { before, described } = await schedule({ AutomaticallyAfterDays: 30, Duration: '3h' });

    expect(described.RotationRules).toEqual({ AutomaticallyAfterDays: 30, Duration: '3h' });
    expect(described.NextRotationDate?.getTime()).toBe(startOfUtcDay(before + 30 * DAY_MS));
  });

  it('schedules rate() in hours from when rotation was configured', async () => {
    const { before, described } = await schedule({ ScheduleExpression: 'rate(6 hours)' });

    const next = described.NextRotationDate?.getTime() ?? 0;
    expect(next - before).toBeGreaterThanOrEqual(6 * HOUR_MS);
    expect(next - before).toBeLessThan(6 * HOUR_MS + 60_000);
  });

  it('schedules cron() at the next matching UTC hour', async () => {
    const { before, described } = await schedule({
      ScheduleExpression: 'cron(0 4 ? * SUN *)',
      Duration: '2h',
    });

    const next = described.NextRotationDate;
    expect(next?.getUTCDay()).toBe(0);
    expect([next?.getUTCHours(), next?.getUTCMinutes()]).toEqual([4, 0]);
    expect((next?.getTime() ?? 0) - before).toBeGreaterThan(0);
    expect((next?.getTime() ?? 0) - before).toBeLessThanOrEqual(7 * DAY_MS);
  });

  it('understands cron lists, ranges and steps', async () => {
    const { described } = await schedule({ ScheduleExpression: 'cron(0 */6 1,15 JAN-DEC ? *)' });

    const next = described.NextRotationDate;
    expect([1, 15]).toContain(next?.getUTCDate());
    expect([0, 6, 12, 18]).toContain(next?.getUTCHours());
  });

  it.each<[string, RotationRulesType]>([
    ['zero days', { AutomaticallyAfterDays: 0 }],
    ['more than 1000 days', { AutomaticallyAfterDays: 1001 }],
    ['days and an expression', { AutomaticallyAfterDays: 7, ScheduleExpression: 'rate(7 days)' }],
    ['a rate under 4 hours', { ScheduleExpression: 'rate(2 hours)' }],
    ['a cron with minutes other than 0', { ScheduleExpression: 'cron(30 4 ? * SUN *)' }],
    ['a cron with five fields', { ScheduleExpression: 'cron(0 4 ? * SUN)' }],
    ['an unknown expression', { ScheduleExpression: 'every sunday' }],
    ['a window longer than a day', { AutomaticallyAfterDays: 7, Duration: '25h' }],
  ])('refuses %s with InvalidParameterException and configures nothing', async (_, rules) => {
    const name = `schedule/refused/${secretCount++}`;
    aws.sm.setSecret(name, 'key');

    const error = await rejection(
      aws.client.send(
        new RotateSecretCommand({
          SecretId: name,
          RotationLambdaARN: LAMBDA_ARN,
          RotationRules: rules,
        }),
      ),
    );
    const described = await aws.client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(error.name).toBe('InvalidParameterException');
    expect(described.RotationEnabled).toBeUndefined();
    expect(described.RotationRules).toBeUndefined();
  });

  it('keeps the configured rules when RotateSecret is called again without them', async () => {
    const { name } = await schedule({ AutomaticallyAfterDays: 14 });
    await aws.client.send(new RotateSecretCommand({ SecretId: name, RotateImmediately: false }));
    await aws.sm.rotationSettled(name);

    const described = await aws.client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.RotationRules).toEqual({ AutomaticallyAfterDays: 14 });
    expect(described.RotationLambdaARN).toBe(LAMBDA_ARN);
  });
});
