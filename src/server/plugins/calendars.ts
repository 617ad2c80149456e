import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createCalendar, deleteCalendar, getCalendar, listCalendars, updateCalendar } from '../../commands/calendars.js';
import { isOpen, nextClosing, nextOpening } from '../../core/calendar/business-hours.js';
import { notFound } from '../../core/errors.js';
import { callerOf, requireAgent } from '../../http/context.js';
import { calendarInputSchema, calendarSchema, errorSchema, idParam } from '../../http/schemas.js';

/** 工作时间 calendars: one facility for routing, automatic replies and (later) SLA clocks. */
export const calendarsPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', requireAgent);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ctx = app.zhike;
  const tags = ['business hours'];

  r.get('/business-calendars', { schema: { tags, operationId: 'listBusinessCalendars', summary: 'Business-hours calendars', response: { 200: z.object({ calendars: z.array(calendarSchema) }) } } }, async (req) => ({
    calendars: await listCalendars(ctx.db, callerOf(req).workspaceId),
  }));

  r.get(
    '/business-calendars/:id/status',
    {
      schema: {
        tags,
        operationId: 'getBusinessCalendarStatus', summary: 'Open now? When does it next open or close?',
        params: idParam,
        response: { 200: z.object({ open: z.boolean(), nextOpening: z.string().nullable(), nextClosing: z.string().nullable() }), 404: errorSchema },
      },
    },
    async (req) => {
      const cal = await getCalendar(ctx.db, callerOf(req).workspaceId, req.params.id);
      if (!cal) throw notFound('calendar');
      const now = new Date();
      return { open: isOpen(cal, now), nextOpening: nextOpening(cal, now)?.toISOString() ?? null, nextClosing: nextClosing(cal, now)?.toISOString() ?? null };
    },
  );

  r.post(
    '/business-calendars',
    { schema: { tags, operationId: 'createBusinessCalendar', summary: 'Create a calendar (admin)', body: calendarInputSchema, response: { 201: calendarSchema, 400: errorSchema, 403: errorSchema } } },
    async (req, reply) => reply.code(201).send(await createCalendar(ctx, callerOf(req), req.body)),
  );

  r.patch(
    '/business-calendars/:id',
    { schema: { tags, operationId: 'updateBusinessCalendar', summary: 'Change a calendar (admin)', params: idParam, body: calendarInputSchema.partial().strict(), response: { 200: calendarSchema, 400: errorSchema, 404: errorSchema } } },
    async (req) => {
      const cal = await updateCalendar(ctx, callerOf(req), req.params.id, req.body);
      ctx.reception?.invalidateAll();
      return cal;
    },
  );

  r.delete(
    '/business-calendars/:id',
    { schema: { tags, operationId: 'deleteBusinessCalendar', summary: 'Delete a calendar no inbox uses (admin)', params: idParam, response: { 204: z.null(), 404: errorSchema, 409: errorSchema } } },
    async (req, reply) => {
      await deleteCalendar(ctx, callerOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
};
