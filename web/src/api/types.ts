/**
 * The API's shapes. The domain records come straight from the server's model
 * (src/core/model.ts: one vocabulary, checked by the compiler on both sides);
 * request and response envelopes of the console are declared here.
 * Times are ISO-8601 strings in UTC.
 */
export type {
  Agent,
  AttachmentRef,
  Availability,
  ChannelType,
  Contact,
  ContactAttributes,
  ContentType,
  Conversation,
  ConversationStatus,
  Handler,
  Inbox,
  InboxSettings,
  Message,
  Role,
  SenderType,
  SkillGroup,
} from '../../../src/core/model';
export { AVAILABILITIES, CONVERSATION_STATUSES, ROLES } from '../../../src/core/model';
export {
  MAX_EMAIL_CHARS,
  MAX_INVITATION_CHARS,
  MAX_NAME_CHARS,
  MAX_PHONE_CHARS,
  MAX_TRANSFER_NOTE_CHARS,
  PHONE_PATTERN,
} from '../../../src/core/limits';
export type { Calendar as BusinessCalendar } from '../../../src/core/model';
export type { TimeRange } from '../../../src/core/calendar/business-hours';
export type { Strategy } from '../../../src/core/routing/routing';
export { STRATEGIES } from '../../../src/core/routing/routing';
export type { ReceptionMode } from '../../../src/core/reception/reception';
export { RECEPTION_MODES } from '../../../src/core/reception/reception';
/** Lengths count code points, as the server does (an emoji is one character). */
export { codePointLength } from '../../../src/core/text';
export type { ReceptionSettings as Reception } from '../../../src/core/reception/settings';
export type { InvitationRule } from '../../../src/core/visitors/invitation';
export type { Invitation, LiveVisitor } from '../../../src/core/visitors/types';
import type { Agent, Availability, Contact, Conversation } from '../../../src/core/model';
import type { TimeRange } from '../../../src/core/calendar/business-hours';
import type { Strategy } from '../../../src/core/routing/routing';
import type { ReceptionMode } from '../../../src/core/reception/reception';
import type { ReceptionSettings as Reception } from '../../../src/core/reception/settings';
import type { InvitationRule } from '../../../src/core/visitors/invitation';
import {
  ALLOWED_ATTACHMENT_TYPES,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS_PER_MESSAGE,
  MAX_MESSAGE_CHARS,
  MIN_PASSWORD_LENGTH,
} from '../../../src/core/limits';

export type Locale = 'zh-CN' | 'en';

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

export interface SkillGroupInput {
  name: string;
  strategy: Strategy;
  sticky: boolean;
  leaderId: number | null;
  memberIds: number[];
}

export type Weekday = '0' | '1' | '2' | '3' | '4' | '5' | '6';
export const WEEKDAYS: readonly Weekday[] = ['1', '2', '3', '4', '5', '6', '0'];

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

export interface CalendarStatus {
  open: boolean;
  nextOpening: string | null;
  nextClosing: string | null;
}

export interface PreChatTopic {
  label: string;
  groupId: number | null;
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
  /** 满意度评价 */
  csat?: Partial<Reception['csat']>;
  /** English texts; null or empty: the zh-CN text */
  translations?: {
    en?: { title?: string | null; messages?: Partial<Reception['messages']>; topics?: Record<string, string>; csat?: Partial<Reception['translations']['en']['csat']> };
  };
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

/** Every 4xx/5xx answer: { error: { code, message, details? } } */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** Limits the server enforces (src/core/limits.ts); checked here first for a quick answer. */
export const LIMITS = {
  messageChars: MAX_MESSAGE_CHARS,
  attachmentBytes: MAX_ATTACHMENT_BYTES,
  attachmentsPerMessage: MAX_ATTACHMENTS_PER_MESSAGE,
  minPassword: MIN_PASSWORD_LENGTH,
  allowedTypes: Object.keys(ALLOWED_ATTACHMENT_TYPES) as readonly string[],
};

/** 知识库 (GET/POST /knowledge/articles): the server's shapes. */
export type { ArticleView as KnowledgeArticle, UnansweredQuestion } from '../../../src/core/knowledge/types';
export interface KnowledgeArticleInput {
  question: string;
  similarQuestions: string[];
  answer: string;
  category?: string | null;
  enabled?: boolean;
}
export interface KnowledgeImportReport {
  rows: number;
  created: number;
  updated: number;
  errors: { row: number; message: string }[];
}
export { KNOWLEDGE_LIMITS } from '../../../src/core/knowledge/limits';
