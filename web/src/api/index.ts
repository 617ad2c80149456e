import { request } from './client';
import type {
  Agent,
  AssigneeFilter,
  AttachmentRef,
  Availability,
  Contact,
  ContactDetail,
  Conversation,
  ConversationPage,
  ConversationStatus,
  Inbox,
  InboxSettings,
  Me,
  Message,
  Role,
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
  }) =>
    request<ConversationPage>('/conversations', {
      query: { status: q.status, assignee: q.assignee, before: q.before, limit: q.limit, contactId: q.contactId },
    }),
  getConversation: (id: number) => request<Conversation>(`/conversations/${id}`),
  listMessages: (id: number, q: { before?: number; after?: number; limit?: number }) =>
    request<{ messages: Message[] }>(`/conversations/${id}/messages`, { query: q }),
  sendMessage: (
    id: number,
    body: { content: string; private: boolean; clientMessageId: string; attachmentIds?: number[] },
    signal?: AbortSignal,
  ) => request<Message>(`/conversations/${id}/messages`, { body, timeoutMs: 15_000, signal }),
  assign: (id: number, assigneeId: number | null) => request<Conversation>(`/conversations/${id}/assign`, { body: { assigneeId } }),
  setStatus: (id: number, status: ConversationStatus) => request<Conversation>(`/conversations/${id}/status`, { body: { status } }),
  markRead: (id: number) => request<Conversation>(`/conversations/${id}/read`, { method: 'POST' }),

  // ── contacts ──
  getContact: (id: number) => request<ContactDetail>(`/contacts/${id}`),
  updateContact: (id: number, patch: { name?: string | null; email?: string | null; phone?: string | null }) =>
    request<Contact>(`/contacts/${id}`, { method: 'PATCH', body: patch }),

  // ── agents ──
  listAgents: () => request<{ agents: Agent[] }>('/agents'),
  createAgent: (body: { email: string; name: string; role: Role; password: string; agentNo?: string | null }) =>
    request<Agent>('/agents', { body }),
  updateAgent: (
    id: number,
    patch: { name?: string; role?: Role; active?: boolean; agentNo?: string | null; password?: string },
  ) => request<Agent>(`/agents/${id}`, { method: 'PATCH', body: patch }),

  // ── inboxes ──
  listInboxes: () => request<{ inboxes: Inbox[] }>('/inboxes'),
  createInbox: (body: { name: string; settings: InboxSettings }) => request<Inbox>('/inboxes', { body }),
  updateInbox: (id: number, patch: { name?: string; settings?: InboxSettings }) =>
    request<Inbox>(`/inboxes/${id}`, { method: 'PATCH', body: patch }),

  // ── attachments ──
  upload: (file: Blob, filename: string, contentType: string) =>
    request<AttachmentRef>('/attachments', { query: { filename }, body: file, contentType, timeoutMs: 120_000 }),
};
