import { pendingEvent, type PendingEvent } from '../core/events.js';
import type { Handler } from '../core/model.js';
import { handoff } from '../core/reception/reception.js';
import { findConversation, withContactName } from '../storage/conversations.js';
import { maybeOne, one } from '../storage/db.js';
import { receptionFacts } from '../storage/reception.js';
import { runCommand, type CommandContext } from './context.js';
import { restartResponseDeadline } from './response-deadline.js';
import { reserveSeat } from './seats.js';

/**
 * 转人工: the customer asks the bot for a person. People take over when someone is
 * on duty within business hours, else the conversation becomes a 留言; a bot-only
 * inbox keeps the bot. Returns who handles it now (null: no such conversation).
 * Routing to an agent, and the offline reply, follow as consumers of the event.
 *
 * `escalate` (the bot could not tell what an unrelated-sounding customer wants, METHOD.md §1):
 * to the 组长 of the conversation's skill group directly (as a 升级 does: past their limit,
 * the leader decides), else first in the group's queue (priority 1, as VIP customers).
 */
export async function handOff(ctx: CommandContext, conversationId: number, opts: { escalate?: boolean } = {}): Promise<Handler | null> {
  return runCommand(ctx, async (sql) => {
    const conv = await findConversation(sql, conversationId, { lock: true });
    if (!conv || conv.status === 'resolved' || conv.handler !== 'bot') return { result: conv?.handler ?? null, events: [] };
    const settings = await ctx.reception.get(conv.inboxId, sql);
    const to = handoff(await receptionFacts(sql, conv.workspaceId, settings, conv.groupId));
    if (to === conv.handler) return { result: to, events: [] };
    const escalate = opts.escalate === true && to === 'human';
    const leader = escalate && conv.groupId
      ? ((await maybeOne(sql, `SELECT g.leader_id FROM skill_groups g JOIN agents a ON a.id = g.leader_id AND a.active WHERE g.id = $1`, [conv.groupId]))?.leader_id ?? null)
      : null;
    if (leader !== null) await reserveSeat(sql, conv.workspaceId, leader, { force: true });
    const row = await one(
      sql,
      `UPDATE conversations SET handler = $2, updated_at = now(),
         priority = CASE WHEN $3::boolean THEN GREATEST(priority, 1) ELSE priority END,
         assignee_id = COALESCE($4::bigint, assignee_id)
       WHERE id = $1 RETURNING *`,
      [conv.id, to, escalate, leader],
    );
    const updated = withContactName(row, conv);
    ctx.conversationStates?.delete(conv.id);
    const base = { workspaceId: conv.workspaceId, conversationId: conv.id };
    const events: PendingEvent[] = [pendingEvent('conversation.handler_changed', { ...base, actor: { type: 'customer', id: conv.contactId }, data: { from: conv.handler, to }, subject: updated })];
    if (leader !== null) {
      await sql.query('UPDATE agents SET last_assigned_at = now() WHERE id = $1', [leader]);
      await restartResponseDeadline(ctx, sql, updated);
      events.push(pendingEvent('conversation.assigned', { ...base, actor: { type: 'bot', id: null }, data: { from: null, to: leader, reason: 'escalation' }, subject: updated }));
    }
    return { result: to, events };
  });
}
