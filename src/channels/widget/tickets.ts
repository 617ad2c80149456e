import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Contact } from '../../core/model.js';
import { notFound } from '../../core/errors.js';
import { TICKET_STATUSES, TICKET_TYPES } from '../../core/tickets/index.js';
import { errorSchema } from '../../http/schemas.js';
import { text } from '../../core/text-schema.js';
import { confirmTicketAsCustomer } from '../../tickets/commands.js';
import { customerTickets } from '../../tickets/store.js';

/**
 * 工单 in the widget: the customer sees their tickets' status and the agents' public replies
 * (never internal comments), and confirms a resolution with one button (确认已解决), which
 * lets the agent solve a complaint without recording why the customer did not confirm.
 * Registered inside the client API, so the inbox and contact token checks, CORS and rate
 * limits are the client API's.
 */
const tags = ['client API (widget)'];
const params = z.object({ inboxToken: text({ min: 1, max: 100 }) });
const ticketParams = params.extend({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

const customerTicket = z.object({
  id: z.number(),
  subject: z.string(),
  type: z.enum(TICKET_TYPES),
  status: z.enum(TICKET_STATUSES).describe('new 待受理, open 处理中, pending 等待您的回复, on_hold 处理中 (with another team), solved 已解决, closed 已关闭'),
  createdAt: z.string(),
  updatedAt: z.string(),
  solvedAt: z.string().nullable(),
  confirmedAt: z.string().nullable().describe('When the customer confirmed the resolution'),
  canConfirm: z.boolean().describe('The confirm button shows: not confirmed yet, and not closed'),
  replies: z.array(z.object({ id: z.number(), body: z.string(), createdAt: z.string(), agent: z.object({ name: z.string(), agentNo: z.string().nullable() }).nullable() })),
});

const view = <T extends { confirmedAt: string | null; status: string }>(t: T) => ({ ...t, canConfirm: !t.confirmedAt && t.status !== 'closed' });

export const widgetTickets = (contactOf: (req: FastifyRequest) => Contact): FastifyPluginAsync => async (app) => {
  const ctx = app.zhike;
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/widget/:inboxToken/tickets',
    {
      schema: {
        tags,
        operationId: 'listWidgetTickets',
        summary: 'The contact’s tickets (工单), newest first, with the public replies',
        params,
        response: { 200: z.object({ tickets: z.array(customerTicket) }), 401: errorSchema },
      },
    },
    async (req) => {
      const contact = contactOf(req);
      return { tickets: (await customerTickets(ctx.db, contact.workspaceId, contact.id)).map(view) };
    },
  );

  r.post(
    '/widget/:inboxToken/tickets/:id/confirm',
    {
      schema: {
        tags,
        operationId: 'confirmWidgetTicket',
        summary: 'The customer confirms the resolution (确认已解决)',
        description: 'Once per ticket: confirming again answers the ticket as it is. Another contact’s ticket is 404; a closed one 409.',
        params: ticketParams,
        response: { 200: customerTicket, 401: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req) => {
      const contact = contactOf(req);
      await confirmTicketAsCustomer(ctx, contact, req.params.id);
      const [ticket] = await customerTickets(ctx.db, contact.workspaceId, contact.id, req.params.id);
      if (!ticket) throw notFound('ticket');
      return view(ticket);
    },
  );
};
