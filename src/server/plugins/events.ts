import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../core/errors.js';
import { assertAdmin } from '../../core/permissions.js';
import { text } from '../../core/text-schema.js';
import type { ConsumerRunner } from '../../events/consumers.js';
import { callerOf, requireAgent } from '../../http/context.js';
import { errorSchema } from '../../http/schemas.js';
import { LOG_START, parsePosition, positionKey, readBatch } from '../../storage/consumers.js';
import { readEvents } from '../../storage/events.js';

const tags = ['events'];

const consumerSchema = z.object({
  name: z.string().describe('e.g. reception.bot, routing.drain'),
  lag: z
    .object({
      events: z.number().describe('Events of its types not handled yet, on this installation (counted up to 100,000)'),
      seconds: z.number().describe('Age of the oldest of them (0 when none)'),
    })
    .describe('How far behind the log it is'),
  parked: z.number().describe('Events of this workspace it gave up on after its attempts'),
  lastError: z
    .object({ eventId: z.number(), eventType: z.string(), conversationId: z.number().nullable(), message: z.string(), at: z.string() })
    .nullable()
    .describe('The latest parked event of this workspace and its error'),
});

/**
 * The workspace's domain event log, in order: what integrations, exports and
 * (later) analytics and quality inspection replay; and the durable consumers that
 * read it, for operators. Admins only.
 */
export const eventsPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', requireAgent);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const runner = (): ConsumerRunner => {
    const consumers = app.zhike.events.consumers;
    if (!consumers) throw new Error('this app runs no durable consumers');
    return consumers;
  };

  r.get(
    '/events',
    {
      schema: {
        tags,
        operationId: 'listEvents', summary: 'Read the domain event log (admin)',
        description:
          'Append-only; docs/events.md lists the types and their data. To follow the log without missing an event, page with ' +
          '`cursor`: events come in the order consumers see them (in order per conversation; an event appears once its ' +
          'transaction has committed), and `next` is where to go on. `after` (an event id) reads by id, for a look at the newest: ' +
          'an event whose transaction commits late can land behind an id already read.',
        querystring: z
          .object({
            cursor: text({ max: 20_000 })
              // a snapshot lists the transactions running when it was taken: its length grows with the server's connections
              .refine((c) => parsePosition(c) !== null, 'this cursor is not one the server gave: use `next` from the previous page')
              .optional()
              .describe('`next` from the previous page; omit to start at the beginning'),
            after: z.coerce.number().int().min(0).optional().describe('Instead of cursor: events with a larger id, in id order'),
            limit: z.coerce.number().int().min(1).max(1000).default(200),
          })
          .refine((q) => q.cursor === undefined || q.after === undefined, 'give cursor or after, not both'),
        response: {
          200: z.object({
            events: z.array(
              z.object({
                id: z.number(),
                type: z.string().describe('e.g. message.created, conversation.assigned, conversation.queued (docs/events.md)'),
                conversationId: z.number().nullable(),
                actorType: z.string(),
                actorId: z.number().nullable(),
                data: z.record(z.string(), z.unknown()),
                createdAt: z.string(),
              }),
            ),
            next: z.string().nullable().describe('With cursor paging: pass it as cursor for the next page'),
          }),
          403: errorSchema,
        },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      assertAdmin(caller);
      const { cursor, after, limit } = req.query;
      let events;
      let next: string | null = null;
      if (after !== undefined) {
        events = await readEvents(app.zhike.db, caller.workspaceId, after, limit);
      } else {
        const batch = await readBatch(app.zhike.db, cursor === undefined ? LOG_START : parsePosition(cursor)!, null, limit, caller.workspaceId);
        events = batch.events;
        next = positionKey(batch.next);
      }
      return {
        events: events.map((e) => ({ id: e.id, type: e.type, conversationId: e.conversationId, actorType: e.actor.type, actorId: e.actor.id, data: e.data as Record<string, unknown>, createdAt: e.createdAt })),
        next,
      };
    },
  );

  r.get(
    '/events/consumers',
    {
      schema: {
        tags,
        operationId: 'listEventConsumers', summary: 'The durable consumers: how far behind the log each is, and what it parked (admin)',
        description:
          'Consumers run for the whole installation, so lag counts every workspace’s events; parked events and errors are this workspace’s only.',
        response: { 200: z.object({ consumers: z.array(consumerSchema) }), 403: errorSchema },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      assertAdmin(caller);
      const consumers = runner();
      return { consumers: await Promise.all(consumers.names.map((name) => consumers.status(name, caller.workspaceId))) };
    },
  );

  r.post(
    '/events/consumers/:name/retry',
    {
      schema: {
        tags,
        operationId: 'retryParkedEvents', summary: 'Run a consumer’s parked events of this workspace again (admin)',
        description: 'Oldest first, once each (up to 1,000 per call): those that succeed leave the parking, the others stay with their new error.',
        params: z.object({ name: text({ max: 100 }) }),
        response: {
          200: z.object({ retried: z.number(), succeeded: z.number(), failed: z.number() }),
          403: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      assertAdmin(caller);
      const consumers = runner();
      if (!consumers.has(req.params.name)) throw notFound('consumer');
      return consumers.retryParked(req.params.name, caller.workspaceId);
    },
  );
};
