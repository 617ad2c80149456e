import type { Translate, UiLocale } from './index';

/** 访客 #7 / Visitor #7 for contacts without a name. */
export function contactLabel(name: string | null | undefined, contactId: number, t: Translate): string {
  const trimmed = name?.trim();
  return trimmed ? trimmed : t('common.visitor', { id: contactId });
}

const pad = (n: number) => String(n).padStart(2, '0');

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

function isYesterday(d: Date, now: Date): boolean {
  const y = new Date(now);
  y.setDate(now.getDate() - 1);
  return sameDay(d, y);
}

export const hhmm = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

/** List time: 刚刚 / 5 分钟前 / 14:05 / 昨天 / 03-21 / 2024-03-21 */
export function relativeTime(iso: string | null, now: number, t: Translate): string {
  if (!iso) return '';
  const d = new Date(iso);
  const diff = now - d.getTime();
  if (diff < 60_000) return t('common.justNow');
  if (diff < 3_600_000) return t('common.minutesAgo', { n: Math.floor(diff / 60_000) });
  const n = new Date(now);
  if (sameDay(d, n)) return hhmm(d);
  if (isYesterday(d, n)) return t('common.yesterday');
  if (d.getFullYear() === n.getFullYear()) return `${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** 2024-03-21 14:05 */
export function fullTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hhmm(d)}`;
}

/** Separator above the first message of a day: 今天 / 昨天 / 2024-03-21 */
export function dayLabel(iso: string, t: Translate, locale: UiLocale): string {
  const d = new Date(iso);
  const now = new Date();
  if (sameDay(d, now)) return t('view.today');
  if (isYesterday(d, now)) return t('view.yesterday');
  return d.toLocaleDateString(locale, { year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' });
}

export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A wait or a duration: 45 秒 / 3 分 05 秒 / 2 小时 10 分 (en: 45 s / 3 min 05 s / 2 h 10 min) */
export function formatDuration(seconds: number, t: Translate): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return t('time.seconds', { s });
  if (s < 3600) return t('time.minSec', { m: Math.floor(s / 60), s: pad(s % 60) });
  return t('time.hourMin', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

/** Seconds since an ISO time (never negative; a little clock skew must not show "-2 s"). */
export function secondsSince(iso: string, now: number): number {
  return Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
}

/** An instant as wall-clock time in a calendar's zone: 周一 11-24 09:00 (en: Mon 11-24 09:00) */
export function zonedTime(iso: string, timeZone: string, locale: UiLocale): string {
  try {
    const parts = new Intl.DateTimeFormat(locale === 'en' ? 'en-US' : 'zh-CN', {
      timeZone,
      weekday: 'short',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(new Date(iso));
    const p: Record<string, string> = {};
    for (const x of parts) p[x.type] = x.value;
    return `${p.weekday} ${p.month}-${p.day} ${p.hour}:${p.minute}`;
  } catch {
    return fullTime(iso);
  }
}

/** A visitor-reported URL shortened for a table cell: host + path, no scheme. */
export function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}
