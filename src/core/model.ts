import type { ContactProfileFields } from './contacts/profile.js';

/**
 * The domain's shapes. These are what the API returns and what events carry,
 * so the console, the widget and later listeners (QA, analytics) share one vocabulary.
 * Times are ISO-8601 strings in UTC.
 */
import type { CsatRequestMeta } from './csat/rating.js';

/**
 * 管理员, 主管, 客服 serve customers; 质检员 (qa) and 质检主管 (qa_lead) inspect their
 * conversations and never receive one (src/core/permissions.ts).
 */
export type Role = 'admin' | 'supervisor' | 'agent' | 'qa' | 'qa_lead';
export const ROLES: readonly Role[] = ['admin', 'supervisor', 'agent', 'qa', 'qa_lead'];

/** 进行中 / 待处理 / 已结束 */
export type ConversationStatus = 'open' | 'pending' | 'resolved';
export const CONVERSATION_STATUSES: readonly ConversationStatus[] = ['open', 'pending', 'resolved'];

/** Who wrote a message. QA timing rules and response-time metrics depend on it. */
export type SenderType = 'customer' | 'agent' | 'bot' | 'system';

/** 在线 / 小休 / 离线. 小休 keeps current chats but takes no new ones. */
export type Availability = 'online' | 'away' | 'offline';
export const AVAILABILITIES: readonly Availability[] = ['online', 'away', 'offline'];

export type ContentType = 'text' | 'image' | 'file';

export type ChannelType = 'web' | 'api';

export interface Actor {
  type: SenderType | 'admin_api';
  id: number | null;
}

export interface AttachmentRef {
  id: number;
  /** Capability URL path: unguessable, so an <img> can load it without headers. */
  url: string;
  name: string;
  contentType: string;
  size: number;
}

/** What the bot did with a message (知识库 answers, "您是不是想问" choices, hand-overs); clients render it. */
export type BotMessageKind = 'answer' | 'choices' | 'none' | 'smalltalk' | 'ask_purpose' | 'farewell' | 'handoff' | 'summary';
export interface BotMeta {
  kind: BotMessageKind;
  /** kind answer: the article answered. */
  articleId?: number;
  /** kind answer: worded for the question by the optional model (ZHIKE_LLM_URL) from that article only. */
  rephrased?: boolean;
  /** kind choices: the articles offered, best first. */
  choices?: { articleId: number; question: string }[];
  /** kind handoff / summary: why the bot handed over (asked, unanswered, complaint, anger, signal, unclear). */
  reason?: string;
}

/** Structured data with a message, for clients to render (null for ordinary messages). */
export interface MessageMeta {
  bot?: BotMeta;
  /** 满意度: this system message asks the customer to rate the conversation */
  csat?: CsatRequestMeta;
}

export interface Message {
  id: number;
  conversationId: number;
  seq: number;
  senderType: SenderType;
  senderId: number | null;
  senderName: string | null;
  content: string;
  contentType: ContentType;
  private: boolean;
  attachments: AttachmentRef[];
  clientMessageId: string | null;
  channel: ChannelType;
  /** Structured data (the bot's answer and choices); null for ordinary messages. */
  meta: MessageMeta | null;
  createdAt: string;
}

export interface Conversation {
  id: number;
  workspaceId: number;
  inboxId: number;
  contactId: number;
  /** null until the customer gives a name; UIs show 访客 #id */
  contactName: string | null;
  status: ConversationStatus;
  assigneeId: number | null;
  lastSeq: number;
  /** Customer messages the agents have not read yet. */
  unreadCount: number;
  lastMessageAt: string | null;
  lastMessagePreview: string | null;
  channel: ChannelType;
  /** Who handles it now: the bot, people (assigned or queued), or nobody yet (留言, outside hours). */
  handler: Handler;
  /** 技能组 it is routed to; null: all agents. */
  groupId: number | null;
  /** Pre-chat choice, e.g. 售后 */
  topic: string | null;
  /** The customer's language (their widget's): automatic replies and the bot speak it. */
  locale: 'zh-CN' | 'en';
  /** VIP customers jump the queue (higher first). */
  priority: number;
  /** Waiting in the queue since (排队), null when not queued. */
  queuedAt: string | null;
  /** The customer left the queue (放弃排队). */
  abandonedAt: string | null;
  /** The oldest customer message nobody has answered yet: the console asks to apologise when it is old. */
  waitingSince: string | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
}

export type Handler = 'bot' | 'human' | 'offline';

/** A customer (客户). The 客户画像 fields (company, tags, VIP level, custom fields, temperament, needs, 流失) are in ContactProfileFields. */
export interface Contact extends ContactProfileFields {
  id: number;
  workspaceId: number;
  inboxId: number | null;
  /** null until the customer gives a name; UIs show 访客 #id */
  name: string | null;
  /** VIP 客户: served first when queued. */
  vip: boolean;
  email: string | null;
  phone: string | null;
  /** Browser, OS, language, first page, referrer: what the widget reported. */
  attributes: ContactAttributes;
  createdAt: string;
  lastSeenAt: string | null;
}

export interface ContactAttributes {
  browser?: string;
  os?: string;
  userAgent?: string;
  language?: string;
  firstPageUrl?: string;
  firstPageTitle?: string;
  referrer?: string;
  timezone?: string;
  screen?: string;
}

export interface Agent {
  id: number;
  workspaceId: number;
  email: string;
  name: string;
  /** 工号, shown to customers: "工号 1024 小王 为您服务" */
  agentNo: string | null;
  role: Role;
  active: boolean;
  availability: Availability;
  /** 接待上限: most open conversations at once */
  maxConcurrent: number;
  createdAt: string;
}

export interface Inbox {
  id: number;
  workspaceId: number;
  name: string;
  channelType: ChannelType;
  /** Public token the widget snippet carries (data-inbox). Not a secret: it only opens the client API. */
  token: string;
  settings: InboxSettings;
  createdAt: string;
}

export interface InboxSettings {
  /** Widget title, e.g. 在线客服 */
  title?: string;
  /** The 欢迎语 (zh-CN): reception's messages.welcome, the one setting (shown by the widget, then the conversation's first message) */
  greeting?: string;
  /** Brand colour of the launcher and header, #rrggbb */
  color?: string;
  /** Default widget language */
  locale?: 'zh-CN' | 'en';
}

export interface Workspace {
  id: number;
  name: string;
  locale: 'zh-CN' | 'en';
  createdAt: string;
}

/** 技能组 / 客服分组 */
export interface SkillGroup {
  id: number;
  workspaceId: number;
  name: string;
  strategy: 'load_balanced' | 'round_robin' | 'manual';
  /** Returning customers go back to the agent who served them last (if available with room). */
  sticky: boolean;
  /** 组长: escalation target */
  leaderId: number | null;
  memberIds: number[];
  createdAt: string;
}

/** 工作时间 */
export interface Calendar {
  id: number;
  workspaceId: number;
  name: string;
  timezone: string;
  weekly: Partial<Record<'0' | '1' | '2' | '3' | '4' | '5' | '6', { start: string; end: string }[]>>;
  holidays: { date: string; name?: string; hours?: { start: string; end: string }[] }[];
  createdAt: string;
}
