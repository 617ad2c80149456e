import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createCannedReply, deleteCannedReply, listCannedReplies, updateCannedReply } from '../../commands/canned-replies.js';
import {
  CANNED_SCOPES,
  MAX_CANNED_CATEGORY_CHARS,
  MAX_CANNED_CONTENT_CHARS,
  MAX_CANNED_SHORTCUT_CHARS,
  MAX_CANNED_TITLE_CHARS,
} from '../../core/assist/canned.js';
import { nameText, text } from '../../core/text-schema.js';
import { callerOf, requireAgent } from '../../http/context.js';
import { errorSchema, idParam } from '../../http/schemas.js';

const shortcutSchema = z
  .string()
  .max(MAX_CANNED_SHORTCUT_CHARS)
  .regex(/^[A-Za-z0-9_-]+$/, 'a shortcut is letters, digits, - and _ (typed after /)')
  .transform((s) => s.toLowerCase())
  .nullable();
const categorySchema = nameText({ min: 1, max: MAX_CANNED_CATEGORY_CHARS }).nullable();

const replySchema = z.object({
  id: z.number().int(),
  scope: z.enum(CANNED_SCOPES).describe('personal: yours only; team: everyone’s, managed by administrators'),
  ownerId: z.number().int().nullable(),
  title: z.string(),
  content: z.string().describe('May carry {agentNo}, {name} (the agent) and {customerName}, filled when inserted'),
  shortcut: z.string().nullable(),
  category: z.string().nullable(),
  pinyin: z.string().describe('pinyin of title and category, toneless, joined: tuikuanliucheng'),
  initials: z.string().describe('their initials: tklc'),
  updatedAt: z.string(),
});

/** 快捷回复: personal replies (each agent their own) and the team's (administrators manage them). */
export const cannedRepliesPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', requireAgent);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ctx = app.zhike;
  const tags = ['quick replies'];

  r.get(
    '/canned-replies',
    { schema: { tags, operationId: 'listCannedReplies', summary: 'The team’s quick replies and your own, with pinyin keys for / search', response: { 200: z.object({ replies: z.array(replySchema) }) } } },
    async (req) => ({ replies: await listCannedReplies(ctx.db, callerOf(req)) }),
  );

  r.post(
    '/canned-replies',
    {
      schema: {
        tags,
        operationId: 'createCannedReply',
        summary: 'Add a quick reply: personal (anyone) or the team’s (admin)',
        body: z
          .object({
            scope: z.enum(CANNED_SCOPES).default('personal'),
            title: nameText({ min: 1, max: MAX_CANNED_TITLE_CHARS }),
            content: text({ min: 1, max: MAX_CANNED_CONTENT_CHARS, trim: true }),
            shortcut: shortcutSchema.default(null),
            category: categorySchema.default(null),
          })
          .strict(),
        response: { 201: replySchema, 403: errorSchema, 409: errorSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await createCannedReply(ctx, callerOf(req), req.body)),
  );

  r.patch(
    '/canned-replies/:id',
    {
      schema: {
        tags,
        operationId: 'updateCannedReply',
        summary: 'Change a quick reply: your own, or the team’s (admin)',
        params: idParam,
        body: z
          .object({
            title: nameText({ min: 1, max: MAX_CANNED_TITLE_CHARS }).optional(),
            content: text({ min: 1, max: MAX_CANNED_CONTENT_CHARS, trim: true }).optional(),
            shortcut: shortcutSchema.optional(),
            category: categorySchema.optional(),
          })
          .strict(),
        response: { 200: replySchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (req) => updateCannedReply(ctx, callerOf(req), req.params.id, req.body),
  );

  r.delete(
    '/canned-replies/:id',
    { schema: { tags, operationId: 'deleteCannedReply', summary: 'Delete a quick reply: your own, or the team’s (admin)', params: idParam, response: { 204: z.null(), 403: errorSchema, 404: errorSchema } } },
    async (req, reply) => {
      await deleteCannedReply(ctx, callerOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
};
