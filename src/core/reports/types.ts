/**
 * 报表: what every report answers. A report is a few headline figures (`totals`) and named
 * tables; each chart in the console draws one table, and each table exports as CSV and as
 * a sheet of the .xlsx. Definitions of every figure: docs/reports.md.
 */

export const REPORT_KINDS = ['overview', 'service', 'quality', 'complaints', 'visitors', 'agents'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** How a value reads: counts, durations in seconds, shares 0–1, scores. */
export type ReportUnit = 'count' | 'seconds' | 'hours' | 'ratio' | 'score' | 'text';

export interface ReportColumn {
  key: string;
  /** In the caller's language (the `lang` query parameter). */
  label: string;
  unit: ReportUnit;
}

export type ReportCell = string | number | null;

export interface ReportTable {
  /** Stable: the console picks a table's chart by it; `chart=` exports one table. */
  id: string;
  title: string;
  columns: ReportColumn[];
  rows: Record<string, ReportCell>[];
}

export interface ReportFigure {
  key: string;
  label: string;
  unit: ReportUnit;
  /** null: nothing to measure in the range (no conversation waited, nobody rated…). */
  value: number | null;
}

export interface ReportRange {
  /** First day, YYYY-MM-DD in tz, inclusive. */
  from: string;
  /** Last day, YYYY-MM-DD in tz, inclusive. */
  to: string;
  tz: string;
  /** Trend tables' step: hours for a range of up to two days, else days. */
  bucket: 'hour' | 'day';
  /** The range as instants: [start, end). */
  start: string;
  end: string;
}

export interface Report {
  kind: ReportKind;
  title: string;
  range: ReportRange;
  totals: ReportFigure[];
  tables: ReportTable[];
  /** The rollups include every event up to this one (the consumers' lag shows in GET /events/consumers). */
  generatedAt: string;
}
