/**
 * One business-hours calendar (工作时间) for routing, auto replies and SLA clocks: a
 * time zone, a weekly schedule, and dated exceptions — public holidays (closed) and
 * make-up working days (调休, special hours). Pure: no clock, no I/O; every function
 * takes the instant it reasons about.
 */
export interface TimeRange {
  /** "HH:MM", local time */
  start: string;
  /** "HH:MM", after start; "24:00" for midnight */
  end: string;
}

export interface DatedHours {
  /** "YYYY-MM-DD" in the calendar's time zone */
  date: string;
  name?: string;
  /** Absent or empty: closed all day. Otherwise these hours replace the weekly ones (调休). */
  hours?: TimeRange[];
}

export interface BusinessCalendar {
  /** IANA time zone, e.g. Asia/Shanghai */
  timezone: string;
  /** Weekday (0 = Sunday … 6 = Saturday) → opening hours. A missing day is closed. */
  weekly: Partial<Record<'0' | '1' | '2' | '3' | '4' | '5' | '6', TimeRange[]>>;
  holidays: DatedHours[];
}

/** Mon–Fri 09:00–18:00 in China: the default for a new workspace. */
export const DEFAULT_CALENDAR: BusinessCalendar = {
  timezone: 'Asia/Shanghai',
  weekly: Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, [{ start: '09:00', end: '18:00' }]])),
  holidays: [],
};

/** Always open: for inboxes without business hours. */
export const ALWAYS_OPEN: BusinessCalendar = {
  timezone: 'UTC',
  weekly: Object.fromEntries(['0', '1', '2', '3', '4', '5', '6'].map((d) => [d, [{ start: '00:00', end: '24:00' }]])),
  holidays: [],
};

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** An IANA time zone this runtime knows ('Asia/Shanghai', 'UTC'). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Problems with a calendar, in words an admin can act on; empty when valid. */
export function calendarProblems(cal: BusinessCalendar): string[] {
  const problems: string[] = [];
  if (!isTimeZone(cal.timezone)) problems.push(`unknown time zone "${cal.timezone}" (use an IANA name such as Asia/Shanghai)`);
  const checkRanges = (where: string, ranges: TimeRange[]) => {
    const sorted = [...ranges].sort((a, b) => minutes(a.start) - minutes(b.start));
    sorted.forEach((r, i) => {
      if (!HHMM.test(r.start) || !HHMM.test(r.end)) problems.push(`${where}: times must look like 09:00 (got ${r.start}–${r.end})`);
      else if (minutes(r.end) <= minutes(r.start)) problems.push(`${where}: ${r.start}–${r.end} ends before it starts (split overnight hours over two days)`);
      else if (i > 0 && minutes(r.start) < minutes(sorted[i - 1].end)) problems.push(`${where}: ${sorted[i - 1].start}–${sorted[i - 1].end} and ${r.start}–${r.end} overlap`);
    });
  };
  for (const [day, ranges] of Object.entries(cal.weekly)) {
    if (!/^[0-6]$/.test(day)) problems.push(`weekday ${day} is not 0 (Sunday) … 6 (Saturday)`);
    checkRanges(`weekday ${day}`, ranges ?? []);
  }
  for (const h of cal.holidays) {
    if (!DATE.test(h.date) || Number.isNaN(Date.parse(h.date))) problems.push(`holiday date "${h.date}" must look like 2026-10-01`);
    checkRanges(h.date, h.hours ?? []);
  }
  return problems;
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

export interface LocalTime {
  date: string;
  weekday: number;
  /** minutes since local midnight */
  minute: number;
}

/** The wall-clock date, weekday and minute of `at` in `tz`. */
export function localTime(at: Date, tz: string): LocalTime {
  const p: Record<string, string> = {};
  for (const part of formatter(tz).formatToParts(at)) p[part.type] = part.value;
  return { date: `${p.year}-${p.month}-${p.day}`, weekday: WEEKDAYS[p.weekday], minute: Number(p.hour) * 60 + Number(p.minute) };
}

/** UTC offset of `tz` at `at`, in milliseconds (east positive). */
function offsetMs(at: Date, tz: string): number {
  const p: Record<string, string> = {};
  for (const part of formatter(tz).formatToParts(at)) p[part.type] = part.value;
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The instant when the wall clock in `tz` shows `date` `minute`. In a DST gap the
 * clock jumps forward, so a time that never happens maps to the first moment after.
 */
export function instantOf(date: string, minute: number, tz: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const wall = Date.UTC(y, m - 1, d, 0, minute);
  let guess = wall - offsetMs(new Date(wall), tz);
  guess = wall - offsetMs(new Date(guess), tz);
  return new Date(guess);
}

/** The local date `n` days after `date` (YYYY-MM-DD; n may be negative): calendar days, whatever the hours. */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** Opening hours of one local date: a dated exception wins over the weekly schedule. */
export function hoursOn(cal: BusinessCalendar, date: string): TimeRange[] {
  const exception = cal.holidays.find((h) => h.date === date);
  const ranges = exception ? (exception.hours ?? []) : (cal.weekly[String(weekdayOf(date)) as '0'] ?? []);
  return [...ranges].sort((a, b) => minutes(a.start) - minutes(b.start));
}

export function isOpen(cal: BusinessCalendar, at: Date): boolean {
  const local = localTime(at, cal.timezone);
  return hoursOn(cal, local.date).some((r) => local.minute >= minutes(r.start) && local.minute < minutes(r.end));
}

const HORIZON_DAYS = 400;

/** The next moment the calendar is open (`at` itself when open now), or null if it never opens within a year. */
export function nextOpening(cal: BusinessCalendar, at: Date): Date | null {
  if (isOpen(cal, at)) return at;
  const start = localTime(at, cal.timezone).date;
  for (let i = 0; i < HORIZON_DAYS; i++) {
    const date = addDays(start, i);
    for (const r of hoursOn(cal, date)) {
      const opens = instantOf(date, minutes(r.start), cal.timezone);
      if (opens.getTime() > at.getTime()) return opens;
    }
  }
  return null;
}

/** When the current opening ends, or null when closed now. Adjacent ranges (…–24:00, 00:00–…) count as one. */
export function nextClosing(cal: BusinessCalendar, at: Date): Date | null {
  if (!isOpen(cal, at)) return null;
  let local = localTime(at, cal.timezone);
  let date = local.date;
  let from = local.minute;
  for (let i = 0; i < HORIZON_DAYS; i++) {
    const range = hoursOn(cal, date).find((r) => from >= minutes(r.start) && from < minutes(r.end));
    if (!range) return instantOf(date, from, cal.timezone);
    if (range.end !== '24:00') return instantOf(date, minutes(range.end), cal.timezone);
    date = addDays(date, 1);
    from = 0;
  }
  return null;
}

const MINUTE_MS = 60_000;

/** One local date's opening hours as instants (ms), in order; `start` is the date's local midnight, `next` the next date. */
interface DayOpenings {
  start: number;
  next: string;
  ranges: [number, number][];
}

/**
 * Opening hours per calendar and date, as instants: SLA clocks sum opening time over spans
 * of weeks (a ticket open for a month, fifty tickets a page), and turning each local time
 * into an instant asks Intl several times. A calendar's dates are computed once and kept
 * (bounded: calendars by content, a few years of dates each).
 */
const MAX_CACHED_CALENDARS = 64;
const MAX_CACHED_DAYS = 4000;
const dayCaches = new Map<string, Map<string, DayOpenings>>();
const cacheKeys = new WeakMap<BusinessCalendar, string>();

function openingsOn(cal: BusinessCalendar, date: string): DayOpenings {
  let key = cacheKeys.get(cal);
  if (key === undefined) cacheKeys.set(cal, (key = JSON.stringify(cal)));
  let days = dayCaches.get(key);
  if (!days) {
    if (dayCaches.size >= MAX_CACHED_CALENDARS) dayCaches.delete(dayCaches.keys().next().value as string);
    dayCaches.set(key, (days = new Map()));
  }
  let day = days.get(date);
  if (!day) {
    if (days.size >= MAX_CACHED_DAYS) days.clear();
    const tz = cal.timezone;
    day = { start: instantOf(date, 0, tz).getTime(), next: addDays(date, 1), ranges: hoursOn(cal, date).map((r) => [instantOf(date, minutes(r.start), tz).getTime(), instantOf(date, minutes(r.end), tz).getTime()]) };
    days.set(date, day);
  }
  return day;
}

/**
 * The local date of an instant, remembered: a ticket's clocks ask it again and again for the
 * same instants (each stage of a clock walks the same spans), and Intl is the slow part.
 */
const MAX_CACHED_DATES = 20_000;
const localDates = new Map<string, string>();
function localDate(at: Date, tz: string): string {
  const key = `${tz}|${at.getTime()}`;
  let date = localDates.get(key);
  if (date === undefined) {
    if (localDates.size >= MAX_CACHED_DATES) localDates.clear();
    localDates.set(key, (date = localTime(at, tz).date));
  }
  return date;
}

/**
 * The instant `minutes` of opening time after `from`: the count runs only while the
 * calendar is open, so in a 09:00–17:00 week Friday 16:30 + 60 is Monday 09:30 (SLA
 * targets in 工作时间). `minutes` ≥ 0; fractions of a minute are kept. Null when the
 * calendar stops opening before the minutes are used up (no opening for HORIZON_DAYS).
 */
export function addBusinessMinutes(cal: BusinessCalendar, from: Date, minutes: number): Date | null {
  let left = minutes * MINUTE_MS;
  const t = from.getTime();
  for (let date = localDate(from, cal.timezone), closedDays = 0; closedDays < HORIZON_DAYS; ) {
    const day = openingsOn(cal, date);
    let opened = false;
    for (const [s, e] of day.ranges) {
      if (e <= t) continue;
      opened = true;
      const begin = Math.max(s, t);
      if (left <= e - begin) return new Date(begin + left);
      left -= e - begin;
    }
    closedDays = opened ? 0 : closedDays + 1;
    date = day.next;
  }
  return null;
}

/** Minutes of opening time in [from, to) (fractional); 0 when `to` is not after `from`. */
export function businessMinutesBetween(cal: BusinessCalendar, from: Date, to: Date): number {
  const a = from.getTime();
  const b = to.getTime();
  if (b <= a) return 0;
  let total = 0;
  for (let day = openingsOn(cal, localDate(from, cal.timezone)); ; ) {
    for (const [s, e] of day.ranges) {
      const lo = Math.max(s, a);
      const hi = Math.min(e, b);
      if (hi > lo) total += hi - lo;
    }
    day = openingsOn(cal, day.next);
    if (day.start >= b) break;
  }
  return total / MINUTE_MS;
}
