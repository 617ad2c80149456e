import { addDays, isTimeZone, localTime } from '../../../../src/core/calendar/business-hours';
import { daysInRange } from '../../../../src/core/reports/range';
import type { ReportCell, ReportUnit } from '../../../../src/core/reports/types';
import type { UiLocale } from '../../i18n';
import type { ReportsT } from './strings';

// the server's own date arithmetic (src/core): one definition of a day, a range and a time zone
export { addDays, daysInRange, isTimeZone };

const pad = (n: number) => String(n).padStart(2, '0');

/** 45秒 / 1分05秒 / 2小时10分 (en: 45s / 1m 05s / 2h 10m). */
export function formatSeconds(seconds: number, t: ReportsT): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return t('unit.sec', { s });
  if (s < 3600) return t('unit.minSec', { m: Math.floor(s / 60), s: pad(s % 60) });
  return t('unit.hourMin', { h: Math.floor(s / 3600), m: pad(Math.floor((s % 3600) / 60)) });
}

const trimmed = (n: number, digits: number) => String(Number(n.toFixed(digits)));

/** A figure or a cell as it reads: a duration, a percentage, a count; null (nothing measured) as —. */
export function formatValue(value: ReportCell | undefined, unit: ReportUnit, t: ReportsT, locale: UiLocale): string {
  if (value === null || value === undefined || value === '') return t('none');
  if (typeof value === 'string' || unit === 'text') return String(value);
  if (!Number.isFinite(value)) return t('none');
  switch (unit) {
    case 'seconds':
      return formatSeconds(value, t);
    case 'hours':
      return t('unit.hours', { n: trimmed(value, 1) });
    case 'ratio':
      return `${trimmed(value * 100, 1)}%`;
    case 'score':
      return trimmed(value, 2);
    case 'count':
    default:
      return Number.isInteger(value) ? value.toLocaleString(locale === 'en' ? 'en-US' : 'zh-CN') : trimmed(value, 2);
  }
}

/** An axis tick: shorter than a figure (1分05秒 → 1.1 分 would mislead; whole minutes are enough on an axis). */
export function formatAxis(value: number, unit: ReportUnit, t: ReportsT): string {
  if (unit === 'ratio') return `${Math.round(value * 100)}%`;
  if (unit === 'seconds') return formatSeconds(value, t);
  return String(Number(value.toFixed(2)));
}

/** The number in a cell, or null (text, empty, not finite). */
export function numeric(v: ReportCell | undefined): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** A trend table's bucket for an axis: 03-21 for a day, 03-21 14:00 for an hour (an instant read in tz). */
export function bucketLabel(v: ReportCell | undefined, bucket: 'hour' | 'day', tz: string): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (day) return `${day[2]}-${day[3]}`;
  const local = /^\d{4}-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(s);
  if (local) return bucket === 'hour' ? `${local[1]}-${local[2]} ${local[3]}:${local[4]}` : `${local[1]}-${local[2]}`;
  const ms = Date.parse(s);
  if (!/\d{4}-\d{2}-\d{2}T/.test(s) || Number.isNaN(ms)) return s;
  try {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', { timeZone: tz, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
        .formatToParts(new Date(ms))
        .map((p) => [p.type, p.value]),
    );
    return bucket === 'hour' ? `${parts.month}-${parts.day} ${parts.hour}:${parts.minute}` : `${parts.month}-${parts.day}`;
  } catch {
    return s;
  }
}

/** The browser's time zone (Asia/Shanghai), UTC if it cannot say. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Every IANA zone the browser knows, the given ones first if missing. */
export function timeZones(...wanted: string[]): string[] {
  let all: string[] = [];
  try {
    all = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    all = [];
  }
  const out = new Set<string>(all);
  for (const z of ['UTC', ...wanted]) if (z) out.add(z);
  return [...out].sort();
}

/** Today in tz as YYYY-MM-DD. */
export const todayIn = (tz: string, now = new Date()): string => localTime(now, tz).date;

export const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const PRESETS = ['today', '7', '30', 'month'] as const;
export type Preset = (typeof PRESETS)[number];

export function presetRange(p: Preset, tz: string): { from: string; to: string } {
  const today = todayIn(tz);
  switch (p) {
    case 'today':
      return { from: today, to: today };
    case '7':
      return { from: addDays(today, -6), to: today };
    case '30':
      return { from: addDays(today, -29), to: today };
    case 'month':
      return { from: `${today.slice(0, 8)}01`, to: today };
  }
}

/** Which preset a range is, if any. */
export function presetOf(from: string, to: string, tz: string): Preset | null {
  return PRESETS.find((p) => {
    const r = presetRange(p, tz);
    return r.from === from && r.to === to;
  }) ?? null;
}
