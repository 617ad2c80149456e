import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { articleFromUnanswered, createArticle, deleteArticle, importArticles, updateArticle } from '../../commands/knowledge.js';
import { articlesToCsv } from '../../core/knowledge/csv.js';
import { KNOWLEDGE_LIMITS as L } from '../../core/knowledge/limits.js';
import { notFound } from '../../core/errors.js';
import { text } from '../../core/text-schema.js';
import { callerOf, requireAgent } from '../../http/context.js';
import { errorSchema, idParam } from '../../http/schemas.js';
import { allArticles, getArticle, listArticles, listCategories, listUnanswered } from '../../storage/knowledge.js';

const articleSchema = z
  .object({
    id: z.number(),
    question: z.string().describe('标准问题'),
    similarQuestions: z.array(z.string()).describe('相似问法'),
    answer: z.string().describe('答案: plain text; links and images as [text](url) / ![alt](url)'),
    category: z.string().nullable(),
    enabled: z.boolean().describe('Only enabled articles answer customers'),
    helpful: z.number().describe('有帮助 given to the bot’s answers from this article'),
    unhelpful: z.number().describe('没帮助 given to them'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .describe('A 知识库 article');

const question = text({ trim: true, min: 1, max: L.question });
const articleFields = {
  question,
  similarQuestions: z.array(text({ trim: true, max: L.question })).max(L.similarCount).describe(`相似问法, at most ${L.similarCount}`),
  answer: text({ trim: true, min: 1, max: L.answer }),
  category: text({ trim: true, max: L.category }).nullish().describe('分类; empty or null: none'),
  enabled: z.boolean().optional(),
};

const unansweredSchema = z.object({
  id: z.number(),
  question: z.string().describe('The customer’s words, as last asked'),
  count: z.number().describe('How often it was asked'),
  lastConversationId: z.number().nullable(),
  lastSeenAt: z.string(),
  articleId: z.number().nullable(),
});

const page = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};

/**
 * 知识库 (knowledge base): the articles the bot answers from. Admins write; every agent reads
 * and searches (the console's suggested answers). CSV import/export for Excel.
 */
export const knowledgePlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', requireAgent);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ctx = app.zhike;
  const tags = ['knowledge'];

  r.get(
    '/knowledge/articles',
    {
      schema: {
        tags,
        operationId: 'listKnowledgeArticles', summary: 'Articles, newest first: filter by category, text (question, similar questions, answer) and enabled',
        querystring: z.object({
          category: text({ trim: true, min: 1, max: L.category }).optional(),
          q: text({ trim: true, max: 100 }).optional().describe('Text the question, a similar question or the answer contains'),
          enabled: z.enum(['true', 'false']).optional(),
          ...page,
        }),
        response: { 200: z.object({ articles: z.array(articleSchema), total: z.number() }) },
      },
    },
    async (req) => {
      const q = req.query;
      return listArticles(ctx.db, callerOf(req).workspaceId, {
        category: q.category,
        text: q.q || undefined,
        enabled: q.enabled === undefined ? undefined : q.enabled === 'true',
        limit: q.limit,
        offset: q.offset,
      });
    },
  );

  r.post(
    '/knowledge/articles',
    {
      schema: {
        tags,
        operationId: 'createKnowledgeArticle', summary: 'Create an article (admin)',
        body: z.object({ ...articleFields, similarQuestions: articleFields.similarQuestions.default([]) }).strict(),
        response: { 201: articleSchema, 403: errorSchema, 409: errorSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await createArticle(ctx, callerOf(req), req.body)),
  );

  r.get(
    '/knowledge/articles/:id',
    { schema: { tags, operationId: 'getKnowledgeArticle', summary: 'One article', params: idParam, response: { 200: articleSchema, 404: errorSchema } } },
    async (req) => {
      const article = await getArticle(ctx.db, callerOf(req).workspaceId, req.params.id);
      if (!article) throw notFound('article');
      return article;
    },
  );

  r.patch(
    '/knowledge/articles/:id',
    {
      schema: {
        tags,
        operationId: 'updateKnowledgeArticle', summary: 'Edit an article, or enable / disable it (admin)',
        params: idParam,
        body: z
          .object({ question: question.optional(), similarQuestions: articleFields.similarQuestions.optional(), answer: articleFields.answer.optional(), category: articleFields.category, enabled: z.boolean().optional() })
          .strict(),
        response: { 200: articleSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req) => updateArticle(ctx, callerOf(req), req.params.id, req.body),
  );

  r.delete(
    '/knowledge/articles/:id',
    { schema: { tags, operationId: 'deleteKnowledgeArticle', summary: 'Delete an article (admin)', params: idParam, response: { 204: z.null(), 403: errorSchema, 404: errorSchema } } },
    async (req, reply) => {
      await deleteArticle(ctx, callerOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/knowledge/categories',
    { schema: { tags, operationId: 'listKnowledgeCategories', summary: 'The categories in use, with their article counts', response: { 200: z.object({ categories: z.array(z.object({ name: z.string(), count: z.number() })) }) } } },
    async (req) => ({ categories: await listCategories(ctx.db, callerOf(req).workspaceId) }),
  );

  r.get(
    '/knowledge/export',
    {
      schema: {
        tags,
        operationId: 'exportKnowledgeArticles', summary: 'Download every article as CSV for Excel (UTF-8 with BOM, CRLF)',
        description: 'Columns 标准问题, 相似问法 (one per line in the cell), 答案, 分类, 启用 (是/否). The file imports back unchanged.',
        response: { 200: { description: 'The CSV file', content: { 'text/csv': { schema: z.string() } } } },
      },
    },
    async (req, reply) => {
      const csv = articlesToCsv(await allArticles(ctx.db, callerOf(req).workspaceId));
      const name = `knowledge-${new Date().toISOString().slice(0, 10)}.csv`;
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(csv);
    },
  );

  r.post(
    '/knowledge/import',
    {
      bodyLimit: 3 * L.importBytes,
      schema: {
        tags,
        operationId: 'importKnowledgeArticles', summary: 'Import articles from CSV (admin): upserts by standard question, reports bad rows',
        description: `The file's text in \`csv\` (as exported: 标准问题, 相似问法 separated by line breaks or |, 答案, 分类, 启用). At most ${L.importRows} rows. Good rows are imported even when others are refused; \`errors\` lists those by row (the header is row 1).`,
        body: z.object({ csv: text({ min: 1, max: L.importBytes }).describe('The CSV file’s text (UTF-8; a BOM is fine)') }).strict(),
        response: {
          200: z.object({
            rows: z.number(),
            created: z.number(),
            updated: z.number(),
            errors: z.array(z.object({ row: z.number(), message: z.string() })),
          }),
          403: errorSchema,
        },
      },
    },
    async (req) => importArticles(ctx, callerOf(req), req.body.csv, L.importRows),
  );

  r.post(
    '/knowledge/search',
    {
      schema: {
        tags,
        operationId: 'searchKnowledge', summary: 'Search the enabled articles the way the bot does',
        description: '`answered`: the bot would answer on its own with the first result; results are ranked either way.',
        body: z
          .object({
            query: text({ trim: true, min: 1, max: L.query }),
            limit: z.number().int().min(1).max(20).optional(),
            locale: z.enum(['zh-CN', 'en']).optional().describe('The language to search in (default: Chinese)'),
          })
          .strict(),
        response: {
          200: z.object({
            answered: z.boolean(),
            results: z.array(z.object({ articleId: z.number(), question: z.string(), score: z.number() })),
          }),
        },
      },
    },
    async (req) => {
      const result = await ctx.knowledge!.search(callerOf(req).workspaceId, req.body.query, { limit: req.body.limit ?? 5, locale: req.body.locale });
      return { answered: result.answered, results: result.results.map((h) => ({ articleId: h.articleId, question: h.question, score: h.score })) };
    },
  );

  r.get(
    '/knowledge/unanswered',
    {
      schema: {
        tags,
        operationId: 'listUnansweredQuestions', summary: '未解决问题: what customers asked that no article answered, most asked first',
        querystring: z.object(page),
        response: { 200: z.object({ questions: z.array(unansweredSchema), total: z.number() }) },
      },
    },
    async (req) => listUnanswered(ctx.db, callerOf(req).workspaceId, req.query),
  );

  r.post(
    '/knowledge/unanswered/:id/article',
    {
      schema: {
        tags,
        operationId: 'createArticleFromUnanswered', summary: '一键生成知识: an article from an unanswered question (admin)',
        description: 'The question defaults to the customer’s words; the question leaves the 未解决问题 list.',
        params: idParam,
        body: z.object({ question: question.optional(), similarQuestions: articleFields.similarQuestions.optional(), answer: articleFields.answer, category: articleFields.category, enabled: z.boolean().optional() }).strict(),
        response: { 201: articleSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await articleFromUnanswered(ctx, callerOf(req), req.params.id, req.body)),
  );
};
