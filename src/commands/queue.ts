import { notFound } from '../core/errors.js';
import { pendingEvent } from '../core/events.js';
import type { Actor } from '../core/model.js';
import { timerKeys } from '../core/reception/timeouts.js';
import { findConversation, withContactName } from '../storage/conversations.js';
import { one } from '../storage/db.js';
import { cancelTimers } from '../timers/timers.js';
import { runCommand, type CommandContext } from './context.js';

/**
 * The customer stops waiting in the queue (放弃排队): they left it (`left`, from the
 * widget) or closed the widget past the grace period (`gone`). The conversation
 * ends and is recorded as abandoned. Returns false when it no longer waits (an
 * agent took it, or it ended). `contactId`: the caller must be this customer.
 */
export async function abandonQueue(ctx: CommandContext, conversationId: number, reason: 'left' | 'gone', contactId?: number): Promise<boolean> {
  return runCommand(ctx, async (sql) => {
    const conv = await findConversation(sql, conversationId, { lock: true, contactId });
    if (!conv) throw notFound('conversation');
    if (conv.status === 'resolved' || conv.assigneeId !== null || !conv.queuedAt) return { result: false, events: [] };
    const row = await one(
      sql,
      `UPDATE conversations SET abandoned_at = now(), queued_at = NULL, status = 'resolved', resolved_at = now(), updated_at = now() WHERE id = $1 RETURNING *`,
      [conv.id],
    );
    const ended = withContactName(row, conv);
    ctx.conversationStates?.delete(conv.id);
    await cancelTimers(sql, timerKeys.all(conv.id));
    const actor: Actor = reason === 'left' ? { type: 'customer', id: conv.contactId } : { type: 'system', id: null };
    const base = { workspaceId: conv.workspaceId, conversationId: conv.id, actor };
    const waitedSeconds = Math.round((Date.now() - new Date(conv.queuedAt).getTime()) / 1000);
    return {
      result: true,
      events: [
        pendingEvent('conversation.abandoned', { ...base, data: { waitedSeconds, reason }, subject: ended }),
        pendingEvent('conversation.status_changed', { ...base, data: { from: conv.status, to: 'resolved', reason: 'abandoned' }, subject: ended }),
      ],
    };
  });
}
