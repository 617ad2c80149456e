import type { CommandContext } from '../commands/context.js';
import { defineConsumer } from '../events/consumers.js';
import { findConversation } from '../storage/conversations.js';
import { messagesFor } from '../core/reception/settings.js';
import { say } from './say.js';

/** Conversations remembered as answered (per instance); one forgotten costs two reads again, nothing more. */
const REMEMBERED = 20_000;

/**
 * 离线自动回复: when nobody can answer (a 留言), the inbox's offline reply answers the
 * customer, once per conversation — after their first message in a 留言, or at once
 * when 转人工 found nobody on duty. The fixed clientMessageId makes a second
 * delivery of the event (at least once) write nothing.
 */
export function offlineReplyConsumer(ctx: CommandContext) {
  // Once the reply is in a conversation it is never sent again (its clientMessageId is
  // per conversation): a customer who goes on writing in a 留言 costs no further reads
  // (before: two statements per message, a third of the HTTP client API's load).
  const answered = new Set<number>();
  return defineConsumer({
    name: 'reception.offline_reply',
    events: ['message.created', 'conversation.handler_changed'],
    match: { 'message.created': { senderType: ['customer'], handler: ['offline'] }, 'conversation.handler_changed': { to: ['offline'] } },
    async handle(e) {
      if (e.conversationId === null || answered.has(e.conversationId)) return;
      const conv = await findConversation(ctx.db, e.conversationId);
      if (!conv || conv.status === 'resolved' || conv.handler !== 'offline') return; // an agent took it meanwhile
      const messages = messagesFor(await ctx.reception.get(conv.inboxId), conv.locale);
      if (!messages.offline?.trim()) return; // no reply set (yet): a later message may get one
      await say(ctx, conv, messages.offline, `auto:offline:${conv.id}`);
      answered.add(conv.id);
      if (answered.size > REMEMBERED) answered.delete(answered.values().next().value as number);
    },
  });
}
