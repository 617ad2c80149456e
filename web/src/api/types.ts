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
  /** Who handles it now: bot (机器人), human (people: assigned or queued), offline (留言: nobody could answer) */
  handler: Handler;
  /** 技能组; null: all agents */
  groupId: number | null;
  /** Pre-chat topic the customer chose */
  topic: string | null;
  /** Queue priority: VIP customers have 1 */
  priority: number;
  /** Waiting in the queue (排队) since; null when not queued */
  queuedAt: string | null;
  /** The customer left the queue (放弃排队) */
  abandonedAt: string | null;
  /** Oldest unanswered customer message: apologise for the wait when it is old */
  waitingSince: string | null;
}

export type Handler = 'bot' | 'human' | 'offline';

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
  /** VIP 客户: served first when queued */
  vip: boolean;
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
  /** 接待上限: most open conversations at once */
  maxConcurrent: number;
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

// ── reception and routing ───────────────────────────────────────────────

/** load_balanced 负载均衡 (fewest open conversations), round_robin 轮流分配, manual 手动接入 (agents pick from the queue) */
export type Strategy = 'load_balanced' | 'round_robin' | 'manual';
export const STRATEGIES: readonly Strategy[] = ['load_balanced', 'round_robin', 'manual'];

/** 技能组 / 客服分组 */
export interface SkillGroup {
  id: number;
  workspaceId: number;
  name: string;
  strategy: Strategy;
  /** 回头客优先分配给上次服务的客服 */
  sticky: boolean;
  /** 组长: escalation target */
  leaderId: number | null;
  memberIds: number[];
  createdAt: string;
}

export interface SkillGroupInput {
  name: string;
  strategy: Strategy;
  sticky: boolean;
  leaderId: number | null;
  memberIds: number[];
}

export type Weekday = '0' | '1' | '2' | '3' | '4' | '5' | '6';
export const WEEKDAYS: readonly Weekday[] = ['1', '2', '3', '4', '5', '6', '0'];

/** "HH:MM" local time; end may be "24:00" */
export interface TimeRange {
  start: string;
  end: string;
}

/** A dated exception: closed (no hours) or special hours (调休 working day) */
export interface CalendarException {
  date: string;
  name?: string;
  hours?: TimeRange[];
}

export interface CalendarInput {
  name: string;
  /** IANA time zone, e.g. Asia/Shanghai */
  timezone: string;
  /** Weekday (0 = Sunday … 6 = Saturday) → opening hours; a missing day is closed */
  weekly: Partial<Record<Weekday, TimeRange[]>>;
  holidays: CalendarException[];
}

/** 工作时间 */
export interface BusinessCalendar extends CalendarInput {
  id: number;
  workspaceId: number;
  createdAt: string;
}

export interface CalendarStatus {
  open: boolean;
  nextOpening: string | null;
  nextClosing: string | null;
}

/** 仅人工, 仅机器人, 机器人优先, 人工优先 */
export type ReceptionMode = 'human_only' | 'bot_only' | 'bot_first' | 'human_first';
export const RECEPTION_MODES: readonly ReceptionMode[] = ['human_only', 'bot_only', 'bot_first', 'human_first'];

/** 自动邀请 rule */
export interface InvitationRule {
  id: string;
  name: string;
  enabled: boolean;
  /** Path glob: /pricing, /products/* */
  pathPattern?: string;
  minSecondsOnPage?: number;
  minPageViews?: number;
  fromSearchEngine?: boolean;
  greeting: string;
}

export interface PreChatTopic {
  label: string;
  groupId: number | null;
}

/** How an inbox receives customers (GET /inboxes/{id}/reception, defaults filled in) */
export interface Reception {
  mode: ReceptionMode;
  calendarId: number | null;
  defaultGroupId: number | null;
  preChat: { enabled: boolean; askName: boolean; askPhone: boolean; topics: PreChatTopic[] };
  messages: {
    welcome: string | null;
    /** {agentNo} and {name} are filled in */
    agentJoined: string | null;
    offline: string | null;
    idleCheckin: string | null;
    idleClose: string | null;
  };
  timeouts: {
    agentResponseSeconds: number | null;
    reassignAfterSeconds: number | null;
    idleCheckinMinutes: number | null;
    idleCloseMinutes: number | null;
    queueAbandonSeconds: number;
  };
  invitations: InvitationRule[];
}

/** PATCH /inboxes/{id}/reception: nested objects merge, lists replace */
export interface ReceptionPatch {
  mode?: ReceptionMode;
  calendarId?: number | null;
  defaultGroupId?: number | null;
  preChat?: Partial<Reception['preChat']>;
  messages?: Partial<Reception['messages']>;
  timeouts?: Partial<Reception['timeouts']>;
  invitations?: InvitationRule[];
}

export type TransferTarget = { type: 'agent'; agentId: number } | { type: 'group'; groupId: number } | { type: 'leader' };

/** An agent's load in GET /queues */
export interface AgentLoad {
  id: number;
  name: string;
  agentNo: string | null;
  availability: Availability;
  /** A console is open right now */
  connected: boolean;
  /** Open conversations */
  load: number;
  /** 接待上限 */
  max: number;
  /** 饱和度: load / max */
  saturation: number;
}

export interface QueueEntry {
  conversation: Conversation;
  position: number;
  waitedSeconds: number;
  etaSeconds: number;
}

/** One skill group's queue (group null: all agents) */
export interface QueueGroup {
  group: { id: number; name: string; strategy: Strategy } | null;
  waiting: QueueEntry[];
  agents: AgentLoad[];
}

// ── visitors ────────────────────────────────────────────────────────────

/** search, social, referral, campaign or direct */
export type SourceKind = 'search' | 'social' | 'referral' | 'campaign' | 'direct';

/** A visitor with a page open now (GET /visitors, `visitor` frames) */
export interface LiveVisitor {
  contactId: number;
  name: string | null;
  vip: boolean;
  currentPage: { url: string; title: string | null; since: string };
  visit: {
    id: number;
    sourceKind: SourceKind | string;
    /** e.g. 百度, 微信, or the referring host */
    sourceName: string | null;
    /** 搜索词 */
    searchKeyword: string | null;
    referrer: string | null;
    /** 着陆页 */
    landingPage: string | null;
    pageViews: number;
    startedAt: string;
  };
  /** Their open conversation, if they are chatting */
  conversationId: number | null;
}

/** One visit of a contact's browsing trail (浏览轨迹) */
export interface Visit {
  id: number;
  sourceKind: SourceKind | string;
  sourceName: string | null;
  searchKeyword: string | null;
  referrer: string | null;
  landingPage: string | null;
  utm: Record<string, string>;
  pageViews: number;
  startedAt: string;
  pages: { url: string; title: string | null; startedAt: string; seconds: number; open: boolean }[];
}

export interface Invitation {
  id: number;
  kind: 'auto' | 'agent';
  message: string;
  agent: { id: number; name: string; agentNo: string | null } | null;
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
