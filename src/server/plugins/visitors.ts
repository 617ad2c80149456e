import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../core/errors.js';
import { MAX_INVITATION_CHARS } from '../../core/limits.js';
import { text } from '../../core/text-schema.js';
import { getContact } from '../../storage/contacts.js';
import { callerOf, requireAgent } from '../../http/context.js';
import { errorSchema, idParam } from '../../http/schemas.js';

const liveVisitor = z.object({
  contactId: z.number(),
  name: z.string().nullable(),
  vip: z.boolean(),
  currentPage: z.object({ url: z.string(), title: z.string().nullable(), since: z.string() }),
  visit: z.object({
    id: z.number(),
    sourceKind: z.string().describe('search, social, referral, campaign or direct'),
    sourceName: z.string().nullable().describe('e.g. 百度, 微信, or the referring host'),
    searchKeyword: z.string().nullable().describe('搜索词, from the search engine or utm_term'),
    referrer: z.string().nullable(),
    landingPage: z.string().nullable().describe('着陆页'),
    pageViews: z.number(),
    startedAt: z.string(),
  }),
  conversationId: z.number().nullable().describe('Their open conversation, if they are chatting'),
});

/** Visitors on the site now (访客), their trail (浏览轨迹), and agent invitations (主动邀请). */
export const visitorsPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', requireAgent);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ctx = app.zhike;
  const tags = ['visitors'];

  r.get(
    '/visitors',
    { schema: { tags, operationId: 'listVisitors', summary: 'Visitors with a page open now: current page, source, search keyword, landing page', response: { 200: z.object({ visitors: z.array(liveVisitor) }) } } },
    async (req) => ({ visitors: await app.visitors.live(callerOf(req).workspaceId) }),
  );

  r.get(
    '/contacts/:id/visits',
    {
      schema: {
        tags,
        operationId: 'listContactVisits', summary: 'A contact’s browsing trail: recent visits with their pages and time on each',
        params: idParam,
        response: {
          200: z.object({
            visits: z.array(
              z.object({
                id: z.number(),
                sourceKind: z.string(),
                sourceName: z.string().nullable(),
                searchKeyword: z.string().nullable(),
                referrer: z.string().nullable(),
                landingPage: z.string().nullable(),
                utm: z.record(z.string(), z.string()),
                pageViews: z.number(),
                startedAt: z.string(),
                pages: z.array(z.object({ url: z.string(), title: z.string().nullable(), startedAt: z.string(), seconds: z.number(), open: z.boolean() })),
              }),
            ),
          }),
          404: errorSchema,
        },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      if (!(await getContact(ctx.db, caller.workspaceId, req.params.id))) throw notFound('contact');
      return { visits: await app.visitors.trail(caller.workspaceId, req.params.id) };
    },
  );

  r.post(
    '/visitors/:id/invite',
    {
      schema: {
        tags,
        operationId: 'inviteVisitor', summary: 'Invite a browsing or queued visitor to chat (主动邀请); accepting opens a conversation with you',
        params: idParam.describe('The visitor’s contact id'),
        body: z.object({ message: text({ trim: true, min: 1, max: MAX_INVITATION_CHARS }).default('您好，有什么可以帮您的吗？') }),
        response: {
          201: z.object({ id: z.number(), kind: z.enum(['auto', 'agent']), message: z.string(), agent: z.object({ id: z.number(), name: z.string(), agentNo: z.string().nullable() }).nullable() }),
          404: errorSchema,
          409: errorSchema,
        },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      if (!(await getContact(ctx.db, caller.workspaceId, req.params.id))) throw notFound('contact');
      const agent = req.session!.agent;
      const invitation = await app.visitors.agentInvite(caller.workspaceId, { id: agent.id, name: agent.name, agentNo: agent.agentNo }, req.params.id, req.body.message);
      return reply.code(201).send(invitation);
    },
  );
};
