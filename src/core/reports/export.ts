import { csvField } from '../knowledge/csv.js';
import type { Lang } from './labels.js';
import type { Report, ReportCell, ReportTable, ReportUnit } from './types.js';

/**
 * A report as the rows of a spreadsheet, for CSV and .xlsx alike: one block per table (and
 * the headline figures first), a unit in each header, shares as percentages. What a manager
 * opens in Excel reads like the chart.
 */

const UNIT_SUFFIX: Record<ReportUnit, [zh: string, en: string] | null> = {
  count: null,
  text: null,
  score: null,
  seconds: ['（秒）', ' (s)'],
  hours: ['（小时）', ' (h)'],
  ratio: ['（%）', ' (%)'],
};

export const header = (label: string, unit: ReportUnit, lang: Lang) => {
  const s = UNIT_SUFFIX[unit];
  return s ? label + (lang === 'en' ? s[1] : s[0]) : label;
};

/** A value as exported: shares as percentages to one decimal, the rest as computed. */
export function exportValue(v: ReportCell, unit: ReportUnit): ReportCell {
  if (typeof v === 'number' && unit === 'ratio') return Math.round(v * 1000) / 10;
  return v;
}

/** The headline figures as a table of two columns. */
export function totalsTable(report: Report, lang: Lang): ReportTable {
  return {
    id: 'totals',
    title: lang === 'en' ? 'Summary' : '汇总',
    columns: [
      { key: 'figure', label: lang === 'en' ? 'Figure' : '指标', unit: 'text' },
      { key: 'value', label: lang === 'en' ? 'Value' : '数值', unit: 'text' },
    ],
    rows: report.totals.map((f) => ({ figure: header(f.label, f.unit, lang), value: exportValue(f.value, f.unit) })),
  };
}

/** The tables an export holds: one (`chart`), or the summary and all. Unknown chart → null. */
export function exportTables(report: Report, chart: string | undefined, lang: Lang): ReportTable[] | null {
  if (chart === undefined) return [totalsTable(report, lang), ...report.tables];
  if (chart === 'totals') return [totalsTable(report, lang)];
  const t = report.tables.find((x) => x.id === chart);
  return t ? [t] : null;
}

/** A table's rows as cells, its header first. */
export function tableCells(t: ReportTable, lang: Lang): ReportCell[][] {
  return [t.columns.map((c) => header(c.label, c.unit, lang)), ...t.rows.map((r) => t.columns.map((c) => exportValue(r[c.key] ?? null, c.unit)))];
}

/** A CSV cell: numbers as they are, text quoted when it must be and kept from running as a formula (csvField). */
function csvCell(v: ReportCell): string {
  if (v === null) return '';
  return typeof v === 'number' ? String(v) : csvField(v);
}

/** CSV (RFC 4180, CRLF) with a byte-order mark, so Excel opens the Chinese as UTF-8. Several tables: a title line each, a blank line between. */
export function reportCsv(report: Report, tables: ReportTable[], lang: Lang): string {
  const lines: string[] = [];
  tables.forEach((t, i) => {
    if (tables.length > 1) {
      if (i > 0) lines.push('');
      lines.push(csvCell(t.title));
    }
    for (const row of tableCells(t, lang)) lines.push(row.map(csvCell).join(','));
  });
  void report;
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

/** A name for the download: zhike-service-2026-11-01-2026-11-30[-by_agent].csv */
export function exportFileName(report: Report, chart: string | undefined, ext: 'csv' | 'xlsx'): string {
  return `zhike-${report.kind}-${report.range.from}-${report.range.to}${chart ? `-${chart}` : ''}.${ext}`;
}
