import type { Actor, Agent, Availability, Contact, Conversation, ConversationStatus, Handler, Inbox, Message, SenderType, SkillGroup } from './model.js';
import type { ConversationInsight, MessageAnalysis } from './assist/insight.js';
import type { CannedReply } from './assist/canned.js';
import type { Intent } from './nlp/types.js';
import type { Invitation, VisitStarted } from './visitors/types.js';
import type { Inspection, QaLiveAlert } from './qa/types.js';
import type { Appeal, AppealAction, AppealStage, AppealStatus } from './qa/review.js';
import type { SampleReason, SamplingPlan } from './qa/sampling.js';
import type { Compensation } from './tickets/complaint.js';
import type { ReplyPromise } from './tickets/deadlines.js';
import { TICKET_EVENT_TYPES, type TicketEventMap, type TicketEventType } from './tickets/events.js';
import type { Ticket } from './tickets/model.js';
import type { CsatRating } from './csat/rating.js';
import type { CustomFieldDef } from './contacts/custom-fields.js';
import type { ContactOrder } from './contacts/profile.js';

/** Why a conversation got its agent: routing strategy, a person's choice, or a rule. */
export type AssignReason = 'sticky' | 'load_balanced' | 'round_robin' | 'manual' | 'reply' | 'transfer' | 'escalation' | 'reassign' | 'invitation';

/**
 * The ticket core's events (src/core/tickets/events.ts) in the log: the subject is the
 * compensation for compensation.*, the promise for promise.*, the ticket for the rest.
 */
type TicketSubject<K extends TicketEventType> = K extends `compensation.${string}` ? Compensation : K extends `promise.${string}` ? ReplyPromise : Ticket;
type TicketEvents = { [K in TicketEventType]: { data: TicketEventMap[K]; subject: TicketSubject<K> } };

/**
 * Domain events. Every state change produces one, written to the append-only
 * event log in the same transaction as the change (docs/events.md lists them).
 * Features react to them: live listeners right after commit (realtime fan-out,
 * metrics), durable consumers from the log (bot, automatic replies, routing, and
 * later quality inspection, SLA clocks, analytics, webhooks, channel senders).
 *
 * `data` is what the log stores: small — the id of what changed, the change, and
 * what consumers need to decide whether an event concerns them without a read.
 * `subject` is the full, current record, for live listeners only: it is not stored,
 * so durable consumers read the current state themselves.
 */
export interface EventMap extends TicketEvents {
  'conversation.created': { data: { inboxId: number; contactId: number; handler: Handler; assigneeId: number | null }; subject: Conversation };
  'message.created': {
    /**
     * `handler`: who answered the conversation when the message was written (bot, people, 留言);
     * `assigneeId`: its agent then, or null; `queued`: waiting in a queue then. A customer writing
     * with people, nobody assigned and no queue place (their first message) is routed.
     */
    data: { messageId: number; seq: number; senderType: SenderType; private: boolean; handler: Handler; assigneeId: number | null; queued: boolean };
    subject: { message: Message; conversation: Conversation };
  };
  'conversation.assigned': { data: { from: number | null; to: number | null; reason?: AssignReason }; subject: Conversation };
  /**
   * `reason`: idle (closed after silence), abandoned (left the queue), duplicate (a second open one, ended by migration 006),
   * merged (the older of two open ones in an inbox when a visitor was merged into the customer they identified as).
   */
  'conversation.status_changed': { data: { from: ConversationStatus; to: ConversationStatus; reason?: 'idle' | 'abandoned' | 'duplicate' | 'merged' }; subject: Conversation };
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
  'contact.created': { data: { contactId: number; inboxId: number | null }; subject: Contact };
  'contact.updated': { data: { contactId: number; fields: string[] }; subject: Contact };
  /** A visitor identified as a known customer (a signed user id): their conversations and the rest moved to `into`; the subject is that customer. */
  'contact.merged': { data: { contactId: number; into: number; conversationIds: number[]; ended: number[]; mergeId?: number }; subject: Contact };
  /** A supervisor undid a manual merge (`mergeId`): the rows it moved went back to `contactId`; the subject is that contact. */
  'contact.merge_undone': { data: { mergeId: number; contactId: number; into: number; conversationIds: number[] }; subject: Contact };
  /** PIPL erasure: the contact's personal data and its customer's words were blanked in place (counts and times kept). */
  'contact.erased': { data: { contactId: number }; subject: Contact };
  /** An admin created, changed or deleted a custom contact field (客户字段). */
  'contact.field_changed': { data: { fieldId: number; key: string; action: 'created' | 'updated' | 'deleted' }; subject: CustomFieldDef };
  /** The site pushed an order of the contact: new (`created`) or updated. */
  'contact.order_saved': { data: { contactId: number; orderId: string; created: boolean }; subject: ContactOrder };
  /** A CSV import created and updated contacts. */
  'contacts.imported': { data: { created: number; updated: number }; subject: { created: number; updated: number } };
  'agent.created': { data: { agentId: number; role: Agent['role'] }; subject: Agent };
  'agent.updated': { data: { agentId: number; fields: string[] }; subject: Agent };
  'agent.presence_changed': { data: { agentId: number; from: Availability; to: Availability }; subject: Agent };
  'inbox.created': { data: { inboxId: number }; subject: Inbox };
  'inbox.updated': { data: { inboxId: number; fields: string[] }; subject: Inbox };
  /** A 技能组 was created, changed or deleted (members, strategy, leader…). */
  'skill_group.changed': { data: { groupId: number; action: 'created' | 'updated' | 'deleted'; fields: string[] }; subject: SkillGroup };
  /** A 工作时间 calendar was created, changed or deleted. */
  'calendar.changed': { data: { calendarId: number; action: 'created' | 'updated' | 'deleted' }; subject: { id: number; name: string } };
  /** A visitor was invited to chat: by a rule (自动邀请) or by an agent (主动邀请). */
  /** A visitor's new visit (a browser session on the site, 访客): the first page of it reached the widget. */
  'visit.started': { data: { visitId: number; contactId: number; inboxId: number; sourceKind: string }; subject: VisitStarted };
  'invitation.created': { data: { invitationId: number; contactId: number; kind: Invitation['kind']; agentId: number | null; ruleId: string | null }; subject: Invitation };
  /** The visitor accepted or dismissed an invitation; accepting an agent's opens (or continues) a conversation. */
  'invitation.answered': { data: { invitationId: number; contactId: number; accepted: boolean }; subject: Invitation };
  /** A customer message was analysed (agent assist): its intent, emotion and signals; the subject adds the conversation's new picture. */
  'message.analyzed': {
    data: { messageId: number; intent: MessageAnalysis['intent']['label']; emotion: MessageAnalysis['emotion']['label']; signals: MessageAnalysis['signals'] };
    subject: { analysis: MessageAnalysis; insight: ConversationInsight };
  };
  /** A 快捷回复 was created, changed or deleted: personal (`ownerId` the agent) or the team's (`ownerId` null). */
  'canned_reply.changed': { data: { replyId: number; ownerId: number | null; action: 'created' | 'updated' | 'deleted'; fields: string[] }; subject: CannedReply };
  /** An admin taught the workspace's intent classifier an example (分析实验室); it is retrained. */
  'nlp.intent_example_added': { data: { exampleId: number; locale: 'zh-CN' | 'en'; label: Intent }; subject: { id: number; locale: 'zh-CN' | 'en'; label: Intent; text: string } };
  /** A 知识库 article was created, edited, deleted, or a CSV import changed many (articleId null, count). */
  'knowledge.article_changed': {
    data: { articleId: number | null; action: 'created' | 'updated' | 'deleted' | 'imported'; fields: string[]; count: number };
    subject: { id: number | null; question: string | null };
  };
  /** A customer rated a bot answer 有帮助 / 没帮助 (once per message, changeable). */
  'knowledge.feedback_given': { data: { messageId: number; articleId: number; helpful: boolean }; subject: { messageId: number; articleId: number; helpful: boolean } };
  /** 智能质检: a resolved conversation was inspected (a new version each time it is resolved); the subject is the inspection. */
  'conversation.inspected': {
    data: { inspectionId: number; version: number; score: number; vetoed: boolean; rules: string[]; agentId: number | null };
    subject: Inspection;
  };
  /** 智能质检, live: an agent message broke a rule that cannot wait (禁语, critical): the group's supervisors are alerted. */
  'qa.alert_raised': { data: { messageId: number; agentId: number | null; rules: string[]; recipients: number[] }; subject: QaLiveAlert };
  /** 复核 or 申诉 changed what counts of an inspection: its adjusted score (the automatic one is kept). */
  'qa.inspection_adjusted': {
    data: { inspectionId: number; reason: 'review' | 'appeal'; score: number; adjustedScore: number; agentId: number | null };
    subject: Inspection;
  };
  /** 申诉: an agent appealed a finding, a supervisor or 质检主管 decided, or the agent took it further; `notify` are told live. */
  'qa.appeal_changed': { data: { appealId: number; inspectionId: number; action: AppealAction; stage: AppealStage; status: AppealStatus; notify: number[] }; subject: Appeal };
  /** A 抽检计划 (sampling plan) was created, changed or deleted. */
  'qa.sampling_plan_changed': { data: { planId: number; action: 'created' | 'updated' | 'deleted'; fields: string[] }; subject: SamplingPlan };
  /** A sampling plan sent an inspected conversation to a reviewer for 复核. */
  'qa.review_assigned': { data: { inspectionId: number; planId: number; reviewerId: number; reason: SampleReason }; subject: { inspectionId: number; conversationId: number; reviewerId: number; reason: SampleReason } };
  /** 质检 rules edited for a workspace: a draft saved or discarded, or published as the version new inspections use. */
  'qa.pack_changed': { data: { locale: 'zh-CN' | 'en'; action: 'draft_saved' | 'draft_discarded' | 'published'; version: string | null }; subject: { locale: 'zh-CN' | 'en'; action: 'draft_saved' | 'draft_discarded' | 'published'; version: string | null } };
  /** The bot could not answer a question: counted in 未解决问题 (or one was turned into an article: articleId). */
  'knowledge.unanswered_recorded': { data: { unansweredId: number; count: number; articleId: number | null }; subject: { id: number; question: string; count: number } };
  /** 工单: subject, description, tags, category or custom fields edited (the core's events cover the rest). */
  'ticket.updated': { data: { ticketId: number; fields: string[] }; subject: Ticket };
  /** 工单: a comment, internal (内部备注) or public (also `ticket.replied`); `messageId`: the conversation message it was posted as. */
  'ticket.commented': { data: { ticketId: number; commentId: number; public: boolean; authorId: number; messageId: number | null }; subject: Ticket };
  /** An SLA policy (服务时效) was created; the workspace's first also stores the shipped defaults it had used. */
  'sla_policy.changed': { data: { policyId: number; action: 'created'; position: number }; subject: { id: number; name: string } };
  /** 承诺回复时间: an agent promised a reply by `dueAt` on a ticket or a conversation. */
  'promise.made': { data: { promiseId: number; agentId: number; ticketId: number | null; conversationId: number | null; dueAt: string }; subject: ReplyPromise };
  /** 满意度: the customer rated the conversation, or changed their rating (`previousScore`) within 24 hours. */
  'csat.rated': { data: { ratingId: number; score: number; previousScore: number | null; agentId: number | null; reasons: string[] }; subject: CsatRating };
  /** The people a media complaint (PR, 公关) or a 非正常投诉 (legal, 法务) alerts besides the supervisors. */
  'complaint.contacts_changed': { data: { pr: number[]; legal: number[] }; subject: { pr: number[]; legal: number[] } };
}

export type EventType = keyof EventMap;

/** Every event type, for validation and documentation. */
export const EVENT_TYPES = [
  'conversation.created',
  'message.created',
  'conversation.assigned',
  'conversation.status_changed',
  'conversation.handler_changed',
  'conversation.queued',
  'conversation.transferred',
  'conversation.response_overdue',
  'conversation.abandoned',
  'contact.created',
  'contact.updated',
  'contact.merged',
  'contact.merge_undone',
  'contact.erased',
  'contact.field_changed',
  'contact.order_saved',
  'contacts.imported',
  'agent.created',
  'agent.updated',
  'agent.presence_changed',
  'inbox.created',
  'inbox.updated',
  'skill_group.changed',
  'calendar.changed',
  'visit.started',
  'invitation.created',
  'invitation.answered',
  'message.analyzed',
  'canned_reply.changed',
  'nlp.intent_example_added',
  'knowledge.article_changed',
  'knowledge.feedback_given',
  'knowledge.unanswered_recorded',
  'conversation.inspected',
  'qa.alert_raised',
  'qa.inspection_adjusted',
  'qa.appeal_changed',
  'qa.sampling_plan_changed',
  'qa.review_assigned',
  'qa.pack_changed',
  ...TICKET_EVENT_TYPES,
  'ticket.updated',
  'ticket.commented',
  'sla_policy.changed',
  'promise.made',
  'complaint.contacts_changed',
  'csat.rated',
] as const satisfies readonly EventType[];

/**
 * Events that describe another event of their conversation and change none of its
 * state (an analysis of a message, a 质检 result). They always come after the event they describe
 * (written once it was read from the log), but take no turn in the conversation's
 * order: a consumer may see one before or after a message written at the same time.
 * Writing them does not lock the conversation, so the analysis of a busy
 * conversation never holds up its messages (docs/events.md, "Order and delivery").
 */
export const DERIVED_EVENTS: ReadonlySet<EventType> = new Set<EventType>([
  'message.analyzed',
  'conversation.inspected',
  'qa.alert_raised',
  'qa.inspection_adjusted',
  'qa.appeal_changed',
  'qa.review_assigned',
  'csat.rated',
]);

/** An event as the log stores it: what durable consumers receive. */
export interface StoredEvent<T extends EventType = EventType> {
  /** Position in the event log; assigned on insert. */
  id: number;
  type: T;
  workspaceId: number;
  conversationId: number | null;
  actor: Actor;
  data: EventMap[T]['data'];
  createdAt: string;
}

/** A committed event with its subject, as live listeners receive it right after commit. */
export interface DomainEvent<T extends EventType = EventType> extends StoredEvent<T> {
  subject: EventMap[T]['subject'];
}

/** One of the given types, as a union that `switch (e.type)` narrows. */
export type StoredEventOf<T extends EventType> = { [K in T]: StoredEvent<K> }[T];

/** An event before it is written: the log assigns `id` and `createdAt`. */
export type PendingEvent<T extends EventType = EventType> = Omit<DomainEvent<T>, 'id' | 'createdAt'>;

export function pendingEvent<T extends EventType>(
  type: T,
  fields: { workspaceId: number; conversationId?: number | null; actor: Actor; data: EventMap[T]['data']; subject: EventMap[T]['subject'] },
): PendingEvent<T> {
  return { type, conversationId: fields.conversationId ?? null, ...fields };
}

/**
 * Which events of its types a consumer wants, by their data: per type, field →
 * accepted values. `{ 'message.created': { senderType: ['customer'], handler: ['bot'] } }`
 * takes customers' messages in conversations the bot handles; the others are passed
 * over without waking the consumer or reading them (storage/consumers.ts does the
 * same test in SQL).
 */
export type EventMatch<T extends EventType = EventType> = {
  [K in T]?: { [F in keyof EventMap[K]['data']]?: readonly EventMap[K]['data'][F][] };
};

export function eventMatches(match: EventMatch | null | undefined, e: { type: EventType; data: unknown }): boolean {
  const fields = match?.[e.type] as Record<string, readonly unknown[]> | undefined;
  if (!fields) return true;
  const data = (e.data ?? {}) as Record<string, unknown>;
  return Object.entries(fields).every(([field, accepted]) => accepted.includes(data[field] ?? null));
}

/** Narrows a live listener's event (durable consumers switch on `StoredEventOf`). */
export function isEvent<T extends EventType>(event: DomainEvent, type: T): event is DomainEvent<T> {
  return event.type === type;
}
