import { isEvent, type DomainEvent } from '../core/events.js';
import type { Conversation } from '../core/model.js';
import { asksForHuman, builtInReply, renderTemplate } from '../core/reception/reception.js';
import type { Listener } from '../events/dispatcher.js';
import type { RealtimeBus } from '../realtime/bus.js';
import type { Router, RouterContext } from '../routing/router.js';
import { maybeOne } from '../storage/db.js';
import { say } from './say.js';

/**
 * Reception as a listener: it receives new conversations (bot, people or 留言),
 * lets the bot answer and hand over (转人工), sends the automatic replies
 * (欢迎语, agent joined, offline reply), serves queues when a slot frees up, and
 * tells waiting customers their queue position. It never touches the message path.
 */
export function receptionListener(deps: { ctx: RouterContext; router: Router; bus: RealtimeBus }): Listener {
  const { ctx, router, bus } = deps;
  const queues = new QueueNotifier(router, bus);

  const settingsOf = (conv: Conversation) => ctx.reception.get(conv.inboxId);

  return {
    name: 'reception',
    events: [
      'conversation.created',
      'message.created',
      'conversation.assigned',
      'conversation.status_changed',
      'conversation.queued',
      'conversation.abandoned',
      'conversation.transferred',
      'agent.presence_changed',
      'agent.updated',
      'contact.updated',
    ],
    async handle(e: DomainEvent) {
      if (isEvent(e, 'conversation.created')) {
        const conv = e.subject;
        await say(ctx, conv, (await settingsOf(conv)).messages.welcome, `auto:welcome:${conv.id}`);
        await router.receive(conv.id);
        return;
      }
      if (isEvent(e, 'message.created')) {
        const { message, conversation: conv } = e.subject;
        if (message.senderType !== 'customer' || conv.status === 'resolved') return;
        if (conv.handler === 'offline') {
          // 留言: the offline reply answers the customer's first message (once: its id is fixed)
          await say(ctx, conv, (await settingsOf(conv)).messages.offline, `auto:offline:${conv.id}`);
          return;
        }
        if (conv.handler !== 'bot') return;
        const settings = await settingsOf(conv);
        if (asksForHuman(message.content)) {
          const handler = await router.handoff(conv.id);
          if (handler === 'offline') await say(ctx, conv, settings.messages.offline, `auto:offline:${conv.id}`);
          if (handler !== 'bot') return;
        }
        const locale = (await maybeOne(ctx.db, 'SELECT settings FROM inboxes WHERE id = $1', [conv.inboxId]))?.settings?.locale === 'en' ? 'en' : 'zh-CN';
        await say(ctx, conv, builtInReply(message.content, locale, settings.mode !== 'bot_only'), `bot:${message.id}`, { as: 'bot' });
        return;
      }
      if (isEvent(e, 'conversation.assigned')) {
        const conv = e.subject;
        if (e.data.to !== null && conv.status !== 'resolved') {
          const agent = await maybeOne(ctx.db, 'SELECT name, agent_no FROM agents WHERE id = $1', [e.data.to]);
          const template = (await settingsOf(conv)).messages.agentJoined;
          if (agent && template) await say(ctx, conv, renderTemplate(template, { name: agent.name, agentNo: agent.agent_no }), `auto:joined:${conv.id}:${e.id}`);
        }
        if (e.data.from !== null) await router.drainForAgent(e.workspaceId, e.data.from); // a slot freed up
        if (e.data.to === null && conv.status === 'open' && conv.handler === 'human') await router.route(conv.id); // back to the pool
        queues.touch(conv);
        return;
      }
      if (isEvent(e, 'conversation.status_changed')) {
        const conv = e.subject;
        if (conv.assigneeId !== null && e.data.to !== 'open') await router.drainForAgent(e.workspaceId, conv.assigneeId);
        if (e.data.to === 'open' && conv.assigneeId === null && conv.handler === 'human') await router.route(conv.id);
        queues.touch(conv);
        return;
      }
      if (isEvent(e, 'conversation.queued') || isEvent(e, 'conversation.abandoned') || isEvent(e, 'conversation.transferred')) {
        queues.touch(e.subject);
        if (isEvent(e, 'conversation.transferred') && e.data.fromGroupId !== e.data.toGroupId) queues.touch({ ...e.subject, groupId: e.data.fromGroupId });
        return;
      }
      if (isEvent(e, 'agent.presence_changed')) {
        if (e.data.to === 'online') await router.drainForAgent(e.workspaceId, e.subject.id);
        return;
      }
      if (isEvent(e, 'agent.updated')) {
        // a raised limit or a reactivation may free seats; a renamed agent does not
        const seats = e.data.fields.includes('maxConcurrent') || e.data.fields.includes('active');
        if (seats && e.subject.active && e.subject.availability === 'online') await router.drainForAgent(e.workspaceId, e.subject.id);
        return;
      }
      if (isEvent(e, 'contact.updated') && e.data.fields.includes('vip')) {
        // a VIP moves up the queues they wait in: everyone there gets their new position
        const waiting = await ctx.db.query(`SELECT DISTINCT group_id FROM conversations WHERE contact_id = $1 AND queued_at IS NOT NULL`, [e.subject.id]);
        for (const w of waiting) queues.touch({ workspaceId: e.workspaceId, groupId: w.group_id, handler: 'human' });
      }
    },
  };
}

/**
 * Publishes a group's queue positions after it changes, at most every 300 ms
 * (a burst of changes makes one update).
 */
class QueueNotifier {
  private readonly pending = new Map<string, { workspaceId: number; groupId: number | null }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly router: Router,
    private readonly bus: RealtimeBus,
  ) {}

  touch(conv: Pick<Conversation, 'workspaceId' | 'groupId' | 'handler'>): void {
    if (conv.handler !== 'human') return;
    this.pending.set(`${conv.workspaceId}:${conv.groupId}`, { workspaceId: conv.workspaceId, groupId: conv.groupId });
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), 300);
      this.timer.unref();
    }
  }

  private async flush(): Promise<void> {
    this.timer = null;
    const batch = [...this.pending.values()];
    this.pending.clear();
    for (const { workspaceId, groupId } of batch) {
      try {
        const entries = await this.router.queue(workspaceId, groupId);
        await this.bus.publish({ t: 'queue', workspaceId, groupId, entries });
      } catch {
        // the next change (or the periodic sweep) publishes again
      }
    }
  }
}
