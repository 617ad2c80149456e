import { maskText } from '../core/contacts/masking.js';
import { BOT_NAME } from '../core/reception/reception.js';
import type { Agent, AttachmentRef, Contact, Conversation, Inbox, Message, Workspace } from '../core/model.js';
import type { Row } from './db.js';

/** Row → domain shape mappers. Dates become ISO strings here, once. */
const iso = (d: Date | string | null): string | null => (d === null ? null : d instanceof Date ? d.toISOString() : new Date(d).toISOString());
/** A timestamp column as an ISO string (the mappers of other folders' tables use it too). */
export const isoReq = (d: Date | string) => iso(d) as string;

export const CONVERSATION_COLUMNS = `c.*, ct.name AS contact_name`;
export const CONVERSATION_FROM = `conversations c JOIN contacts ct ON ct.id = c.contact_id`;

export function toConversation(r: Row): Conversation {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    inboxId: r.inbox_id,
    contactId: r.contact_id,
    // a visitor's "name" may be their phone number: masked wherever a conversation goes (docs/privacy.md)
    contactName: r.contact_name == null ? null : maskText(r.contact_name),
    status: r.status,
    assigneeId: r.assignee_id,
    lastSeq: r.last_seq,
    unreadCount: r.unread_count,
    lastMessageAt: iso(r.last_message_at),
    lastMessagePreview: r.last_message_preview,
    channel: r.channel,
    handler: r.handler,
    groupId: r.group_id,
    topic: r.topic,
    locale: r.locale === 'en' ? 'en' : 'zh-CN',
    priority: r.priority,
    queuedAt: iso(r.queued_at),
    abandonedAt: iso(r.abandoned_at),
    waitingSince: iso(r.waiting_since),
    createdAt: isoReq(r.created_at),
    updatedAt: isoReq(r.updated_at),
    resolvedAt: iso(r.resolved_at),
  };
}

export const MESSAGE_COLUMNS = `m.id, m.conversation_id, m.seq, m.sender_type, m.sender_id, m.content, m.content_type,
  m.private, m.attachments, m.client_message_id, m.channel, m.meta, m.created_at,
  CASE m.sender_type WHEN 'agent' THEN a.name WHEN 'customer' THEN ct.name WHEN 'bot' THEN '${BOT_NAME}' END AS sender_name`;
export const MESSAGE_FROM = `messages m
  JOIN conversations cv ON cv.id = m.conversation_id
  JOIN contacts ct ON ct.id = cv.contact_id
  LEFT JOIN agents a ON m.sender_type = 'agent' AND a.id = m.sender_id`;

export function toMessage(r: Row): Message {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    seq: r.seq,
    senderType: r.sender_type,
    senderId: r.sender_id,
    senderName: r.sender_name ?? null,
    content: r.content,
    contentType: r.content_type,
    private: r.private,
    attachments: r.attachments as AttachmentRef[],
    clientMessageId: r.client_message_id,
    channel: r.channel,
    meta: (r.meta as Message['meta']) ?? null,
    createdAt: isoReq(r.created_at),
  };
}

export function toContact(r: Row): Contact {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    inboxId: r.inbox_id,
    name: r.name,
    vip: r.vip,
    email: r.email,
    phone: r.phone,
    attributes: r.attributes ?? {},
    createdAt: isoReq(r.created_at),
    lastSeenAt: iso(r.last_seen_at),
    company: r.company ?? null,
    tags: r.tags ?? [],
    vipLevel: r.vip_level ?? (r.vip ? 1 : 0),
    externalId: r.external_id ?? null,
    customFields: r.custom_fields ?? {},
    temperament: r.temperament ?? null,
    needs: r.needs ?? {},
    lost: r.lost_reason ? { reason: r.lost_reason, note: r.lost_note ?? null, at: isoReq(r.lost_at ?? r.created_at) } : null,
    erasedAt: iso(r.erased_at ?? null),
  };
}

export function toAgent(r: Row): Agent {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    email: r.email,
    name: r.name,
    agentNo: r.agent_no,
    role: r.role,
    active: r.active,
    availability: r.availability,
    maxConcurrent: r.max_concurrent,
    createdAt: isoReq(r.created_at),
  };
}

/**
 * The inbox's settings; its greeting is reception's 欢迎语 (one setting: the widget
 * shows it before the conversation exists, and it is the conversation's first message).
 */
function inboxSettingsOf(r: Row): Inbox['settings'] {
  const { greeting: _legacy, ...settings } = r.settings ?? {};
  const welcome = r.reception?.messages?.welcome;
  return typeof welcome === 'string' && welcome.trim() ? { ...settings, greeting: welcome } : settings;
}

export function toInbox(r: Row): Inbox {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    channelType: r.channel_type,
    token: r.token,
    settings: inboxSettingsOf(r),
    createdAt: isoReq(r.created_at),
  };
}

export function toWorkspace(r: Row): Workspace {
  return { id: r.id, name: r.name, locale: r.locale, createdAt: isoReq(r.created_at) };
}
