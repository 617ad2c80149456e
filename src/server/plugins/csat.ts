import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { conversationRating, inviteRating } from '../../csat/commands.js';
import { callerOf, requireAgent } from '../../http/context.js';
import { errorSchema, idParam } from '../../http/schemas.js';

/** 满意度 for agents: a conversation's rating, and 邀请评价 (docs/csat.md). Customers rate through the client API only. */
export const csatRatingSchema = z
  .object({
    id: z.number(),
    conversationId: z.number(),
    contactId: z.number(),
    agentId: z.number().nullable().describe('The agent the conversation was with when it was first rated'),
    score: z.number().int().min(1).max(5).describe('5 = 非常满意 … 1 = 非常不满意'),
    label: z.string(),
    reasons: z.array(z.string()),
    comment: z.string().nullable(),
    source: z.enum(['close', 'invite']).describe('Asked at the close, or invited by the agent (邀请评价)'),
    createdAt: z.string(),
    updatedAt: z.string().describe('Later than createdAt when the customer changed the rating (within 24 hours)'),
  })
  .describe('满意度评价: a customer’s rating of a conversation');

export const csatPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', requireAgent);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ctx = app.zhike;
  const tags = ['csat'];

  r.get(
    '/conversations/:id/rating',
    {
      schema: {
        tags,
        operationId: 'getConversationRating',
        summary: 'A conversation’s 满意度 rating (null until the customer rates) and whether they were asked',
        params: idParam,
        response: { 200: z.object({ rating: csatRatingSchema.nullable(), requested: z.boolean() }), 401: errorSchema, 404: errorSchema },
      },
    },
    async (req) => conversationRating(ctx, callerOf(req), req.params.id),
  );

  r.post(
    '/conversations/:id/rating-invitation',
    {
      schema: {
        tags,
        operationId: 'inviteConversationRating',
        summary: '邀请评价: ask the customer to rate the conversation before it ends',
        description:
          'Posts the same rating request the close would (once per conversation). Whoever may reply publicly may invite. ' +
          '409 already_requested / already_rated / csat_disabled.',
        params: idParam,
        response: { 200: z.object({ requested: z.literal(true), messageId: z.number() }), 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req) => ({ requested: true as const, ...(await inviteRating(ctx, callerOf(req), req.params.id)) }),
  );
};
