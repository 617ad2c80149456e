import { addDays, instantOf, isTimeZone, localTime } from '../calendar/business-hours.js';
import { DomainError } from '../errors.js';
import type { ReportRange } from './types.js';

/** The longest range a report covers (a year and a day: a leap year's 366). */
export const MAX_RANGE_DAYS = 366;
/** Up to this many days, trends go by the hour. */
const HOURLY_UP_TO_DAYS = 2;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Days from `from` to `to` (YYYY-MM-DD), both counted. */
export function daysInRange(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

function validDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s;
}

/**
 * The range a report covers: whole local days `from`..`to` (inclusive) in `tz`, as the
 * instants [start, end). Without dates: the 30 days up to today.
 */
export function reportRange(input: { from?: string; to?: string; tz: string }, now: Date): ReportRange {
  const { tz } = input;
  if (!isTimeZone(tz)) throw new DomainError('unknown_time_zone', `“${tz}” is not a time zone (an IANA name like Asia/Shanghai)`, 400, { tz });
  const dates: Record<string, string | undefined> = { from: input.from, to: input.to };
  for (const name of Object.keys(dates)) {
    const v = dates[name];
    if (v !== undefined && !validDate(v)) throw new DomainError('bad_date', `${name} must be a date YYYY-MM-DD`, 400, { [name]: v });
  }
  const to = input.to ?? (input.from !== undefined ? addDays(input.from, 29) : localTime(now, tz).date);
  const from = input.from ?? addDays(to, -29);
  if (from > to) throw new DomainError('bad_range', 'from must not be after to', 400, { from, to });
  const days = daysInRange(from, to);
  if (days > MAX_RANGE_DAYS) throw new DomainError('range_too_long', `a report covers at most ${MAX_RANGE_DAYS} days (this range has ${days})`, 400, { days, max: MAX_RANGE_DAYS });
  return {
    from,
    to,
    tz,
    bucket: days <= HOURLY_UP_TO_DAYS ? 'hour' : 'day',
    start: instantOf(from, 0, tz).toISOString(),
    end: instantOf(addDays(to, 1), 0, tz).toISOString(),
  };
}

/** Every bucket of the range, so days (or hours) without data show as zero rather than vanish: 'YYYY-MM-DD' or 'YYYY-MM-DD HH:00'. */
export function bucketsOf(range: ReportRange): string[] {
  const out: string[] = [];
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) {
    if (range.bucket === 'day') out.push(d);
    else for (let h = 0; h < 24; h++) out.push(`${d} ${String(h).padStart(2, '0')}:00`);
  }
  return out;
}

/** The first instant (ISO) of every bucket, in order: the thresholds the queries sort times into. */
export function bucketStarts(range: ReportRange): string[] {
  const out: string[] = [];
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) {
    if (range.bucket === 'day') out.push(instantOf(d, 0, range.tz).toISOString());
    else for (let h = 0; h < 24; h++) out.push(instantOf(d, h * 60, range.tz).toISOString());
  }
  return out;
}
