import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_MESSAGE_CHARS } from '../../core/limits.js';
import { DomainError, forbidden, notFound } from '../../core/errors.js';
import { assertCanReview, canReview, type Caller } from '../../core/permissions.js';
import { appealDeadline, QA_ROLES, SEVERITIES, standingFindings, NO_ADJUSTMENTS, VERDICTS, type Inspection } from '../../core/qa/index.js';
import { nameText, text } from '../../core/text-schema.js';
import { callerOf, requireAgent } from '../../http/context.js';
import { errorSchema, idParam, isoTime, utc } from '../../http/schemas.js';
import { inspectOffThread } from '../../qa/inspector.js';
import { compileChecked, packState, workspacePack } from '../../qa/packs.js';
import { decideAppeal, escalateAppeal, fileAppeal, reviewInspection } from '../../qa/review.js';
import { createSamplingPlan, deleteSamplingPlan, updateSamplingPlan } from '../../qa/sampling.js';
import { appealsOfInspections, findInspection, inspectionsOf, listAppeals, listInspections, loadTranscript, qaStats, samplingPlans } from '../../qa/store.js';
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

/** Finding keys: `a3` the automatic finding at index 3, `m0` a reviewer's first manual finding. */
const findingKey = z.string().regex(/^[am][0-9]{1,4}$/, 'a finding key: a0, a1… (automatic) or m0, m1… (manual)');
const manualFindingInput = z
  .object({
    key: z.string().regex(/^m[0-9]{1,4}$/).optional().describe('Keep (and edit) this manual finding of the previous review; without: a new one'),
    category: z.string().regex(/^[a-z][a-z_]{0,39}$/).describe('forbidden, opening, closing, service, … (the rule categories)'),
    severity: z.enum(SEVERITIES),
    messageIndex: z.number().int().min(0).max(100_000).nullable().describe('Position in the transcript; null: the conversation as a whole'),
    note: text({ min: 1, max: 500, trim: true }),
  })
  .strict();
const adjustmentsSchema = z.object({
  verdicts: z.record(z.string(), z.enum(VERDICTS)).describe('Finding key → correct / wrong'),
  manual: z.array(manualFindingInput.extend({ key: z.string(), note: z.string() })),
  nextManual: z.number().int(),
  removed: z.array(z.string()).describe('Findings accepted appeals removed'),
});
const sheetSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    bySeverity: z.object({ minor: z.number(), major: z.number() }),
    byRule: z.record(z.string(), z.number()).optional(),
  })
  .describe('The scoring sheet (评分表) the score is on: points a minor and a major finding take off, and rules with points of their own; a critical finding zeroes it');
const inspectionSchema = z.object({
  id: z.number(),
  conversationId: z.number(),
  version: z.number().int(),
  agentId: z.number().nullable(),
  groupId: z.number().nullable(),
  packVersion: z.string().describe('The rule pack version that made the automatic findings and score'),
  sheet: sheetSchema,
  score: z.number().describe('The automatic score; never changed by review or appeals'),
  vetoed: z.boolean(),
  findings: z.array(findingSchema).describe('The automatic findings; finding a3 is findings[3]'),
  dimensions: z.array(dimensionSchema),
  messageCount: z.number().int(),
  inspectedAt: z.string(),
  adjustedScore: z.number().nullable().describe('After 复核 and accepted 申诉; null until then'),
  adjustedVetoed: z.boolean().nullable(),
  adjustments: adjustmentsSchema.nullable(),
  reviewedBy: z.number().nullable(),
  reviewedAt: z.string().nullable(),
  finalScore: z.number().describe('adjustedScore when there is one, else score'),
  standing: z.array(z.string()).describe('Keys of the findings that count now'),
  appealableUntil: z.string().describe('The served agent may appeal findings until then (ZHIKE_QA_APPEAL_DAYS after the inspection or its last review)'),
});
const appealSchema = z.object({
  id: z.number(),
  inspectionId: z.number(),
  conversationId: z.number(),
  findingKey: z.string(),
  agentId: z.number(),
  reason: z.string(),
  stage: z.enum(['supervisor', 'lead']).describe('supervisor: the group’s leader, a supervisor or an admin decides; lead: a 质检主管 (终审)'),
  status: z.enum(['pending', 'accepted', 'rejected']),
  final: z.boolean(),
  history: z.array(z.object({ at: z.string(), by: z.number(), action: z.enum(['filed', 'accepted', 'rejected', 'escalated']), note: z.string().nullable() })),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const presentWith = (i: Inspection, appealDays: number) => ({
  ...i,
  finalScore: i.adjustedScore ?? i.score,
  standing: standingFindings(i.findings, i.adjustments ?? NO_ADJUSTMENTS).map((f) => f.key),
  appealableUntil: appealDeadline(i, appealDays),
});

/** 质检 results are for reviewers (质检员, 质检主管, leads) and for the agent who served the conversation. */
function assertCanSee(caller: Caller, inspection: Pick<Inspection, 'agentId'>): void {
  if (canReview(caller.role) || inspection.agentId === caller.agentId) return;
  throw forbidden('only QA reviewers and leads (质检), supervisors, administrators and the agent who served it see these results');
}

/**
 * 智能质检 (docs/quality-inspection.md). `POST /inspections/preview`: a transcript in, the
 * findings and the score of the default pack out — the 规则实验室 page, and a way to try
 * the rules on any conversation before they judge real ones. Supervisors and admins.
 */
export const inspectionsPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', requireAgent);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['inspections'];
  const present = (i: Inspection) => presentWith(i, app.zhike.config.qaAppealDays);

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
            pack: z.enum(['current', 'draft']).default('current').describe('The rules in use, or the workspace’s draft (PUT /qa/packs/{locale}/draft)'),
            sheet: z.string().max(60).optional().describe('Score on this sheet of the pack (chat, complaint, phone in the shipped pack); by default the pack picks one by the customer’s intents'),
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
            sheet: sheetSchema,
            dimensions: z.array(dimensionSchema),
            findings: z.array(findingSchema),
          }),
          400: errorSchema,
          403: errorSchema,
          409: errorSchema,
        },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      assertCanReview(caller);
      const { messages, closed, locale } = req.body;
      let pack = await workspacePack(app.zhike.db, caller.workspaceId, locale);
      if (req.body.pack === 'draft') {
        const { draft } = await packState(app.zhike.db, caller.workspaceId, locale);
        if (!draft) throw new DomainError('no_draft', 'there is no draft to try: save one first', 409);
        pack = compileChecked(draft.pack);
      }
      const result = await inspectOffThread(messages, { locale, closed, pack, sheet: req.body.sheet });
      return { score: result.score.score, vetoed: result.score.vetoed, packVersion: result.packVersion, sheet: result.sheet, dimensions: result.score.dimensions, findings: result.findings };
    },
  );

  r.get(
    '/conversations/:id/inspections',
    {
      schema: {
        tags,
        operationId: 'listConversationInspections',
        summary: 'A conversation’s 质检 results: one version per time it was resolved, the newest first',
        description: '质检员, 质检主管, supervisors and admins see every conversation’s; an agent sees those of conversations they served.',
        params: idParam,
        response: {
          200: z.object({
            inspections: z.array(inspectionSchema),
            appeals: z.array(appealSchema).describe('Appeals of these inspections’ findings'),
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
      if (!canReview(caller.role) && conv.assigneeId !== caller.agentId && !inspections.some((i) => i.agentId === caller.agentId)) {
        throw forbidden('only QA reviewers and leads (质检), supervisors, administrators and the agent who served it see these results');
      }
      return { inspections: inspections.map(present), appeals: await appealsOfInspections(app.zhike.db, inspections.map((i) => i.id)) };
    },
  );

  r.get(
    '/inspections',
    {
      schema: {
        tags,
        operationId: 'listInspections',
        summary: '质检工作台: inspections, newest first, by agent, group, rule, date, score, reviewed or appealed',
        description: '质检员, 质检主管, supervisors and admins see the workspace’s; an agent sees their own (我的质检). Scores filter the final score. `before` (nextBefore) pages.',
        querystring: z
          .object({
            agentId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
            groupId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
            rule: z.string().regex(/^[a-z_]{1,40}\.[a-z0-9_.]{1,60}$/).optional().describe('A rule id: forbidden.blame, manual.service…'),
            from: isoTime.optional().describe('Inspected at or after'),
            to: isoTime.optional().describe('Inspected before'),
            minScore: z.coerce.number().int().min(0).max(100).optional(),
            maxScore: z.coerce.number().int().min(0).max(100).optional(),
            reviewed: z.enum(['true', 'false']).optional(),
            appealed: z.enum(['true', 'false']).optional(),
            assignedTo: z.union([z.literal('me'), z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER)]).optional().describe('Sent for 复核 to this reviewer (me: the caller) by a sampling plan'),
            todo: z.enum(['true', 'false']).optional().describe('true: assigned and not reviewed yet; false: assigned and reviewed'),
            before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
        response: {
          200: z.object({
            inspections: z.array(
              inspectionSchema.extend({
                agentName: z.string().nullable(),
                contactName: z.string().nullable(),
                groupName: z.string().nullable(),
                appeals: z.object({ pending: z.number().int(), total: z.number().int() }),
                assignment: z
                  .object({
                    reviewerId: z.number(),
                    reviewerName: z.string().nullable(),
                    planId: z.number().nullable(),
                    reason: z.enum(['sampled', 'low_score', 'vetoed']),
                    assignedAt: z.string(),
                    doneAt: z.string().nullable(),
                  })
                  .nullable()
                  .describe('Sent for 复核 by a sampling plan'),
              }),
            ),
            nextBefore: z.number().nullable(),
          }),
        },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      const q = req.query;
      const bool = (v: 'true' | 'false' | undefined) => (v === undefined ? undefined : v === 'true');
      const rows = await listInspections(app.zhike.db, caller.workspaceId, {
        ...q,
        from: q.from && utc(q.from),
        to: q.to && utc(q.to),
        agentId: canReview(caller.role) ? q.agentId : caller.agentId,
        reviewed: bool(q.reviewed),
        appealed: bool(q.appealed),
        assignedTo: q.assignedTo === 'me' ? caller.agentId : q.assignedTo,
        todo: bool(q.todo),
      });
      return { inspections: rows.map((r) => ({ ...r, ...present(r) })), nextBefore: rows.length === q.limit ? rows[rows.length - 1]!.id : null };
    },
  );

  r.get(
    '/inspections/stats',
    {
      schema: {
        tags,
        operationId: 'getInspectionStats',
        summary: '质检报表: per agent and group the average final score, vetoes and appeals; the daily trend; the rules failed most, with examples',
        description:
          'Over [from, to) (default: the last 30 days), optionally for one agent or group. Days are counted `tzOffset` minutes east of UTC (480 is 北京时间). QA reviewers and leads, supervisors and admins see the workspace; an agent sees their own.',
        querystring: z.object({
          from: isoTime.optional(),
          to: isoTime.optional(),
          agentId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
          groupId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
          tzOffset: z.coerce.number().int().min(-720).max(840).default(480),
        }),
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            agents: z.array(
              z.object({
                agentId: z.number(),
                name: z.string().nullable(),
                inspections: z.number().int(),
                averageScore: z.number(),
                vetoed: z.number().int(),
                reviewed: z.number().int(),
                appeals: z.object({ filed: z.number().int(), accepted: z.number().int(), rejected: z.number().int(), rate: z.number().describe('Appeals per inspection') }),
              }),
            ),
            groups: z.array(z.object({ groupId: z.number().nullable(), name: z.string().nullable(), inspections: z.number().int(), averageScore: z.number(), vetoed: z.number().int() })),
            trend: z.array(z.object({ day: z.string(), inspections: z.number().int(), averageScore: z.number() })),
            topRules: z.array(
              z.object({
                rule: z.string(),
                category: z.string(),
                count: z.number().int(),
                examples: z.array(z.object({ inspectionId: z.number(), conversationId: z.number(), excerpt: z.string() })),
              }),
            ),
          }),
        },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      const q = req.query;
      const to = q.to ? utc(q.to) : new Date().toISOString();
      const from = q.from ? utc(q.from) : new Date(Math.max(Date.parse(to) - 30 * 86_400_000, Date.parse('0001-01-01T00:00:00Z'))).toISOString();
      const agentId = canReview(caller.role) ? q.agentId : caller.agentId;
      return { from, to, ...(await qaStats(app.zhike.db, caller.workspaceId, { from, to, agentId, groupId: q.groupId, tzOffset: q.tzOffset })) };
    },
  );

  r.get(
    '/inspections/:id',
    {
      schema: {
        tags,
        operationId: 'getInspection',
        summary: 'One 质检 result with its review and appeals',
        description: '质检员, 质检主管, supervisors and admins; the agent who served the conversation.',
        params: idParam,
        response: {
          200: z.object({
            inspection: inspectionSchema,
            appeals: z.array(appealSchema),
            transcript: z
              .array(z.object({ index: z.number().int(), messageId: z.number(), role: z.enum(QA_ROLES), content: z.string(), at: z.string() }))
              .describe('What was inspected: a finding’s messageIndex is a line’s index, its span is in that line’s content'),
          }),
          403: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      const inspection = await findInspection(app.zhike.db, caller.workspaceId, req.params.id);
      if (!inspection) throw notFound('inspection');
      assertCanSee(caller, inspection);
      // the inspected transcript is the conversation's first messageCount public lines (lines are only ever appended)
      const { messages, ids } = await loadTranscript(app.zhike.db, inspection.conversationId);
      const transcript = messages.slice(0, inspection.messageCount).map((m, index) => ({ index, messageId: ids[index]!, role: m.role, content: m.content, at: m.at ?? '' }));
      return { inspection: present(inspection), appeals: await appealsOfInspections(app.zhike.db, [inspection.id]), transcript };
    },
  );

  r.put(
    '/inspections/:id/review',
    {
      schema: {
        tags,
        operationId: 'reviewInspection',
        summary: '复核: mark each finding correct or wrong and add manual findings; the adjusted score replaces the automatic one, which is kept',
        description:
          'Replaces the previous review. A manual finding sent with its `key` is kept, one without gets a new key, one left out is dropped; findings accepted appeals removed stay removed. QA reviewers (质检员) and leads (质检主管), supervisors and admins, never on their own conversations.',
        params: idParam,
        body: z
          .object({
            verdicts: z
              .record(findingKey, z.enum(VERDICTS))
              .default({})
              .refine((v) => Object.keys(v).length <= 500, 'at most 500 verdicts')
              .describe('Finding key → correct / wrong; findings without one count as found'),
            manual: z.array(manualFindingInput).max(50).default([]),
          })
          .strict(),
        response: { 200: z.object({ inspection: inspectionSchema }), 400: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (req) => {
      const inspection = await reviewInspection(app.zhike, callerOf(req), req.params.id, { verdicts: req.body.verdicts, manual: req.body.manual });
      return { inspection: present(inspection) };
    },
  );

  r.post(
    '/inspections/:id/appeals',
    {
      schema: {
        tags,
        operationId: 'createAppeal',
        summary: '申诉: the agent who served the conversation contests one finding, with a reason',
        description:
          'Within ZHIKE_QA_APPEAL_DAYS (7) days of the inspection or its last review; one appeal per finding. The group’s leader, supervisors and admins are told (`alert` frame, `kind: "qa_appeal"`).',
        params: idParam,
        body: z.object({ finding: findingKey, reason: text({ min: 1, max: 1000, trim: true }) }).strict(),
        response: { 201: z.object({ appeal: appealSchema }), 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req, reply) => {
      const appeal = await fileAppeal(app.zhike, callerOf(req), req.params.id, req.body, app.zhike.config.qaAppealDays);
      return reply.code(201).send({ appeal });
    },
  );

  r.get(
    '/appeals',
    {
      schema: {
        tags,
        operationId: 'listAppeals',
        summary: 'Appeals: an agent’s own; for 质检, supervisors and admins every one of the workspace',
        description: 'The most recently filed first; `before` (an appeal id) pages.',
        querystring: z.object({
          status: z.enum(['pending', 'accepted', 'rejected']).optional(),
          stage: z.enum(['supervisor', 'lead']).optional(),
          mine: z.enum(['true', 'false']).optional().describe('true: only the caller’s own appeals'),
          before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ appeals: z.array(appealSchema) }) },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      const { status, stage, mine, before, limit } = req.query;
      const own = mine === 'true' || !canReview(caller.role);
      return { appeals: await listAppeals(app.zhike.db, caller.workspaceId, { agentId: own ? caller.agentId : undefined, status, stage, before, limit }) };
    },
  );

  r.post(
    '/appeals/:id/decision',
    {
      schema: {
        tags,
        operationId: 'decideAppeal',
        summary: 'Accept or reject an appeal: accepting removes the finding and the score is computed again',
        description:
          'At the first stage the group’s leader, a supervisor or an admin decides; an escalated appeal a QA lead (质检主管) or an admin, whose decision is final (终审). Never one’s own. The agent is told (`alert` frame, `kind: "qa_appeal"`).',
        params: idParam,
        body: z.object({ accept: z.boolean(), note: text({ max: 1000, trim: true }).optional() }).strict(),
        response: { 200: z.object({ appeal: appealSchema, inspection: inspectionSchema }), 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req) => {
      const { appeal, inspection } = await decideAppeal(app.zhike, callerOf(req), req.params.id, { accept: req.body.accept, note: req.body.note || null });
      return { appeal, inspection: present(inspection) };
    },
  );

  r.post(
    '/appeals/:id/escalation',
    {
      schema: {
        tags,
        operationId: 'escalateAppeal',
        summary: 'Take an appeal the supervisor rejected to a 质检主管, once (终审)',
        description: 'Only the agent who appealed, within ZHIKE_QA_APPEAL_DAYS days of the rejection. 质检主管 and admins are told.',
        params: idParam,
        body: z.object({ note: text({ max: 1000, trim: true }).optional() }).strict(),
        response: { 200: z.object({ appeal: appealSchema }), 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req) => {
      const appeal = await escalateAppeal(app.zhike, callerOf(req), req.params.id, { note: req.body.note || null }, app.zhike.config.qaAppealDays);
      return { appeal };
    },
  );

  const planSchema = z.object({
    id: z.number(),
    name: z.string(),
    enabled: z.boolean(),
    percent: z.number().describe('Share of each agent’s inspections sampled, 0–100 (chosen by a hash of the inspection)'),
    belowScore: z.number().int().nullable().describe('Every inspection scoring below this goes to review too'),
    vetoed: z.boolean().describe('Every vetoed inspection (一票否决) goes to review'),
    reviewerIds: z.array(z.number()),
    createdAt: z.string(),
    updatedAt: z.string(),
  });
  const planFields = {
    name: nameText({ min: 1, max: 60, trim: true }),
    enabled: z.boolean(),
    percent: z.number().min(0).max(100).multipleOf(0.01),
    belowScore: z.number().int().min(0).max(100).nullable(),
    vetoed: z.boolean(),
    reviewerIds: z.array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).min(1).max(100),
  };

  r.get(
    '/qa/sampling-plans',
    {
      schema: {
        tags,
        operationId: 'listSamplingPlans',
        summary: '抽检计划: which inspected conversations go to whom for 复核',
        description: '质检员, 质检主管, supervisors and admins.',
        response: { 200: z.object({ plans: z.array(planSchema) }), 403: errorSchema },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      assertCanReview(caller);
      return { plans: await samplingPlans(app.zhike.db, caller.workspaceId) };
    },
  );

  r.post(
    '/qa/sampling-plans',
    {
      schema: {
        tags,
        operationId: 'createSamplingPlan',
        summary: 'Create a sampling plan (质检主管 and admins)',
        description: 'Plans are tried in the order they were created; the first that takes an inspection assigns it to its reviewer with the fewest open ones (never the agent under review).',
        body: z
          .object({ ...planFields, enabled: planFields.enabled.default(true), belowScore: planFields.belowScore.default(null), vetoed: planFields.vetoed.default(true) })
          .strict(),
        response: { 201: z.object({ plan: planSchema }), 400: errorSchema, 403: errorSchema, 409: errorSchema },
      },
    },
    async (req, reply) => reply.code(201).send({ plan: await createSamplingPlan(app.zhike, callerOf(req), req.body) }),
  );

  r.patch(
    '/qa/sampling-plans/:id',
    {
      schema: {
        tags,
        operationId: 'updateSamplingPlan',
        summary: 'Change a sampling plan (质检主管 and admins)',
        params: idParam,
        body: z
          .object({
            name: planFields.name.optional(),
            enabled: planFields.enabled.optional(),
            percent: planFields.percent.optional(),
            belowScore: planFields.belowScore.optional(),
            vetoed: planFields.vetoed.optional(),
            reviewerIds: planFields.reviewerIds.optional(),
          })
          .strict(),
        response: { 200: z.object({ plan: planSchema }), 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req) => ({ plan: await updateSamplingPlan(app.zhike, callerOf(req), req.params.id, req.body) }),
  );

  r.delete(
    '/qa/sampling-plans/:id',
    {
      schema: {
        tags,
        operationId: 'deleteSamplingPlan',
        summary: 'Delete a sampling plan (its assignments stay)',
        params: idParam,
        response: { 204: z.null(), 403: errorSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      await deleteSamplingPlan(app.zhike, callerOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
};
