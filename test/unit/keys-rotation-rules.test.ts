import { describe, expect, it } from 'vitest';
import { UsageError } from '../../infra/keys/errors.js';
import {
  describeRules,
  hoursMatched,
  rotationRulesFrom,
  type ScheduleFlags,
} from '../../infra/keys/rotation-rules.js';

/** The UsageError message for `flags`, failing the test when they are accepted. */
function refusal(flags: ScheduleFlags): string {
  try {
    rotationRulesFrom(flags);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error('expected the flags to be refused');
}

describe('rotationRulesFrom: --every', () => {
  it('turns Nd into AutomaticallyAfterDays from 1 to 1000', () => {
    expect(rotationRulesFrom({ every: '30d' })).toEqual({ AutomaticallyAfterDays: 30 });
    expect(rotationRulesFrom({ every: '1d' })).toEqual({ AutomaticallyAfterDays: 1 });
    expect(rotationRulesFrom({ every: '1000d' })).toEqual({ AutomaticallyAfterDays: 1000 });
  });

  it.each(['0d', '1001d', '30', '30 days', '-5d', '2.5d', '4h', ''])('refuses %j', (every) => {
    expect(refusal({ every })).toContain('--every takes whole days from 1 to 1000');
  });

  it('refuses --window with --every, naming the rate() alternative', () => {
    expect(refusal({ every: '30d', window: '2h' })).toContain(
      "--window needs --cron: Secrets Manager opens the window from a ScheduleExpression, and with --every it picks the hour itself (for both, use --cron 'rate(30 days)' --window 2h)",
    );
  });

  it('asks for exactly one of --every and --cron', () => {
    const message = 'give one of --every (e.g. 30d), --cron (a cron() or rate() expression)';
    expect(refusal({})).toContain(message);
    expect(refusal({ every: '30d', cron: 'rate(10 days)' })).toContain(message);
  });
});

describe('rotationRulesFrom: rate()', () => {
  it('takes days from 1 to 1000 and hours from 4, singular only for 1', () => {
    for (const expression of ['rate(1 day)', 'rate(10 days)', 'rate(1000 days)', 'rate(4 hours)']) {
      expect(rotationRulesFrom({ cron: expression })).toEqual({ ScheduleExpression: expression });
    }
  });

  it.each([
    ['rate(3 hours)', 'at most every 4 hours'],
    ['rate(1 hour)', 'at most every 4 hours'],
    ['rate(0 days)', 'a rate() in days takes 1 to 1000 days'],
    ['rate(1001 days)', 'a rate() in days takes 1 to 1000 days'],
    ['rate(1 days)', 'singular unit for 1'],
    ['rate(10 day)', 'singular unit for 1'],
    ['rate(10 minutes)', '--cron takes a cron() or rate() expression'],
    ['rate(10days)', '--cron takes a cron() or rate() expression'],
  ])('refuses %s', (cron, message) => {
    expect(refusal({ cron })).toContain(message);
  });

  it('keeps a window within the interval between rotations', () => {
    expect(rotationRulesFrom({ cron: 'rate(6 hours)', window: '6h' })).toEqual({
      ScheduleExpression: 'rate(6 hours)',
      Duration: '6h',
    });
    expect(refusal({ cron: 'rate(6 hours)', window: '7h' })).toContain(
      'would run into the next window',
    );
  });
});

describe('rotationRulesFrom: cron()', () => {
  it('accepts Secrets Manager cron() with 0 minutes and any year, and a window', () => {
    expect(rotationRulesFrom({ cron: 'cron(0 4 ? * SUN *)', window: '2h' })).toEqual({
      ScheduleExpression: 'cron(0 4 ? * SUN *)',
      Duration: '2h',
    });
    for (const cron of ['cron(0 0/4 * * ? *)', 'cron(0 2,14 1 * ? *)', 'cron(0 8 ? * MON-FRI *)']) {
      expect(rotationRulesFrom({ cron })).toEqual({ ScheduleExpression: cron });
    }
  });

  it('trims the expression it sends', () => {
    expect(rotationRulesFrom({ cron: '  cron(0 4 ? * SUN *) ' })).toEqual({
      ScheduleExpression: 'cron(0 4 ? * SUN *)',
    });
  });

  it.each([
    ['cron(30 4 ? * SUN *)', 'needs 0 in the minutes field'],
    ['cron(*/5 4 ? * SUN *)', 'needs 0 in the minutes field'],
    ['cron(0 4 ? * SUN 2027)', 'needs * in the year field'],
    ['cron(0 4 * * SUN *)', 'exactly one of day-of-month and day-of-week must be ?'],
    ['cron(0 4 ? * ? *)', 'exactly one of day-of-month and day-of-week must be ?'],
    ['cron(0 4 ? * SUN)', 'a cron() has six fields'],
    ['cron(0 4 ? * SUN * *)', 'a cron() has six fields'],
    ['cron(0 4 ? * SUN; *)', 'a cron() has six fields'],
    ['0 4 ? * SUN *', '--cron takes a cron() or rate() expression'],
    ['cron(0 24 ? * SUN *)', 'the hours field takes hours from 0 to 23'],
    ['cron(0 6-2 ? * SUN *)', 'the hours field takes hours from 0 to 23'],
    ['cron(0 *-4 ? * SUN *)', 'the hours field cannot be read'],
    ['cron(0 MON ? * SUN *)', 'the hours field cannot be read'],
  ])('refuses %s', (cron, message) => {
    expect(refusal({ cron })).toContain(message);
  });

  it.each([
    'cron(0 * * * ? *)',
    'cron(0 */2 * * ? *)',
    'cron(0 1,3 ? * SUN *)',
    // 22:00 and, the next day, 00:00: two hours apart.
    'cron(0 0,22 * * ? *)',
  ])('refuses %s: more often than every 4 hours', (cron) => {
    expect(refusal({ cron })).toContain('at most every 4 hours');
  });

  it('counts across midnight only when the next day can match too', () => {
    expect(rotationRulesFrom({ cron: 'cron(0 0,22 ? * SUN *)' })).toEqual({
      ScheduleExpression: 'cron(0 0,22 ? * SUN *)',
    });
  });

  it('refuses a window past midnight UTC or into the next window of the day', () => {
    expect(refusal({ cron: 'cron(0 22 ? * SUN *)', window: '3h' })).toContain('past midnight UTC');
    expect(refusal({ cron: 'cron(0 0/6 * * ? *)', window: '7h' })).toContain(
      'longer than the time between two windows',
    );
    expect(rotationRulesFrom({ cron: 'cron(0 0/6 * * ? *)', window: '6h' }).Duration).toBe('6h');
  });

  it.each(['0h', '25h', '2', '2 h', '90m'])('refuses the window %j', (window) => {
    expect(refusal({ cron: 'cron(0 4 ? * SUN *)', window })).toContain(
      '--window takes whole hours from 1 to 24',
    );
  });

  it('never repeats the input in a message', () => {
    const pasted = 'b0cb26a0-1234-4abc-9def-0123456789ab';
    for (const flags of [{ every: pasted }, { cron: pasted }, { cron: `cron(${pasted})` }]) {
      expect(refusal(flags)).not.toContain(pasted);
    }
    expect(refusal({ cron: 'cron(0 4 ? * SUN *)', window: pasted })).not.toContain(pasted);
  });
});

describe('hoursMatched', () => {
  it('reads *, numbers, ranges, steps and lists', () => {
    expect(hoursMatched('*')).toHaveLength(24);
    expect(hoursMatched('4')).toEqual([4]);
    expect(hoursMatched('2-5')).toEqual([2, 3, 4, 5]);
    expect(hoursMatched('*/6')).toEqual([0, 6, 12, 18]);
    expect(hoursMatched('3/8')).toEqual([3, 11, 19]);
    expect(hoursMatched('1-10/4,20')).toEqual([1, 5, 9, 20]);
  });
});

describe('describeRules', () => {
  it('says the schedule in words', () => {
    expect(describeRules({ AutomaticallyAfterDays: 30 })).toBe('every 30 days');
    expect(describeRules({ ScheduleExpression: 'cron(0 4 ? * SUN *)', Duration: '2h' })).toBe(
      'cron(0 4 ? * SUN *) UTC, window 2h',
    );
    expect(describeRules(undefined)).toBe('no schedule');
  });
});
