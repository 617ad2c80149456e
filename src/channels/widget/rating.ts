import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_COMMENT_CHARS, MAX_REASONS } from '../../core/csat/rating.js';
import type { Contact } from '../../core/model.js';
import { text } from '../../core/text-schema.js';
import { customerRating, rateConversation } from '../../csat/commands.js';
import { errorSchema } from '../../http/schemas.js';

/**
 * 满意度 in the widget: the customer rates the conversation
 * when asked (5 = 非常满意 … 1 = 非常不满意, reasons, a comment) and may change the rating
 * for 24 hours. Registered inside the client API: its inbox and contact checks, CORS and
 * rate limits apply. Only the conversation's own contact can rate it; agents never can.
 */
const tags = ['client API (widget)'];
const convParams = z.object({ inboxToken: text({ min: 1, max: 100 }), id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

const customerRatingSchema = z
  .object({
    score: z.number().int().min(1).max(5),
    label: z.string().describe('The score’s label, in the customer’s language'),
    reasons: z.array(z.string()).describe('The ticked reasons, in the customer’s language (the words of their card)'),
    comment: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    changeableUntil: z.string().describe('The rating may be changed until then (24 hours after it was first given)'),
  })
  .describe('A rating as its customer sees it');

export const widgetRating = (contactOf: (req: FastifyRequest) => Contact): FastifyPluginAsync => async (app) => {
  const ctx = app.zhike;
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/widget/:inboxToken/conversations/:id/rating',
    {
      schema: {
        tags,
        operationId: 'getWidgetRating',
        summary: 'The customer’s rating of a conversation (满意度), null before they rate',
        params: convParams,
        response: { 200: z.object({ rating: customerRatingSchema.nullable() }), 401: errorSchema, 404: errorSchema },
      },
    },
    async (req) => {
      return { rating: await customerRating(ctx, contactOf(req), req.params.id) };
    },
  );

  r.post(
    '/widget/:inboxToken/conversations/:id/rating',
    {
      schema: {
        tags,
        operationId: 'rateWidgetConversation',
        summary: 'Rate a conversation (满意度): 5 = 非常满意 … 1 = 非常不满意',
        description:
          'Once the conversation has ended, or when the agent invited a rating (邀请评价). One rating per conversation: the first answers 201; ' +
          'sending again within 24 hours changes it (200); after that 409 rating_closed. Reasons are the inbox’s (its request message lists them, ' +
          'in the customer’s language); another is 400 unknown_reason. An inbox without ratings answers 409 csat_disabled.',
        params: convParams,
        body: z
          .object({
            score: z.number().int().min(1).max(5),
            reasons: z.array(text({ min: 1, max: 40 })).max(MAX_REASONS).optional(),
            comment: text({ max: MAX_COMMENT_CHARS }).nullish(),
          })
          .strict(),
        response: { 200: z.object({ rating: customerRatingSchema }), 201: z.object({ rating: customerRatingSchema }), 400: errorSchema, 401: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req, reply) => {
      const outcome = await rateConversation(ctx, contactOf(req), req.params.id, req.body);
      return reply.code(outcome.created ? 201 : 200).send({ rating: outcome.customer });
    },
  );
};
