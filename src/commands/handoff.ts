import { pendingEvent } from '../core/events.js';
import type { Handler } from '../core/model.js';
import { handoff } from '../core/reception/reception.js';
import { findConversation, withContactName } from '../storage/conversations.js';
import { one } from '../storage/db.js';
import { receptionFacts } from '../storage/reception.js';
import { runCommand, type CommandContext } from './context.js';

/**
 * 转人工: the customer asks the bot for a person. People take over when someone is
 * on duty within business hours, else the conversation becomes a 留言; a bot-only
 * inbox keeps the bot. Returns who handles it now (null: no such conversation).
 * Routing to an agent, and the offline reply, follow as consumers of the event.
 */
export async function handOff(ctx: CommandContext, conversationId: number): Promise<Handler | null> {
  return runCommand(ctx, async (sql) => {
    const conv = await findConversation(sql, conversationId, { lock: true });
    if (!conv || conv.status === 'resolved' || conv.handler !== 'bot') return { result: conv?.handler ?? null, events: [] };
    const settings = await ctx.reception.get(conv.inboxId, sql);
    const to = handoff(await receptionFacts(sql, conv.workspaceId, settings, conv.groupId));
    if (to === conv.handler) return { result: to, events: [] };
    const row = await one(sql, 'UPDATE conversations SET handler = $2, updated_at = now() WHERE id = $1 RETURNING *', [conv.id, to]);
    const updated = withContactName(row, conv);
    ctx.conversationStates?.delete(conv.id);
    return {
      result: to,
      events: [
        pendingEvent('conversation.handler_changed', {
          workspaceId: conv.workspaceId,
          conversationId: conv.id,
          actor: { type: 'customer', id: conv.contactId },
          data: { from: conv.handler, to },
          subject: updated,
        }),
      ],
    };
  });
}
