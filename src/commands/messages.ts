import { applyMessage } from '../core/conversation.js';
import { DomainError, notFound } from '../core/errors.js';
import { pendingEvent, type PendingEvent } from '../core/events.js';
import type { Actor, AttachmentRef, ChannelType, ContentType, Message, SenderType } from '../core/model.js';
import { maybeOne, one, type Sql } from '../storage/db.js';
import { CONVERSATION_COLUMNS, CONVERSATION_FROM, MESSAGE_COLUMNS, MESSAGE_FROM, toConversation, toMessage } from '../storage/rows.js';
import { runCommand, type CommandContext } from './context.js';

export interface CreateMessageInput {
  workspaceId: number;
  conversationId: number;
  /** When set, the conversation must belong to this contact (client API callers). */
  contactId?: number;
  senderType: SenderType;
  senderId: number | null;
  senderName: string | null;
  content: string;
  private?: boolean;
  attachmentIds?: number[];
  clientMessageId?: string | null;
  channel?: ChannelType;
}

export interface CreateMessageResult {
  message: Message;
  /** true when a message with this clientMessageId already existed and was returned instead. */
  duplicate: boolean;
}

/**
 * The one path every message takes, whatever the channel: lock the conversation
 * row (this orders `seq`), return the original on a resend, apply the domain rules,
 * store the message, update the conversation, log the events — one transaction.
 * The caller acknowledges only after this resolves, so an acknowledged message is durable.
 */
export async function createMessage(ctx: CommandContext, input: CreateMessageInput): Promise<CreateMessageResult> {
  return runCommand<CreateMessageResult>(ctx, async (sql) => {
    const row = await maybeOne(
      sql,
      `SELECT ${CONVERSATION_COLUMNS} FROM ${CONVERSATION_FROM}
       WHERE c.id = $1 AND c.workspace_id = $2 AND ($3::bigint IS NULL OR c.contact_id = $3) FOR UPDATE OF c`,
      [input.conversationId, input.workspaceId, input.contactId ?? null],
    );
    if (!row) throw notFound('conversation');
    const conv = toConversation(row);

    if (input.clientMessageId) {
      const existing = await maybeOne(
        sql,
        `SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM} WHERE m.conversation_id = $1 AND m.client_message_id = $2`,
        [conv.id, input.clientMessageId],
      );
      if (existing) return { result: { message: toMessage(existing), duplicate: true }, events: [] };
    }

    const attachments = await claimAttachments(sql, input);
    const contentType: ContentType =
      attachments.length === 0 ? 'text' : attachments.every((a) => a.contentType.startsWith('image/')) ? 'image' : 'file';
    const isPrivate = input.private ?? false;
    const changes = applyMessage(conv, {
      senderType: input.senderType,
      senderId: input.senderId,
      content: input.content,
      contentType,
      private: isPrivate,
      attachmentCount: attachments.length,
    });

    const seq = conv.lastSeq + 1;
    const msgRow = await one(
      sql,
      `INSERT INTO messages (workspace_id, conversation_id, seq, sender_type, sender_id, content, content_type,
         private, attachments, client_message_id, channel)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11) RETURNING *`,
      [
        input.workspaceId,
        conv.id,
        seq,
        input.senderType,
        input.senderId,
        input.content,
        contentType,
        isPrivate,
        JSON.stringify(attachments),
        input.clientMessageId ?? null,
        input.channel ?? conv.channel,
      ],
    );
    if (attachments.length > 0) {
      await sql.query('UPDATE attachments SET message_id = $1 WHERE id = ANY($2::bigint[])', [
        msgRow.id,
        attachments.map((a) => a.id),
      ]);
    }
    const updated = await one(
      sql,
      `UPDATE conversations SET last_seq = $2, updated_at = now(),
         last_message_at = CASE WHEN $3::text IS NULL THEN last_message_at ELSE now() END,
         last_message_preview = COALESCE($3, last_message_preview),
         unread_count = COALESCE($4, unread_count), status = COALESCE($5, status),
         assignee_id = COALESCE($6, assignee_id)
       WHERE id = $1 RETURNING *`,
      [conv.id, seq, changes.lastMessagePreview ?? null, changes.unreadCount ?? null, changes.status ?? null, changes.assigneeId ?? null],
    );
    const conversation = toConversation({ ...updated, contact_name: row.contact_name });
    const message = toMessage({ ...msgRow, sender_name: input.senderName });
    const actor: Actor = { type: input.senderType, id: input.senderId };
    const base = { workspaceId: input.workspaceId, conversationId: conv.id, actor };
    const events: PendingEvent[] = [
      pendingEvent('message.created', {
        ...base,
        data: { messageId: message.id, seq, senderType: message.senderType, private: isPrivate },
        subject: { message, conversation },
      }),
    ];
    if (changes.status) {
      events.push(pendingEvent('conversation.status_changed', { ...base, data: { from: conv.status, to: changes.status }, subject: conversation }));
    }
    if (changes.assigneeId !== undefined) {
      events.push(pendingEvent('conversation.assigned', { ...base, data: { from: null, to: changes.assigneeId }, subject: conversation }));
    }
    return { result: { message, duplicate: false }, events };
  });
}

/** Attachments are uploaded first, then claimed by exactly one message of the same uploader. */
async function claimAttachments(sql: Sql, input: CreateMessageInput): Promise<AttachmentRef[]> {
  const ids = [...new Set(input.attachmentIds ?? [])];
  if (ids.length === 0) return [];
  const rows = await sql.query(
    `SELECT id, key, filename, content_type, size FROM attachments
     WHERE id = ANY($1::bigint[]) AND workspace_id = $2 AND uploader_type = $3
       AND uploader_id IS NOT DISTINCT FROM $4 AND message_id IS NULL
     FOR UPDATE`,
    [ids, input.workspaceId, input.senderType, input.senderId],
  );
  if (rows.length !== ids.length) {
    throw new DomainError(
      'attachment_unavailable',
      'an attachment was not found, belongs to someone else, or is already used by another message; upload it again',
      400,
    );
  }
  return ids.map((id) => {
    const r = rows.find((x) => x.id === id)!;
    return { id: r.id, url: attachmentUrl(r.key, r.filename), name: r.filename, contentType: r.content_type, size: r.size };
  });
}

export function attachmentUrl(key: string, filename: string): string {
  return `/api/v1/attachments/${key}/${encodeURIComponent(filename)}`;
}
