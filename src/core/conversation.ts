import { DomainError } from './errors.js';
import { MAX_MESSAGE_CHARS } from './limits.js';
import { checkText, codePointLength, INVALID_TEXT } from './text.js';
import type { ContentType, Conversation, ConversationStatus, SenderType } from './model.js';

/**
 * The conversation state machine and message rules. Pure: it takes the current
 * state and returns what changes; storage and transport apply it.
 */

export interface NewMessageInput {
  senderType: SenderType;
  content: string;
  contentType: ContentType;
  private: boolean;
  attachmentCount: number;
}

export interface ConversationChanges {
  status?: ConversationStatus;
  assigneeId?: number;
  /** start: a customer message now waits for an answer (kept if one already waits); clear: answered */
  waiting?: 'start' | 'clear';
  unreadCount?: number;
  lastMessagePreview?: string;
  resolvedAt?: null;
}

const PREVIEW_CHARS = 120;

/** Refuses text that cannot be stored (NUL, a lone surrogate) with invalid_text, naming the field. */
export function assertText(field: string, value: string | null | undefined): void {
  const problem = value ? checkText(value) : null;
  if (problem) throw new DomainError(INVALID_TEXT, `${field} ${problem}; remove it and send again`, 400, { field });
}

/** Validates a new message against the limits; throws a DomainError naming the limit. */
export function validateMessage(input: NewMessageInput): void {
  assertText('message content', input.content);
  // code points, as PostgreSQL's char_length counts them: an emoji is one character
  const length = codePointLength(input.content);
  if (length > MAX_MESSAGE_CHARS) {
    throw new DomainError('message_too_long', `message content is ${length} characters; the limit is ${MAX_MESSAGE_CHARS}`, 400, { limit: MAX_MESSAGE_CHARS });
  }
  if (input.content.trim() === '' && input.attachmentCount === 0) {
    throw new DomainError('message_empty', 'a message needs text content or at least one attachment', 400);
  }
  if (input.private && input.senderType === 'customer') {
    throw new DomainError('forbidden', 'customers cannot write private notes', 403);
  }
}

/**
 * What a new message does to its conversation.
 * - A customer writing to a resolved conversation must start a new one: each 会话
 *   is routed, timed and quality-inspected on its own.
 * - Agents reopen a resolved conversation explicitly before replying (notes are fine).
 * - A customer message moves a pending conversation back to open and counts as unread.
 * - An agent's public reply to an unassigned conversation assigns it to them.
 */
export function applyMessage(
  conv: Pick<Conversation, 'status' | 'unreadCount' | 'assigneeId'>,
  input: NewMessageInput & { senderId: number | null },
): ConversationChanges {
  validateMessage(input);
  if (conv.status === 'resolved' && !input.private) {
    if (input.senderType === 'customer') {
      throw new DomainError(
        'conversation_resolved',
        'this conversation has ended; start a new conversation to write again',
        409,
      );
    }
    if (input.senderType === 'agent') {
      throw new DomainError('conversation_resolved', 'this conversation is resolved; reopen it before replying', 409);
    }
  }
  const changes: ConversationChanges = {};
  // The list preview shows what people wrote: not notes, not automatic lines.
  if (!input.private && input.senderType !== 'system') changes.lastMessagePreview = previewOf(input);
  if (input.senderType === 'customer') {
    changes.unreadCount = conv.unreadCount + 1;
    changes.waiting = 'start';
    if (conv.status === 'pending') changes.status = 'open';
  } else if ((input.senderType === 'agent' || input.senderType === 'bot') && !input.private) {
    changes.waiting = 'clear';
  }
  // An agent who answers an unassigned conversation has taken it (接入).
  if (input.senderType === 'agent' && !input.private && conv.assigneeId === null && input.senderId !== null) {
    changes.assigneeId = input.senderId;
  }
  return changes;
}

export function previewOf(input: Pick<NewMessageInput, 'content' | 'contentType'>): string {
  const text = input.content.replace(/\s+/g, ' ').trim();
  // by code points: cutting a surrogate pair in half would store an invalid character
  if (text) return codePointLength(text) > PREVIEW_CHARS ? `${Array.from(text.slice(0, 2 * PREVIEW_CHARS)).slice(0, PREVIEW_CHARS).join('')}…` : text;
  return input.contentType === 'image' ? '[图片]' : '[文件]';
}

/** Status changes allowed from each status. Setting the current status again is a no-op, not an error. */
const TRANSITIONS: Record<ConversationStatus, ConversationStatus[]> = {
  open: ['pending', 'resolved'],
  pending: ['open', 'resolved'],
  resolved: ['open'],
};

export function transitionStatus(from: ConversationStatus, to: ConversationStatus): ConversationStatus | null {
  if (from === to) return null;
  if (!TRANSITIONS[from].includes(to)) {
    throw new DomainError('invalid_status_change', `a ${from} conversation cannot become ${to}; reopen it first`, 409, {
      from,
      to,
    });
  }
  return to;
}
