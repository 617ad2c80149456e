import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../core/errors.js';
import { assertCanReview } from '../../core/permissions.js';
import { callerOf, requireAgent } from '../../http/context.js';
import { errorSchema, isoTime, utc } from '../../http/schemas.js';
import { discardDraft, MAX_WHAT_IF, packState, publishDraft, saveDraft, whatIf } from '../../qa/packs.js';

/** A pack as JSON (its shape is checked by compiling it: src/core/qa/pack.ts); bounded by the body limit. */
const packJson = z.record(z.string(), z.unknown()).describe('A 质检 rule pack (docs/quality-inspection.md): locale, version, concepts, phrases, rules');

/**
 * 质检 rules per workspace (docs/quality-inspection.md, "Editing the rules"): read the pack in
 * use and the draft, save the draft, try it on past conversations (what-if), publish it.
 * 质检主管 and admins edit; reviewers read and try.
 */
export const qaPacksPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', requireAgent);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['inspections'];

  r.get(
    '/qa/packs/:locale',
    {
      schema: {
        tags,
        operationId: 'getQaPack',
        summary: 'The 质检 rule pack a language’s conversations are inspected with, the draft, and the published versions',
        params: z.object({ locale: z.enum(['zh-CN', 'en']) }),
        response: {
          200: z.object({
            locale: z.enum(['zh-CN', 'en']),
            current: z.object({ version: z.string(), source: z.enum(['shipped', 'workspace']), pack: packJson }),
            draft: z.object({ pack: z.unknown(), updatedAt: z.string(), editedBy: z.number().nullable() }).nullable(),
            versions: z.array(z.object({ version: z.string(), publishedAt: z.string(), publishedBy: z.number().nullable() })),
          }),
          403: errorSchema,
        },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      assertCanReview(caller);
      return packState(app.zhike.db, caller.workspaceId, req.params.locale);
    },
  );

  r.put(
    '/qa/packs/:locale/draft',
    {
      schema: {
        tags,
        operationId: 'saveQaPackDraft',
        summary: 'Save the draft of the rules (质检主管 and admins); a pack that does not compile, or with a pattern whose matching time could explode, is refused',
        params: z.object({ locale: z.enum(['zh-CN', 'en']) }),
        body: z.object({ pack: packJson }).strict(),
        response: { 204: z.null(), 400: errorSchema, 403: errorSchema },
      },
    },
    async (req, reply) => {
      await saveDraft(app.zhike, callerOf(req), req.params.locale, req.body.pack);
      return reply.code(204).send(null);
    },
  );

  r.delete(
    '/qa/packs/:locale/draft',
    {
      schema: {
        tags,
        operationId: 'discardQaPackDraft',
        summary: 'Discard the draft (质检主管 and admins)',
        params: z.object({ locale: z.enum(['zh-CN', 'en']) }),
        response: { 204: z.null(), 403: errorSchema },
      },
    },
    async (req, reply) => {
      await discardDraft(app.zhike, callerOf(req), req.params.locale);
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/qa/packs/:locale/publish',
    {
      schema: {
        tags,
        operationId: 'publishQaPack',
        summary: 'Publish the draft as the next version: conversations resolved from now on are inspected with it; earlier scores keep the version that made them',
        params: z.object({ locale: z.enum(['zh-CN', 'en']) }),
        response: { 200: z.object({ version: z.string() }), 400: errorSchema, 403: errorSchema, 409: errorSchema },
      },
    },
    async (req) => publishDraft(app.zhike, callerOf(req), req.params.locale),
  );

  r.post(
    '/qa/packs/:locale/what-if',
    {
      schema: {
        tags,
        operationId: 'runQaPackWhatIf',
        summary: 'What-if (试运行): inspect past conversations again with the draft (or a pack sent here), nothing written',
        description: `The newest \`limit\` (at most ${MAX_WHAT_IF}) inspections of [from, to) in this language (default: the last 7 days), each with the automatic score and rules before and after. Published scores never change.`,
        params: z.object({ locale: z.enum(['zh-CN', 'en']) }),
        body: z
          .object({
            pack: packJson.optional().describe('Try this pack instead of the saved draft'),
            from: isoTime.optional(),
            to: isoTime.optional(),
            limit: z.number().int().min(1).max(MAX_WHAT_IF).default(200),
          })
          .strict(),
        response: {
          200: z.object({
            version: z.string(),
            summary: z.object({ inspections: z.number().int(), changed: z.number().int(), averageBefore: z.number().nullable(), averageAfter: z.number().nullable() }),
            rows: z.array(
              z.object({
                inspectionId: z.number(),
                conversationId: z.number(),
                agentId: z.number().nullable(),
                inspectedAt: z.string(),
                before: z.object({ score: z.number(), vetoed: z.boolean(), packVersion: z.string(), sheet: z.string().describe('The scoring sheet id'), rules: z.array(z.string()) }),
                after: z.object({ score: z.number(), vetoed: z.boolean(), sheet: z.string(), rules: z.array(z.string()) }),
              }),
            ),
          }),
          400: errorSchema,
          403: errorSchema,
          409: errorSchema,
        },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      const locale = req.params.locale;
      let candidate: unknown = req.body.pack;
      if (candidate === undefined) {
        assertCanReview(caller);
        const state = await packState(app.zhike.db, caller.workspaceId, locale);
        if (!state.draft) throw new DomainError('no_draft', 'there is no draft to try: save one, or send a pack', 409);
        candidate = state.draft.pack;
      }
      const to = req.body.to ? utc(req.body.to) : new Date().toISOString();
      const from = req.body.from ? utc(req.body.from) : new Date(Math.max(Date.parse(to) - 7 * 86_400_000, Date.parse('0001-01-01T00:00:00Z'))).toISOString();
      return whatIf(app.zhike.db, caller, locale, candidate, { from, to, limit: req.body.limit });
    },
  );
};
