import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAudit } from '../../audit/store.js';
import { forbidden } from '../../core/errors.js';
import { canExportReports, canReadReport } from '../../core/reports/access.js';
import { exportFileName, exportTables, reportCsv } from '../../core/reports/export.js';
import { reportRange } from '../../core/reports/range.js';
import { REPORT_KINDS } from '../../core/reports/types.js';
import { DomainError } from '../../core/errors.js';
import { text } from '../../core/text-schema.js';
import { callerOf, requireAgent } from '../../http/context.js';
import { errorSchema } from '../../http/schemas.js';
import { buildReport } from '../../reports/queries.js';
import { reportXlsx } from '../../reports/xlsx.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const unit = z.enum(['count', 'seconds', 'hours', 'ratio', 'score', 'text']);
// a number, a text, or null (nothing to measure): any JSON value in the schema (Redocly refuses a nullable union)
const cell = z.unknown().describe('a number, a text, or null when there was nothing to measure');

const reportSchema = z.object({
  kind: z.enum(REPORT_KINDS),
  title: z.string(),
  range: z.object({
    from: z.string(),
    to: z.string(),
    tz: z.string(),
    bucket: z.enum(['hour', 'day']).describe('The trend tables’ step: hours for up to two days, else days'),
    start: z.string().describe('The range’s first instant (ISO)'),
    end: z.string().describe('The instant after the range'),
  }),
  totals: z.array(z.object({ key: z.string(), label: z.string(), unit, value: z.number().nullable().describe('null: nothing to measure in the range') })),
  tables: z.array(
    z.object({
      id: z.string().describe('Stable: chart= exports this table alone'),
      title: z.string(),
      columns: z.array(z.object({ key: z.string(), label: z.string(), unit })),
      rows: z.array(z.record(z.string(), cell)),
    }),
  ),
  generatedAt: z.string(),
});

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** 报表 (docs/reports.md): six reports over the rollups, as JSON for the dashboards or as CSV / Excel. */
export const reportsPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', requireAgent);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ctx = app.zhike;

  r.get(
    '/reports/:kind',
    {
      schema: {
        tags: ['reports'],
        operationId: 'getReport',
        summary: 'A report (overview, service, quality, complaints, visitors, agents) over whole days in a time zone, as JSON, CSV or Excel',
        description:
          'Computed from the rollups the reports.rollup consumer keeps from the event log: a conversation counts on the day (or hour) it started in tz, and only once the customer wrote. ' +
          'Leads read every report, 质检 roles the quality report. format=csv|xlsx downloads it (leads only; written to the audit log); chart=<table id> exports that table alone. Definitions: docs/reports.md.',
        params: z.object({ kind: z.enum(REPORT_KINDS) }),
        querystring: z
          .object({
            from: z.string().regex(DATE, 'a date YYYY-MM-DD').optional().describe('First day in tz, inclusive (default: 29 days before to)'),
            to: z.string().regex(DATE, 'a date YYYY-MM-DD').optional().describe('Last day in tz, inclusive (default: today)'),
            tz: text({ min: 1, max: 64 }).default('Asia/Shanghai').describe('IANA time zone of the days and the buckets'),
            lang: z.enum(['zh-CN', 'en']).default('zh-CN').describe('The language of titles and labels'),
            inboxId: id.optional(),
            groupId: id.optional().describe('技能组'),
            agentId: id.optional(),
            serviceLevelSeconds: z.coerce.number().int().min(1).max(86_400).default(30).describe('服务水平: the share of waiting customers answered within this many seconds'),
            format: z.enum(['json', 'csv', 'xlsx']).default('json'),
            chart: z.string().regex(/^[a-z_]{1,40}$/, 'a table id such as by_time').optional().describe('Export one table (its id), or totals for the headline figures'),
          })
          .strict(),
        response: {
          200: {
            description: 'The report; a CSV (UTF-8 with BOM, CRLF) or .xlsx file when format asks for one',
            content: { 'application/json': { schema: reportSchema }, 'text/csv': { schema: z.string() }, [XLSX]: { schema: z.string().describe('binary') } },
          },
          400: errorSchema,
          403: errorSchema,
        },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      const kind = req.params.kind;
      const q = req.query;
      if (!canReadReport(caller.role, kind)) throw forbidden('your role cannot read this report');
      if (q.format !== 'json' && !canExportReports(caller.role)) throw forbidden('exporting reports is for supervisors and admins');
      const now = new Date();
      const range = reportRange({ from: q.from, to: q.to, tz: q.tz }, now);
      const report = await buildReport(ctx.db, kind, {
        workspaceId: caller.workspaceId,
        range,
        lang: q.lang,
        inboxId: q.inboxId,
        groupId: q.groupId,
        agentId: q.agentId,
        serviceLevelSeconds: q.serviceLevelSeconds,
        now,
      });
      if (q.format === 'json') return reply.type('application/json').send(report);
      const tables = exportTables(report, q.chart, q.lang);
      if (!tables) throw new DomainError('unknown_chart', `the ${kind} report has no table “${q.chart}” (it has: totals, ${report.tables.map((t) => t.id).join(', ')})`, 400, { chart: q.chart });
      const name = exportFileName(report, q.chart, q.format);
      await recordAudit(ctx.db, {
        workspaceId: caller.workspaceId,
        actorId: caller.agentId,
        action: 'report.exported',
        subjectType: 'report',
        detail: { kind, format: q.format, chart: q.chart ?? null, from: range.from, to: range.to, tz: range.tz, inboxId: q.inboxId ?? null, groupId: q.groupId ?? null, agentId: q.agentId ?? null },
      });
      const body = q.format === 'csv' ? reportCsv(report, tables, q.lang) : await reportXlsx(tables, q.lang);
      return reply
        .type(q.format === 'csv' ? 'text/csv; charset=utf-8' : XLSX)
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store')
        .send(body as string);
    },
  );
};
