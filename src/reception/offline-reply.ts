import type { CommandContext } from '../commands/context.js';
import { defineConsumer } from '../events/consumers.js';
import { findConversation } from '../storage/conversations.js';
import { messagesFor } from '../core/reception/settings.js';
import { say } from './say.js';

/**
 * 离线自动回复: when nobody can answer (a 留言), the inbox's offline reply answers the
 * customer, once per conversation — after their first message in a 留言, or at once
 * when 转人工 found nobody on duty. The fixed clientMessageId makes a second
 * delivery of the event (at least once) write nothing.
 */
export function offlineReplyConsumer(ctx: CommandContext) {
  return defineConsumer({
    name: 'reception.offline_reply',
    events: ['message.created', 'conversation.handler_changed'],
    match: { 'message.created': { senderType: ['customer'], handler: ['offline'] }, 'conversation.handler_changed': { to: ['offline'] } },
    async handle(e) {
      if (e.conversationId === null) return;
      const conv = await findConversation(ctx.db, e.conversationId);
      if (!conv || conv.status === 'resolved' || conv.handler !== 'offline') return; // an agent took it meanwhile
      const messages = messagesFor(await ctx.reception.get(conv.inboxId), conv.locale);
      await say(ctx, conv, messages.offline, `auto:offline:${conv.id}`);
    },
  });
}
