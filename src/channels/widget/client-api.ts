import cors from '@fastify/cors';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createContact, updateContact } from '../../commands/contacts.js';
import { receive } from '../../core/reception/reception.js';
import { groupForTopic, messagesFor, titleFor, toLocale, topicFromLabel, topicLabel } from '../../core/reception/settings.js';
import { createConversation, customerEndConversation } from '../../commands/conversations.js';
import { abandonQueue } from '../../commands/queue.js';
import { createMessage } from '../../commands/messages.js';
import { giveFeedback } from '../../commands/knowledge.js';
import { answerChoice } from '../../reception/bot.js';
import { DomainError, notFound } from '../../core/errors.js';
import { MAX_EMAIL_CHARS, MAX_NAME_CHARS, PHONE_PATTERN } from '../../core/limits.js';
import { nameText, text } from '../../core/text-schema.js';
import type { Contact, Inbox } from '../../core/model.js';
import { forCustomer } from '../../core/realtime/frames.js';
import { getConversation, listMessages } from '../../storage/conversations.js';
import type { Sql } from '../../storage/db.js';
import { receptionFacts } from '../../storage/reception.js';
import { uploadRoute } from '../../http/uploads.js';
import { limitClientApi } from './rate-limits.js';
import { widgetTickets } from './tickets.js';
import { widgetRating } from './rating.js';
import { widgetIdentity } from './identity.js';
import { SERVING } from '../../storage/seats.js';
import {
  attachmentIds,
  clientMessageId,
  contactAttributesSchema,
  customerMessageSchema,
  errorSchema,
  messageContent,
  messagesQuery,
} from '../../http/schemas.js';

/**
 * The client API: what the widget (and any custom app) uses, per inbox token.
 * Public and cross-origin (the widget runs on the customer's site), so CORS is
 * open here and nowhere else. A caller reaches only its own contact's
 * conversations, and never sees private notes.
 */
declare module 'fastify' {
  interface FastifyRequest {
    inbox: Inbox | null;
    contact: Contact | null;
  }
}

const tags = ['client API (widget)'];
// X-Contact-Token is the contactToken security scheme of the routes that need it (http/contract.ts):
// a missing or unknown token is the clear 401 below.
const inboxParams = z.object({ inboxToken: text({ min: 1, max: 100 }) });
const convParams = inboxParams.extend({ id: z.coerce.number().int().positive() });

const publicAssignee = z.object({ id: z.number(), name: z.string(), agentNo: z.string().nullable() }).nullable();
const customerConversation = z.object({
  id: z.number(),
  status: z.enum(['open', 'pending', 'resolved']),
  handler: z.enum(['bot', 'human', 'offline']).describe('Who answers: the bot, people, or nobody right now (留言)'),
  assignee: publicAssignee.describe('The agent serving this conversation, if any'),
  lastSeq: z.number(),
  createdAt: z.string(),
});

async function customerConversations(sql: Sql, contactId: number, id?: number) {
  const rows = await sql.query(
    `SELECT c.id, c.status, c.handler, c.last_seq, c.created_at, a.id AS agent_id, a.name AS agent_name, a.agent_no
     FROM conversations c LEFT JOIN agents a ON a.id = c.assignee_id
     WHERE c.contact_id = $1 AND ($2::bigint IS NULL OR c.id = $2) ORDER BY c.id DESC LIMIT 20`,
    [contactId, id ?? null],
  );
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    handler: r.handler,
    assignee: r.agent_id ? { id: r.agent_id, name: r.agent_name, agentNo: r.agent_no } : null,
    lastSeq: r.last_seq,
    createdAt: r.created_at.toISOString(),
  }));
}

export const widgetClientApi: FastifyPluginAsync = async (app) => {
  const ctx = app.zhike;
  // @fastify/cors answers preflights through an OPTIONS route on every path of this
  // prefix: CORS (and preflights) only for the client API's own paths.
  const clientPaths = `${app.prefix}/widget/`;
  const open = { origin: '*', methods: ['GET', 'POST', 'PATCH'], allowedHeaders: ['Content-Type', 'X-Contact-Token'], maxAge: 86400 };
  await app.register(cors, {
    delegator: (req: FastifyRequest, cb: (err: Error | null, opts: object) => void) => cb(null, req.url.startsWith(clientPaths) ? open : { origin: false }),
  });
  app.decorateRequest('inbox', null);
  app.decorateRequest('contact', null);

  /**
   * Every client route resolves the inbox; routes with the header also resolve the contact.
   * Both come from a short-lived cache (storage/client-tokens.ts): two statements fewer per request.
   */
  app.addHook('preHandler', async (req: FastifyRequest<{ Params: { inboxToken?: string } }>) => {
    const token = req.params.inboxToken;
    if (!token) return;
    const inbox = await ctx.clientTokens.inbox(token);
    if (!inbox) throw new DomainError('inbox_not_found', 'unknown inbox token: check data-inbox in the widget snippet', 404);
    req.inbox = inbox;
    const contactToken = req.headers['x-contact-token'];
    if (typeof contactToken === 'string' && contactToken) {
      const contact = await ctx.clientTokens.contact(inbox.id, contactToken);
      if (!contact) throw new DomainError('contact_unknown', 'unknown contact token: create a new contact with POST …/contacts', 401);
      req.contact = contact;
    }
  });
  limitClientApi(app);
  const contactOf = (req: FastifyRequest) => {
    if (!req.contact) throw new DomainError('contact_required', 'send the X-Contact-Token header from POST …/contacts', 401);
    return req.contact;
  };

  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/widget/:inboxToken/config',
    {
      schema: {
        tags,
        operationId: 'getWidgetConfig', summary: 'Public settings of an inbox (title, greeting, colour, language)',
        description: 'Texts come in the language asked for (?locale=en), else in the inbox’s own.',
        params: inboxParams,
        querystring: z.object({ locale: text({ max: 35 }).optional().describe('The widget’s language (data-locale): en or zh-CN') }),
        response: {
          200: z.object({
            title: z.string(),
            greeting: z.string().nullable().describe('The 欢迎语: shown until the conversation exists, then its first message'),
            color: z.string(),
            locale: z.enum(['zh-CN', 'en']),
            agentsOnline: z.number().describe('Agents online right now (0 → the widget says replies may take longer)'),
            answering: z.enum(['human', 'bot', 'offline']).describe('Who would answer a conversation started now: offline means 留言'),
            canHandOff: z.boolean().describe('The bot can hand over to people (转人工); false in a bot-only inbox'),
            preChat: z.object({ enabled: z.boolean(), askName: z.boolean(), askPhone: z.boolean(), topics: z.array(z.string()) }).describe('询前表单: ask before the first message'),
          }),
          404: errorSchema,
        },
      },
    },
    async (req) => {
      const inbox = req.inbox!;
      const online = await ctx.db.query(
        `SELECT count(*) AS n FROM agents a WHERE a.workspace_id = $1 AND a.active AND ${SERVING} AND a.availability = 'online' AND a.last_seen_at > now() - interval '90 seconds'`,
        [inbox.workspaceId],
      );
      const settings = await ctx.reception.get(inbox.id);
      const answering = receive(await receptionFacts(ctx.db, inbox.workspaceId, settings, settings.defaultGroupId));
      const locale = toLocale(req.query.locale ?? inbox.settings.locale);
      return {
        title: titleFor(settings, inbox.settings.title ?? inbox.name, locale),
        greeting: messagesFor(settings, locale).welcome?.trim() || null,
        color: inbox.settings.color ?? '#1677ff',
        locale,
        agentsOnline: online[0].n,
        answering,
        canHandOff: settings.mode !== 'bot_only',
        preChat: { ...settings.preChat, topics: settings.preChat.topics.map((t) => topicLabel(settings, t.label, locale)) },
      };
    },
  );

  r.post(
    '/widget/:inboxToken/contacts',
    {
      schema: {
        tags,
        operationId: 'createWidgetContact', summary: 'Create a contact (a visitor) and get the token that identifies them',
        description: 'Keep contactToken (the widget keeps it in localStorage) and send it as X-Contact-Token.',
        params: inboxParams,
        body: z
          .object({
            name: nameText({ min: 1, max: MAX_NAME_CHARS }).optional(),
            email: z.email().max(MAX_EMAIL_CHARS).optional(),
            phone: text({ trim: true }).regex(PHONE_PATTERN).optional(),
            attributes: contactAttributesSchema.default({}),
          })
          .default({ attributes: {} }),
        response: { 201: z.object({ contactToken: z.string(), contact: z.object({ id: z.number(), name: z.string().nullable() }) }), 404: errorSchema },
      },
    },
    async (req, reply) => {
      const inbox = req.inbox!;
      const { attributes, ...fields } = req.body;
      const ua = req.headers['user-agent'];
      const { contact, contactToken } = await createContact(ctx, {
        workspaceId: inbox.workspaceId,
        inboxId: inbox.id,
        fields,
        attributes: { ...attributes, userAgent: attributes.userAgent ?? ua?.slice(0, 500) },
      });
      return reply.code(201).send({ contactToken, contact: { id: contact.id, name: contact.name } });
    },
  );

  r.patch(
    '/widget/:inboxToken/contact',
    {
      schema: {
        tags,
        operationId: 'updateWidgetContact', summary: 'The visitor tells us their name, e-mail or phone',
        params: inboxParams,
        body: z
          .object({
            name: nameText({ min: 1, max: MAX_NAME_CHARS }).optional(),
            email: z.email().max(MAX_EMAIL_CHARS).optional(),
            phone: text({ trim: true }).regex(PHONE_PATTERN).optional(),
          })
          .strict(),
        response: { 200: z.object({ id: z.number(), name: z.string().nullable() }), 401: errorSchema },
      },
    },
    async (req) => {
      const contact = contactOf(req);
      const updated = await updateContact(ctx, { type: 'customer', id: contact.id }, contact.workspaceId, contact.id, req.body);
      return { id: updated.id, name: updated.name };
    },
  );

  r.get(
    '/widget/:inboxToken/conversations',
    {
      schema: {
        tags,
        operationId: 'listWidgetConversations', summary: 'The contact’s conversations, newest first',
        params: inboxParams,
        response: { 200: z.object({ conversations: z.array(customerConversation) }), 401: errorSchema },
      },
    },
    async (req) => ({ conversations: await customerConversations(ctx.db, contactOf(req).id) }),
  );

  r.post(
    '/widget/:inboxToken/conversations',
    {
      schema: {
        tags,
        operationId: 'createWidgetConversation', summary: 'Start a conversation (with the pre-chat form’s answers, when the inbox asks)',
        description:
          'The topic (one of /config preChat.topics) picks the skill group; name and phone are saved on the contact. ' +
          'A contact has one conversation at a time per inbox: while one is open or pending it comes back (200) instead of a new one (201). ' +
          'A new conversation waits for the customer’s first message before it takes an agent or a queue place.',
        params: inboxParams,
        body: z
          .object({
            topic: nameText({ max: 30 }).optional(),
            name: nameText({ min: 1, max: MAX_NAME_CHARS }).optional(),
            phone: text({ trim: true }).regex(PHONE_PATTERN, 'a phone number has 3–30 digits, spaces, + - ( )').optional(),
            locale: text({ max: 35 }).optional().describe('The widget’s language (en or zh-CN): the conversation keeps it; automatic replies and the bot follow it'),
          })
          .strict()
          .nullish()
          .describe('Optional: an empty body starts a conversation without pre-chat answers'),
        response: { 200: customerConversation, 201: customerConversation, 400: errorSchema, 401: errorSchema },
      },
    },
    async (req, reply) => {
      const contact = contactOf(req);
      const inbox = req.inbox!;
      const settings = await ctx.reception.get(inbox.id);
      const { topic: asked, name, phone, locale } = req.body ?? {};
      // the topic may come in the customer's language: the conversation keeps its zh-CN label
      const topic = topicFromLabel(settings, asked) ?? asked;
      if (topic && !settings.preChat.topics.some((t) => t.label === topic)) {
        throw new DomainError('unknown_topic', `"${topic}" is not one of this inbox's topics: ${settings.preChat.topics.map((t) => t.label).join(', ') || '(none)'}`, 400);
      }
      if (name || phone) await updateContact(ctx, { type: 'customer', id: contact.id }, contact.workspaceId, contact.id, { name, phone });
      const { conversation: conv, created: isNew } = await createConversation(ctx, {
        workspaceId: inbox.workspaceId,
        inboxId: inbox.id,
        contactId: contact.id,
        channel: 'web',
        topic: topic ?? null,
        groupId: groupForTopic(settings, topic),
        locale: locale ? toLocale(locale) : null,
      });
      const [created] = await customerConversations(ctx.db, contact.id, conv.id);
      return reply.code(isNew ? 201 : 200).send(created);
    },
  );

  r.post(
    '/widget/:inboxToken/conversations/:id/messages',
    {
      schema: {
        tags,
        operationId: 'createWidgetMessage', summary: 'Send a message as the customer',
        description:
          'Answers only after the message is stored. Always send a clientMessageId and resend with the same id when unsure: the original comes back (200) instead of a copy (201). ' +
          'A resolved conversation answers 409 conversation_resolved: start a new one.',
        params: convParams,
        body: z.object({ content: messageContent.default(''), clientMessageId, attachmentIds: attachmentIds.optional() }),
        response: { 200: customerMessageSchema, 201: customerMessageSchema, 400: errorSchema, 401: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req, reply) => {
      const contact = contactOf(req);
      const { message, duplicate } = await createMessage(ctx, {
        workspaceId: contact.workspaceId,
        conversationId: req.params.id,
        contactId: contact.id,
        senderType: 'customer',
        senderId: contact.id,
        senderName: contact.name,
        content: req.body.content,
        clientMessageId: req.body.clientMessageId,
        attachmentIds: req.body.attachmentIds,
        channel: 'web',
      });
      return reply.code(duplicate ? 200 : 201).send(forCustomer(message));
    },
  );

  r.get(
    '/widget/:inboxToken/conversations/:id/messages',
    {
      schema: {
        tags,
        operationId: 'listWidgetMessages', summary: 'Messages of one of the contact’s conversations (no private notes)',
        params: convParams,
        querystring: messagesQuery,
        response: { 200: z.object({ conversation: customerConversation, messages: z.array(customerMessageSchema) }), 401: errorSchema, 404: errorSchema },
      },
    },
    async (req) => {
      const contact = contactOf(req);
      const conv = await getConversation(ctx.db, contact.workspaceId, req.params.id, contact.id);
      if (!conv) throw notFound('conversation');
      const [conversation] = await customerConversations(ctx.db, contact.id, conv.id);
      const messages = await listMessages(ctx.db, { conversationId: conv.id, ...req.query, includePrivate: false });
      return { conversation, messages: messages.map(forCustomer) };
    },
  );

  r.post(
    '/widget/:inboxToken/conversations/:id/end',
    {
      schema: {
        tags,
        operationId: 'endWidgetConversation',
        summary: 'The customer ends the chat (结束会话)',
        description:
          'The conversation is resolved, as when an agent ends it; the inbox then asks for a rating when its csat.askWhenCustomerCloses is on. ' +
          'Ending an ended conversation answers it as it is.',
        params: convParams,
        response: { 200: z.object({ conversation: customerConversation }), 401: errorSchema, 404: errorSchema },
      },
    },
    async (req) => {
      const contact = contactOf(req);
      const conv = await customerEndConversation(ctx, contact, req.params.id);
      const [conversation] = await customerConversations(ctx.db, contact.id, conv.id);
      return { conversation };
    },
  );

  r.post(
    '/widget/:inboxToken/conversations/:id/leave-queue',
    {
      schema: {
        tags,
        operationId: 'leaveWidgetQueue', summary: 'The customer stops waiting in the queue (放弃排队); the conversation ends and is recorded as abandoned',
        params: convParams,
        response: { 200: z.object({ abandoned: z.boolean().describe('false when no longer queued (an agent took it, or it ended)') }), 401: errorSchema, 404: errorSchema },
      },
    },
    async (req) => {
      const contact = contactOf(req);
      return { abandoned: await abandonQueue(ctx, req.params.id, 'left', contact.id) };
    },
  );

  r.post(
    '/widget/:inboxToken/invitations/:id/reply',
    {
      schema: {
        tags,
        operationId: 'replyWidgetInvitation', summary: 'Accept or dismiss an invitation (also possible over the WebSocket)',
        description: 'Accepting an agent’s invitation opens a conversation with that agent; its id comes back.',
        params: convParams,
        body: z.object({ accept: z.boolean() }),
        response: { 200: z.object({ conversationId: z.number().nullable() }), 401: errorSchema, 404: errorSchema },
      },
    },
    async (req) => {
      const contact = contactOf(req);
      return app.visitors.reply(contact.workspaceId, req.inbox!.id, contact.id, req.params.id, req.body.accept);
    },
  );

  r.post(
    '/widget/:inboxToken/conversations/:id/bot/choose',
    {
      schema: {
        tags,
        operationId: 'chooseWidgetBotArticle', summary: 'The customer picks one of the bot’s "您是不是想问" choices: the bot answers with that article',
        description: 'The choices are in a bot message’s meta.bot.choices. The answer comes back (and over the WebSocket); a repeated click returns it again (200).',
        params: convParams,
        body: z.object({ articleId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }).strict(),
        response: { 200: customerMessageSchema, 201: customerMessageSchema, 401: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req, reply) => {
      const contact = contactOf(req);
      const { message, duplicate } = await answerChoice(ctx, { workspaceId: contact.workspaceId, contactId: contact.id }, req.params.id, req.body.articleId);
      return reply.code(duplicate ? 200 : 201).send(forCustomer(message));
    },
  );

  r.post(
    '/widget/:inboxToken/conversations/:id/bot/feedback',
    {
      schema: {
        tags,
        operationId: 'giveWidgetBotFeedback', summary: '有帮助 / 没帮助 on one of the bot’s answers (once per message; a second rating replaces the first)',
        params: convParams,
        body: z.object({ messageId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER), helpful: z.boolean() }).strict(),
        response: { 200: z.object({ messageId: z.number(), articleId: z.number(), helpful: z.boolean() }), 400: errorSchema, 401: errorSchema, 404: errorSchema },
      },
    },
    async (req) => {
      const contact = contactOf(req);
      return giveFeedback(ctx, { workspaceId: contact.workspaceId, contactId: contact.id, conversationId: req.params.id }, req.body.messageId, req.body.helpful);
    },
  );

  await app.register(widgetTickets(contactOf));
  await app.register(widgetRating(contactOf));
  await app.register(widgetIdentity(contactOf));

  uploadRoute(app, '/widget/:inboxToken/attachments', {
    operationId: 'uploadWidgetAttachment', summary: 'Upload an image or file as the customer',
    params: inboxParams,
    uploader: (req) => {
      const contact = contactOf(req);
      return { workspaceId: contact.workspaceId, uploaderType: 'customer', uploaderId: contact.id };
    },
  });
};
