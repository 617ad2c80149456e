import type { CommandContext } from '../commands/context.js';
import { shouldAskOnEnd } from '../core/csat/rating.js';
import { defineConsumer } from '../events/consumers.js';
import { findConversation } from '../storage/conversations.js';
import { sendRatingRequest } from './commands.js';
import { findRatingRow, findRequest } from './store.js';

/**
 * 满意度, the worked example of "adding a feature = one consumer": when a conversation
 * ends, the customer is asked to rate it (a system message the widget shows as a rating
 * card). A durable consumer of the close, so a crash between the close and the request
 * loses nothing; the request's clientMessageId is per conversation, so a redelivery (or a
 * reopened conversation closed again) asks no second time.
 */
export function csatRequestConsumer(ctx: CommandContext) {
  return defineConsumer({
    name: 'csat.request',
    events: ['conversation.status_changed'],
    match: { 'conversation.status_changed': { to: ['resolved'] } },
    async handle(e) {
      if (e.conversationId === null) return;
      const conv = await findConversation(ctx.db, e.conversationId);
      if (!conv || conv.status !== 'resolved') return; // reopened meanwhile: its next end asks
      const settings = await ctx.reception.get(conv.inboxId);
      const served = await ctx.db.query(
        `SELECT 1 FROM messages WHERE conversation_id = $1 AND sender_type IN ('agent', 'bot') AND NOT private LIMIT 1`,
        [conv.id],
      );
      const ask = shouldAskOnEnd({
        settings: settings.csat,
        endedBy: e.actor.type === 'customer' ? 'customer' : e.actor.type === 'agent' ? 'agent' : e.actor.type === 'bot' ? 'bot' : 'system',
        reason: e.data.reason,
        served: served.length > 0,
        requested: (await findRequest(ctx.db, conv.id)) !== null,
        rated: (await findRatingRow(ctx.db, conv.id)) !== null,
      });
      if (ask) await sendRatingRequest(ctx, conv, settings, 'close');
    },
  });
}
