// RotationRules as RotateSecret accepts them and the NextRotationDate that
// DescribeSecret derives from them (AWS-AND-ABAC-FACTS §1.4): either
// AutomaticallyAfterDays (1–1000) or a ScheduleExpression — rate() in hours
// (at least 4) or days, or a six-field cron() with 0 minutes and any year —
// plus an optional Duration window ("3h").
// Not imported from infra/keys/rotation-rules.ts: AWS's limits, copied apart, check the keys CLI.
import type * as z from 'zod';
import { AwsError, type RotationRulesInput } from './secrets-manager-inputs.js';

export type RotationRules = z.infer<typeof RotationRulesInput>;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const RATE = /^rate\((\d+) (hour|hours|day|days)\)$/;
const CRON = /^cron\((.+)\)$/;
const DURATION = /^(\d+)h$/;

const invalid = (message: string) => new AwsError('InvalidParameterException', message);

export function validateRotationRules(rules: RotationRules): void {
  const { AutomaticallyAfterDays: days, ScheduleExpression: expression, Duration } = rules;
  if (days !== undefined && expression !== undefined) {
    throw invalid("You can't specify both AutomaticallyAfterDays and ScheduleExpression.");
  }
  if (days !== undefined && (days < 1 || days > 1000)) {
    throw invalid('RotationRules.AutomaticallyAfterDays must be within 1-1000.');
  }
  if (expression !== undefined && intervalMs(expression) === undefined) {
    const fields = CRON.exec(expression)?.[1]?.trim().split(/\s+/);
    if (fields?.length !== 6 || fields[0] !== '0' || fields[5] !== '*') {
      throw invalid(`Invalid ScheduleExpression: ${expression}`);
    }
  }
  const hours = Number(DURATION.exec(Duration ?? '1h')?.[1] ?? Number.NaN);
  if (!(hours >= 1 && hours <= 24)) throw invalid(`Invalid Duration: ${Duration}`);
}

/**
 * When the next rotation window opens, counted from the last rotation (or from
 * when rotation was configured). Days-based rules open at the start of the UTC
 * day. Undefined for cron features the stand-in does not evaluate (L, W, #).
 */
export function nextRotationDate(rules: RotationRules, base: Date): Date | undefined {
  const expression = rules.ScheduleExpression;
  if (expression === undefined) {
    const days = rules.AutomaticallyAfterDays;
    return days === undefined ? undefined : startOfUtcDay(base.getTime() + days * DAY_MS);
  }
  const interval = intervalMs(expression);
  if (interval !== undefined) {
    return interval % DAY_MS === 0
      ? startOfUtcDay(base.getTime() + interval)
      : new Date(base.getTime() + interval);
  }
  return nextCronDate(CRON.exec(expression)?.[1] ?? '', base);
}

function intervalMs(expression: string): number | undefined {
  const match = RATE.exec(expression);
  if (!match) return undefined;
  const value = Number(match[1]);
  const isHours = match[2]?.startsWith('hour') ?? false;
  if (isHours ? value < 4 : value < 1 || value > 1000) return undefined;
  return value * (isHours ? HOUR_MS : DAY_MS);
}

function startOfUtcDay(ms: number): Date {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS);
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** The first whole UTC hour after `base` that the cron fields match, within two years. */
function nextCronDate(body: string, base: Date): Date | undefined {
  const [, hours, dayOfMonth, month, dayOfWeek] = body.trim().split(/\s+/);
  const matchers = [
    fieldMatcher(hours, 0),
    fieldMatcher(dayOfMonth, 1),
    fieldMatcher(month, 1, MONTHS),
    fieldMatcher(dayOfWeek, 1, WEEKDAYS),
  ];
  const [hour, day, mon, weekday] = matchers;
  if (!hour || !day || !mon || !weekday) return undefined;
  let time = Math.floor(base.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS;
  for (let step = 0; step < 2 * 366 * 24; step++, time += HOUR_MS) {
    const at = new Date(time);
    if (
      hour(at.getUTCHours()) &&
      day(at.getUTCDate()) &&
      mon(at.getUTCMonth() + 1) &&
      weekday(at.getUTCDay() + 1)
    ) {
      return at;
    }
  }
  return undefined;
}

/**
 * `*`, `?`, numbers, names, `a-b`, `x/n` and lists; undefined for anything else.
 * `min` is the field's first value (names count from it: JAN = 1, SUN = 1).
 */
function fieldMatcher(
  field: string | undefined,
  min: number,
  names: readonly string[] = [],
): ((value: number) => boolean) | undefined {
  if (field === undefined) return undefined;
  const toNumber = (token: string) => {
    const named = names.indexOf(token.toUpperCase());
    return named >= 0 ? named + min : /^\d+$/.test(token) ? Number(token) : Number.NaN;
  };
  const parts = field.split(',').map((part) => {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (range === '*' || range === '?') return { from: min, to: Number.MAX_SAFE_INTEGER, step };
    const [from = '', to] = range.split('-');
    const start = toNumber(from);
    const end =
      to === undefined ? (stepText === undefined ? start : Number.MAX_SAFE_INTEGER) : toNumber(to);
    return { from: start, to: end, step };
  });
  if (parts.some((p) => Number.isNaN(p.from) || Number.isNaN(p.to) || !(p.step >= 1))) {
    return undefined;
  }
  return (value) =>
    parts.some((p) => value >= p.from && value <= p.to && (value - p.from) % p.step === 0);
}
