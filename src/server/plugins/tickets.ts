import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../core/errors.js';
import { MAX_MESSAGE_CHARS } from '../../core/limits.js';
import { nameText, text } from '../../core/text-schema.js';
import {
  COMPLAINT_BEHAVIOURS,
  COMPLAINT_MOTIVES,
  COMPLAINT_REASONS,
  COMPLAINT_SOURCES,
  COMPLAINT_STEP_IDS,
  COMPLAINT_TOPICS,
  DEFAULT_COMPENSATION_LIMITS,
  DEFAULT_SLA_POLICIES,
  SLA_METRICS,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  TICKET_TYPES,
  viewPromise,
} from '../../core/tickets/index.js';
import { callerOf, requireAgent } from '../../http/context.js';
import { errorSchema, idParam, isoTime } from '../../http/schemas.js';
import {
  addComment,
  approveTicketCompensation,
  createSlaPolicy,
  createTicketFor,
  createTicketFromConversation,
  keepReplyPromise,
  makeReplyPromise,
  promisesFor,
  suggestFor,
  recordComplaintStep,
  setComplaintContacts,
  requestTicketCompensation,
  updateTicket,
} from '../../tickets/commands.js';
import { commentsOf, complaintContacts, compensationsOf, contactPresence, findTicket, listTickets, promisesOfTicket, storedSlaPolicies, ticketActivity } from '../../tickets/store.js';
import { viewTicket, viewTickets } from '../../tickets/view.js';

// ── shapes ──────────────────────────────────────────────────────────────────

const recordId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const queryId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const date = text({ max: 10 }).regex(/^\d{4}-\d{2}-\d{2}$/, 'a date looks like 2026-03-01');
/** A notice's date: from 1970 to 2999 (a deadline past year 9999 cannot be computed). */
const noticeDay = date.refine((d) => Number(d.slice(0, 4)) >= 1970 && Number(d.slice(0, 4)) <= 2999, 'a notice date between 1970 and 2999');

const customFieldValue = z.union([text({ max: 2000 }), z.number(), z.array(text({ max: 200 })).max(50)]);
const customFields = z
  .record(text({ min: 1, max: 60 }), customFieldValue)
  .refine((r) => Object.keys(r).length <= 50, 'at most 50 custom fields')
  .describe('Custom fields per type: text, number, date (YYYY-MM-DD), one option (text) or several (array of text); the whole set (a PATCH replaces it: leave a field out to clear it)');
const tags = z.array(nameText({ min: 1, max: 40 })).max(20);
const category = z.array(nameText({ min: 1, max: 60 })).max(3).describe('三级分类: up to three levels, most general first');
const subject = text({ trim: true, min: 1, max: 200 });
const description = text({ max: 10_000 });

const handoff = z
  .object({
    when: text({ max: 500 }),
    where: text({ max: 500 }),
    who: text({ max: 500 }),
    what: text({ max: 500 }),
    why: text({ max: 500 }),
    how: text({ max: 500 }),
    howMany: text({ max: 500 }).default(''),
    howMuch: text({ max: 500 }).default(''),
  })
  .strict()
  .describe('5W3H: required (when, where, who, what, why, how) when the ticket goes to another group');

const classificationInput = z
  .object({
    reason: z.enum(COMPLAINT_REASONS).nullable(),
    topic: z.enum(COMPLAINT_TOPICS).nullable(),
    motive: z.enum(COMPLAINT_MOTIVES).nullable(),
    behaviour: z.enum(COMPLAINT_BEHAVIOURS).nullable(),
  })
  .partial()
  .strict()
  .describe('The agent’s confirmed classification; null clears a value');

const complaintFields = {
  source: z.enum(COMPLAINT_SOURCES).optional().describe('Complaints: who brought it (default consumer); regulator needs noticeDate, media alerts the supervisors and PR'),
  noticeDate: noticeDay.nullable().optional().describe('Regulator complaints: the notice’s date (YYYY-MM-DD); the answer is due 15 calendar days later, at midnight in the workspace’s time zone'),
};

const ticketInput = z
  .object({
    subject,
    description: description.optional(),
    type: z.enum(TICKET_TYPES),
    priority: z.enum(TICKET_PRIORITIES).optional().describe('Default normal'),
    groupId: recordId.nullable().optional(),
    assigneeId: recordId.nullable().optional(),
    tags: tags.optional(),
    category: category.optional(),
    customFields: customFields.optional(),
    ...complaintFields,
  })
  .strict();

const slaClock = z.object({
  metric: z.enum(SLA_METRICS),
  target: z.object({ minutes: z.number(), business: z.boolean().describe('Counted in business hours of the policy’s calendar (else wall-clock time)') }),
  startedAt: z.string(),
  elapsedMinutes: z.number(),
  dueAt: z.string().nullable().describe('When the target is (or was) reached; null while paused (waiting on the customer) or stopped short of it'),
  warnAt: z.string().nullable(),
  escalateLeaderAt: z.string().nullable(),
  escalateSupervisorAt: z.string().nullable(),
  runningSince: z.string().nullable(),
  pausedAt: z.string().nullable().describe('Waiting on the customer (pending) since then'),
  stoppedAt: z.string().nullable().describe('Met, or no longer owed (solved)'),
  breachedAt: z.string().nullable().describe('When the target was missed; null while it is not'),
});

const stepRecord = z.object({
  step: z.enum(COMPLAINT_STEP_IDS),
  by: z.number(),
  at: z.string(),
  note: z.string().nullable(),
  skippedReason: z.string().nullable().describe('Set when the step was skipped: why'),
});

const complaintSchema = z.object({
  classification: z.object({
    reason: z.enum(COMPLAINT_REASONS).nullable(),
    topic: z.enum(COMPLAINT_TOPICS).nullable(),
    motive: z.enum(COMPLAINT_MOTIVES).nullable(),
    behaviour: z.enum(COMPLAINT_BEHAVIOURS).nullable(),
    source: z.enum(COMPLAINT_SOURCES),
  }),
  abnormal: z.boolean().describe('非正常投诉 (set by a supervisor)'),
  steps: z.array(stepRecord).describe('The six steps done or skipped, in order'),
  nextStep: z.enum(COMPLAINT_STEP_IDS).nullable().describe('The step to record next; null when all six are'),
  deadline: z
    .object({
      kind: z.literal('regulator_appeal'),
      noticeDate: z.string(),
      dueAt: z.string(),
      reminders: z.array(z.object({ daysBefore: z.number(), at: z.string() })),
    })
    .nullable()
    .describe('Regulator complaints: due at the end of the 15th calendar day after the notice'),
  unconfirmedReason: z.string().nullable().describe('Why it was solved without the customer’s confirmation'),
});

const ticketSchema = z.object({
  id: z.number(),
  workspaceId: z.number(),
  contactId: z.number(),
  conversationIds: z.array(z.number()).describe('Linked conversations, the one it was created from first'),
  subject: z.string(),
  description: z.string(),
  type: z.enum(TICKET_TYPES),
  priority: z.enum(TICKET_PRIORITIES),
  status: z.enum(TICKET_STATUSES).describe('new 待受理, open 处理中, pending 等待客户 (SLA clocks pause), on_hold 等待内部, solved 已解决, closed 已关闭 (final)'),
  assigneeId: z.number().nullable(),
  groupId: z.number().nullable(),
  followerIds: z.array(z.number()),
  tags: z.array(z.string()),
  category: z.array(z.string()),
  customFields: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string())])),
  complaint: complaintSchema.nullable().describe('Exactly for complaints'),
  confirmedAt: z.string().nullable().describe('The customer confirmed the resolution'),
  createdAt: z.string(),
  updatedAt: z.string(),
  solvedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  slaPolicy: z.string().nullable().describe('The SLA policy that matched (first match wins)'),
  sla: z.array(slaClock).describe('The SLA clocks that have started, computed now from the ticket’s history'),
});

const commentSchema = z.object({
  id: z.number(),
  ticketId: z.number(),
  authorId: z.number().nullable(),
  public: z.boolean().describe('A public reply to the customer; else an internal comment (内部备注)'),
  body: z.string(),
  conversationId: z.number().nullable().describe('The conversation a public reply was posted to'),
  messageId: z.number().nullable().describe('The agent message it became there'),
  createdAt: z.string(),
});

const compensationSchema = z.object({
  id: z.number(),
  ticketId: z.number(),
  kind: z.string(),
  amount: z.number(),
  status: z.enum(['approved', 'pending_approval']),
  requestedBy: z.number(),
  requestedAt: z.string(),
  approvedBy: z.number().nullable(),
  approvedAt: z.string().nullable(),
});

const promiseSchema = z.object({
  id: z.number(),
  agentId: z.number(),
  ticketId: z.number().nullable(),
  conversationId: z.number().nullable(),
  dueAt: z.string(),
  note: z.string(),
  createdAt: z.string(),
  keptAt: z.string().nullable().describe('When the agent marked it kept'),
  outcome: z.enum(['open', 'kept', 'missed']).describe('kept: marked kept by dueAt; missed: dueAt passed first (or kept late); open: neither yet'),
});

const suggestionSchema = z.object({
  classification: complaintSchema.shape.classification.describe('What the conversation suggests; null where it tells nothing (the agent chooses)'),
  abnormal: z.array(z.enum(['repeated', 'threat', 'excessive_demand'])).describe('Signs of 非正常投诉 (a supervisor decides)'),
  basedOn: z.object({ conversationId: z.number().nullable(), earlierComplaints: z.number() }),
});

/** A target of at most 30 days of minutes (80 business days of 9 hours), escalation within a week after: the clocks are computed at every read. */
const MAX_TARGET_MINUTES = 43_200;
const MAX_ESCALATION_MINUTES = 10_080;
const slaTarget = z.object({ minutes: z.number().int().min(1).max(MAX_TARGET_MINUTES), business: z.boolean().default(true) }).strict();
const slaPolicyInput = z
  .object({
    name: nameText({ min: 1, max: 60 }),
    match: z
      .object({
        types: z.array(z.enum(TICKET_TYPES)).max(TICKET_TYPES.length).optional(),
        priorities: z.array(z.enum(TICKET_PRIORITIES)).max(TICKET_PRIORITIES.length).optional(),
        groupIds: z.array(recordId).max(50).optional(),
        tags: z.array(nameText({ min: 1, max: 40 })).max(20).optional(),
      })
      .strict()
      .default({})
      .describe('Every condition given must hold (any one value of each); empty: every ticket'),
    targets: z
      .object({ first_reply: slaTarget, next_reply: slaTarget, resolution: slaTarget })
      .partial()
      .strict()
      .refine((t) => Object.keys(t).length > 0, 'give at least one target: first_reply, next_reply or resolution'),
    calendarId: recordId.nullable().default(null).describe('The 工作时间 calendar of its business targets; null: the workspace’s default (its first calendar, else Mon–Fri 09:00–18:00 Asia/Shanghai)'),
    warnPercent: z.number().int().min(1).max(99).default(80),
    escalation: z
      .object({ leaderAfterMinutes: z.number().int().min(0).max(MAX_ESCALATION_MINUTES), supervisorAfterMinutes: z.number().int().min(0).max(MAX_ESCALATION_MINUTES) })
      .strict()
      .default({ leaderAfterMinutes: 0, supervisorAfterMinutes: 60 }),
    position: z.number().int().min(0).max(1000).optional().describe('Its place in the order (0: first); default last'),
  })
  .strict();
const slaPolicySchema = z.object({
  id: z.number().nullable().describe('null: a shipped default, not stored yet'),
  position: z.number(),
  name: z.string(),
  match: z.object({ types: z.array(z.enum(TICKET_TYPES)).optional(), priorities: z.array(z.enum(TICKET_PRIORITIES)).optional(), groupIds: z.array(z.number()).optional(), tags: z.array(z.string()).optional() }),
  targets: z.object({
    first_reply: z.object({ minutes: z.number(), business: z.boolean() }).optional(),
    next_reply: z.object({ minutes: z.number(), business: z.boolean() }).optional(),
    resolution: z.object({ minutes: z.number(), business: z.boolean() }).optional(),
  }),
  calendarId: z.number().nullable(),
  warnPercent: z.number(),
  escalation: z.object({ leaderAfterMinutes: z.number(), supervisorAfterMinutes: z.number() }),
});
const slaPoliciesSchema = z.object({
  policies: z.array(slaPolicySchema).describe('In order: the first whose match a ticket meets gives its clocks'),
  defaults: z.boolean().describe('true: the workspace has none of its own and uses the shipped defaults'),
});

/**
 * 工单与投诉 (docs/tickets.md): tickets of the caller's workspace (another workspace's are
 * 404), changed through the core's rules (src/core/tickets) by commands that log their events.
 */
export const ticketsPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', requireAgent);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ctx = app.zhike;
  const tags_ = ['tickets'];
  const one = (workspaceId: number, t: Parameters<typeof viewTicket>[2]) => viewTicket(ctx.db, workspaceId, t);

  r.post(
    '/tickets',
    {
      schema: {
        tags: tags_,
        operationId: 'createTicket',
        summary: 'Create a ticket (工单) for a contact',
        description: 'Starts 待受理 (new). A complaint (type complaint) takes `source` and, from a regulator, `noticeDate`.',
        body: ticketInput.extend({ contactId: recordId }),
        response: { 201: ticketSchema, 400: errorSchema, 403: errorSchema },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      const ticket = await createTicketFor(ctx, caller, req.body);
      return reply.code(201).send(await one(caller.workspaceId, ticket));
    },
  );

  r.post(
    '/conversations/:id/tickets',
    {
      schema: {
        tags: tags_,
        operationId: 'createTicketFromConversation',
        summary: 'Turn a conversation into a ticket (一键转工单): its contact, linked, its messages with it',
        description: 'Every field is optional: the subject defaults to the pre-chat topic or the customer’s first words, the type to the conversation’s intent (else consult).',
        params: idParam,
        body: ticketInput.partial().strict().default({}),
        response: { 201: ticketSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      const ticket = await createTicketFromConversation(ctx, caller, req.params.id, req.body);
      return reply.code(201).send(await one(caller.workspaceId, ticket));
    },
  );

  r.get(
    '/tickets',
    {
      schema: {
        tags: tags_,
        operationId: 'listTickets',
        summary: 'Tickets, newest first, by status, type, priority, assignee or group',
        description: 'Pages by id: pass the previous page’s `nextBefore` as `before`.',
        querystring: z.object({
          status: z.enum(TICKET_STATUSES).optional(),
          type: z.enum(TICKET_TYPES).optional(),
          priority: z.enum(TICKET_PRIORITIES).optional(),
          assigneeId: queryId.optional(),
          groupId: queryId.optional(),
          before: queryId.optional().describe('Tickets with a smaller id (nextBefore of the previous page)'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ tickets: z.array(ticketSchema), nextBefore: z.number().nullable().describe('null: this was the last page') }) },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      const tickets = await listTickets(ctx.db, caller.workspaceId, req.query);
      const full = tickets.length === req.query.limit;
      return { tickets: await viewTickets(ctx.db, caller.workspaceId, tickets), nextBefore: full ? tickets[tickets.length - 1]!.id : null };
    },
  );

  r.get(
    '/tickets/:id',
    {
      schema: {
        tags: tags_,
        operationId: 'getTicket',
        summary: 'A ticket with its SLA clocks, comments, compensations and promises',
        params: idParam,
        response: {
          200: ticketSchema.extend({
            comments: z.array(commentSchema),
            compensations: z.array(compensationSchema),
            promises: z.array(promiseSchema),
            contact: z
              .object({ id: z.number(), name: z.string().nullable(), online: z.boolean().describe('A page with the widget open now: public replies reach them live; else they wait in the widget') })
              .describe('The customer'),
          }),
          404: errorSchema,
        },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      const ticket = await findTicket(ctx.db, caller.workspaceId, req.params.id);
      if (!ticket) throw notFound('ticket');
      return {
        ...(await one(caller.workspaceId, ticket)),
        comments: await commentsOf(ctx.db, ticket.id),
        compensations: await compensationsOf(ctx.db, ticket.id),
        promises: (await promisesOfTicket(ctx.db, ticket.id)).map((p) => viewPromise(p, new Date())),
        contact: await contactPresence(ctx.db, ticket.contactId),
      };
    },
  );

  r.patch(
    '/tickets/:id',
    {
      schema: {
        tags: tags_,
        operationId: 'updateTicket',
        summary: 'Change a ticket: fields, type, classification, priority, assignment, status',
        description:
          'Status moves new → open / pending / on_hold / solved, solved → open (reopen) or closed; closed is final (409). A complaint is solved after the customer confirms, or with `reason`. ' +
          'A ticket handed to another group needs `handoff` (5W3H). `abnormal` (非正常投诉) is a supervisor’s call. Agents change their own and unassigned tickets; supervisors any.',
        params: idParam,
        body: z
          .object({
            subject: subject.optional(),
            description: description.optional(),
            tags: tags.optional(),
            category: category.optional(),
            customFields: customFields.optional(),
            type: z.enum(TICKET_TYPES).optional().describe('A complaint stays a complaint'),
            ...complaintFields,
            classification: classificationInput.optional(),
            abnormal: z.boolean().optional(),
            priority: z.enum(TICKET_PRIORITIES).optional(),
            assigneeId: recordId.nullable().optional(),
            groupId: recordId.nullable().optional(),
            handoff: handoff.optional(),
            status: z.enum(TICKET_STATUSES).optional(),
            reason: text({ max: 500 }).nullable().optional().describe('Why: required to solve a complaint the customer has not confirmed'),
          })
          .strict(),
        response: { 200: ticketSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      return one(caller.workspaceId, await updateTicket(ctx, caller, req.params.id, req.body));
    },
  );

  r.post(
    '/tickets/:id/comments',
    {
      schema: {
        tags: tags_,
        operationId: 'createTicketComment',
        summary: 'An internal comment (内部备注), or a public reply that reaches the customer',
        description: 'A public reply is also posted as an agent message to the newest linked conversation that has not ended (the customer’s widget); `comment.messageId` says which message.',
        params: idParam,
        body: z.object({ body: text({ trim: true, min: 1, max: MAX_MESSAGE_CHARS }), public: z.boolean().default(false) }).strict(),
        response: { 201: z.object({ comment: commentSchema, ticket: ticketSchema }), 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      const agent = req.session!.agent;
      const { ticket, comment } = await addComment(ctx, caller, { id: agent.id, name: agent.name }, req.params.id, req.body);
      return reply.code(201).send({ comment, ticket: await one(caller.workspaceId, ticket) });
    },
  );

  r.post(
    '/tickets/:id/complaint/steps',
    {
      schema: {
        tags: tags_,
        operationId: 'recordComplaintStep',
        summary: 'Record the next of the six complaint steps (accept → calm → clarify → explore → act → thank), done or skipped',
        description: 'Steps go in order; a skipped step needs `skippedReason` (an empty one is 400). Out of order or again: 409.',
        params: idParam,
        body: z
          .object({
            step: z.enum(COMPLAINT_STEP_IDS),
            note: text({ max: 2000 }).nullable().optional(),
            skippedReason: text({ max: 500 }).nullable().optional().describe('Skips the step: why'),
          })
          .strict(),
        response: { 201: ticketSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      const ticket = await recordComplaintStep(ctx, caller, req.params.id, req.body);
      return reply.code(201).send(await one(caller.workspaceId, ticket));
    },
  );

  r.post(
    '/tickets/:id/compensations',
    {
      schema: {
        tags: tags_,
        operationId: 'requestCompensation',
        summary: 'Offer a compensation (服务补偿): approved at once within the caller’s limit, else waiting for a supervisor',
        description: `Limits: an agent approves up to ${DEFAULT_COMPENSATION_LIMITS.agent}; supervisors and admins any amount. The ticket’s assignee (or anyone on an unassigned ticket) or a supervisor offers it.`,
        params: idParam,
        body: z.object({ kind: nameText({ min: 1, max: 40 }).describe('优惠券, 退款, 积分, 礼品…'), amount: z.number().min(0).max(100_000_000).describe('In the workspace’s currency, two decimals at most') }).strict(),
        response: { 201: compensationSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await requestTicketCompensation(ctx, callerOf(req), req.params.id, req.body)),
  );

  r.post(
    '/compensations/:id/approve',
    {
      schema: {
        tags: tags_,
        operationId: 'approveCompensation',
        summary: 'Approve a compensation above its requester’s limit (主管 or 管理员)',
        params: idParam,
        response: { 200: compensationSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req) => approveTicketCompensation(ctx, callerOf(req), req.params.id),
  );

  r.post(
    '/promises',
    {
      schema: {
        tags: tags_,
        operationId: 'createPromise',
        summary: 'Promise a reply by a time (承诺回复时间) on a ticket or a conversation',
        body: z
          .object({
            ticketId: recordId.optional(),
            conversationId: recordId.optional(),
            dueAt: isoTime.describe('Later than now'),
            note: text({ max: 500 }).default('').describe('e.g. 15:00 前回电'),
          })
          .strict(),
        response: { 201: promiseSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      const { ticketId, conversationId, dueAt, note } = req.body;
      const promise = await makeReplyPromise(ctx, callerOf(req), { ticketId: ticketId ?? null, conversationId: conversationId ?? null, dueAt: new Date(dueAt), note });
      return reply.code(201).send(viewPromise(promise, new Date()));
    },
  );

  r.post(
    '/promises/:id/keep',
    {
      schema: {
        tags: tags_,
        operationId: 'keepPromise',
        summary: 'Mark a promise kept (已兑现): by its agent or a supervisor; its reminder and miss are cancelled',
        description: 'Kept after its due time it is recorded and stays missed. Marking it a second time is 409 promise_kept.',
        params: idParam,
        response: { 200: promiseSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req) => keepReplyPromise(ctx, callerOf(req), req.params.id),
  );

  r.get(
    '/promises',
    {
      schema: {
        tags: tags_,
        operationId: 'listPromises',
        summary: 'Promises, soonest due first, with kept / missed / open per agent (承诺兑现)',
        description: 'Agents see their own; supervisors, admins and 质检 roles everyone’s (filter with agentId). The tally counts the promises listed.',
        querystring: z
          .object({
            agentId: queryId.optional(),
            ticketId: queryId.optional(),
            conversationId: queryId.optional(),
            unkept: z.enum(['true', 'false']).optional().describe('true: only those not marked kept'),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          })
          .strict(),
        response: { 200: z.object({ promises: z.array(promiseSchema), tally: z.array(z.object({ agentId: z.number(), open: z.number(), kept: z.number(), missed: z.number() })) }) },
      },
    },
    async (req) => promisesFor(ctx, callerOf(req), { ...req.query, unkept: req.query.unkept === 'true' }),
  );

  const contactsSchema = z.object({
    pr: z.array(z.number()).describe('公关: told of a media complaint at once, with the supervisors'),
    legal: z.array(z.number()).describe('法务: told of a 非正常投诉 at once, with the supervisors'),
  });
  r.get(
    '/complaint-contacts',
    {
      schema: {
        tags: tags_,
        operationId: 'getComplaintContacts',
        summary: 'Who a media complaint (PR) and a 非正常投诉 (legal) alert besides the supervisors',
        response: { 200: contactsSchema },
      },
    },
    async (req) => complaintContacts(ctx.db, callerOf(req).workspaceId),
  );
  r.put(
    '/complaint-contacts',
    {
      schema: {
        tags: tags_,
        operationId: 'setComplaintContacts',
        summary: 'Set the PR and legal lists (主管 or 管理员): each list given replaces the stored one',
        body: z.object({ pr: z.array(recordId).max(50).optional(), legal: z.array(recordId).max(50).optional() }).strict(),
        response: { 200: contactsSchema, 400: errorSchema, 403: errorSchema },
      },
    },
    async (req) => setComplaintContacts(ctx, callerOf(req), req.body),
  );

  r.get(
    '/tickets/:id/activity',
    {
      schema: {
        tags: tags_,
        operationId: 'getTicketActivity',
        summary: 'A ticket’s activity log (动态), oldest first, from the event log',
        description:
          'Every event that names the ticket: created, status changes (with their cause), public replies, assignment and handoffs (5W3H), complaint steps, classification, compensations, SLA warnings, breaches and escalations, deadline reminders. Page with `after` = the last entry’s id.',
        params: idParam,
        querystring: z.object({ after: queryId.optional(), limit: z.coerce.number().int().min(1).max(500).default(200) }).strict(),
        response: {
          200: z.object({
            activity: z.array(
              z.object({
                id: z.number(),
                type: z.string().describe('The event type (docs/events.md)'),
                at: z.string(),
                actor: z.object({ type: z.string().describe('agent, customer, system'), id: z.number().nullable(), name: z.string().nullable() }),
                data: z.record(z.string(), z.unknown()),
              }),
            ),
          }),
          404: errorSchema,
        },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      if (!(await findTicket(ctx.db, caller.workspaceId, req.params.id))) throw notFound('ticket');
      return { activity: await ticketActivity(ctx.db, caller.workspaceId, req.params.id, req.query) };
    },
  );

  r.get(
    '/tickets/:id/suggestion',
    {
      schema: {
        tags: tags_,
        operationId: 'suggestComplaintClassification',
        summary: 'The classification the conversation suggests for a complaint (建议), for the agent to confirm',
        description: 'From the newest linked conversation’s intent, emotion and signals, and the contact’s earlier complaints. Nothing is changed.',
        params: idParam,
        response: { 200: suggestionSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (req) => suggestFor(ctx.db, callerOf(req), req.params.id),
  );

  const policiesOf = async (workspaceId: number) => {
    const own = await storedSlaPolicies(ctx.db, workspaceId);
    if (own.length) return { policies: own, defaults: false };
    return { policies: DEFAULT_SLA_POLICIES.map((p, position) => ({ ...p, id: null, position })), defaults: true };
  };

  r.get(
    '/sla-policies',
    {
      schema: {
        tags: tags_,
        operationId: 'listSlaPolicies',
        summary: 'SLA policies (服务时效), in order: first match wins',
        response: { 200: slaPoliciesSchema },
      },
    },
    async (req) => policiesOf(callerOf(req).workspaceId),
  );

  r.post(
    '/sla-policies',
    {
      schema: {
        tags: tags_,
        operationId: 'createSlaPolicy',
        summary: 'Add an SLA policy (主管 or 管理员)',
        description: 'The workspace’s first policy also stores the shipped defaults (so they stay in force): give `position` to put a narrower policy before the catch-all. Answers the whole list.',
        body: slaPolicyInput,
        response: { 201: slaPoliciesSchema, 400: errorSchema, 403: errorSchema },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      await createSlaPolicy(ctx, caller, req.body);
      return reply.code(201).send(await policiesOf(caller.workspaceId));
    },
  );
};
