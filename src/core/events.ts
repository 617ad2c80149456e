import type { Actor, Agent, Availability, Contact, Conversation, ConversationStatus, Handler, Inbox, Message, SkillGroup } from './model.js';

/** Why a conversation got its agent: routing strategy, a person's choice, or a rule. */
export type AssignReason = 'sticky' | 'load_balanced' | 'round_robin' | 'manual' | 'reply' | 'transfer' | 'escalation' | 'reassign';

/**
 * Domain events. Every state change produces one, written to the append-only
 * event log in the same transaction as the change, then dispatched to listeners
 * (realtime fan-out, metrics, and later automation, QA, SLA, analytics, webhooks).
 *
 * `data` is what the event log stores: small, ids and changes only.
 * `subject` is the full, current record for in-process listeners; it is not persisted.
 */
export interface EventMap {
  'conversation.created': { data: { inboxId: number; contactId: number }; subject: Conversation };
  'message.created': {
    data: { messageId: number; seq: number; senderType: Message['senderType']; private: boolean };
    subject: { message: Message; conversation: Conversation };
  };
  'conversation.assigned': { data: { from: number | null; to: number | null; reason?: AssignReason }; subject: Conversation };
  'conversation.status_changed': { data: { from: ConversationStatus; to: ConversationStatus; reason?: 'idle' | 'abandoned' }; subject: Conversation };
  /** Who handles it changed: bot → people after 转人工, people → 留言 when nobody could answer. */
  'conversation.handler_changed': { data: { from: Handler; to: Handler }; subject: Conversation };
  /** Nobody had room: the conversation waits in its group's queue (排队). */
  'conversation.queued': { data: { groupId: number | null; priority: number }; subject: Conversation };
  /** 转接 to an agent or a group, or 升级 to the group leader, with the note the receiver sees. */
  'conversation.transferred': {
    data: { kind: 'agent' | 'group' | 'leader'; fromAgentId: number | null; toAgentId: number | null; fromGroupId: number | null; toGroupId: number | null; note: string | null };
    subject: Conversation;
  };
  /** A customer message waited longer than the inbox's response timeout (超时提醒). */
  'conversation.response_overdue': { data: { agentId: number; waitedSeconds: number; action: 'reminded' | 'reassigned' }; subject: Conversation };
  /** The customer left the queue (放弃排队) before an agent took the conversation. */
  'conversation.abandoned': { data: { waitedSeconds: number; reason: 'left' | 'gone' }; subject: Conversation };
  'contact.created': { data: { inboxId: number | null }; subject: Contact };
  'contact.updated': { data: { fields: string[] }; subject: Contact };
  'agent.created': { data: { role: Agent['role'] }; subject: Agent };
  'agent.updated': { data: { fields: string[] }; subject: Agent };
  'agent.presence_changed': { data: { from: Availability; to: Availability }; subject: Agent };
  'inbox.created': { data: Record<string, never>; subject: Inbox };
  /** A 技能组 was created, changed or deleted (members, strategy, leader…). */
  'skill_group.changed': { data: { action: 'created' | 'updated' | 'deleted'; fields: string[] }; subject: SkillGroup };
  /** A 工作时间 calendar was created, changed or deleted. */
  'calendar.changed': { data: { action: 'created' | 'updated' | 'deleted' }; subject: { id: number; name: string } };
  'inbox.updated': { data: { fields: string[] }; subject: Inbox };
}

export type EventType = keyof EventMap;

export interface DomainEvent<T extends EventType = EventType> {
  /** Position in the workspace's event log; assigned on insert. */
  id: number;
  type: T;
  workspaceId: number;
  conversationId: number | null;
  actor: Actor;
  data: EventMap[T]['data'];
  subject: EventMap[T]['subject'];
  createdAt: string;
}

/** An event before it is written: the log assigns `id` and `createdAt`. */
export type PendingEvent<T extends EventType = EventType> = Omit<DomainEvent<T>, 'id' | 'createdAt'>;

export function pendingEvent<T extends EventType>(
  type: T,
  fields: { workspaceId: number; conversationId?: number | null; actor: Actor; data: EventMap[T]['data']; subject: EventMap[T]['subject'] },
): PendingEvent<T> {
  return { type, conversationId: fields.conversationId ?? null, ...fields };
}

export function isEvent<T extends EventType>(event: DomainEvent, type: T): event is DomainEvent<T> {
  return event.type === type;
}
