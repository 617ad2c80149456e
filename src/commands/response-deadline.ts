import type { Conversation } from '../core/model.js';
import { responseDeadline, timerKeys } from '../core/reception/timeouts.js';
import type { CommandContext } from './context.js';
import type { Sql } from '../storage/db.js';
import { cancelTimers, scheduleTimer } from '../timers/timers.js';

/**
 * A conversation changed hands (assigned, transferred, taken from the queue):
 * the response clock belongs to the new agent and starts now — if the customer
 * is waiting for an answer at all.
 */
export async function restartResponseDeadline(ctx: CommandContext, sql: Sql, conv: Conversation): Promise<void> {
  // No one waiting: no deadline can exist (an answer cancels it in the same statement).
  if (!conv.waitingSince) return;
  await cancelTimers(sql, [timerKeys.response(conv.id)]);
  if (conv.assigneeId === null || conv.status === 'resolved') return;
  const settings = await ctx.reception.get(conv.inboxId, sql);
  const seconds = settings.timeouts.agentResponseSeconds;
  if (!seconds) return;
  const t = responseDeadline(conv.id, new Date(Date.now() + seconds * 1000));
  await scheduleTimer(sql, { ...t, workspaceId: conv.workspaceId }, 'replace');
}
