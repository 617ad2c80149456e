import type { Report, ReportKind } from '../../../../src/core/reports/types';
import { API_BASE, ApiError, request } from '../../api/client';
import type { UiLocale } from '../../i18n';

export type { Report, ReportKind };

export interface ReportQuery {
  from: string;
  to: string;
  tz: string;
  lang: UiLocale;
  /** Only for 服务. */
  serviceLevelSeconds?: number;
}

export type ExportFormat = 'csv' | 'xlsx';

function params(kind: ReportKind, q: ReportQuery): Record<string, string> {
  const p: Record<string, string> = { from: q.from, to: q.to, tz: q.tz, lang: q.lang };
  if (kind === 'service' && q.serviceLevelSeconds !== undefined) p.serviceLevelSeconds = String(q.serviceLevelSeconds);
  return p;
}

/** GET /reports/{kind}: the figures and tables of one report (docs/reports.md). */
export function fetchReport(kind: ReportKind, q: ReportQuery, signal?: AbortSignal): Promise<Report> {
  return request<Report>(`/reports/${kind}`, { query: params(kind, q), signal, timeoutMs: 60_000 });
}

/** The export's address: the report's own with `format` (and `chart`, one table). */
export function exportUrl(kind: ReportKind, q: ReportQuery, format: ExportFormat, chart?: string): string {
  const search = new URLSearchParams(params(kind, q));
  search.set('format', format);
  if (chart) search.set('chart', chart);
  return `${API_BASE}/reports/${kind}?${search.toString()}`;
}

/** The file name the server gave (Content-Disposition), or one of ours. */
function fileName(header: string | null, fallback: string): string {
  if (header) {
    const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
    if (star?.[1]) {
      try {
        return decodeURIComponent(star[1].trim());
      } catch {
        /* fall through */
      }
    }
    const plain = /filename\s*=\s*"?([^";]+)"?/.exec(header);
    if (plain?.[1]) return plain[1].trim();
  }
  return fallback;
}

/**
 * Downloads an export: fetched (the session cookie goes with it) so a refusal shows as a message
 * rather than a file holding the error, then saved through a link to the blob.
 */
export async function downloadExport(kind: ReportKind, q: ReportQuery, format: ExportFormat, chart?: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(exportUrl(kind, q, format, chart), { credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network_error', 'could not reach the server');
  }
  if (!res.ok) {
    let code = `http_${res.status}`;
    let message = res.statusText || `HTTP ${res.status}`;
    try {
      const body = (await res.json()) as { error?: { code?: string; message?: string } };
      code = body.error?.code ?? code;
      message = body.error?.message ?? message;
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, code, message);
  }
  const blob = await res.blob();
  const name = fileName(res.headers.get('content-disposition'), `${kind}${chart ? `-${chart}` : ''}-${q.from}-${q.to}.${format}`);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
