import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listSkillGroups } from '../../commands/skill-groups.js';
import { MAX_TRANSFER_NOTE_CHARS } from '../../core/limits.js';
import { saturation } from '../../core/routing/routing.js';
import { text } from '../../core/text-schema.js';
import { transferConversation } from '../../commands/transfer.js';
import { AGENT_AVAILABLE, SERVING } from '../../storage/seats.js';
import { CONVERSATION_COLUMNS, CONVERSATION_FROM, toConversation } from '../../storage/rows.js';
import { callerOf, requireAgent } from '../../http/context.js';
import { conversationSchema, errorSchema, idParam } from '../../http/schemas.js';

/** Transfers (转接 / 升级) and the live queues supervisors watch (排队监控). */
export const routingPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', requireAgent);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ctx = app.zhike;

  r.post(
    '/conversations/:id/transfer',
    {
      schema: {
        tags: ['conversations'],
        operationId: 'transferConversation', summary: 'Transfer (转接) to an agent or a skill group, or escalate (升级) to the group leader',
        description:
          'The note reaches the receiver as a private note. An agent must have room (接待上限); a group routes the conversation (it may queue). ' +
          'Escalation to the 组长 may exceed their limit: the leader decides.',
        params: idParam,
        body: z.object({
          target: z.discriminatedUnion('type', [
            z.object({ type: z.literal('agent'), agentId: z.number().int().positive() }),
            z.object({ type: z.literal('group'), groupId: z.number().int().positive() }),
            z.object({ type: z.literal('leader') }),
          ]),
          note: text({ trim: true, max: MAX_TRANSFER_NOTE_CHARS }).nullable().default(null).describe('转接说明 the receiver sees'),
          force: z.boolean().default(false).describe('Supervisors: transfer to an agent even above their 接待上限'),
        }),
        response: { 200: conversationSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req) =>
      transferConversation(ctx, callerOf(req), req.params.id, req.body.target, req.body.note || null, req.session!.agent.name, { force: req.body.force }),
  );

  const agentLoad = z.object({
    id: z.number(),
    name: z.string(),
    agentNo: z.string().nullable(),
    availability: z.enum(['online', 'away', 'offline']),
    connected: z.boolean().describe('A console is open right now'),
    load: z.number().describe('Open conversations'),
    max: z.number().describe('接待上限'),
    saturation: z.number().describe('饱和度: load / max'),
  });

  r.get(
    '/queues',
    {
      schema: {
        tags: ['routing'],
        operationId: 'listQueues', summary: 'Live queues and agent load per skill group (all agents: group null)',
        description: 'Supervisors and admins see every group; agents see the groups they belong to and the all-agents pool.',
        response: {
          200: z.object({
            queues: z.array(
              z.object({
                group: z.object({ id: z.number(), name: z.string(), strategy: z.string() }).nullable(),
                waiting: z.array(z.object({ conversation: conversationSchema, position: z.number(), waitedSeconds: z.number(), etaSeconds: z.number() })),
                agents: z.array(agentLoad),
              }),
            ),
          }),
        },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      const lead = caller.role !== 'agent';
      const groups = (await listSkillGroups(ctx.db, caller.workspaceId)).filter((g) => lead || g.memberIds.includes(caller.agentId));
      const agents = await ctx.db.query(
        `SELECT a.id, a.name, a.agent_no, a.availability, a.max_concurrent, (a.last_seen_at > now() - interval '60 seconds') AS connected,
           ${AGENT_AVAILABLE} AS available,
           (SELECT count(*) FROM conversations c WHERE c.assignee_id = a.id AND c.status = 'open') AS load
         FROM agents a WHERE a.workspace_id = $1 AND a.active AND ${SERVING} ORDER BY a.id`,
        [caller.workspaceId],
      );
      const toLoad = (a: Record<string, any>) => ({
        id: a.id,
        name: a.name,
        agentNo: a.agent_no,
        availability: a.availability,
        connected: a.connected ?? false,
        load: Number(a.load),
        max: a.max_concurrent,
        saturation: saturation({ load: Number(a.load), max: a.max_concurrent }),
      });
      const queues = [];
      for (const g of [null, ...groups]) {
        const entries = await app.router.queue(caller.workspaceId, g?.id ?? null);
        const ids = entries.map((e) => e.conversationId);
        const rows = ids.length
          ? await ctx.db.query(`SELECT ${CONVERSATION_COLUMNS} FROM ${CONVERSATION_FROM} WHERE c.id = ANY($1::bigint[])`, [ids])
          : [];
        const byId = new Map(rows.map((row) => [row.id, toConversation(row)]));
        queues.push({
          group: g ? { id: g.id, name: g.name, strategy: g.strategy } : null,
          waiting: entries
            .filter((e) => byId.has(e.conversationId))
            .map((e) => {
              const conversation = byId.get(e.conversationId)!;
              return { conversation, position: e.position, etaSeconds: e.etaSeconds, waitedSeconds: Math.round((Date.now() - new Date(conversation.queuedAt ?? conversation.createdAt).getTime()) / 1000) };
            }),
          agents: (g ? agents.filter((a) => g.memberIds.includes(a.id)) : agents).map(toLoad),
        });
      }
      return { queues };
    },
  );
};
