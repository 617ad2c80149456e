import { request } from './client';
import type {
  Agent,
  AssigneeFilter,
  AttachmentRef,
  Availability,
  BusinessCalendar,
  CalendarInput,
  CalendarStatus,
  Contact,
  ContactDetail,
  Conversation,
  ConversationPage,
  ConversationStatus,
  Handler,
  Inbox,
  InboxSettings,
  Invitation,
  KnowledgeArticle,
  KnowledgeArticleInput,
  KnowledgeImportReport,
  LiveVisitor,
  Me,
  Message,
  QueueGroup,
  Reception,
  ReceptionPatch,
  Role,
  SkillGroup,
  SkillGroupInput,
  TransferTarget,
  UnansweredQuestion,
  Visit,
} from './types';

export { ApiError, setUnauthorizedHandler } from './client';
export * from './types';

/** Typed calls to the agent API (/api/v1). One function per route the console uses. */
export const api = {
  // ── auth ──
  login: (email: string, password: string) =>
    request<{ token: string; agent: Agent; expiresAt: string }>('/auth/login', { body: { email, password }, allow401: true }),
  logout: () => request<void>('/auth/logout', { method: 'POST', allow401: true }),
  me: () => request<Me>('/me', { allow401: true }),
  setAvailability: (availability: Availability) => request<Agent>('/me/availability', { body: { availability } }),

  // ── conversations ──
  listConversations: (q: {
    status: ConversationStatus | 'all';
    assignee: AssigneeFilter | number;
    before?: string | null;
    limit?: number;
    contactId?: number;
    /** offline: 留言 */
    handler?: Handler;
    /** only conversations waiting in a queue */
    queued?: boolean;
  }) =>
    request<ConversationPage>('/conversations', {
      query: {
        status: q.status,
        assignee: q.assignee,
        before: q.before,
        limit: q.limit,
        contactId: q.contactId,
        handler: q.handler,
        queued: q.queued === undefined ? undefined : String(q.queued),
      },
    }),
  getConversation: (id: number) => request<Conversation>(`/conversations/${id}`),
  listMessages: (id: number, q: { before?: number; after?: number; limit?: number }) =>
    request<{ messages: Message[] }>(`/conversations/${id}/messages`, { query: q }),
  sendMessage: (
    id: number,
    body: { content: string; private: boolean; clientMessageId: string; attachmentIds?: number[] },
    signal?: AbortSignal,
  ) => request<Message>(`/conversations/${id}/messages`, { body, timeoutMs: 15_000, signal }),
  /** force: supervisors assign above the agent's 接待上限 */
  assign: (id: number, assigneeId: number | null, force = false) =>
    request<Conversation>(`/conversations/${id}/assign`, { body: force ? { assigneeId, force } : { assigneeId } }),
  /** 转接 / 升级; the note reaches the receiver as a private note */
  transfer: (id: number, target: TransferTarget, note: string | null) =>
    request<Conversation>(`/conversations/${id}/transfer`, { body: { target, note } }),
  setStatus: (id: number, status: ConversationStatus) => request<Conversation>(`/conversations/${id}/status`, { body: { status } }),
  markRead: (id: number) => request<Conversation>(`/conversations/${id}/read`, { method: 'POST' }),

  // ── contacts ──
  getContact: (id: number) => request<ContactDetail>(`/contacts/${id}`),
  updateContact: (id: number, patch: { name?: string | null; email?: string | null; phone?: string | null; vip?: boolean }) =>
    request<Contact>(`/contacts/${id}`, { method: 'PATCH', body: patch }),
  /** 浏览轨迹 */
  contactVisits: (id: number) => request<{ visits: Visit[] }>(`/contacts/${id}/visits`),

  // ── agents ──
  listAgents: () => request<{ agents: Agent[] }>('/agents'),
  createAgent: (body: { email: string; name: string; role: Role; password: string; agentNo?: string | null; maxConcurrent?: number }) =>
    request<Agent>('/agents', { body }),
  updateAgent: (
    id: number,
    patch: { name?: string; role?: Role; active?: boolean; agentNo?: string | null; password?: string; maxConcurrent?: number },
  ) => request<Agent>(`/agents/${id}`, { method: 'PATCH', body: patch }),

  // ── skill groups (技能组) ──
  listGroups: () => request<{ groups: SkillGroup[] }>('/skill-groups'),
  createGroup: (body: SkillGroupInput) => request<SkillGroup>('/skill-groups', { body }),
  updateGroup: (id: number, patch: Partial<SkillGroupInput>) => request<SkillGroup>(`/skill-groups/${id}`, { method: 'PATCH', body: patch }),
  deleteGroup: (id: number) => request<void>(`/skill-groups/${id}`, { method: 'DELETE' }),

  // ── 知识库 ──
  listArticles: (q: { q?: string; category?: string; limit: number; offset: number }) =>
    request<{ articles: KnowledgeArticle[]; total: number }>('/knowledge/articles', { query: q }),
  knowledgeCategories: () => request<{ categories: { name: string; count: number }[] }>('/knowledge/categories'),
  createArticle: (body: KnowledgeArticleInput) => request<KnowledgeArticle>('/knowledge/articles', { body }),
  updateArticle: (id: number, patch: Partial<KnowledgeArticleInput>) => request<KnowledgeArticle>(`/knowledge/articles/${id}`, { method: 'PATCH', body: patch }),
  deleteArticle: (id: number) => request<void>(`/knowledge/articles/${id}`, { method: 'DELETE' }),
  importArticles: (csv: string) => request<KnowledgeImportReport>('/knowledge/import', { body: { csv }, timeoutMs: 60_000 }),
  listUnanswered: (q: { limit: number; offset: number }) => request<{ questions: UnansweredQuestion[]; total: number }>('/knowledge/unanswered', { query: q }),
  articleFromUnanswered: (id: number, body: KnowledgeArticleInput) => request<KnowledgeArticle>(`/knowledge/unanswered/${id}/article`, { body }),

  // ── business hours (工作时间) ──
  listCalendars: () => request<{ calendars: BusinessCalendar[] }>('/business-calendars'),
  calendarStatus: (id: number) => request<CalendarStatus>(`/business-calendars/${id}/status`),
  createCalendar: (body: CalendarInput) => request<BusinessCalendar>('/business-calendars', { body }),
  updateCalendar: (id: number, patch: Partial<CalendarInput>) =>
    request<BusinessCalendar>(`/business-calendars/${id}`, { method: 'PATCH', body: patch }),
  deleteCalendar: (id: number) => request<void>(`/business-calendars/${id}`, { method: 'DELETE' }),

  // ── routing ──
  /** Live queues and agent load per skill group (group null: all agents) */
  queues: () => request<{ queues: QueueGroup[] }>('/queues'),

  // ── visitors (访客) ──
  visitors: () => request<{ visitors: LiveVisitor[] }>('/visitors'),
  /** 主动邀请 */
  invite: (contactId: number, message: string) => request<Invitation>(`/visitors/${contactId}/invite`, { body: { message } }),

  // ── inboxes ──
  listInboxes: () => request<{ inboxes: Inbox[] }>('/inboxes'),
  createInbox: (body: { name: string; settings: InboxSettings }) => request<Inbox>('/inboxes', { body }),
  updateInbox: (id: number, patch: { name?: string; settings?: InboxSettings }) =>
    request<Inbox>(`/inboxes/${id}`, { method: 'PATCH', body: patch }),
  reception: (id: number) => request<Reception>(`/inboxes/${id}/reception`),
  updateReception: (id: number, patch: ReceptionPatch) => request<Reception>(`/inboxes/${id}/reception`, { method: 'PATCH', body: patch }),

  // ── attachments ──
  upload: (file: Blob, filename: string, contentType: string) =>
    request<AttachmentRef>('/attachments', { query: { filename }, body: file, contentType, timeoutMs: 120_000 }),
};
