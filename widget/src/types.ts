import type { Message as CoreMessage } from '../../src/core/model';
/**
 * The shapes the widget exchanges with the server: the client API
 * (src/channels/widget/client-api.ts) and the realtime protocol (docs/realtime.md).
 * Only the fields the widget reads are declared.
 */
export type Locale = 'zh-CN' | 'en';
export type SenderType = 'customer' | 'agent' | 'bot' | 'system';
export type ConversationStatus = 'open' | 'pending' | 'resolved';

/** Who would answer a conversation started now: offline means 留言 (leave a message). */
export type Answering = 'human' | 'bot' | 'offline';

/** 询前表单: asked before the first message of a conversation. */
export interface PreChat {
  enabled: boolean;
  askName: boolean;
  askPhone: boolean;
  topics: string[];
}

/** The answers, sent with POST …/conversations (the topic picks the skill group). */
export interface PreChatAnswers {
  topic?: string;
  name?: string;
  phone?: string;
}

export interface WidgetConfig {
  title: string;
  greeting: string | null;
  color: string;
  locale: Locale;
  agentsOnline: number;
  /** Optional: a config remembered by an older widget lacks them. */
  answering?: Answering;
  /** false in a bot-only inbox: no 转人工 */
  canHandOff?: boolean;
  preChat?: PreChat;
}

/** The page the widget is on (visitor tracking, automatic invitations). */
export interface PageReport {
  url: string;
  title: string;
  referrer: string;
  visitKey: string;
  /** One per page shown: a reconnect on the same page reports it again without counting a new view. */
  pageKey: string;
}

/** An invitation to chat: automatic (a rule's greeting) or from an agent (主动邀请). */
export interface Invite {
  invitationId: number;
  kind: 'auto' | 'agent';
  message: string;
  agent: { name: string; agentNo: string | null } | null;
}

/** The domain's shapes (src/core/model.ts); the widget sees a customer's view of a message. */
export type { AttachmentRef } from '../../src/core/model';
export type Message = Pick<
  CoreMessage,
  'id' | 'conversationId' | 'seq' | 'senderType' | 'senderName' | 'content' | 'attachments' | 'clientMessageId' | 'createdAt'
>;

export interface Assignee {
  id: number;
  name: string;
  agentNo: string | null;
}

export interface Conversation {
  id: number;
  status: ConversationStatus;
  assignee: Assignee | null;
  /** Who answers (absent from older servers): the bot, people, or nobody now (留言). */
  handler?: 'bot' | 'human' | 'offline';
}

export interface ContactAttributes {
  browser?: string;
  os?: string;
  language?: string;
  firstPageUrl?: string;
  firstPageTitle?: string;
  referrer?: string;
  timezone?: string;
  screen?: string;
}

/** Name, e-mail or phone a host page may tell us (ZhikeWidget.identify). */
export interface Identity {
  name?: string;
  email?: string;
  phone?: string;
}

export interface SendBody {
  content: string;
  clientMessageId: string;
  attachmentIds?: number[];
}

export type ServerFrame =
  | { type: 'ready' }
  | { type: 'pong' }
  | { type: 'message'; message: Message }
  | { type: 'conversation'; change: string; conversation: Conversation }
  | { type: 'typing'; conversationId: number; from: 'agent' | 'customer'; name: string | null; on: boolean }
  | { type: 'ack'; ref?: string; message: Message; duplicate: boolean }
  | { type: 'error'; ref?: string; code: string; message: string }
  | { type: 'queue'; conversationId: number; position: number; etaSeconds: number }
  | ({ type: 'invite' } & Invite)
  | { type: 'invite_result'; invitationId: number; accepted: boolean; conversationId: number | null };

export type ClientFrame =
  | { type: 'hello'; inboxToken: string; contactToken: string; resume: Record<string, number>; page: PageReport }
  | { type: 'page'; page: PageReport }
  | { type: 'invite_reply'; ref: string; invitationId: number; accept: boolean }
  | ({ type: 'send'; ref: string; conversationId: number } & SendBody)
  | { type: 'typing'; conversationId: number; on: boolean }
  | { type: 'ping' };
