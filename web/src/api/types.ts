/**
 * The server's shapes (src/core/model.ts, src/server/schemas.ts), mirrored for the console.
 * Times are ISO-8601 strings in UTC.
 */
export type Role = 'admin' | 'supervisor' | 'agent';
export const ROLES: readonly Role[] = ['admin', 'supervisor', 'agent'];

/** 进行中 / 待处理 / 已结束 */
export type ConversationStatus = 'open' | 'pending' | 'resolved';
export const CONVERSATION_STATUSES: readonly ConversationStatus[] = ['open', 'pending', 'resolved'];

export type SenderType = 'customer' | 'agent' | 'bot' | 'system';

/** 在线 / 小休 / 离线 */
export type Availability = 'online' | 'away' | 'offline';
export const AVAILABILITIES: readonly Availability[] = ['online', 'away', 'offline'];

export type ContentType = 'text' | 'image' | 'file';
export type ChannelType = 'web' | 'api';
export type Locale = 'zh-CN' | 'en';

export interface AttachmentRef {
  id: number;
  /** Capability URL path: loads without headers. */
  url: string;
  name: string;
  contentType: string;
  size: number;
}

export interface Message {
  id: number;
  conversationId: number;
  seq: number;
  senderType: SenderType;
  senderId: number | null;
  senderName: string | null;
  /** Plain text: always rendered as text, never as HTML. */
  content: string;
  contentType: ContentType;
  private: boolean;
  attachments: AttachmentRef[];
  clientMessageId: string | null;
  channel: string;
  createdAt: string;
}

export interface Conversation {
  id: number;
  workspaceId: number;
  inboxId: number;
  contactId: number;
  /** null until the customer gives a name: shown as 访客 #contactId */
  contactName: string | null;
  status: ConversationStatus;
  assigneeId: number | null;
  lastSeq: number;
  unreadCount: number;
  lastMessageAt: string | null;
  lastMessagePreview: string | null;
  channel: string;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  // Reception / routing fields of newer servers (optional: the console does not depend on them yet)
  /** bot (机器人), human, offline (留言) */
  handler?: 'bot' | 'human' | 'offline';
  /** 技能组 */
  groupId?: number | null;
  topic?: string | null;
  priority?: number;
  queuedAt?: string | null;
  abandonedAt?: string | null;
  /** Oldest unanswered customer message */
  waitingSince?: string | null;
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

export interface Contact {
  id: number;
  workspaceId: number;
  inboxId: number | null;
  name: string | null;
  /** VIP 客户 (newer servers) */
  vip?: boolean;
  email: string | null;
  phone: string | null;
  attributes: ContactAttributes;
  createdAt: string;
  lastSeenAt: string | null;
}

export interface Agent {
  id: number;
  workspaceId: number;
  email: string;
  name: string;
  /** 工号 */
  agentNo: string | null;
  role: Role;
  active: boolean;
  availability: Availability;
  /** 接待上限 (newer servers) */
  maxConcurrent?: number;
  createdAt: string;
}

export interface InboxSettings {
  title?: string;
  greeting?: string;
  /** #rrggbb */
  color?: string;
  locale?: Locale;
}

export interface Inbox {
  id: number;
  workspaceId: number;
  name: string;
  channelType: 'web' | 'api';
  /** Public token for the widget snippet (data-inbox) */
  token: string;
  settings: InboxSettings;
  createdAt: string;
}

export interface WorkspaceInfo {
  id: number;
  name: string;
  locale: string;
}

export interface Me {
  agent: Agent;
  workspace: WorkspaceInfo;
}

export type AssigneeFilter = 'mine' | 'unassigned' | 'all';

export interface ConversationCounts {
  mine: number;
  unassigned: number;
  all: number;
}

export interface ConversationPage {
  conversations: Conversation[];
  counts: ConversationCounts;
  nextCursor: string | null;
}

export interface ContactDetail {
  contact: Contact;
  conversations: Conversation[];
}

/** Every 4xx/5xx answer: { error: { code, message, details? } } */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** Limits the server enforces (src/core/limits.ts); checked here first for a quick answer. */
export const LIMITS = {
  messageChars: 5000,
  attachmentBytes: 10 * 1024 * 1024,
  attachmentsPerMessage: 10,
  minPassword: 8,
  allowedTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'] as readonly string[],
};
