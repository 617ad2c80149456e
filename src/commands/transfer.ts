import { DomainError, notFound } from '../core/errors.js';
import { pendingEvent, type DomainEvent } from '../core/events.js';
import type { Actor, Conversation } from '../core/model.js';
import { assertCanTransfer, isLead, type Caller } from '../core/permissions.js';
import { findConversation, withContactName } from '../storage/conversations.js';
import { maybeOne, one, withRetry } from '../storage/db.js';
import { appendEvents } from '../storage/events.js';
import { runCommand, type CommandContext } from './context.js';
import { writeMessageIn } from './messages.js';
import { restartResponseDeadline } from './response-deadline.js';
import { reserveSeat } from './seats.js';

export type TransferTarget = { type: 'agent'; agentId: number } | { type: 'group'; groupId: number } | { type: 'leader' };

/**
 * 转接 / 升级, in one transaction: to an agent (who must have room, unless a
 * supervisor forces it), to a skill group (routed there right after, maybe queued),
 * or to the group's leader (组长: escalation may exceed their limit, the leader
 * decides). The note reaches the receiver as a private note, after the transfer.
 */
export async function transferConversation(
  ctx: CommandContext,
  caller: Caller,
  conversationId: number,
  target: TransferTarget,
  note: string | null,
  callerName: string | null = null,
  opts: { force?: boolean } = {},
): Promise<Conversation> {
  const actor: Actor = { type: 'agent', id: caller.agentId };
  return withRetry(() =>
    runCommand(ctx, async (sql) => {
      const conv = await findConversation(sql, conversationId, { workspaceId: caller.workspaceId, lock: true });
      if (!conv) throw notFound('conversation');
      if (conv.status === 'resolved') throw new DomainError('conversation_resolved', 'reopen the conversation before transferring it', 409);
      assertCanTransfer(caller, conv);
      let toAgent: number | null = null;
      let toGroup = conv.groupId;
      if (target.type === 'agent') {
        if (target.agentId === conv.assigneeId) throw new DomainError('same_agent', 'the conversation is already with this agent', 409);
        toAgent = target.agentId;
        await reserveSeat(sql, caller.workspaceId, toAgent, { force: opts.force && isLead(caller.role) });
      } else if (target.type === 'leader') {
        if (!conv.groupId) throw new DomainError('no_leader', 'this conversation has no skill group, so no 组长 to escalate to: transfer it to an agent or a group', 409);
        const g = await one(sql, 'SELECT leader_id, name FROM skill_groups WHERE id = $1', [conv.groupId]);
        if (!g.leader_id) throw new DomainError('no_leader', `skill group ${g.name} has no 组长 (leader): set one in 技能组 settings`, 409);
        if (g.leader_id === conv.assigneeId) throw new DomainError('same_agent', 'the conversation is already with the group leader', 409);
        toAgent = g.leader_id as number;
        await reserveSeat(sql, caller.workspaceId, toAgent, { force: true });
      } else {
        const g = await maybeOne(sql, 'SELECT id FROM skill_groups WHERE id = $1 AND workspace_id = $2', [target.groupId, caller.workspaceId]);
        if (!g) throw notFound('skill_group');
        toGroup = target.groupId;
      }
      const row = await one(
        sql,
        `UPDATE conversations SET assignee_id = $2, group_id = $3, handler = 'human', queued_at = NULL, updated_at = now() WHERE id = $1 RETURNING *`,
        [conv.id, toAgent, toGroup],
      );
      const moved = withContactName(row, conv);
      if (toAgent !== null) await sql.query('UPDATE agents SET last_assigned_at = now() WHERE id = $1', [toAgent]);
      await restartResponseDeadline(ctx, sql, moved);
      ctx.conversationStates?.delete(conv.id);
      const base = { workspaceId: conv.workspaceId, conversationId: conv.id, actor };
      // logged now, so the note's message comes after them in the log
      const events: DomainEvent[] = await appendEvents(sql, [
        pendingEvent('conversation.transferred', {
          ...base,
          data: { kind: target.type, fromAgentId: conv.assigneeId, toAgentId: toAgent, fromGroupId: conv.groupId, toGroupId: toGroup, note },
          subject: moved,
        }),
        ...(conv.assigneeId !== toAgent
          ? [pendingEvent('conversation.assigned', { ...base, data: { from: conv.assigneeId, to: toAgent, reason: target.type === 'leader' ? 'escalation' : 'transfer' }, subject: moved })]
          : []),
        ...(conv.handler !== 'human' ? [pendingEvent('conversation.handler_changed', { ...base, data: { from: conv.handler, to: 'human' }, subject: moved })] : []),
      ]);
      if (!note) return { result: moved, events };
      const written = await writeMessageIn(ctx, sql, {
        workspaceId: caller.workspaceId,
        conversationId,
        senderType: 'agent',
        senderId: caller.agentId,
        senderName: callerName,
        content: `【${target.type === 'leader' ? '升级' : '转接'}说明】${note}`,
        private: true,
      });
      const last = written.events.find((e) => e.type === 'message.created') as DomainEvent<'message.created'> | undefined;
      return { result: last?.subject.conversation ?? moved, events: [...events, ...written.events] };
    }),
  );
}
