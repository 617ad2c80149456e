import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addIntentExample, listIntentExamples, workspaceLocale } from '../../commands/nlp.js';
import { EMOTIONS, FORBIDDEN_CATEGORIES, INTENTS, POLITE_PATTERNS, SIGNALS } from '../../core/nlp/index.js';
import { assertAdmin } from '../../core/permissions.js';
import { text } from '../../core/text-schema.js';
import { callerOf, requireAgent } from '../../http/context.js';
import { errorSchema } from '../../http/schemas.js';
import { workspaceNlp } from '../../nlp/workspace.js';

/** The longest text one analysis takes: a long message, not a document. */
export const MAX_ANALYZE_CHARS = 2000;
export const MAX_EXAMPLE_CHARS = 500;

const localeSchema = z.enum(['zh-CN', 'en']);

const analysisSchema = z.object({
  locale: localeSchema.describe('The language pack that analysed the text'),
  tokens: z.array(z.string()),
  intent: z.object({ label: z.enum(INTENTS), confidence: z.number().min(0).max(1) }),
  emotion: z.object({ label: z.enum(EMOTIONS), intensity: z.number().min(0).max(1) }),
  signals: z.array(z.enum(SIGNALS)),
  forbidden: z
    .array(
      z.object({
        category: z.enum(FORBIDDEN_CATEGORIES),
        span: z.array(z.number().int()).length(2).describe('[start, end) in UTF-16 code units of the text sent (String.prototype.slice)'),
        text: z.string().describe('The words found'),
        suggestion: z.string().describe('A rewrite in one of the five polite patterns'),
        pattern: z.enum(POLITE_PATTERNS),
      }),
    )
    .describe('服务禁语 in agent text (role agent); always empty for customer text'),
});

const exampleSchema = z.object({ id: z.number().int(), locale: localeSchema, label: z.enum(INTENTS), text: z.string(), createdAt: z.string() });

/**
 * 数智 analysis for agents: `POST /nlp/analyze` (the composer's 禁语 check, the 分析实验室 page), and
 * the workspace's own intent examples (admins), which retrain the workspace's classifier.
 */
export const nlpPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', requireAgent);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ctx = app.zhike;
  const tags = ['nlp'];

  r.post(
    '/nlp/analyze',
    {
      schema: {
        tags,
        operationId: 'analyzeText',
        summary: 'Analyse a text: tokens, intent, emotion, escalation signals and, for agent text, 服务禁语 with rewrites',
        description: `In-process and offline. \`role\` agent checks 禁语 (the composer sends the draft); \`locale\` defaults to the workspace's. At most ${MAX_ANALYZE_CHARS} characters.`,
        body: z
          .object({
            text: text({ min: 1, max: MAX_ANALYZE_CHARS }),
            role: z.enum(['customer', 'agent']).default('customer'),
            locale: localeSchema.optional(),
          })
          .strict(),
        response: { 200: analysisSchema },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      const locale = req.body.locale ?? (await workspaceLocale(ctx.db, caller.workspaceId));
      const { engine, locale: pack } = await workspaceNlp(ctx.db, caller.workspaceId, locale);
      return { locale: pack, ...engine.analyze(req.body.text, req.body.role) };
    },
  );

  r.get(
    '/nlp/intent-examples',
    {
      schema: {
        tags,
        operationId: 'listIntentExamples',
        summary: 'The intent examples this workspace added, newest first (admin)',
        querystring: z.object({ locale: localeSchema.optional() }).strict(),
        response: { 200: z.object({ locale: localeSchema, examples: z.array(exampleSchema) }), 403: errorSchema },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      assertAdmin(caller);
      const locale = req.query.locale ?? (await workspaceLocale(ctx.db, caller.workspaceId));
      return { locale, examples: await listIntentExamples(ctx.db, caller.workspaceId, locale) };
    },
  );

  r.post(
    '/nlp/intent-examples',
    {
      schema: {
        tags,
        operationId: 'addIntentExample',
        summary: 'Teach the workspace’s intent classifier an example ("this sentence is 投诉"); it is retrained at once (admin)',
        body: z.object({ text: text({ min: 1, max: MAX_EXAMPLE_CHARS, trim: true }), label: z.enum(INTENTS), locale: localeSchema.optional() }).strict(),
        response: {
          201: z.object({ example: exampleSchema, retrain: z.object({ examples: z.number().int().describe('Examples the workspace added'), ms: z.number().describe('Time to retrain, milliseconds') }) }),
          403: errorSchema,
          409: errorSchema,
        },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      assertAdmin(caller);
      const locale = req.body.locale ?? (await workspaceLocale(ctx.db, caller.workspaceId));
      const example = await addIntentExample(ctx, caller, { text: req.body.text, label: req.body.label, locale });
      const started = performance.now();
      const { examples } = await workspaceNlp(ctx.db, caller.workspaceId, locale); // retrains now, not on the next analysis
      return reply.code(201).send({ example, retrain: { examples, ms: Math.round((performance.now() - started) * 10) / 10 } });
    },
  );
};
