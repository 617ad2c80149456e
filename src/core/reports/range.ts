import { addDays, instantOf } from '../calendar/business-hours.js';
import { DomainError } from '../errors.js';
import type { ReportRange } from './types.js';

/** The longest range a report covers (a year and a day: a leap year's 366). */
export const MAX_RANGE_DAYS = 366;
/** Up to this many days, trends go by the hour. */
const HOURLY_UP_TO_DAYS = 2;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** An IANA time zone this runtime knows ('Asia/Shanghai', 'UTC'). */
export function isTimeZone(tz: string): boolean {
  if (tz.length === 0 || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function validDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s;
}

/** Today's date in `tz`. */
export function todayIn(tz: string, now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
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
  const to = input.to ?? (input.from !== undefined ? addDays(input.from, 29) : todayIn(tz, now));
  const from = input.from ?? addDays(to, -29);
  if (from > to) throw new DomainError('bad_range', 'from must not be after to', 400, { from, to });
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
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
