import type { Message as CoreMessage } from '../../src/core/model';
import type { ClientFrame as AnyClientFrame, CustomerFrame, PageReport as CorePageReport, PublicAgent } from '../../src/core/realtime/frames';
/**
 * The shapes the widget exchanges with the server: the client API
 * (src/channels/widget/client-api.ts) and the realtime protocol (docs/realtime.md,
 * declared once in src/core/realtime/frames.ts and imported here as types only).
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

/**
 * The page the widget is on (visitor tracking, automatic invitations). The widget
 * always reports every field; `pageKey` is one per page shown: a reconnect on the
 * same page reports it again without counting a new view.
 */
export type PageReport = Required<CorePageReport>;

/** An invitation to chat: automatic (a rule's greeting) or from an agent (主动邀请). */
export type Invite = Pick<Extract<ServerFrame, { type: 'invite' }>, 'invitationId' | 'kind' | 'message' | 'agent'>;

/** The domain's shapes (src/core/model.ts); the widget sees a customer's view of a message. */
export type { AttachmentRef } from '../../src/core/model';
export type Message = Pick<
  CoreMessage,
  'id' | 'conversationId' | 'seq' | 'senderType' | 'senderName' | 'content' | 'attachments' | 'clientMessageId' | 'createdAt'
> & {
  /** The bot's structured data: "您是不是想问" choices, an answer to rate. Optional: an older server sends none. */
  meta?: CoreMessage['meta'];
};

export type Assignee = PublicAgent;

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
  /**
   * The site's logged-in user, signed on the site's server (docs/identity.md): `signature` is the
   * hex HMAC-SHA256 of `userId + "." + timestamp` (Unix seconds) with the inbox's identity secret.
   * With it, name / email / phone go along as the site's claims.
   */
  userId?: string;
  timestamp?: number;
  signature?: string;
}

/** A signed identity, as POST …/identify takes it. */
export type SignedIdentity = Omit<Identity, 'userId' | 'timestamp' | 'signature'> & { userId: string; timestamp: number; signature: string };

export interface SendBody {
  content: string;
  clientMessageId: string;
  attachmentIds?: number[];
}

/** What a customer receives over the socket. */
export type ServerFrame = CustomerFrame;

type Hello = Extract<AnyClientFrame, { type: 'hello' }>;

/** What the widget sends: a customer's hello, always with both tokens and the page (agents' frames it never does). */
export type ClientFrame =
  | Required<Pick<Hello, 'type' | 'inboxToken' | 'contactToken' | 'resume' | 'page'>>
  | Extract<AnyClientFrame, { type: 'page' | 'invite_reply' | 'send' | 'typing' | 'ping' }>;

/** One of the visitor's tickets (工单), as GET …/tickets gives it: the public replies only. */
export interface CustomerTicket {
  id: number;
  subject: string;
  status: 'new' | 'open' | 'pending' | 'on_hold' | 'solved' | 'closed';
  confirmedAt: string | null;
  canConfirm: boolean;
  replies: { id: number; body: string; createdAt: string; agent: { name: string; agentNo: string | null } | null }[];
}
