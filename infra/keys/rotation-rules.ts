import type { RotationRulesType } from '@aws-sdk/client-secrets-manager';
import { UsageError } from './errors.js';

/**
 * `schedule`'s flags → RotateSecret's RotationRules, checked against Secrets
 * Manager's rules (AWS-AND-ABAC-FACTS §1.4) before any AWS call: AutomaticallyAfterDays
 * 1–1000, or a rate()/cron() ScheduleExpression in UTC that rotates at most every
 * 4 hours, a cron() with 0 minutes and `*` for the year, and a Duration window that
 * runs into neither the next window nor the next UTC day. Messages name the rule
 * broken and never repeat the input.
 */

export interface ScheduleFlags {
  /** `30d`: AutomaticallyAfterDays. */
  every?: string | undefined;
  /** `cron(...)` or `rate(...)`: ScheduleExpression. */
  cron?: string | undefined;
  /** `2h`: Duration. */
  window?: string | undefined;
}

export const MIN_DAYS = 1;
export const MAX_DAYS = 1000;
export const MIN_HOURS_BETWEEN_ROTATIONS = 4;
const HOURS_PER_DAY = 24;
/** A rotation window (Duration) in whole hours; it may not run into the next UTC day. */
export const MIN_WINDOW_HOURS = 1;
export const MAX_WINDOW_HOURS = HOURS_PER_DAY;

const EVERY = /^(\d{1,4})d$/;
const WINDOW = /^(\d{1,2})h$/;
const RATE = /^rate\((\d{1,6}) (hours?|days?)\)$/;
const CRON = /^cron\((.*)\)$/;
/** What the fields of a cron() may contain besides the hours, which are read in full. */
const CRON_FIELD = /^[0-9A-Za-z*?,/#-]+$/;

function refuse(message: string): never {
  throw new UsageError(message);
}

export function rotationRulesFrom(flags: ScheduleFlags): RotationRulesType {
  const { every, cron, window } = flags;
  if ((every === undefined) === (cron === undefined)) {
    refuse('give one of --every (e.g. 30d), --cron (a cron() or rate() expression) and --off');
  }
  if (every !== undefined) {
    if (window !== undefined) {
      refuse(
        '--window needs --cron: Secrets Manager opens the window from a ScheduleExpression, ' +
          "and with --every it picks the hour itself (for both, use --cron 'rate(30 days)' --window 2h)",
      );
    }
    return { AutomaticallyAfterDays: days(every) };
  }
  const expression = (cron ?? '').trim();
  const windowHours = window === undefined ? undefined : hoursOf(window);
  checkExpression(expression, windowHours);
  return {
    ScheduleExpression: expression,
    ...(windowHours === undefined ? {} : { Duration: `${windowHours}h` }),
  };
}

function days(every: string): number {
  const value = Number(EVERY.exec(every.trim())?.[1] ?? Number.NaN);
  if (!(value >= MIN_DAYS && value <= MAX_DAYS)) {
    refuse(
      `--every takes whole days from ${MIN_DAYS} to ${MAX_DAYS}, written like 30d ` +
        `(for hours, use --cron 'rate(${MIN_HOURS_BETWEEN_ROTATIONS * 2} hours)')`,
    );
  }
  return value;
}

function hoursOf(window: string): number {
  const value = Number(WINDOW.exec(window.trim())?.[1] ?? Number.NaN);
  if (!(value >= MIN_WINDOW_HOURS && value <= MAX_WINDOW_HOURS)) {
    refuse(
      `--window takes whole hours from ${MIN_WINDOW_HOURS} to ${MAX_WINDOW_HOURS}, written like 2h`,
    );
  }
  return value;
}

function checkExpression(expression: string, windowHours: number | undefined): void {
  const rate = RATE.exec(expression);
  const cron = CRON.exec(expression);
  if (rate) checkRate(Number(rate[1]), rate[2] ?? '', windowHours);
  else if (cron) checkCron(cron[1]?.trim().split(/\s+/) ?? [], windowHours);
  else
    refuse(
      "--cron takes a cron() or rate() expression, e.g. 'cron(0 4 ? * SUN *)' or 'rate(10 days)'",
    );
}

function checkRate(value: number, unit: string, windowHours: number | undefined): void {
  if ((value === 1) !== !unit.endsWith('s')) {
    refuse('--cron: a rate() takes a singular unit for 1 (rate(1 day)) and a plural one otherwise');
  }
  if (unit.startsWith('day')) {
    if (!(value >= MIN_DAYS && value <= MAX_DAYS)) {
      refuse(`--cron: a rate() in days takes ${MIN_DAYS} to ${MAX_DAYS} days`);
    }
    return;
  }
  if (value < MIN_HOURS_BETWEEN_ROTATIONS) {
    refuse(
      `--cron: Secrets Manager rotates at most every ${MIN_HOURS_BETWEEN_ROTATIONS} hours ` +
        `(rate(${MIN_HOURS_BETWEEN_ROTATIONS} hours) or more)`,
    );
  }
  if (windowHours !== undefined && windowHours > value) {
    refuse('--window is longer than the time between rotations: it would run into the next window');
  }
}

/** Fields: minutes, hours, day-of-month, month, day-of-week, year (all UTC). */
function checkCron(fields: string[], windowHours: number | undefined): void {
  const [minutes, hours, dayOfMonth, , dayOfWeek, year] = fields;
  if (fields.length !== 6 || !fields.every((field) => CRON_FIELD.test(field))) {
    refuse(
      '--cron: a cron() has six fields, minutes hours day-of-month month day-of-week year, ' +
        "e.g. 'cron(0 4 ? * SUN *)'",
    );
  }
  if (minutes !== '0') {
    refuse('--cron: Secrets Manager needs 0 in the minutes field (windows start on the hour)');
  }
  if (year !== '*') refuse('--cron: Secrets Manager needs * in the year field');
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    refuse('--cron: exactly one of day-of-month and day-of-week must be ?');
  }
  const matched = hoursMatched(hours ?? '');
  // Two matched days in a row are possible unless a day field names a single day.
  const single = (field: string | undefined) => /^[0-9A-Z]+$/i.test(field ?? '');
  const nextDayToo = !single(dayOfMonth) && !single(dayOfWeek);
  // The gap after each matched hour: to the next one that day, or past midnight
  // (to the first one of the next day when that day may match too).
  const gaps = matched.map((hour, index) => {
    const next = matched[index + 1];
    if (next !== undefined) return { hour, gap: next - hour, sameDay: true };
    const first = matched[0] ?? hour;
    return { hour, gap: HOURS_PER_DAY - hour + (nextDayToo ? first : 0), sameDay: false };
  });
  for (const { gap, sameDay } of gaps) {
    if ((sameDay || nextDayToo) && gap < MIN_HOURS_BETWEEN_ROTATIONS) {
      refuse(
        `--cron: Secrets Manager rotates at most every ${MIN_HOURS_BETWEEN_ROTATIONS} hours; ` +
          'the hours field matches hours closer together than that',
      );
    }
  }
  if (windowHours === undefined) return;
  for (const { hour, gap, sameDay } of gaps) {
    if (hour + windowHours > HOURS_PER_DAY) {
      refuse(
        '--window would run past midnight UTC into the next day, which Secrets Manager refuses',
      );
    }
    if (sameDay && windowHours > gap) {
      refuse('--window is longer than the time between two windows of the schedule');
    }
  }
}

/**
 * The hours (0–23) an hours field matches, ascending: `*`, numbers, `a-b`, `x/n`,
 * `a-b/n` and comma lists, as in EventBridge's cron().
 */
export function hoursMatched(field: string): number[] {
  const hours = new Set<number>();
  for (const part of field.split(',')) {
    const match = /^(\*|\d{1,2})(?:-(\d{1,2}))?(?:\/(\d{1,2}))?$/.exec(part);
    if (!match || (match[1] === '*' && match[2] !== undefined)) {
      refuse('--cron: the hours field cannot be read (use *, 4, 2-20, 0/6, */6 or lists)');
    }
    const [, from, to, stepText] = match;
    const start = from === '*' ? 0 : Number(from);
    const open = from === '*' || stepText !== undefined;
    const end = to !== undefined ? Number(to) : open ? HOURS_PER_DAY - 1 : start;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!(start <= end && end < HOURS_PER_DAY && step >= 1)) {
      refuse('--cron: the hours field takes hours from 0 to 23');
    }
    for (let hour = start; hour <= end; hour += step) hours.add(hour);
  }
  return [...hours].sort((a, b) => a - b);
}

/** The schedule in words, for the command's output. */
export function describeRules(rules: RotationRulesType | undefined): string {
  if (rules?.ScheduleExpression !== undefined) {
    const window = rules.Duration === undefined ? '' : `, window ${rules.Duration}`;
    return `${rules.ScheduleExpression} UTC${window}`;
  }
  if (rules?.AutomaticallyAfterDays !== undefined) {
    return `every ${rules.AutomaticallyAfterDays} days`;
  }
  return 'no schedule';
}
