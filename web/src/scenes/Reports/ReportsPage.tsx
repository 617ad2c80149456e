import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useSearchParams } from 'react-router';
import type { ReportCell, ReportColumn, ReportRange, ReportTable } from '../../../../src/core/reports/types';
import { ApiError } from '../../api/client';
import { useI18n } from '../../i18n';
import { fullTime } from '../../i18n/format';
import { errorText } from '../../lib/errors';
import { useWorkspace } from '../../stores/workspace/context';
import { downloadExport, fetchReport, type ExportFormat, type Report, type ReportKind, type ReportQuery } from './api';
import { browserTimeZone, DATE, daysInRange, formatValue, isTimeZone, numeric, presetOf, presetRange, PRESETS, timeZones, todayIn, type Preset } from './format';
import { describePlot, entityMetrics, isEntityTable, planTable } from './plan';
import { ReportChart } from './ReportChart';
import { useReportsT, type ReportsT } from './strings';
import './reports.css';

/*
 * No antd here (as 搜索): plain elements and reports.css. Any antd part a lazy page imports changes
 * how the build splits antd among the pages (entriesAware, web/vite.config.ts), and a page importing
 * even a Button moved ~3 KB into the first load, which is at its budget (measured). ECharts has a
 * chunk of its own and moves nothing.
 */

declare global {
  interface Window {
    /** Milliseconds from navigation start until the first report's charts had drawn (test/browser/reports.test.ts reads it). */
    __zhikeReportsPaintMs?: number;
  }
}

const ALL_KINDS: ReportKind[] = ['overview', 'service', 'quality', 'complaints', 'visitors', 'agents'];
const DEFAULT_SERVICE_LEVEL = 30;
const MAX_DAYS = 366;

interface Filters {
  from: string;
  to: string;
  tz: string;
  serviceLevelSeconds: number;
}

/** The filters in the URL (back, reload and a shared link keep them), defaults filled in. */
function readFilters(p: URLSearchParams): Filters {
  const tzParam = p.get('tz');
  const tz = tzParam && isTimeZone(tzParam) ? tzParam : browserTimeZone();
  const def = presetRange('30', tz);
  const from = p.get('from');
  const to = p.get('to');
  const sl = Number(p.get('sl'));
  return {
    from: from && DATE.test(from) ? from : def.from,
    to: to && DATE.test(to) ? to : def.to,
    tz,
    serviceLevelSeconds: Number.isInteger(sl) && sl > 0 && sl <= 86_400 ? sl : DEFAULT_SERVICE_LEVEL,
  };
}

/**
 * 报表 (/reports, docs/reports.md): 概览, 服务, 质量, 投诉, 访客, 坐席 for admins and supervisors;
 * 质检员 and 质检主管 see 质量 only (the server refuses the rest). Each report is headline figures
 * and tables; each table a chart (its figures in words for screen readers, and as a table), with
 * its CSV and Excel export (admins and supervisors). Lazy, with ECharts: nothing here is in the first load.
 */
export default function ReportsPage() {
  const rt = useReportsT();
  const { locale } = useI18n();
  const role = useWorkspace((s) => s.me.role);
  // isLead (src/core/permissions.ts), inline: importing lib/permissions here split it out of the first load's chunk
  const lead = role === 'admin' || role === 'supervisor';
  const kinds = useMemo<ReportKind[]>(() => (lead ? ALL_KINDS : ['quality']), [lead]);
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFilters(params), [params]);
  const tabParam = params.get('tab') as ReportKind | null;
  const kind: ReportKind = tabParam && kinds.includes(tabParam) ? tabParam : kinds[0]!;

  const update = useCallback(
    (patch: Partial<Filters> & { tab?: ReportKind }) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          const f = { ...readFilters(prev), ...patch };
          next.set('from', f.from);
          next.set('to', f.to);
          next.set('tz', f.tz);
          if (f.serviceLevelSeconds !== DEFAULT_SERVICE_LEVEL) next.set('sl', String(f.serviceLevelSeconds));
          else next.delete('sl');
          if (patch.tab) next.set('tab', patch.tab);
          return next;
        },
        { replace: !patch.tab },
      );
    },
    [setParams],
  );

  const rangeProblem = filters.from > filters.to ? rt('rangeInvalid') : daysInRange(filters.from, filters.to) > MAX_DAYS ? rt('rangeTooLong') : null;
  const query = useMemo<ReportQuery>(
    () => ({ from: filters.from, to: filters.to, tz: filters.tz, lang: locale, serviceLevelSeconds: kind === 'service' ? filters.serviceLevelSeconds : undefined }),
    [filters.from, filters.to, filters.tz, filters.serviceLevelSeconds, locale, kind],
  );

  // 3: the paint time, once: the first report shown (概览 for leads) has all its charts drawn
  const [ready, setReady] = useState(false);
  const measured = useRef(false);
  const onReady = useCallback(() => {
    if (measured.current) return;
    measured.current = true;
    window.__zhikeReportsPaintMs = Math.round(performance.now());
    setReady(true);
  }, []);

  const [exporting, setExporting] = useState<string | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const exportFile = useCallback(
    async (format: ExportFormat, chart?: string) => {
      const key = `${kind}:${chart ?? '*'}:${format}`;
      setExporting(key);
      setExportError(null);
      try {
        await downloadExport(kind, query, format, chart);
      } catch (err) {
        setExportError(err instanceof ApiError && err.status === 403 ? rt('exportForbidden') : rt('exportFailed', { message: err instanceof Error ? err.message : String(err) }));
      } finally {
        setExporting((k) => (k === key ? null : k));
      }
    },
    [kind, query, rt],
  );

  // the tabs: arrow keys move between them (WAI-ARIA tabs, activation follows focus)
  const tabRefs = useRef<Partial<Record<ReportKind, HTMLButtonElement | null>>>({});
  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    const i = kinds.indexOf(kind);
    const to = e.key === 'ArrowRight' ? (i + 1) % kinds.length : e.key === 'ArrowLeft' ? (i - 1 + kinds.length) % kinds.length : e.key === 'Home' ? 0 : e.key === 'End' ? kinds.length - 1 : -1;
    if (to < 0) return;
    e.preventDefault();
    const k = kinds[to]!;
    update({ tab: k });
    tabRefs.current[k]?.focus();
  };

  return (
    <div className="admin-page rpt-page" data-testid="reports-page" data-zk={ready ? 'reports-ready' : 'reports-loading'}>
      <div className="admin-head">
        <div>
          <h1>{rt('title')}</h1>
          <div className="muted">{rt(lead ? 'intro' : 'introQa')}</div>
        </div>
        {lead ? (
          <div className="rpt-export-all" role="group" aria-label={rt('exportAll')}>
            <ExportButton testId="reports-export-all-csv" busy={exporting === `${kind}:*:csv`} disabled={rangeProblem !== null} onClick={() => void exportFile('csv')} rt={rt}>
              {rt('exportAllCsv')}
            </ExportButton>
            <ExportButton testId="reports-export-all-xlsx" busy={exporting === `${kind}:*:xlsx`} disabled={rangeProblem !== null} onClick={() => void exportFile('xlsx')} rt={rt}>
              {rt('exportAllXlsx')}
            </ExportButton>
          </div>
        ) : null}
      </div>

      <FilterBar filters={filters} kind={kind} update={update} rt={rt} />
      {rangeProblem ? (
        <div className="rpt-alert warning" role="alert" data-testid="reports-range-problem">
          {rangeProblem}
        </div>
      ) : null}
      {exportError ? (
        <div className="rpt-alert error" role="alert" data-testid="reports-export-error">
          <span>{exportError}</span>
          <button type="button" className="rpt-btn small" onClick={() => setExportError(null)}>
            {rt('dismiss')}
          </button>
        </div>
      ) : null}

      <div className="rpt-tabs" role="tablist" aria-label={rt('tabs')}>
        {kinds.map((k) => (
          <button
            key={k}
            ref={(el) => void (tabRefs.current[k] = el)}
            type="button"
            role="tab"
            id={`rpt-tab-${k}`}
            aria-selected={k === kind}
            aria-controls="rpt-panel"
            tabIndex={k === kind ? 0 : -1}
            className={`rpt-tab${k === kind ? ' active' : ''}`}
            data-testid={`reports-tab-${k}`}
            onClick={() => update({ tab: k })}
            onKeyDown={onTabKey}
          >
            {rt(`tab.${k}`)}
          </button>
        ))}
      </div>
      <div className="rpt-panel" role="tabpanel" id="rpt-panel" aria-labelledby={`rpt-tab-${kind}`}>
        {rangeProblem ? null : <ReportView key={kind} kind={kind} query={query} canExport={lead} exporting={exporting} onExport={exportFile} onReady={onReady} />}
      </div>
    </div>
  );
}

function ExportButton({ testId, busy, disabled, onClick, label, rt, children }: { testId: string; busy: boolean; disabled?: boolean; onClick: () => void; label?: string; rt: ReportsT; children: string }) {
  return (
    <button
      type="button"
      className="rpt-btn"
      data-testid={testId}
      aria-label={label}
      aria-busy={busy || undefined}
      disabled={disabled || busy}
      onClick={onClick}
    >
      {busy ? rt('exporting') : children}
    </button>
  );
}

function FilterBar({ filters, kind, update, rt }: { filters: Filters; kind: ReportKind; update: (p: Partial<Filters>) => void; rt: ReportsT }) {
  const preset = presetOf(filters.from, filters.to, filters.tz);
  const zones = useMemo(() => timeZones(filters.tz, browserTimeZone()), [filters.tz]);
  const today = todayIn(filters.tz);
  const [sl, setSl] = useState(String(filters.serviceLevelSeconds));
  useEffect(() => setSl(String(filters.serviceLevelSeconds)), [filters.serviceLevelSeconds]);
  const slValue = Number(sl);
  const slValid = sl.trim() !== '' && Number.isInteger(slValue) && slValue >= 1 && slValue <= 86_400;
  // the service level applies once typing pauses
  useEffect(() => {
    if (!slValid || slValue === filters.serviceLevelSeconds) return;
    const timer = window.setTimeout(() => update({ serviceLevelSeconds: slValue }), 500);
    return () => window.clearTimeout(timer);
  }, [slValid, slValue, filters.serviceLevelSeconds, update]);

  return (
    <div className="rpt-filters" role="search" aria-label={rt('filters')}>
      <div className="rpt-presets" role="group" aria-label={rt('presets')}>
        {PRESETS.map((p: Preset) => (
          <button
            key={p}
            type="button"
            className={`rpt-btn small${preset === p ? ' primary' : ''}`}
            aria-pressed={preset === p}
            data-testid={`reports-preset-${p}`}
            onClick={() => update(presetRange(p, filters.tz))}
          >
            {rt(`preset.${p}`)}
          </button>
        ))}
      </div>
      <div className="rpt-range">
        <label className="rpt-label" htmlFor="rpt-from">
          {rt('from')}
        </label>
        <input
          id="rpt-from"
          className="rpt-input"
          type="date"
          data-testid="reports-from"
          value={filters.from}
          max={today}
          onChange={(e) => DATE.test(e.target.value) && update({ from: e.target.value })}
        />
        <span aria-hidden="true" className="muted">
          {rt('rangeSep')}
        </span>
        <label className="rpt-label" htmlFor="rpt-to">
          {rt('to')}
        </label>
        <input
          id="rpt-to"
          className="rpt-input"
          type="date"
          data-testid="reports-to"
          value={filters.to}
          max={today}
          onChange={(e) => DATE.test(e.target.value) && update({ to: e.target.value })}
        />
      </div>
      <div className="rpt-field">
        <label className="rpt-label" htmlFor="rpt-tz">
          {rt('tz')}
        </label>
        <select id="rpt-tz" className="rpt-input rpt-tz" data-testid="reports-tz" value={filters.tz} onChange={(e) => update({ tz: e.target.value })}>
          {zones.map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
      </div>
      {kind === 'service' ? (
        <div className="rpt-field">
          <label className="rpt-label" htmlFor="rpt-sl">
            {rt('serviceLevel')}
          </label>
          <input
            id="rpt-sl"
            className="rpt-input rpt-sl"
            type="number"
            inputMode="numeric"
            min={1}
            max={86_400}
            step={1}
            data-testid="reports-service-level"
            value={sl}
            aria-invalid={!slValid || undefined}
            aria-describedby="rpt-sl-help"
            onChange={(e) => setSl(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && slValid && update({ serviceLevelSeconds: slValue })}
          />
          <span id="rpt-sl-help" className="sr-only">
            {rt('serviceLevelHelp')}
          </span>
        </div>
      ) : null}
    </div>
  );
}

type Loaded = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'done'; report: Report };

/** Reports already fetched in this visit, by kind and query: switching back to a tab shows it at once. */
const cache = new Map<string, Report>();
const CACHE_MAX = 24;

function useReport(kind: ReportKind, query: ReportQuery): [Loaded, () => void] {
  const key = JSON.stringify([kind, query]);
  const [state, setState] = useState<Loaded>(() => {
    const hit = cache.get(key);
    return hit ? { status: 'done', report: hit } : { status: 'loading' };
  });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const hit = attempt === 0 ? cache.get(key) : undefined;
    if (hit) {
      setState({ status: 'done', report: hit });
      return;
    }
    const ctl = new AbortController();
    setState({ status: 'loading' });
    fetchReport(kind, query, ctl.signal).then(
      (report) => {
        if (ctl.signal.aborted) return;
        cache.set(key, report);
        if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value as string);
        setState({ status: 'done', report });
      },
      (error: unknown) => !ctl.signal.aborted && setState({ status: 'error', error }),
    );
    return () => ctl.abort();
    // key stands for kind and query
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, attempt]);
  return [state, useCallback(() => setAttempt((n) => n + 1), [])];
}

interface ViewProps {
  kind: ReportKind;
  query: ReportQuery;
  canExport: boolean;
  exporting: string | null;
  onExport: (format: ExportFormat, chart?: string) => void;
  onReady: () => void;
}

function ReportView({ kind, query, canExport, exporting, onExport, onReady }: ViewProps) {
  const rt = useReportsT();
  const { t, locale } = useI18n();
  const [state, retry] = useReport(kind, query);
  const report = state.status === 'done' ? state.report : null;

  // ready once every chart of the report has drawn (or at once if it has none)
  const pending = useRef<Set<string>>(new Set());
  const pendingFor = useRef<Report | null>(null);
  const chartIds = useMemo(() => (report ? report.tables.filter((tb) => planTable(tb, report.range) !== null).map((tb) => tb.id) : []), [report]);
  // set while rendering, before the charts (children) draw and report back
  if (report && pendingFor.current !== report) {
    pendingFor.current = report;
    pending.current = new Set(chartIds);
  }
  useEffect(() => {
    if (report && chartIds.length === 0) requestAnimationFrame(() => onReady());
  }, [report, chartIds, onReady]);
  const chartDrawn = useCallback(
    (id: string) => {
      if (!pending.current.delete(id) || pending.current.size > 0) return;
      requestAnimationFrame(() => onReady());
    },
    [onReady],
  );

  if (state.status === 'error') {
    const err = state.error;
    if (err instanceof ApiError && err.status === 403) {
      return (
        <div className="rpt-result" role="alert" data-testid="reports-forbidden">
          <div className="rpt-result-code" aria-hidden="true">
            403
          </div>
          <h2>{rt('forbidden')}</h2>
          <p className="muted">{rt('forbiddenHelp')}</p>
        </div>
      );
    }
    const text = err instanceof ApiError && err.status === 400 ? err.message : errorText(err, t);
    return (
      <div className="rpt-alert error" role="alert" data-testid="reports-error">
        <span>{rt('failed', { message: text })}</span>
        <button type="button" className="rpt-btn small" onClick={retry}>
          {rt('retry')}
        </button>
      </div>
    );
  }
  if (!report) {
    return (
      <div className="rpt-loading" data-testid="reports-loading" role="status">
        <span className="rpt-spinner" aria-hidden="true" />
        <span className="muted">{rt('loading')}</span>
      </div>
    );
  }
  return (
    <div className="rpt-report" data-testid="reports-report" data-kind={report.kind}>
      <div className="rpt-meta muted">
        <span data-testid="reports-range">{rt('range', { from: report.range.from, to: report.range.to })}</span>
        <span data-testid="reports-tz-shown">{rt('tzShown', { tz: report.range.tz })}</span>
        <span>{rt('generatedAt', { time: fullTime(report.generatedAt) })}</span>
      </div>
      <h2 className="sr-only">{report.title}</h2>
      <dl className="rpt-figures" data-testid="reports-figures">
        {report.totals.map((f) => (
          <div key={f.key} className="rpt-figure" data-testid="reports-figure" data-key={f.key} data-value={f.value ?? ''}>
            <dt>{f.label}</dt>
            <dd>{formatValue(f.value, f.unit, rt, locale)}</dd>
          </div>
        ))}
      </dl>
      <div className="rpt-tables">
        {report.tables.map((table) => (
          <TableSection
            key={table.id}
            kind={report.kind}
            table={table}
            range={report.range}
            canExport={canExport}
            exporting={exporting}
            onExport={onExport}
            onDrawn={chartDrawn}
          />
        ))}
      </div>
    </div>
  );
}

interface SectionProps {
  kind: ReportKind;
  table: ReportTable;
  range: ReportRange;
  canExport: boolean;
  exporting: string | null;
  onExport: (format: ExportFormat, chart?: string) => void;
  onDrawn: (tableId: string) => void;
}

function TableSection({ kind, table, range, canExport, exporting, onExport, onDrawn }: SectionProps) {
  const rt = useReportsT();
  const { locale } = useI18n();
  const entity = isEntityTable(table);
  const metrics = useMemo(() => (entity ? entityMetrics(table) : []), [entity, table]);
  const [metric, setMetric] = useState<string | undefined>(() => metrics[0]?.key);
  const plot = useMemo(() => planTable(table, range, metric), [table, range, metric]);
  const label = useMemo(() => (plot ? describePlot(plot, table, range, rt, locale) : ''), [plot, table, range, rt, locale]);
  const headingId = `rpt-h-${table.id}`;
  const drawn = useCallback(() => onDrawn(table.id), [onDrawn, table.id]);

  return (
    <section className={`rpt-section${entity ? ' wide' : ''}`} aria-labelledby={headingId} data-testid="reports-table" data-table={table.id}>
      <div className="rpt-section-head">
        <h3 id={headingId}>{table.title}</h3>
        <div className="rpt-section-tools">
          {entity && metrics.length > 0 && table.rows.length > 0 ? (
            <>
              <label className="rpt-label" htmlFor={`rpt-metric-${table.id}`}>
                {rt('metric')}
              </label>
              <select id={`rpt-metric-${table.id}`} className="rpt-input small" data-testid="reports-metric" value={metric} onChange={(e) => setMetric(e.target.value)}>
                {metrics.map((c) => (
                  <option key={c.key} value={c.key}>
                    {c.label}
                  </option>
                ))}
              </select>
            </>
          ) : null}
          {canExport ? (
            <>
              <ExportButton
                testId="reports-export-csv"
                label={rt('exportCsvOf', { title: table.title })}
                busy={exporting === `${kind}:${table.id}:csv`}
                onClick={() => onExport('csv', table.id)}
                rt={rt}
              >
                {rt('exportCsv')}
              </ExportButton>
              <ExportButton
                testId="reports-export-xlsx"
                label={rt('exportXlsxOf', { title: table.title })}
                busy={exporting === `${kind}:${table.id}:xlsx`}
                onClick={() => onExport('xlsx', table.id)}
                rt={rt}
              >
                {rt('exportXlsx')}
              </ExportButton>
            </>
          ) : null}
        </div>
      </div>
      {table.rows.length === 0 ? (
        <div className="muted rpt-empty" data-testid="reports-empty">
          {rt('empty')}
        </div>
      ) : (
        <>
          {plot ? <ReportChart plot={plot} label={label} t={rt} locale={locale} testId="reports-chart" onRendered={drawn} /> : null}
          {entity ? <EntityTable table={table} rt={rt} /> : <DataTable table={table} rt={rt} />}
        </>
      )}
    </section>
  );
}

/** The chart's figures for screen readers (sighted users read the chart and its tooltip). */
function DataTable({ table, rt }: { table: ReportTable; rt: ReportsT }) {
  const { locale } = useI18n();
  return (
    <table className="sr-only" data-testid="reports-data">
      <caption>{rt('dataTable', { title: table.title })}</caption>
      <thead>
        <tr>
          {table.columns.map((c) => (
            <th key={c.key} scope="col">
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {table.rows.map((row, i) => (
          <tr key={i}>
            {table.columns.map((c, j) =>
              j === 0 ? (
                <th key={c.key} scope="row">
                  {formatValue(row[c.key], c.unit, rt, locale)}
                </th>
              ) : (
                <td key={c.key}>{formatValue(row[c.key], c.unit, rt, locale)}</td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function compare(a: ReportCell | undefined, b: ReportCell | undefined): number {
  const x = numeric(a);
  const y = numeric(b);
  if (x !== null || y !== null) return (x ?? -Infinity) - (y ?? -Infinity);
  return String(a ?? '').localeCompare(String(b ?? ''), 'zh-CN');
}

type Sort = { key: string; dir: 'ascending' | 'descending' } | null;

/** Agents, groups, inboxes: every column sorts (its header is a button); an agent with a run of hostile conversations is tagged 需关注. */
function EntityTable({ table, rt }: { table: ReportTable; rt: ReportsT }) {
  const { locale } = useI18n();
  const [sort, setSort] = useState<Sort>(null);
  const hasFlag = table.columns.some((c) => c.key === 'flagged');
  const columns = table.columns.filter((c) => c.key !== 'flagged');
  const first = columns[0];
  const rows = useMemo(() => {
    const all = table.rows.map((r, i) => ({ r, i }));
    if (!sort) return all;
    const sign = sort.dir === 'ascending' ? 1 : -1;
    return all.sort((a, b) => sign * compare(a.r[sort.key], b.r[sort.key]) || a.i - b.i);
  }, [table, sort]);
  const toggle = (c: ReportColumn) =>
    setSort((s) => {
      const firstDir = c.unit === 'text' ? 'ascending' : 'descending';
      if (!s || s.key !== c.key) return { key: c.key, dir: firstDir };
      return s.dir === firstDir ? { key: c.key, dir: firstDir === 'ascending' ? 'descending' : 'ascending' } : null;
    });

  return (
    <div className="rpt-entity-table" data-testid="reports-entity-table" tabIndex={0} role="region" aria-label={rt('dataTable', { title: table.title })}>
      <table className="rpt-grid">
        <caption className="sr-only">{rt('dataTable', { title: table.title })}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={c === first || c.unit === 'text' ? 'left' : 'right'} aria-sort={sort?.key === c.key ? sort.dir : undefined}>
                <button type="button" className="rpt-sort" data-testid="reports-sort" data-key={c.key} onClick={() => toggle(c)}>
                  {c.label}
                  <span aria-hidden="true" className="rpt-sort-mark">
                    {sort?.key === c.key ? (sort.dir === 'ascending' ? '▲' : '▼') : '↕'}
                  </span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(({ r, i }) => {
            const flagged = hasFlag && numeric(r.flagged) === 1;
            const run = numeric(r.hostile_run);
            return (
              <tr key={i} data-testid="reports-entity-row" data-flagged={flagged ? 'true' : undefined}>
                {columns.map((c) =>
                  c === first ? (
                    <th key={c.key} scope="row" className="left">
                      <span className="rpt-name">
                        {formatValue(r[c.key], c.unit, rt, locale)}
                        {flagged ? (
                          <span className="rpt-flag" data-testid="reports-flagged" title={run !== null ? rt('flaggedHelp', { n: run }) : rt('flaggedHelpNoRun')}>
                            {rt('flagged')}
                            <span className="sr-only">{run !== null ? rt('flaggedHelp', { n: run }) : rt('flaggedHelpNoRun')}</span>
                          </span>
                        ) : null}
                      </span>
                    </th>
                  ) : (
                    <td key={c.key} className={c.unit === 'text' ? 'left' : 'right'}>
                      {formatValue(r[c.key], c.unit, rt, locale)}
                    </td>
                  ),
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
