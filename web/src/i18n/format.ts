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
