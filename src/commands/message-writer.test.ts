import { describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/helpers/env.js';
import type { Sql } from '../storage/db.js';
import { MessageWriter, type MessagePlan } from './messages.js';
import { useTestApp } from '../../test/helpers/suite.js';

/** A customer message as planMessage lays it out. */
const plan = (r: Record<string, any>, content: string): MessagePlan => ({
  state: {
    id: r.id,
    workspaceId: r.workspace_id,
    inboxId: r.inbox_id,
    contactId: r.contact_id,
    handler: r.handler,
    channel: r.channel,
    status: r.status,
    assigneeId: r.assignee_id,
    lastSeq: r.last_seq,
    unreadCount: r.unread_count,
  },
  input: { workspaceId: r.workspace_id, conversationId: r.id, senderType: 'customer', senderId: r.contact_id, senderName: null, content },
  row: {
    conv: r.id,
    ws: r.workspace_id,
    expected_seq: r.last_seq,
    expected_status: r.status,
    expected_assignee: r.assignee_id,
    preview: content,
    unread_inc: 1,
    new_status: null,
    new_assignee: null,
    waiting: 'start',
    sender_type: 'customer',
    sender_id: r.contact_id,
    content,
    content_type: 'text',
    is_private: false,
    attachments: [],
    client_id: crypto.randomUUID(),
    channel: 'web',
    events: [{ type: 'message.created', data: {} }],
  },
  cancel: [],
  schedule: null,
});

/**
 * Group commit when one message fails the batch statement anyway (createMessage refuses
 * invalid text before it gets here; this is the safety net): the others are still all
 * written, and finding the failing one costs a few halvings, not one write per message.
 */
describe.each(DB_KINDS)('message group commit on %s', (kind) => {
  const { t, a } = useTestApp(kind);

  it('writes every other message of a batch that one message fails, in about 2·log2(n) statements', async () => {
    const n = 32;
    const ids = await Promise.all(
      Array.from({ length: n }, async () => {
        const { contactToken } = await a.newContact();
        return (await a.newConversation(contactToken)).id;
      }),
    );
    const rows = await t.db.query('SELECT * FROM conversations WHERE id = ANY($1::bigint[]) ORDER BY id', [ids]);
    let statements = 0;
    let splits = 0;
    const counted: Sql = {
      query: (text, params) => {
        statements++;
        return t.db.query(text, params);
      },
      exec: (text) => t.db.exec(text),
    };
    const writer = new MessageWriter(counted, 1, 200, () => splits++);
    // PostgreSQL cannot store NUL: this one fails the whole statement
    const bad = 13;
    const results = await Promise.allSettled(rows.map((r, i) => writer.write(plan(r, i === bad ? 'bad\u0000' : `ok ${i}`))));
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(results[bad].status).toBe('rejected');
    expect(results.every((r, i) => i === bad || (r.status === 'fulfilled' && r.value?.message.content === `ok ${i}`))).toBe(true);
    const stored = await t.db.query(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = ANY($1::bigint[]) AND sender_type = 'customer'`, [ids]);
    expect(stored[0].n).toBe(n - 1);
    // halving: 32 → 16 → 8 → 4 → 2 → 1, two statements per level after the first (one by one would be 1 + 32)
    expect(splits).toBe(Math.log2(n));
    expect(statements).toBe(1 + 2 * Math.log2(n));
  });
});

// PostgreSQL only: PGlite runs one transaction at a time, so no other transaction can hold a row there
describe('message group commit on postgres: a conversation another transaction holds', () => {
  const { t, a } = useTestApp('postgres');

  it('does not hold a batch up behind a conversation another transaction holds; that one is decided again and written once it is free', async () => {
    const ids = await Promise.all(
      [0, 1, 2].map(async () => {
        const { contactToken } = await a.newContact();
        return { contactToken, id: (await a.newConversation(contactToken)).id };
      }),
    );
    const rows = await t.db.query('SELECT * FROM conversations WHERE id = ANY($1::bigint[]) ORDER BY id', [ids.map((c) => c.id)]);
    const held = rows[0];
    // another transaction holds the first conversation (as routing does while it places a first message)
    let release!: () => void;
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = t.db.tx(async (sql) => {
      await sql.query('SELECT id FROM conversations WHERE id = $1 FOR UPDATE', [held.id]);
      locked();
      await new Promise<void>((r) => (release = r));
    });
    await isLocked;
    try {
      const writer = new MessageWriter(t.db, 1, 200);
      // one batch: written in the same turn
      const pending = rows.map((r, i) => writer.write(plan(r, `batch ${i}`)));
      const others = await Promise.race([
        Promise.all(pending.slice(1)),
        new Promise<'held up'>((r) => setTimeout(() => r('held up'), 5000)),
      ]);
      expect(others).not.toBe('held up');
      expect((others as Awaited<(typeof pending)[number]>[]).map((w) => w?.message.content)).toEqual(['batch 1', 'batch 2']);
      // the held one was left out of the batch (null: decide again), not failed
      expect(await pending[0]).toBeNull();
      // through the API, the held conversation's message waits for the row and then is stored once
      const send = a.customerSend(ids.find((c) => c.id === held.id)!.contactToken, held.id, 'after the lock');
      await new Promise((r) => setTimeout(r, 300));
      release();
      await holder;
      const sent = await send;
      expect(sent.status).toBe(201);
      expect(sent.body.content).toBe('after the lock');
      const stored = await t.db.query(`SELECT content FROM messages WHERE conversation_id = $1 AND sender_type = 'customer' ORDER BY seq`, [held.id]);
      expect(stored.map((m) => m.content)).toEqual(['after the lock']);
    } finally {
      release?.();
      await holder;
    }
  });
});
