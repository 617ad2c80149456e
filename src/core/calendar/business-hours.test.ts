import { describe, expect, it } from 'vitest';
import { ALWAYS_OPEN, calendarProblems, DEFAULT_CALENDAR, instantOf, isOpen, localTime, nextClosing, nextOpening, type BusinessCalendar } from './business-hours.js';

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
});
