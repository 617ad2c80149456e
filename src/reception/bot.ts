import type { CommandContext } from '../commands/context.js';
import { handOff } from '../commands/handoff.js';
import { asksForHuman, builtInReply } from '../core/reception/reception.js';
import { defineConsumer } from '../events/consumers.js';
import { findConversation, findMessage } from '../storage/conversations.js';
import { say } from './say.js';

/**
 * The bot (机器人) answers customers in conversations it handles: 转人工 hands over
 * to people (or to 留言 when nobody is on duty; the routing and offline-reply
 * consumers take it from there), anything else gets its answer. Its reply's id
 * follows the customer's message, so a second delivery writes nothing.
 */
export function botConsumer(ctx: CommandContext) {
  return defineConsumer({
    name: 'reception.bot',
    events: ['message.created'],
    match: { 'message.created': { senderType: ['customer'], handler: ['bot'] } },
    async handle(e) {
      if (e.conversationId === null) return;
      const conv = await findConversation(ctx.db, e.conversationId);
      const message = await findMessage(ctx.db, e.data.messageId);
      if (!conv || !message || conv.status === 'resolved' || conv.handler !== 'bot') return; // people took over meanwhile
      const settings = await ctx.reception.get(conv.inboxId);
      if (asksForHuman(message.content) && (await handOff(ctx, conv.id)) !== 'bot') return;
      await say(ctx, conv, builtInReply(message.content, conv.locale, settings.mode !== 'bot_only'), `bot:${message.id}`, { as: 'bot' });
    },
  });
}
