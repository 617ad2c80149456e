import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assertAdmin } from '../../core/permissions.js';
import { readEvents } from '../../storage/events.js';
import { callerOf, requireAgent } from '../context.js';
import { errorSchema } from '../schemas.js';

/**
 * The workspace's domain event log, in order: what integrations, exports and
 * (later) analytics and quality inspection replay. Admins only.
 */
export const eventsPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', requireAgent);
  app.withTypeProvider<ZodTypeProvider>().get(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Read the domain event log after an event id (admin)',
        description: 'Append-only, in commit order per conversation. Page with after = the last id you read.',
        querystring: z.object({
          after: z.coerce.number().int().min(0).default(0).describe('Only events with a larger id'),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
        response: {
          200: z.object({
            events: z.array(
              z.object({
                id: z.number(),
                type: z.string().describe('e.g. message.created, conversation.assigned, conversation.queued'),
                conversationId: z.number().nullable(),
                actorType: z.string(),
                actorId: z.number().nullable(),
                data: z.record(z.string(), z.unknown()),
                createdAt: z.string(),
              }),
            ),
          }),
          403: errorSchema,
        },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      assertAdmin(caller);
      const events = await readEvents(app.zhike.db, caller.workspaceId, req.query.after, req.query.limit);
      return { events: events.map(({ workspaceId: _w, ...e }) => e) };
    },
  );
};
