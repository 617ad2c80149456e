import { CalendarOutlined, CopyOutlined, DeleteOutlined, EditOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Drawer, Empty, Input, Radio, Select, Space, Spin, Switch, Tag, Tooltip } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiError } from '../../api';
import { MAX_NAME_CHARS, WEEKDAYS, type BusinessCalendar, type CalendarInput, type CalendarStatus, type TimeRange, type Weekday } from '../../api/types';
import { useI18n, useT, type Translate, type UiLocale } from '../../i18n';
import { zonedTime } from '../../i18n/format';
import { errorText } from '../../lib/errors';
import { useWorkspace } from '../../stores/workspace/context';
import { charLimit } from '../../lib/charLimit';
import { useReturnFocus } from '../../lib/useReturnFocus';

/** Common IANA zones; a calendar's own zone is added when it is not among them. */
export const TIME_ZONES = [
  'Asia/Shanghai',
  'Asia/Hong_Kong',
  'Asia/Taipei',
  'Asia/Singapore',
  'Asia/Kuala_Lumpur',
  'Asia/Bangkok',
  'Asia/Jakarta',
  'Asia/Tokyo',
  'Asia/Seoul',
  'Asia/Kolkata',
  'Asia/Dubai',
  'Europe/London',
  'Europe/Paris',
  'Europe/Berlin',
  'Europe/Moscow',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Australia/Sydney',
  'Pacific/Auckland',
  'UTC',
];
const DEFAULT_ZONE = 'Asia/Shanghai';
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const STATUS_REFRESH_MS = 60_000;

function utcOffset(zone: string): string {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'shortOffset' })
      .formatToParts(new Date())
      .find((p) => p.type === 'timeZoneName');
    return part?.value ?? '';
  } catch {
    return '';
  }
}

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/** A problem with one range, or null: the server says the same (and more) on save. */
function rangeProblem(r: TimeRange, t: Translate): string | null {
  if (!HHMM.test(r.start) || !HHMM.test(r.end)) return t('hours.badTime');
  if (minutes(r.end) <= minutes(r.start)) return t('hours.endBeforeStart');
  return null;
}

/** 周一至周五 09:00–18:00 · 周六 10:00–16:00 */
export function weeklySummary(weekly: CalendarInput['weekly'], t: Translate): string {
  const parts: { days: Weekday[]; hours: string }[] = [];
  for (const d of WEEKDAYS) {
    const ranges = weekly[d];
    if (!ranges?.length) continue;
    const hours = ranges.map((r) => `${r.start}–${r.end}`).join(', ');
    const last = parts.at(-1);
    const prevDay = last?.days.at(-1);
    const adjacent = prevDay !== undefined && WEEKDAYS.indexOf(d) === WEEKDAYS.indexOf(prevDay) + 1;
    if (last && last.hours === hours && adjacent) last.days.push(d);
    else parts.push({ days: [d], hours });
  }
  if (parts.length === 0) return t('hours.alwaysClosed');
  return parts
    .map((p) =>
      p.days.length > 2
        ? `${t(`weekday.${p.days[0]}`)}${t('hours.to')}${t(`weekday.${p.days.at(-1)!}`)} ${p.hours}`
        : `${p.days.map((d) => t(`weekday.${d}`)).join('、')} ${p.hours}`,
    )
    .join(' · ');
}

/** 现在: 营业中, 将于 … 结束 / 非工作时间, 下次营业 … */
export function statusText(s: CalendarStatus, zone: string, t: Translate, locale: UiLocale): string {
  if (s.open) return s.nextClosing ? t('hours.openUntil', { time: zonedTime(s.nextClosing, zone, locale) }) : t('hours.openNow');
  return s.nextOpening ? t('hours.closedUntil', { time: zonedTime(s.nextOpening, zone, locale) }) : t('hours.closedNever');
}

/** 工作时间: calendars for routing and automatic replies. Admins edit; supervisors see. */
export default function CalendarsPage() {
  const t = useT();
  const { locale } = useI18n();
  const me = useWorkspace((s) => s.me);
  const isAdmin = me.role === 'admin';
  const [calendars, setCalendars] = useState<BusinessCalendar[] | null>(null);
  const [statuses, setStatuses] = useState<Record<number, CalendarStatus>>({});
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<BusinessCalendar | 'new' | null>(null);
  const { message, modal } = App.useApp();

  const loadStatuses = useCallback(async (list: BusinessCalendar[]) => {
    const entries = await Promise.all(list.map(async (c) => [c.id, await api.calendarStatus(c.id).catch(() => null)] as const));
    setStatuses(Object.fromEntries(entries.filter((e): e is readonly [number, CalendarStatus] => e[1] !== null)));
  }, []);

  const load = useCallback(async () => {
    try {
      const { calendars } = await api.listCalendars();
      setCalendars(calendars);
      setError(null);
      void loadStatuses(calendars);
    } catch (err) {
      setError(err);
    }
  }, [loadStatuses]);

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (!calendars?.length) return;
    const timer = window.setInterval(() => void loadStatuses(calendars), STATUS_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [calendars, loadStatuses]);

  const remove = (cal: BusinessCalendar) =>
    modal.confirm({
      title: t('hours.deleteConfirm', { name: cal.name }),
      okText: t('groups.delete'),
      okButtonProps: { danger: true, ...({ 'data-testid': 'confirm-ok' } as object) },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await api.deleteCalendar(cal.id);
          setCalendars((list) => (list ?? []).filter((c) => c.id !== cal.id));
          message.success(t('hours.deleted', { name: cal.name }));
        } catch (err) {
          message.error({ content: <span data-testid="calendar-delete-error">{errorText(err, t)}</span>, duration: 6 });
        }
      },
    });

  return (
    <div className="admin-page">
      <div className="admin-head">
        <div>
          <h1>{t('hours.title')}</h1>
          <div className="muted">{t('hours.subtitle')}</div>
        </div>
        {isAdmin ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="calendar-create">
            {t('hours.create')}
          </Button>
        ) : null}
      </div>
      {!isAdmin ? <Alert type="info" showIcon title={t('common.readOnlyAdmin')} style={{ marginBottom: 12 }} /> : null}
      {error ? <Alert type="error" showIcon title={errorText(error, t)} style={{ marginBottom: 12 }} /> : null}
      {calendars === null ? (
        error ? null : (
          <div className="admin-card center-pad">
            <Spin />
          </div>
        )
      ) : calendars.length === 0 ? (
        <div className="admin-card center-pad">
          <Empty description={t('hours.empty')} />
        </div>
      ) : (
        <div className="calendar-list">
          {calendars.map((cal) => {
            const st = statuses[cal.id];
            return (
              <div key={cal.id} className="admin-card calendar-card" data-testid="calendar-row" data-calendar-id={cal.id}>
                <div className="card-head">
                  <span className="card-title">
                    <CalendarOutlined /> {cal.name}
                  </span>
                  {isAdmin ? (
                    <Space size={0}>
                      <Button size="small" type="link" icon={<EditOutlined />} onClick={() => setEditing(cal)} data-testid="calendar-edit">
                        {t('inboxes.edit')}
                      </Button>
                      <Button size="small" type="link" danger icon={<DeleteOutlined />} onClick={() => remove(cal)} data-testid="calendar-delete">
                        {t('groups.delete')}
                      </Button>
                    </Space>
                  ) : null}
                </div>
                <div className="calendar-status-line" data-testid="calendar-status" data-open={st ? String(st.open) : ''}>
                  {st ? (
                    <>
                      <Tag color={st.open ? 'success' : 'default'}>{st.open ? t('hours.open') : t('hours.closed')}</Tag>
                      {statusText(st, cal.timezone, t, locale)}
                    </>
                  ) : (
                    <Spin size="small" />
                  )}
                </div>
                <dl className="kv wide">
                  <dt>{t('hours.timezone')}</dt>
                  <dd>
                    {cal.timezone} <span className="muted small">{utcOffset(cal.timezone)}</span>
                  </dd>
                  <dt>{t('hours.weekly')}</dt>
                  <dd>{weeklySummary(cal.weekly, t)}</dd>
                  <dt>{t('hours.holidays')}</dt>
                  <dd>
                    {cal.holidays.length === 0 ? (
                      <span className="muted">{t('common.none')}</span>
                    ) : (
                      <span className="holiday-tags">
                        {[...cal.holidays]
                          .sort((a, b) => a.date.localeCompare(b.date))
                          .slice(0, 12)
                          .map((h) => (
                            <Tag key={h.date} color={h.hours?.length ? 'blue' : 'red'}>
                              {h.date} {h.name ?? ''} {h.hours?.length ? h.hours.map((r) => `${r.start}–${r.end}`).join(', ') : t('hours.closedDay')}
                            </Tag>
                          ))}
                        {cal.holidays.length > 12 ? <span className="muted small">+{cal.holidays.length - 12}</span> : null}
                      </span>
                    )}
                  </dd>
                </dl>
              </div>
            );
          })}
        </div>
      )}
      {editing ? (
        <CalendarEditor
          key={editing === 'new' ? 'new' : editing.id}
          target={editing}
          onClose={() => setEditing(null)}
          onSaved={(cal, created) => {
            setCalendars((list) => (created ? [...(list ?? []), cal] : (list ?? []).map((c) => (c.id === cal.id ? cal : c))));
            void api.calendarStatus(cal.id).then(
              (st) => setStatuses((m) => ({ ...m, [cal.id]: st })),
              () => {},
            );
            message.success(created ? t('hours.created', { name: cal.name }) : t('hours.saved'));
            setEditing(null);
          }}
        />
      ) : null}
    </div>
  );
}

// ── editor ──────────────────────────────────────────────────────────────

interface DayDraft {
  open: boolean;
  ranges: TimeRange[];
}
interface HolidayDraft {
  key: string;
  date: string;
  name: string;
  mode: 'closed' | 'hours';
  ranges: TimeRange[];
}
interface Draft {
  name: string;
  timezone: string;
  days: Record<Weekday, DayDraft>;
  holidays: HolidayDraft[];
}

const NINE_TO_SIX: TimeRange = { start: '09:00', end: '18:00' };
let keySeq = 0;
const newKey = () => `h${++keySeq}`;

function toDraft(cal: BusinessCalendar | null): Draft {
  const days = {} as Record<Weekday, DayDraft>;
  for (const d of WEEKDAYS) {
    const ranges = cal ? cal.weekly[d] : ['1', '2', '3', '4', '5'].includes(d) ? [NINE_TO_SIX] : undefined;
    days[d] = ranges?.length ? { open: true, ranges: ranges.map((r) => ({ ...r })) } : { open: false, ranges: [{ ...NINE_TO_SIX }] };
  }
  return {
    name: cal?.name ?? '',
    timezone: cal?.timezone ?? DEFAULT_ZONE,
    days,
    holidays: (cal?.holidays ?? []).map((h) => ({
      key: newKey(),
      date: h.date,
      name: h.name ?? '',
      mode: h.hours?.length ? 'hours' : 'closed',
      ranges: h.hours?.length ? h.hours.map((r) => ({ ...r })) : [{ ...NINE_TO_SIX }],
    })),
  };
}

function toInput(d: Draft): CalendarInput {
  const weekly: CalendarInput['weekly'] = {};
  for (const day of WEEKDAYS) if (d.days[day].open) weekly[day] = d.days[day].ranges.map((r) => ({ start: r.start.trim(), end: r.end.trim() }));
  return {
    name: d.name.trim(),
    timezone: d.timezone,
    weekly,
    holidays: [...d.holidays]
      .sort((a, b) => a.date.localeCompare(b.date))
      .map((h) => ({
        date: h.date,
        ...(h.name.trim() ? { name: h.name.trim() } : {}),
        ...(h.mode === 'hours' ? { hours: h.ranges.map((r) => ({ start: r.start.trim(), end: r.end.trim() })) } : {}),
      })),
  };
}

function CalendarEditor({ target, onClose, onSaved }: { target: BusinessCalendar | 'new'; onClose: () => void; onSaved: (c: BusinessCalendar, created: boolean) => void }) {
  useReturnFocus();
  const t = useT();
  const { locale } = useI18n();
  const isNew = target === 'new';
  const [draft, setDraft] = useState<Draft>(() => toDraft(isNew ? null : target));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [status, setStatus] = useState<CalendarStatus | null>(null);
  const [nameMissing, setNameMissing] = useState(false);

  useEffect(() => {
    if (!isNew) void api.calendarStatus(target.id).then(setStatus, () => {});
  }, [isNew, target]);

  const zones = useMemo(() => {
    const list = TIME_ZONES.includes(draft.timezone) ? TIME_ZONES : [draft.timezone, ...TIME_ZONES];
    return list.map((z) => ({ value: z, label: `${z} (${utcOffset(z)})` }));
  }, [draft.timezone]);

  const setDay = (d: Weekday, patch: Partial<DayDraft>) => setDraft((x) => ({ ...x, days: { ...x.days, [d]: { ...x.days[d], ...patch } } }));
  const setHoliday = (key: string, patch: Partial<HolidayDraft>) =>
    setDraft((x) => ({ ...x, holidays: x.holidays.map((h) => (h.key === key ? { ...h, ...patch } : h)) }));
  const copyToWorkdays = (from: Weekday) =>
    setDraft((x) => {
      const days = { ...x.days };
      for (const d of ['1', '2', '3', '4', '5'] as Weekday[]) days[d] = { open: x.days[from].open, ranges: x.days[from].ranges.map((r) => ({ ...r })) };
      return { ...x, days };
    });

  const save = async () => {
    if (!draft.name.trim()) {
      setNameMissing(true);
      return;
    }
    setBusy(true);
    setError(null);
    setProblems([]);
    try {
      const body = toInput(draft);
      const cal = isNew ? await api.createCalendar(body) : await api.updateCalendar(target.id, body);
      onSaved(cal, isNew);
    } catch (err) {
      if (err instanceof ApiError && Array.isArray(err.details?.problems)) {
        setProblems((err.details.problems as unknown[]).map(String));
        setError(t('error.invalid_calendar_title'));
      } else {
        setError(errorText(err, t));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open
      autoFocus
      size={680}
      title={isNew ? t('hours.create') : `${t('inboxes.edit')} · ${target.name}`}
      onClose={onClose}
      destroyOnHidden
      footer={
        <div className="drawer-footer">
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={busy} onClick={() => void save()} data-testid="calendar-save">
            {t('common.save')}
          </Button>
        </div>
      }
    >
      {status && !isNew ? (
        <Alert
          type={status.open ? 'success' : 'info'}
          showIcon
          data-testid="calendar-editor-status"
          title={`${t('hours.now')}${status.open ? t('hours.open') : t('hours.closed')} · ${statusText(status, target.timezone, t, locale)}`}
          style={{ marginBottom: 16 }}
        />
      ) : null}
      {error ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={error}
          description={
            problems.length ? (
              <ul className="problem-list" data-testid="calendar-problems">
                {problems.map((p, i) => (
                  <li key={i}>{p}</li>
                ))}
              </ul>
            ) : undefined
          }
        />
      ) : null}
      <div className="form-grid">
        <label className="form-label" htmlFor="calendar-name">
          {t('hours.name')}
        </label>
        <div>
          <Input
            id="calendar-name"
            data-testid="calendar-form-name"
            value={draft.name}
            status={nameMissing && !draft.name.trim() ? 'error' : undefined}
            count={charLimit(MAX_NAME_CHARS)}
            placeholder={t('hours.namePlaceholder')}
            onChange={(e) => setDraft((x) => ({ ...x, name: e.target.value }))}
          />
          {nameMissing && !draft.name.trim() ? <div className="field-error">{t('agents.required')}</div> : null}
        </div>
        <label className="form-label" htmlFor="calendar-timezone">
          {t('hours.timezone')}
        </label>
        <Select
          id="calendar-timezone"
          data-testid="calendar-form-timezone"
          value={draft.timezone}
          showSearch
          options={zones}
          onChange={(v) => setDraft((x) => ({ ...x, timezone: v }))}
        />
      </div>

      <div className="section-title">
        {t('hours.weekly')}
        <Space size={4}>
          <Button size="small" onClick={() => setDraft((x) => ({ ...x, days: toDraft(null).days }))}>
            {t('hours.presetWorkdays')}
          </Button>
          <Button
            size="small"
            onClick={() =>
              setDraft((x) => {
                const days = { ...x.days };
                for (const d of WEEKDAYS) days[d] = { open: true, ranges: [{ start: '00:00', end: '24:00' }] };
                return { ...x, days };
              })
            }
          >
            {t('hours.preset247')}
          </Button>
        </Space>
      </div>
      <div className="weekly-editor" data-testid="calendar-weekly">
        {WEEKDAYS.map((d) => {
          const day = draft.days[d];
          return (
            <div key={d} className="weekly-row" data-testid="calendar-day" data-weekday={d}>
              <span className="weekly-day">{t(`weekday.${d}`)}</span>
              <Switch
                size="small"
                checked={day.open}
                onChange={(open) => setDay(d, { open })}
                checkedChildren={t('hours.openShort')}
                unCheckedChildren={t('hours.closedShort')}
                aria-label={t(`weekday.${d}`)}
                data-testid="calendar-day-open"
              />
              <div className="weekly-ranges">
                {day.open ? (
                  <RangesEditor ranges={day.ranges} onChange={(ranges) => setDay(d, { ranges })} />
                ) : (
                  <span className="muted">{t('hours.closedDay')}</span>
                )}
              </div>
              {d === '1' ? (
                <Tooltip title={t('hours.copyToWorkdays')}>
                  <Button size="small" type="text" icon={<CopyOutlined />} onClick={() => copyToWorkdays('1')} aria-label={t('hours.copyToWorkdays')} />
                </Tooltip>
              ) : (
                <span />
              )}
            </div>
          );
        })}
      </div>

      <div className="section-title">
        {t('hours.holidays')}
        <Button
          size="small"
          icon={<PlusOutlined />}
          data-testid="calendar-holiday-add"
          onClick={() => setDraft((x) => ({ ...x, holidays: [...x.holidays, { key: newKey(), date: '', name: '', mode: 'closed', ranges: [{ ...NINE_TO_SIX }] }] }))}
        >
          {t('hours.addHoliday')}
        </Button>
      </div>
      <Alert type="info" showIcon className="holiday-help" title={t('hours.holidayHelp')} />
      {draft.holidays.length === 0 ? (
        <div className="muted small" style={{ margin: '8px 0' }}>
          {t('hours.noHolidays')}
        </div>
      ) : (
        <div className="holiday-editor">
          {draft.holidays.map((h) => (
            <div key={h.key} className="holiday-row" data-testid="calendar-holiday">
              <Input
                type="date"
                value={h.date}
                onChange={(e) => setHoliday(h.key, { date: e.target.value })}
                style={{ width: 150 }}
                status={h.date ? undefined : 'warning'}
                data-testid="calendar-holiday-date"
              />
              <Input
                value={h.name}
                count={charLimit(50)}
                placeholder={t('hours.holidayName')}
                onChange={(e) => setHoliday(h.key, { name: e.target.value })}
                style={{ width: 140 }}
                data-testid="calendar-holiday-name"
              />
              <Radio.Group
                size="small"
                optionType="button"
                value={h.mode}
                onChange={(e) => setHoliday(h.key, { mode: e.target.value as HolidayDraft['mode'] })}
                options={[
                  { value: 'closed', label: t('hours.closedDay') },
                  { value: 'hours', label: t('hours.specialHours') },
                ]}
                data-testid="calendar-holiday-mode"
              />
              <Button
                size="small"
                type="text"
                danger
                icon={<MinusCircleOutlined />}
                aria-label={t('groups.delete')}
                onClick={() => setDraft((x) => ({ ...x, holidays: x.holidays.filter((y) => y.key !== h.key) }))}
              />
              {h.mode === 'hours' ? (
                <div className="holiday-ranges">
                  <RangesEditor ranges={h.ranges} onChange={(ranges) => setHoliday(h.key, { ranges })} />
                </div>
              ) : null}
            </div>
          ))}
        </div>
      )}
    </Drawer>
  );
}

/** One or more HH:MM–HH:MM ranges (end may be 24:00). */
function RangesEditor({ ranges, onChange }: { ranges: TimeRange[]; onChange: (r: TimeRange[]) => void }) {
  const t = useT();
  const set = (i: number, patch: Partial<TimeRange>) => onChange(ranges.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className="ranges">
      {ranges.map((r, i) => {
        const problem = rangeProblem(r, t);
        return (
          <span key={i} className="range" data-testid="calendar-range">
            <Input
              size="small"
              value={r.start}
              maxLength={5}
              placeholder="09:00"
              status={problem ? 'error' : undefined}
              onChange={(e) => set(i, { start: e.target.value })}
              className="time-input"
              data-testid="calendar-range-start"
            />
            <span className="range-dash">–</span>
            <Input
              size="small"
              value={r.end}
              maxLength={5}
              placeholder="18:00"
              status={problem ? 'error' : undefined}
              onChange={(e) => set(i, { end: e.target.value })}
              className="time-input"
              data-testid="calendar-range-end"
            />
            {problem ? (
              <Tooltip title={problem}>
                <span className="range-problem">!</span>
              </Tooltip>
            ) : null}
            {ranges.length > 1 ? (
              <Button size="small" type="text" icon={<MinusCircleOutlined />} onClick={() => onChange(ranges.filter((_, j) => j !== i))} aria-label={t('groups.delete')} />
            ) : null}
          </span>
        );
      })}
      {ranges.length < 6 ? (
        <Button
          size="small"
          type="dashed"
          icon={<PlusOutlined />}
          onClick={() => onChange([...ranges, { start: ranges.at(-1)?.end ?? '13:00', end: '18:00' }])}
          data-testid="calendar-range-add"
        >
          {t('hours.addRange')}
        </Button>
      ) : null}
    </div>
  );
}
