import type { QaLiveAlert } from '../qa/types.js';
import type { CsatRating } from '../csat/rating.js';
import type { AppealAction, AppealStage, AppealStatus } from '../qa/review.js';
import type { ConversationInsight, MessageAnalysis } from '../assist/insight.js';
import type { Agent, Availability, Contact, Conversation, ConversationStatus, Handler, Message } from '../model.js';
import type { Invitation, LiveVisitor } from '../visitors/types.js';

/**
 * The realtime protocol (docs/realtime.md) in types: the frames the server sends,
 * per audience, and (client-frames.ts) the frames clients send. The gateway builds
 * every frame through these types; the console and the widget read them with
 * `import type`, so one declaration is checked by the compiler on both sides.
 */
export type { ClientFrame, PageReport } from './client-frames.js';

/** What a customer may know of an agent: "工号 1024 小王 为您服务". */
export interface PublicAgent {
  id: number;
  name: string;
  agentNo: string | null;
}

export type ConversationChange = 'created' | 'assigned' | 'status' | 'handler' | 'read';

/** Customers never receive private notes, so their messages do not carry the flag. */
export type CustomerMessage = Omit<Message, 'private'>;

/** What a customer sees of a message: everything but the private flag (over HTTP and the WebSocket alike). */
export function forCustomer(m: Message): CustomerMessage {
  const { private: _p, ...rest } = m;
  return rest;
}

/** What a customer sees of their conversation: who serves them, and whether it ended. */
export interface CustomerConversation {
  id: number;
  status: ConversationStatus;
  handler: Handler;
  assignee: PublicAgent | null;
}

/** 超时提醒 for the assigned agent: a customer has waited too long. */
export interface ResponseTimeoutAlert {
  kind: 'response_timeout';
  conversationId: number;
  waitedSeconds: number;
  contactName: string | null;
}

/** 智能质检, live, for the group's supervisors: an agent message broke a rule that cannot wait (禁语, critical). */
export type QaFindingAlert = { kind: 'qa_finding' } & QaLiveAlert;

/** 申诉: an appeal to decide (supervisors, 质检主管) or a decision on one's own appeal (the agent). */
export interface QaAppealAlert {
  kind: 'qa_appeal';
  appealId: number;
  inspectionId: number;
  conversationId: number;
  findingKey: string;
  action: AppealAction;
  stage: AppealStage;
  status: AppealStatus;
  final: boolean;
}

/**
 * 工单与投诉, for the people the event names: an SLA clock's warning, breach or escalation
 * (the assignee; escalations the 组长 / supervisors), a promise due soon or missed (the agent;
 * a miss also the 组长 / supervisors), a regulator deadline's reminder (the assignee and the
 * supervisors), a media or 非正常 complaint (the supervisors).
 */
export interface TicketAlert {
  kind: 'ticket';
  event: 'sla.warning' | 'sla.breached' | 'sla.escalated' | 'promise.reminder' | 'promise.missed' | 'complaint.deadline_reminder' | 'complaint.alert_raised';
  ticketId: number | null;
  conversationId: number | null;
  /** The ticket's subject (null for a promise on a conversation). */
  subject: string | null;
  /** When the clock, promise or deadline is (was) due. */
  dueAt: string | null;
  /** SLA: which clock (the core's SlaMetric, spelled out: the widget's type check reads this file without the tickets core); escalations: to whom. */
  metric?: 'first_reply' | 'next_reply' | 'resolution';
  level?: 'leader' | 'supervisor';
  /** Deadline reminders: days left. */
  daysBefore?: number;
  /** Complaint alerts: why. */
  reason?: 'media' | 'abnormal';
  promiseId?: number;
  note?: string;
}

/** Something an agent must act on now. */
export type AgentAlert = ResponseTimeoutAlert | QaFindingAlert | QaAppealAlert | TicketAlert;

// ── frames both audiences receive ───────────────────────────────────────

export interface PongFrame {
  type: 'pong';
}

/** A frame was refused; the connection stays open (`ref` echoes the frame's). */
export interface ErrorFrame {
  type: 'error';
  ref?: string;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Customers receive agents' typing only. */
export interface TypingFrame {
  type: 'typing';
  conversationId: number;
  from: 'agent' | 'customer';
  name: string | null;
  on: boolean;
}

// ── per audience ────────────────────────────────────────────────────────

/** What an agent's console receives. */
export type AgentFrame =
  | { type: 'ready'; role: 'agent'; agent: Agent; serverTime: string }
  | PongFrame
  /** Live frames carry the conversation after the message; resync frames (after resume/sync) do not. */
  | { type: 'message'; message: Message; conversation?: Conversation }
  | { type: 'conversation'; change: ConversationChange; conversation: Conversation }
  | TypingFrame
  | { type: 'presence'; agentId: number; availability: Availability }
  /** An agent was created or changed. */
  | { type: 'agent'; agent: Agent }
  /** A contact's details changed. */
  | { type: 'contact'; contact: Contact }
  /** A skill group's queue changed (group null: all agents): refresh GET /queues. */
  | { type: 'queue'; groupId: number | null; length: number }
  /** A visitor's page changed, or they left (null). */
  | { type: 'visitor'; contactId: number; visitor: LiveVisitor | null }
  | ({ type: 'alert' } & AgentAlert)
  /** A customer message was analysed: its emotion, intent and signals, and the conversation's new picture (agent assist). */
  | { type: 'analysis'; analysis: MessageAnalysis; insight: ConversationInsight }
  /** The message this connection sent is stored. */
  | { type: 'ack'; ref?: string; message: Message; duplicate: boolean }
  /** 满意度: a customer rated a conversation, or changed the rating. */
  | { type: 'rating'; rating: CsatRating }
  | ErrorFrame;

/** What a customer's widget receives. */
export type CustomerFrame =
  | { type: 'ready'; role: 'customer'; contact: { id: number; name: string | null }; serverTime: string }
  | PongFrame
  | { type: 'message'; message: CustomerMessage }
  /** Agents' read state is not the customer's business: no `read` changes. */
  | { type: 'conversation'; change: Exclude<ConversationChange, 'read'>; conversation: CustomerConversation }
  | TypingFrame
  | { type: 'ack'; ref?: string; message: CustomerMessage; duplicate: boolean }
  | ErrorFrame
  /** Their place in the queue (排队), live; none once an agent takes it. */
  | { type: 'queue'; conversationId: number; position: number; etaSeconds: number }
  /** An invitation to chat: automatic (a rule's greeting, agent null) or from an agent (主动邀请). */
  | { type: 'invite'; invitationId: number; kind: Invitation['kind']; message: string; agent: Invitation['agent'] }
  /** The answer to an invitation is recorded; accepting an agent's opens `conversationId` with them. */
  | { type: 'invite_result'; ref?: string; invitationId: number; accepted: boolean; conversationId: number | null };

export type ServerFrame = AgentFrame | CustomerFrame;
