import type { ReportColumn, ReportRange, ReportTable, ReportUnit } from '../../../../src/core/reports/types';
import type { UiLocale } from '../../i18n';
import { bucketLabel, formatValue, numeric } from './format';
import type { ReportsT } from './strings';

/**
 * What a table's chart draws, worked out from the table alone (its id, its columns' keys and
 * units): a trend over buckets, bars per category, or one chosen metric per agent/group/inbox.
 * Kept apart from ECharts so the words for screen readers come from the same plan as the picture.
 */
export interface PlotSeries {
  key: string;
  label: string;
  unit: ReportUnit;
  type: 'bar' | 'line';
  stack?: string;
  /** Which value axis (by unit, in order of appearance). */
  axis: number;
  data: (number | null)[];
}

export interface Plot {
  kind: 'time' | 'category' | 'entity';
  categories: string[];
  series: PlotSeries[];
  /** The value axes' units; a horizontal chart has one. */
  axes: ReportUnit[];
  horizontal: boolean;
  /** Entity charts show the first rows by the metric: how many of how many. */
  shown: number;
  total: number;
}

/** Tables of agents, groups, inboxes: a sortable table and a chart of one metric. */
export const ENTITY_TABLES = new Set(['by_agent', 'by_group', 'by_inbox']);
export const isEntityTable = (t: ReportTable) => ENTITY_TABLES.has(t.id);
export const isTimeTable = (t: ReportTable) => t.columns[0]?.key === 'bucket';

/** Columns that name a category's code (the label beside them reads better), never plotted. */
const CODES = new Set(['score', 'value', 'reason', 'rule', 'source', 'flagged']);
/** Tables whose chart draws chosen columns side by side. */
const CHOSEN: Record<string, string[]> = { lost_reasons: ['share', 'reference'] };
/** At most this many agents (or groups, inboxes) in a chart; the table has them all. */
export const ENTITY_CHART_ROWS = 20;
const MAX_AXES = 3;

const plottable = (c: ReportColumn) => c.unit !== 'text' && !CODES.has(c.key);

/** The metrics an entity table's chart can draw. */
export function entityMetrics(table: ReportTable): ReportColumn[] {
  return table.columns.slice(1).filter(plottable);
}

function axisOf(axes: ReportUnit[], unit: ReportUnit): number {
  let i = axes.indexOf(unit);
  if (i === -1 && axes.length < MAX_AXES) {
    axes.push(unit);
    i = axes.length - 1;
  }
  return i;
}

export function planTable(table: ReportTable, range: ReportRange, metric?: string): Plot | null {
  const [first, ...rest] = table.columns;
  if (!first || table.rows.length === 0) return null;
  const values = (key: string) => table.rows.map((r) => numeric(r[key]));

  if (isTimeTable(table)) {
    const categories = table.rows.map((r) => bucketLabel(r[first.key], range.bucket, range.tz));
    const cols = rest.filter(plottable);
    const channels = cols.filter((c) => c.key.startsWith('ch_'));
    const axes: ReportUnit[] = [];
    const series: PlotSeries[] = [];
    if (channels.length > 0) {
      // one bar per channel, stacked (their sum is the conversations); the rest as lines
      for (const c of channels) series.push({ key: c.key, label: c.label, unit: c.unit, type: 'bar', stack: 'channels', axis: axisOf(axes, c.unit), data: values(c.key) });
      for (const c of cols.filter((c) => !c.key.startsWith('ch_'))) {
        const axis = axisOf(axes, c.unit);
        if (axis >= 0) series.push({ key: c.key, label: c.label, unit: c.unit, type: 'line', axis, data: values(c.key) });
      }
    } else {
      // counts as bars side by side; durations, shares and scores as lines on their own axes
      const ordered = [...cols.filter((c) => c.unit === 'count'), ...cols.filter((c) => c.unit !== 'count')];
      for (const c of ordered) {
        const axis = axisOf(axes, c.unit);
        if (axis >= 0) series.push({ key: c.key, label: c.label, unit: c.unit, type: c.unit === 'count' ? 'bar' : 'line', axis, data: values(c.key) });
      }
    }
    if (series.length === 0) return null;
    return { kind: 'time', categories, series, axes, horizontal: false, shown: table.rows.length, total: table.rows.length };
  }

  if (isEntityTable(table)) {
    const metrics = entityMetrics(table);
    const m = metrics.find((c) => c.key === metric) ?? metrics[0];
    if (!m) return null;
    const rows = [...table.rows]
      .map((r) => ({ name: String(r[first.key] ?? ''), v: numeric(r[m.key]) }))
      .sort((a, b) => (b.v ?? -Infinity) - (a.v ?? -Infinity))
      .slice(0, ENTITY_CHART_ROWS);
    return {
      kind: 'entity',
      categories: rows.map((r) => r.name),
      series: [{ key: m.key, label: m.label, unit: m.unit, type: 'bar', axis: 0, data: rows.map((r) => r.v) }],
      axes: [m.unit],
      horizontal: true,
      shown: rows.length,
      total: table.rows.length,
    };
  }

  // categories: the first column names them; the counts (or the chosen columns) as bars side by side
  const chosen = CHOSEN[table.id];
  let cols = chosen ? rest.filter((c) => chosen.includes(c.key)) : [];
  if (cols.length === 0) {
    const candidates = rest.filter(plottable);
    const unit = candidates[0]?.unit;
    cols = candidates.filter((c) => c.unit === unit);
  }
  if (cols.length === 0) return null;
  const categories = table.rows.map((r) => String(r[first.key] ?? ''));
  const horizontal = categories.length > 8 || categories.some((c) => c.length > 8);
  return {
    kind: 'category',
    categories,
    series: cols.map((c) => ({ key: c.key, label: c.label, unit: c.unit, type: 'bar', axis: 0, data: values(c.key) })),
    axes: [cols[0]!.unit],
    horizontal,
    shown: table.rows.length,
    total: table.rows.length,
  };
}

/** The chart in words (its aria-label): what it is, and per series the total or the extremes and where. */
export function describePlot(plot: Plot, table: ReportTable, range: ReportRange, t: ReportsT, locale: UiLocale): string {
  const head =
    plot.kind === 'time'
      ? t('chart.time', { title: table.title, range: t('range', { from: range.from, to: range.to }), bucket: t(range.bucket === 'hour' ? 'bucketHour' : 'bucketDay'), n: plot.categories.length })
      : plot.kind === 'entity'
        ? t('chart.entity', { title: table.title, metric: plot.series[0]?.label ?? '', n: plot.total, top: plot.shown < plot.total ? t('topN', { n: plot.shown }) : '' })
        : t('chart.category', { title: table.title, n: plot.categories.length });
  const parts = plot.series.map((s) => {
    const points = s.data.map((v, i) => ({ v, at: plot.categories[i] ?? '' })).filter((p): p is { v: number; at: string } => p.v !== null);
    if (points.length === 0) return t('chart.allEmpty', { series: s.label });
    const max = points.reduce((a, p) => (p.v > a.v ? p : a));
    const min = points.reduce((a, p) => (p.v < a.v ? p : a));
    const f = (v: number) => formatValue(v, s.unit, t, locale);
    if (s.unit === 'count') return t('chart.sum', { series: s.label, total: f(points.reduce((n, p) => n + p.v, 0)), max: f(max.v), at: max.at });
    return t('chart.minMax', { series: s.label, max: f(max.v), at: max.at, min: f(min.v), minAt: min.at });
  });
  return `${head}${parts.join(t('chart.join'))}${t('chart.end')}`;
}
