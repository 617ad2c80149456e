import { describe, expect, it } from 'vitest';
import { addBusinessMinutes, addDays, ALWAYS_OPEN, businessMinutesBetween, calendarProblems, DEFAULT_CALENDAR, instantOf, isOpen, localTime, nextClosing, nextOpening, type BusinessCalendar } from './business-hours.js';

const shanghai: BusinessCalendar = {
  ...DEFAULT_CALENDAR,
  holidays: [
    { date: '2026-10-01', name: '国庆节' },
    { date: '2026-10-02', name: '国庆节' },
    { date: '2026-10-10', name: '调休上班', hours: [{ start: '09:00', end: '18:00' }] },
  ],
};
const at = (iso: string) => new Date(iso);

describe('business hours', () => {
  it('reads the wall clock in the calendar’s zone', () => {
    // 2026-11-23 01:30 UTC is Monday 09:30 in Shanghai
    expect(localTime(at('2026-11-23T01:30:00Z'), 'Asia/Shanghai')).toEqual({ date: '2026-11-23', weekday: 1, minute: 570 });
    expect(instantOf('2026-11-23', 540, 'Asia/Shanghai').toISOString()).toBe('2026-11-23T01:00:00.000Z');
  });

  it('is open in weekday hours and closed at night, at weekends and on holidays', () => {
    expect(isOpen(shanghai, at('2026-11-23T01:30:00Z'))).toBe(true); // Mon 09:30
    expect(isOpen(shanghai, at('2026-11-23T00:59:00Z'))).toBe(false); // Mon 08:59
    expect(isOpen(shanghai, at('2026-11-23T10:00:00Z'))).toBe(false); // Mon 18:00 (end is exclusive)
    expect(isOpen(shanghai, at('2026-11-22T03:00:00Z'))).toBe(false); // Sunday
    expect(isOpen(shanghai, at('2026-10-01T03:00:00Z'))).toBe(false); // 国庆节, a Thursday
    expect(isOpen(shanghai, at('2026-10-10T03:00:00Z'))).toBe(true); // Saturday made a working day (调休)
  });

  it('finds the next opening across nights, weekends and holidays', () => {
    expect(nextOpening(shanghai, at('2026-11-23T01:30:00Z'))?.toISOString()).toBe('2026-11-23T01:30:00.000Z'); // open now
    expect(nextOpening(shanghai, at('2026-11-20T11:00:00Z'))?.toISOString()).toBe('2026-11-23T01:00:00.000Z'); // Fri 19:00 → Mon 09:00
    expect(nextOpening(shanghai, at('2026-09-30T11:00:00Z'))?.toISOString()).toBe('2026-10-05T01:00:00.000Z'); // over the holiday + weekend
    expect(nextClosing(shanghai, at('2026-11-23T01:30:00Z'))?.toISOString()).toBe('2026-11-23T10:00:00.000Z');
    expect(nextClosing(shanghai, at('2026-11-22T03:00:00Z'))).toBeNull();
  });

  it('handles daylight saving time', () => {
    const ny: BusinessCalendar = { timezone: 'America/New_York', weekly: { '0': [{ start: '01:00', end: '04:00' }] }, holidays: [] };
    // 2026-03-08: clocks jump 02:00 → 03:00. 01:30 EST = 06:30Z; 03:30 EDT = 07:30Z
    expect(isOpen(ny, at('2026-03-08T06:30:00Z'))).toBe(true);
    expect(isOpen(ny, at('2026-03-08T07:30:00Z'))).toBe(true);
    expect(nextClosing(ny, at('2026-03-08T06:30:00Z'))?.toISOString()).toBe('2026-03-08T08:00:00.000Z');
    expect(instantOf('2026-11-02', 9 * 60, 'America/New_York').toISOString()).toBe('2026-11-02T14:00:00.000Z'); // EST again
  });

  it('treats …–24:00 followed by 00:00–… as one opening', () => {
    expect(isOpen(ALWAYS_OPEN, at('2026-11-22T23:59:59Z'))).toBe(true);
    const late: BusinessCalendar = { timezone: 'UTC', weekly: { '1': [{ start: '20:00', end: '24:00' }], '2': [{ start: '00:00', end: '02:00' }] }, holidays: [] };
    expect(nextClosing(late, at('2026-11-23T21:00:00Z'))?.toISOString()).toBe('2026-11-24T02:00:00.000Z');
  });

  it('adds calendar days across month and year ends', () => {
    expect(addDays('2026-01-20', 15)).toBe('2026-02-04');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('never opening returns null instead of looping', () => {
    expect(nextOpening({ timezone: 'UTC', weekly: {}, holidays: [] }, at('2026-01-01T00:00:00Z'))).toBeNull();
  });

  it('explains invalid calendars', () => {
    expect(calendarProblems(shanghai)).toEqual([]);
    const bad: BusinessCalendar = {
      timezone: 'Mars/Olympus',
      weekly: { '1': [{ start: '18:00', end: '09:00' }], '2': [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '13:00' }] },
      holidays: [{ date: '2026-13-01' }],
    };
    const problems = calendarProblems(bad);
    expect(problems.join('\n')).toMatch(/unknown time zone/);
    expect(problems.join('\n')).toMatch(/ends before it starts/);
    expect(problems.join('\n')).toMatch(/overlap/);
    expect(problems.join('\n')).toMatch(/2026-13-01/);
  });

  describe('business minutes', () => {
    // Mon–Fri 09:00–17:00 in UTC, the case (Chatwoot PR#13392)
    const nineToFive: BusinessCalendar = {
      timezone: 'UTC',
      weekly: Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, [{ start: '09:00', end: '17:00' }]])),
      holidays: [],
    };
    const add = (cal: BusinessCalendar, iso: string, minutes: number) => addBusinessMinutes(cal, at(iso), minutes)?.toISOString();

    it('Friday 16:30 + 1 business hour is Monday 09:30', () => {
      expect(add(nineToFive, '2026-11-20T16:30:00Z', 60)).toBe('2026-11-23T09:30:00.000Z');
    });

    it('counts from the next opening when closed, ends at closing time exactly, keeps fractions', () => {
      expect(add(nineToFive, '2026-11-21T12:00:00Z', 30)).toBe('2026-11-23T09:30:00.000Z'); // Saturday → Monday
      expect(add(nineToFive, '2026-11-23T16:00:00Z', 60)).toBe('2026-11-23T17:00:00.000Z'); // not the next morning
      expect(add(nineToFive, '2026-11-23T09:00:00Z', 0.5)).toBe('2026-11-23T09:00:30.000Z');
      expect(add(nineToFive, '2026-11-23T10:00:00Z', 3 * 480)).toBe('2026-11-26T10:00:00.000Z'); // three business days
    });

    it('skips holidays and works on 调休 days, in the calendar’s zone', () => {
      // Shanghai 09:00–18:00; Wed 2026-09-30 17:30 + 60: 30 min, then 国庆节 Thu/Fri, weekend → Mon 10-05 09:30
      expect(add(shanghai, '2026-09-30T09:30:00Z', 60)).toBe('2026-10-05T01:30:00.000Z');
      // Fri 2026-10-09 17:30 + 60: 30 min, then Saturday 10-10 is a 调休 working day → Sat 09:30
      expect(add(shanghai, '2026-10-09T09:30:00Z', 60)).toBe('2026-10-10T01:30:00.000Z');
    });

    it('splits days with a lunch break', () => {
      const lunch: BusinessCalendar = { timezone: 'UTC', weekly: { '1': [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '18:00' }] }, holidays: [] };
      expect(add(lunch, '2026-11-23T11:30:00Z', 60)).toBe('2026-11-23T13:30:00.000Z');
      expect(businessMinutesBetween(lunch, at('2026-11-23T11:30:00Z'), at('2026-11-23T13:30:00Z'))).toBe(60);
    });

    it('measures opening time between two instants, the inverse of adding', () => {
      expect(businessMinutesBetween(nineToFive, at('2026-11-20T16:30:00Z'), at('2026-11-23T09:30:00Z'))).toBe(60);
      expect(businessMinutesBetween(nineToFive, at('2026-11-21T00:00:00Z'), at('2026-11-22T23:59:00Z'))).toBe(0); // weekend
      expect(businessMinutesBetween(nineToFive, at('2026-11-23T12:00:00Z'), at('2026-11-23T11:00:00Z'))).toBe(0);
      expect(businessMinutesBetween(shanghai, at('2026-10-09T09:00:00Z'), at('2026-10-10T02:00:00Z'))).toBe(60 + 60); // Fri 17:00–18:00, then 调休 Saturday 09:00–10:00
      expect(businessMinutesBetween(shanghai, at('2026-09-30T09:00:00Z'), at('2026-10-05T02:00:00Z'))).toBe(60 + 60); // Wed 17:00–18:00, 国庆节, weekend, Mon 09:00–10:00
      expect(businessMinutesBetween(ALWAYS_OPEN, at('2026-11-23T00:00:00Z'), at('2026-11-25T00:00:00Z'))).toBe(2 * 24 * 60);
    });

    it('never opening: adding gives null', () => {
      expect(addBusinessMinutes({ timezone: 'UTC', weekly: {}, holidays: [] }, at('2026-01-01T00:00:00Z'), 1)).toBeNull();
    });
  });
});
