import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assertAdmin } from '../core/permissions.js';
import { callerOf, requireAgent } from '../http/context.js';
import { errorSchema } from '../http/schemas.js';
import { AUDIT_ACTIONS, listAudit } from './store.js';

const cursor = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** GET /audit (admin): who saw, exported or erased personal data (docs/privacy.md). */
export const auditPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', requireAgent);
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        operationId: 'listAuditLog',
        summary: 'The audit log (admin): reveals, exports, imports, merges and erasures of personal data, report exports; newest first',
        querystring: z.object({
          action: z.enum(AUDIT_ACTIONS).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: cursor.optional().describe('The nextCursor of the previous page'),
        }),
        response: {
          200: z.object({
            entries: z.array(
              z.object({
                id: z.number(),
                actorId: z.number().nullable(),
                actorName: z.string().nullable(),
                action: z.string(),
                subjectType: z.string().describe('contact, contacts (a list), contact_merge, report'),
                subjectId: z.number().nullable(),
                detail: z.record(z.string(), z.unknown()).describe('The filters of an export, the counts of an import; never the personal data itself'),
                createdAt: z.string(),
              }),
            ),
            nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null: no more'),
          }),
          403: errorSchema,
        },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      assertAdmin(caller);
      const rows = await listAudit(app.zhike.db, { workspaceId: caller.workspaceId, action: req.query.action, before: req.query.cursor, limit: req.query.limit + 1 });
      const page = rows.slice(0, req.query.limit);
      return {
        entries: page.map(({ workspaceId: _w, ...e }) => e),
        nextCursor: rows.length > req.query.limit ? String(page[page.length - 1].id) : null,
      };
    },
  );
};
