import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_MESSAGE_CHARS } from '../../core/limits.js';
import { forbidden, notFound } from '../../core/errors.js';
import { assertSupervisor, isLead } from '../../core/permissions.js';
import { QA_ROLES, SEVERITIES } from '../../core/qa/index.js';
import { text } from '../../core/text-schema.js';
import { callerOf, requireAgent } from '../../http/context.js';
import { errorSchema, idParam } from '../../http/schemas.js';
import { inspectMessages } from '../../qa/inspector.js';
import { inspectionsOf } from '../../qa/store.js';
import { findConversation } from '../../storage/conversations.js';

/** The longest transcript one preview takes: messages, and characters in all. */
export const MAX_PREVIEW_MESSAGES = 300;
export const MAX_PREVIEW_CHARS = 60_000;

const findingSchema = z.object({
  rule: z.string().describe('e.g. forbidden.blame, opening.identify (docs/quality-inspection.md)'),
  category: z.string().describe('The rule id’s first part: forbidden, opening, closing, …'),
  severity: z.enum(SEVERITIES),
  messageIndex: z.number().int().nullable().describe('Position in `messages` of the message it is about; null: the conversation as a whole (something missing)'),
  excerpt: z.string(),
  span: z.array(z.number().int()).length(2).nullable().describe('[start, end) in that message’s content (UTF-16 code units)'),
  suggestion: z.string().nullable().describe('What to say instead'),
  detail: z.string().optional().describe('A wait in seconds, the complaint steps missing…'),
});

const dimensionSchema = z.object({ category: z.string(), deducted: z.number(), findings: z.number().int() });

/**
 * 智能质检 (docs/quality-inspection.md). `POST /inspections/preview`: a transcript in, the
 * findings and the score of the default pack out — the 规则实验室 page, and a way to try
 * the rules on any conversation before they judge real ones. Supervisors and admins.
 */
export const inspectionsPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', requireAgent);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['inspections'];

  r.post(
    '/inspections/preview',
    {
      schema: {
        tags,
        operationId: 'previewInspection',
        summary: 'Inspect a transcript against the 质检 rules: findings with the words at fault and a better wording, and the score',
        description: `Nothing is stored. At most ${MAX_PREVIEW_MESSAGES} messages of at most ${MAX_MESSAGE_CHARS} characters, ${MAX_PREVIEW_CHARS} in all. Timing rules read \`at\` (ISO 8601) where given.`,
        body: z
          .object({
            messages: z
              .array(
                z
                  .object({
                    role: z.enum(QA_ROLES),
                    content: text({ max: MAX_MESSAGE_CHARS }),
                    at: z.iso.datetime({ offset: true }).optional(),
                    kind: z.enum(['joined', 'welcome', 'other']).optional().describe('System lines: the agent joined, the inbox’s welcome, anything else'),
                  })
                  .strict(),
              )
              .min(1)
              .max(MAX_PREVIEW_MESSAGES),
            closed: z.boolean().default(true).describe('The agent ended the conversation (closing rules apply)'),
            locale: z.enum(['zh-CN', 'en']).default('zh-CN'),
          })
          .strict()
          .refine((b) => b.messages.reduce((n, m) => n + m.content.length, 0) <= MAX_PREVIEW_CHARS, {
            message: `the transcript is longer than ${MAX_PREVIEW_CHARS} characters in all`,
            path: ['messages'],
          }),
        response: {
          200: z.object({
            score: z.number().min(0).max(100),
            vetoed: z.boolean().describe('A critical finding zeroed the score (一票否决)'),
            packVersion: z.string(),
            dimensions: z.array(dimensionSchema),
            findings: z.array(findingSchema),
          }),
          400: errorSchema,
          403: errorSchema,
        },
      },
    },
    async (req) => {
      assertSupervisor(callerOf(req));
      const { messages, closed, locale } = req.body;
      const result = inspectMessages(messages, { locale, closed });
      return { score: result.score.score, vetoed: result.score.vetoed, packVersion: result.packVersion, dimensions: result.score.dimensions, findings: result.findings };
    },
  );

  r.get(
    '/conversations/:id/inspections',
    {
      schema: {
        tags,
        operationId: 'listConversationInspections',
        summary: 'A conversation’s 质检 results: one version per time it was resolved, the newest first',
        description: 'Supervisors and admins see every conversation’s; an agent sees those of conversations they served.',
        params: idParam,
        response: {
          200: z.object({
            inspections: z.array(
              z.object({
                id: z.number(),
                conversationId: z.number(),
                version: z.number().int(),
                agentId: z.number().nullable(),
                groupId: z.number().nullable(),
                packVersion: z.string(),
                score: z.number(),
                vetoed: z.boolean(),
                findings: z.array(findingSchema),
                dimensions: z.array(dimensionSchema),
                messageCount: z.number().int(),
                inspectedAt: z.string(),
              }),
            ),
          }),
          403: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      const conv = await findConversation(app.zhike.db, req.params.id, { workspaceId: caller.workspaceId });
      if (!conv) throw notFound('conversation');
      const inspections = await inspectionsOf(app.zhike.db, caller.workspaceId, conv.id);
      if (!isLead(caller.role) && conv.assigneeId !== caller.agentId && !inspections.some((i) => i.agentId === caller.agentId)) {
        throw forbidden('only a supervisor, an administrator or the agent who served it can see its 质检 results');
      }
      return { inspections };
    },
  );
};
