import { maskContact } from '../core/contacts/masking.js';
import { isEvent, type DomainEvent } from '../core/events.js';
import type { Conversation } from '../core/model.js';
import type { Listener } from '../events/dispatcher.js';
import type { Db } from '../storage/db.js';
import type { PublicAgent, RealtimeBus } from '../bus/bus.js';

/**
 * Realtime delivery as a listener: committed events become bus messages, which
 * every instance's gateway fans out to the WebSocket clients allowed to see them.
 */
export function realtimeListener(bus: RealtimeBus, db: Db): Listener {
  const assigneeOf = async (conv: Conversation): Promise<PublicAgent | null> => {
    if (conv.assigneeId === null) return null;
    const rows = await db.query('SELECT id, name, agent_no FROM agents WHERE id = $1', [conv.assigneeId]);
    return rows[0] ? { id: rows[0].id, name: rows[0].name, agentNo: rows[0].agent_no } : null;
  };
  const conversationChange = async (e: DomainEvent, conv: Conversation, change: 'created' | 'assigned' | 'status' | 'handler') =>
    bus.publish({ t: 'conversation', workspaceId: e.workspaceId, contactId: conv.contactId, change, conversation: conv, assignee: await assigneeOf(conv) });

  return {
    name: 'realtime',
    events: [
      'message.created',
      'conversation.created',
      'conversation.assigned',
      'conversation.status_changed',
      'conversation.handler_changed',
      'conversation.queued',
      'conversation.transferred',
      'agent.presence_changed',
      'agent.created',
      'agent.updated',
      'contact.updated',
      'contact.merged',
      'contact.merge_undone',
      'contact.erased',
      'conversation.response_overdue',
      'invitation.created',
      'message.analyzed',
      'qa.alert_raised',
      'qa.appeal_changed',
      'csat.rated',
    ],
    async handle(e) {
      if (isEvent(e, 'message.created')) {
        const { message, conversation } = e.subject;
        await bus.publish({ t: 'message', workspaceId: e.workspaceId, contactId: conversation.contactId, message, conversation });
      } else if (isEvent(e, 'conversation.created')) {
        await conversationChange(e, e.subject, 'created');
      } else if (isEvent(e, 'conversation.assigned')) {
        await conversationChange(e, e.subject, 'assigned');
      } else if (isEvent(e, 'conversation.status_changed')) {
        await conversationChange(e, e.subject, 'status');
      } else if (isEvent(e, 'conversation.handler_changed') || isEvent(e, 'conversation.queued') || isEvent(e, 'conversation.transferred')) {
        // the consoles' lists show who handles it, whether it waits, and its group
        await conversationChange(e, e.subject, 'handler');
      } else if (isEvent(e, 'agent.presence_changed')) {
        await bus.publish({ t: 'presence', workspaceId: e.workspaceId, agentId: e.subject.id, availability: e.data.to });
      } else if (isEvent(e, 'agent.created') || isEvent(e, 'agent.updated')) {
        await bus.publish({ t: 'agent', workspaceId: e.workspaceId, agent: e.subject });
      } else if (isEvent(e, 'message.analyzed')) {
        // agent assist: emotion badges, signal tags and the coaching card on the consoles
        await bus.publish({ t: 'analysis', workspaceId: e.workspaceId, analysis: e.subject.analysis, insight: e.subject.insight });
      } else if (isEvent(e, 'csat.rated')) {
        await bus.publish({ t: 'rating', workspaceId: e.workspaceId, rating: e.subject });
      } else if (isEvent(e, 'contact.merged') || isEvent(e, 'contact.merge_undone') || isEvent(e, 'contact.erased')) {
        // the customer now has the visitor's conversations (or has them back): consoles refresh that contact
        await bus.publish({ t: 'contact', workspaceId: e.workspaceId, contact: maskContact(e.subject).contact });
      } else if (isEvent(e, 'contact.updated')) {
        // personal data leaves masked, as from every route (docs/privacy.md)
        await bus.publish({ t: 'contact', workspaceId: e.workspaceId, contact: maskContact(e.subject).contact });
      } else if (isEvent(e, 'conversation.response_overdue') && e.data.action === 'reminded') {
        // 超时提醒 on the agent's console
        const { agentId, waitedSeconds } = e.data;
        await bus.publish({ t: 'alert', workspaceId: e.workspaceId, agentId, alert: { kind: 'response_timeout', conversationId: e.subject.id, waitedSeconds, contactName: e.subject.contactName } });
      } else if (isEvent(e, 'qa.alert_raised')) {
        // 智能质检, live: the group's supervisors see the finding as the agent sends
        for (const agentId of e.data.recipients) await bus.publish({ t: 'alert', workspaceId: e.workspaceId, agentId, alert: { kind: 'qa_finding', ...e.subject } });
      } else if (isEvent(e, 'qa.appeal_changed')) {
        // 申诉: the deciders learn of an appeal to decide, the agent of the decision
        const a = e.subject;
        const alert = { kind: 'qa_appeal' as const, appealId: a.id, inspectionId: a.inspectionId, conversationId: a.conversationId, findingKey: a.findingKey, action: e.data.action, stage: a.stage, status: a.status, final: a.final };
        for (const agentId of e.data.notify) await bus.publish({ t: 'alert', workspaceId: e.workspaceId, agentId, alert });
      } else if (isEvent(e, 'invitation.created') && e.data.kind === 'agent') {
        // 主动邀请: to the visitor's open widgets (an automatic one goes to the page that armed it)
        await bus.publish({ t: 'invite', workspaceId: e.workspaceId, contactId: e.data.contactId, invitation: e.subject });
      }
    },
  };
}
