import type { CommandContext } from '../commands/context.js';
import { renderTemplate } from '../core/reception/reception.js';
import { defineConsumer } from '../events/consumers.js';
import { findConversation } from '../storage/conversations.js';
import { maybeOne } from '../storage/db.js';
import { messagesFor } from '../core/reception/settings.js';
import { say } from './say.js';

/** "工号 1024 小王 为您服务": the customer learns who serves them whenever an agent takes the conversation. */
export function agentJoinedConsumer(ctx: CommandContext) {
  return defineConsumer({
    name: 'reception.agent_joined',
    events: ['conversation.assigned'],
    async handle(e) {
      if (e.data.to === null || e.conversationId === null) return;
      const conv = await findConversation(ctx.db, e.conversationId);
      if (!conv || conv.status === 'resolved') return;
      const template = messagesFor(await ctx.reception.get(conv.inboxId), conv.locale).agentJoined;
      const agent = template ? await maybeOne(ctx.db, 'SELECT name, agent_no FROM agents WHERE id = $1', [e.data.to]) : null;
      if (!agent || !template) return;
      // one line per assignment: the event's id makes a second delivery a no-op
      await say(ctx, conv, renderTemplate(template, { name: agent.name, agentNo: agent.agent_no }), `auto:joined:${conv.id}:${e.id}`);
    },
  });
}
