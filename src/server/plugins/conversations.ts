import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assignConversation, changeConversationStatus, markConversationRead } from '../../commands/conversations.js';
import { createMessage } from '../../commands/messages.js';
import { notFound } from '../../core/errors.js';
import { CONVERSATION_STATUSES } from '../../core/model.js';
import { assertCanReply } from '../../core/permissions.js';
import { countConversations, getConversation, listConversations, listMessages } from '../../storage/conversations.js';
import { callerOf, requireAgent } from '../../http/context.js';
import { conversationInsightSchema, messageAnalysisSchema } from '../../assist/schemas.js';
import { analysesOf, insightsOf } from '../../assist/store.js';
import { attachmentIds, clientMessageId, conversationSchema, errorSchema, idParam, messageContent, messageSchema, messagesQuery, parseTimeIdCursor, timeIdCursor } from '../../http/schemas.js';

/** Agent API for conversations (会话) and their messages. */
export const conversationsPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', requireAgent);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ctx = app.zhike;
  const tags = ['conversations'];
  // agent assist: the list and the conversation carry its picture, customer messages their analysis
  const withInsight = conversationSchema.extend({ insight: conversationInsightSchema.nullable().describe('Agent assist: null until a customer message was analysed') });
  const withAnalysis = messageSchema.extend({ analysis: messageAnalysisSchema.nullable().describe('Agent assist: customer messages once analysed, else null') });

  r.get(
    '/conversations',
    {
      schema: {
        tags,
        operationId: 'listConversations', summary: 'List conversations, newest activity first',
        querystring: z.object({
          status: z.enum([...CONVERSATION_STATUSES, 'all']).default('open').describe('open (进行中), pending (待处理), resolved (已结束) or all'),
          assignee: z
            .union([z.enum(['mine', 'unassigned', 'all']), z.coerce.number().int().positive()])
            .default('all')
            .describe('mine, unassigned, all, or an agent id'),
          inboxId: z.coerce.number().int().positive().optional(),
          contactId: z.coerce.number().int().positive().optional(),
          handler: z.enum(['bot', 'human', 'offline']).optional().describe('offline: 留言 (left when nobody could answer)'),
          queued: z.enum(['true', 'false']).optional().describe('true: only conversations waiting in a queue'),
          before: timeIdCursor.optional().describe('Cursor from the previous page (nextCursor)'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: {
          200: z.object({
            conversations: z.array(withInsight),
            counts: z.object({ mine: z.number(), unassigned: z.number(), all: z.number() }).describe('Tab counts under this status filter'),
            nextCursor: z.string().nullable(),
          }),
        },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      const q = req.query;
      const before = q.before ? parseTimeIdCursor(q.before) : undefined;
      const [conversations, counts] = await Promise.all([
        listConversations(ctx.db, {
          workspaceId: caller.workspaceId,
          callerId: caller.agentId,
          status: q.status,
          assignee: q.assignee,
          inboxId: q.inboxId,
          contactId: q.contactId,
          handler: q.handler,
          queued: q.queued === 'true',
          before,
          limit: q.limit,
        }),
        countConversations(ctx.db, caller.workspaceId, caller.agentId, q.status),
      ]);
      const last = conversations.at(-1);
      const insights = await insightsOf(ctx.db, caller.workspaceId, conversations.map((c) => c.id));
      return {
        conversations: conversations.map((c) => ({ ...c, insight: insights.get(c.id) ?? null })),
        counts,
        nextCursor: conversations.length === q.limit && last ? `${last.updatedAt}_${last.id}` : null,
      };
    },
  );

  r.get(
    '/conversations/:id',
    { schema: { tags, operationId: 'getConversation', summary: 'One conversation', params: idParam, response: { 200: withInsight, 404: errorSchema } } },
    async (req) => {
      const caller = callerOf(req);
      const conv = await getConversation(ctx.db, caller.workspaceId, req.params.id);
      if (!conv) throw notFound('conversation');
      const insights = await insightsOf(ctx.db, caller.workspaceId, [conv.id]);
      return { ...conv, insight: insights.get(conv.id) ?? null };
    },
  );

  r.get(
    '/conversations/:id/messages',
    {
      schema: {
        tags,
        operationId: 'listMessages', summary: 'Messages of a conversation, private notes included',
        description: 'With `after`, the messages after that seq, oldest first (use it to resync). Without, the newest `limit` messages.',
        params: idParam,
        querystring: messagesQuery,
        response: { 200: z.object({ messages: z.array(withAnalysis) }), 404: errorSchema },
      },
    },
    async (req) => {
      const conv = await getConversation(ctx.db, callerOf(req).workspaceId, req.params.id);
      if (!conv) throw notFound('conversation');
      const messages = await listMessages(ctx.db, { conversationId: conv.id, ...req.query, includePrivate: true });
      const analyses = await analysesOf(ctx.db, conv.id, messages.filter((m) => m.senderType === 'customer').map((m) => m.id));
      return { messages: messages.map((m) => ({ ...m, analysis: analyses.get(m.id) ?? null })) };
    },
  );

  r.post(
    '/conversations/:id/messages',
    {
      schema: {
        tags,
        operationId: 'createMessage', summary: 'Reply to the customer, or add a private note (内部备注)',
        description: 'Answers only after the message is stored. Resending with the same clientMessageId returns the original (200) instead of a copy (201).',
        params: idParam,
        body: z.object({
          content: messageContent.default(''),
          private: z.boolean().default(false).describe('A private note, never shown to the customer'),
          clientMessageId: clientMessageId.optional(),
          attachmentIds: attachmentIds.optional(),
        }),
        response: { 200: messageSchema, 201: messageSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      const conv = await getConversation(ctx.db, caller.workspaceId, req.params.id);
      if (!conv) throw notFound('conversation');
      assertCanReply(caller, conv, req.body.private);
      const agent = req.session!.agent;
      const { message, duplicate } = await createMessage(ctx, {
        workspaceId: caller.workspaceId,
        conversationId: conv.id,
        senderType: 'agent',
        senderId: agent.id,
        senderName: agent.name,
        content: req.body.content,
        private: req.body.private,
        clientMessageId: req.body.clientMessageId,
        attachmentIds: req.body.attachmentIds,
      });
      return reply.code(duplicate ? 200 : 201).send(message);
    },
  );

  r.post(
    '/conversations/:id/assign',
    {
      schema: {
        tags,
        operationId: 'assignConversation', summary: 'Assign (分配), take (接入) or transfer (转接) a conversation',
        description:
          'assigneeId null returns it to the pool (routing may assign it again). Agents may take unassigned conversations (also from the queue) and hand over their own; ' +
          'supervisors and admins may assign any. The target must have room (接待上限) unless a supervisor forces it: 409 agent_full otherwise.',
        params: idParam,
        body: z.object({
          assigneeId: z.number().int().positive().nullable(),
          force: z.boolean().default(false).describe('Supervisors: assign even above the agent’s 接待上限'),
        }),
        response: { 200: conversationSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req) => assignConversation(ctx, callerOf(req), req.params.id, req.body.assigneeId, { force: req.body.force }),
  );

  r.post(
    '/conversations/:id/status',
    {
      schema: {
        tags,
        operationId: 'setConversationStatus', summary: 'Resolve (结束会话), reopen (重新打开) or park (待处理) a conversation',
        params: idParam,
        body: z.object({ status: z.enum(CONVERSATION_STATUSES) }),
        response: { 200: conversationSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req) => changeConversationStatus(ctx, callerOf(req), req.params.id, req.body.status),
  );

  r.post(
    '/conversations/:id/read',
    { schema: { tags, operationId: 'markConversationRead', summary: 'Mark the customer’s messages as read (clears the unread count)', params: idParam, response: { 200: conversationSchema } } },
    async (req) => {
      const caller = callerOf(req);
      const conversation = await markConversationRead(ctx, caller, req.params.id);
      await ctx.bus.publish({ t: 'conversation', workspaceId: caller.workspaceId, contactId: conversation.contactId, change: 'read', conversation, assignee: null });
      return conversation;
    },
  );
};
