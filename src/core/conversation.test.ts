import { describe, expect, it } from 'vitest';
import { applyMessage, previewOf, transitionStatus, validateMessage } from './conversation.js';
import { DomainError } from './errors.js';
import { MAX_MESSAGE_CHARS, sniffMatches } from './limits.js';

const text = (content: string, over: object = {}) => ({
  senderType: 'customer' as const,
  senderId: 1,
  content,
  contentType: 'text' as const,
  private: false,
  attachmentCount: 0,
  ...over,
});

describe('message rules', () => {
  it('accepts exactly the limit and refuses one more, naming the limit', () => {
    expect(() => validateMessage(text('a'.repeat(MAX_MESSAGE_CHARS)))).not.toThrow();
    try {
      validateMessage(text('a'.repeat(MAX_MESSAGE_CHARS + 1)));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe('message_too_long');
      expect((err as DomainError).details).toEqual({ limit: 5000 });
      expect((err as DomainError).message).toContain('5000');
    }
  });

  it('refuses empty messages unless they carry an attachment', () => {
    expect(() => validateMessage(text('   '))).toThrow(/text content or at least one attachment/);
    expect(() => validateMessage(text('', { attachmentCount: 1, contentType: 'image' }))).not.toThrow();
  });

  it('never lets a customer write a private note', () => {
    expect(() => validateMessage(text('x', { private: true }))).toThrow(DomainError);
  });
});

describe('applyMessage', () => {
  const open = { status: 'open' as const, unreadCount: 2, assigneeId: null };

  it('counts customer messages as unread and brings pending back to open', () => {
    expect(applyMessage(open, text('hi'))).toEqual({ lastMessagePreview: 'hi', unreadCount: 3, waiting: 'start' });
    expect(applyMessage(open, text('您好', { senderType: 'agent', senderId: 7 })).waiting).toBe('clear');
    expect(applyMessage({ ...open, status: 'pending' }, text('hi')).status).toBe('open');
  });

  it('assigns an unassigned conversation to the agent who answers it, but not for a note', () => {
    const reply = text('您好', { senderType: 'agent', senderId: 7 });
    expect(applyMessage(open, reply).assigneeId).toBe(7);
    expect(applyMessage(open, { ...reply, private: true }).assigneeId).toBeUndefined();
    expect(applyMessage({ ...open, assigneeId: 3 }, reply).assigneeId).toBeUndefined();
  });

  it('a resolved conversation takes no public messages: the customer starts a new one, the agent reopens', () => {
    const resolved = { ...open, status: 'resolved' as const };
    expect(() => applyMessage(resolved, text('hi'))).toThrow(expect.objectContaining({ code: 'conversation_resolved', status: 409 }));
    expect(() => applyMessage(resolved, text('hi', { senderType: 'agent' }))).toThrow(/reopen/);
    expect(() => applyMessage(resolved, text('note', { senderType: 'agent', private: true }))).not.toThrow();
  });

  it('private notes do not change the preview customers-facing list shows', () => {
    expect(applyMessage(open, text('secret', { senderType: 'agent', senderId: 1, private: true })).lastMessagePreview).toBeUndefined();
  });
});

describe('previewOf', () => {
  it('collapses whitespace, truncates, and names attachments', () => {
    expect(previewOf({ content: 'a\n\n b', contentType: 'text' })).toBe('a b');
    expect(previewOf({ content: 'x'.repeat(200), contentType: 'text' })).toHaveLength(121);
    expect(previewOf({ content: '', contentType: 'image' })).toBe('[图片]');
    expect(previewOf({ content: '', contentType: 'file' })).toBe('[文件]');
  });
});

describe('status transitions', () => {
  it('allows the service flow and refuses skipping reopen', () => {
    expect(transitionStatus('open', 'resolved')).toBe('resolved');
    expect(transitionStatus('open', 'pending')).toBe('pending');
    expect(transitionStatus('pending', 'open')).toBe('open');
    expect(transitionStatus('resolved', 'open')).toBe('open');
    expect(transitionStatus('open', 'open')).toBeNull();
    expect(() => transitionStatus('resolved', 'pending')).toThrow(expect.objectContaining({ code: 'invalid_status_change' }));
  });
});

describe('attachment sniffing', () => {
  it('matches magic numbers and refuses a renamed file', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
    expect(sniffMatches('image/png', png)).toBe(true);
    expect(sniffMatches('image/jpeg', png)).toBe(false);
    expect(sniffMatches('application/pdf', new TextEncoder().encode('%PDF-1.7'))).toBe(true);
    expect(sniffMatches('text/plain', new TextEncoder().encode('你好, world'))).toBe(true);
    expect(sniffMatches('text/plain', Uint8Array.from([0xff, 0xfe, 0x00, 0xd8, 0x41, 0x42, 0x43, 0x44]))).toBe(false);
  });
});

describe('the list preview', () => {
  it('shows what people wrote, not automatic lines', () => {
    const conv = { status: 'open' as const, unreadCount: 0, assigneeId: null };
    const msg = { senderType: 'system' as const, senderId: null, content: '工号 1024 小王 为您服务', contentType: 'text' as const, private: false, attachmentCount: 0 };
    expect(applyMessage(conv, msg).lastMessagePreview).toBeUndefined();
    expect(applyMessage(conv, { ...msg, senderType: 'bot' }).lastMessagePreview).toBe('工号 1024 小王 为您服务');
  });
});
