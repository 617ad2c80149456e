import { notFound } from '../core/errors.js';
import { pendingEvent, type DomainEvent } from '../core/events.js';
import type { InvitationRule } from '../core/visitors/invitation.js';
import type { Invitation } from '../core/visitors/types.js';
import { maybeOne, one } from '../storage/db.js';
import { appendEvents } from '../storage/events.js';
import { runCommand, type CommandContext } from './context.js';
import { openConversationIn } from './conversations.js';
import { writeMessageIn } from './messages.js';

type AgentRef = NonNullable<Invitation['agent']>;

/**
 * 自动邀请: a rule's invitation, at most once per visit — even across tabs and
 * instances (the visit is claimed in the same transaction). Null when this visit
 * was invited already.
 */
export async function inviteAutomatically(
  ctx: CommandContext,
  input: { workspaceId: number; contactId: number; visitId: number; rule: InvitationRule },
): Promise<Invitation | null> {
  return runCommand(ctx, async (sql) => {
    const claimed = await maybeOne(sql, 'UPDATE visits SET invited_at = now() WHERE id = $1 AND invited_at IS NULL RETURNING id', [input.visitId]);
    if (!claimed) return { result: null, events: [] };
    const row = await one(
      sql,
      `INSERT INTO invitations (workspace_id, contact_id, visit_id, kind, rule_id, message) VALUES ($1, $2, $3, 'auto', $4, $5) RETURNING id`,
      [input.workspaceId, input.contactId, input.visitId, input.rule.id, input.rule.greeting],
    );
    const invitation: Invitation = { id: row.id, kind: 'auto', message: input.rule.greeting, agent: null };
    const event = pendingEvent('invitation.created', {
      workspaceId: input.workspaceId,
      actor: { type: 'system', id: null },
      data: { invitationId: row.id, contactId: input.contactId, kind: 'auto', agentId: null, ruleId: input.rule.id },
      subject: invitation,
    });
    return { result: invitation, events: [event] };
  });
}

/** 主动邀请: an agent invites a visitor who has a page open (the live listener shows it in their widgets). */
export async function inviteByAgent(
  ctx: CommandContext,
  input: { workspaceId: number; agent: AgentRef; contactId: number; visitId: number; message: string },
): Promise<Invitation> {
  return runCommand(ctx, async (sql) => {
    const row = await one(
      sql,
      `INSERT INTO invitations (workspace_id, contact_id, visit_id, kind, agent_id, message) VALUES ($1, $2, $3, 'agent', $4, $5) RETURNING id`,
      [input.workspaceId, input.contactId, input.visitId, input.agent.id, input.message],
    );
    const invitation: Invitation = { id: row.id, kind: 'agent', message: input.message, agent: input.agent };
    const event = pendingEvent('invitation.created', {
      workspaceId: input.workspaceId,
      actor: { type: 'agent', id: input.agent.id },
      data: { invitationId: row.id, contactId: input.contactId, kind: 'agent', agentId: input.agent.id, ruleId: null },
      subject: invitation,
    });
    return { result: invitation, events: [event] };
  });
}

/**
 * The visitor answers an invitation, in one transaction. Accepting an agent's
 * invitation opens a conversation with that agent (or continues the visitor's open
 * one), the invitation as its first message from them. Answering again (another
 * tab) changes nothing and returns the same outcome.
 */
export async function answerInvitation(
  ctx: CommandContext,
  input: { workspaceId: number; inboxId: number; contactId: number; invitationId: number; accept: boolean },
): Promise<{ conversationId: number | null }> {
  return runCommand(ctx, async (sql) => {
    const inv = await maybeOne(
      sql,
      `UPDATE invitations i SET status = $4, answered_at = now() WHERE id = $1 AND workspace_id = $2 AND contact_id = $3 AND status = 'pending'
       RETURNING i.*, (SELECT name FROM agents WHERE id = i.agent_id) AS agent_name, (SELECT agent_no FROM agents WHERE id = i.agent_id) AS agent_no`,
      [input.invitationId, input.workspaceId, input.contactId, input.accept ? 'accepted' : 'dismissed'],
    );
    if (!inv) {
      const exists = await maybeOne(sql, 'SELECT conversation_id FROM invitations WHERE id = $1 AND workspace_id = $2 AND contact_id = $3', [
        input.invitationId,
        input.workspaceId,
        input.contactId,
      ]);
      if (!exists) throw notFound('invitation');
      return { result: { conversationId: exists.conversation_id }, events: [] };
    }
    const invitation: Invitation = {
      id: inv.id,
      kind: inv.kind,
      message: inv.message,
      agent: inv.agent_id ? { id: inv.agent_id, name: inv.agent_name, agentNo: inv.agent_no } : null,
    };
    const events: DomainEvent[] = await appendEvents(sql, [
      pendingEvent('invitation.answered', {
        workspaceId: input.workspaceId,
        actor: { type: 'customer', id: input.contactId },
        data: { invitationId: inv.id, contactId: input.contactId, accepted: input.accept },
        subject: invitation,
      }),
    ]);
    if (!input.accept || inv.kind !== 'agent') return { result: { conversationId: null }, events };
    // the visitor's open conversation in this inbox if they have one (their answer joins it), else a new one, the agent's
    const opened = await openConversationIn(ctx, sql, { ...input, channel: 'web', assigneeId: inv.agent_id });
    const id = opened.conversation.id;
    const written = await writeMessageIn(ctx, sql, {
      workspaceId: input.workspaceId,
      conversationId: id,
      senderType: 'agent',
      senderId: inv.agent_id,
      senderName: inv.agent_name,
      content: inv.message,
      clientMessageId: `invite:${inv.id}`,
    });
    await sql.query('UPDATE invitations SET conversation_id = $2 WHERE id = $1', [inv.id, id]);
    return { result: { conversationId: id }, events: [...events, ...opened.events, ...written.events] };
  });
}
