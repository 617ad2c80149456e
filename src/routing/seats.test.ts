import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { api } from '../../test/helpers/api.js';
import { testDb } from '../../test/helpers/app.js';
import { DB_KINDS } from '../../test/helpers/env.js';
import { receptionCaughtUp, conversation, onlineAgent, visitor, waitFor } from '../../test/helpers/reception.js';
import { bootstrap } from '../bootstrap.js';
import { migrate } from '../storage/migrate.js';
import { useTestApp } from '../../test/helpers/suite.js';

/**
 * Issue 12, item 2: one visitor cannot take the seats. A contact has one open
 * conversation per inbox, and a conversation takes a seat or a queue place only
 * once the customer writes (an accepted invitation excepted: the agent chose it).
 */
describe.each(DB_KINDS)('seats on %s', (kind) => {
  const { t, a, track } = useTestApp(kind, { listen: true });
  const open = (contactToken: string, body: object = {}) => a.inject('POST', `${a.widgetBase}/conversations`, { contactToken, payload: body });
  const loadOf = async (agentId: number) =>
    Number((await t.db.query(`SELECT count(*) AS n FROM conversations WHERE assignee_id = $1 AND status <> 'resolved'`, [agentId]))[0].n);
  const endAll = () => t.db.query(`UPDATE conversations SET status = 'resolved', resolved_at = now(), queued_at = NULL WHERE status <> 'resolved'`);

  it('eight empty conversations from one contact are one, and take no seat until the customer writes', async () => {
    const agent = track(await onlineAgent(t, { email: 'seat@x.test', name: '座席', max: 5 }));
    const v = track(await visitor(t));
    const first = await open(v.contactToken);
    expect(first.status).toBe(201);
    const again: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await open(v.contactToken, i % 2 ? { name: '王先生' } : {});
      expect(r.status).toBe(200);
      again.push(r.body.id);
    }
    expect(new Set(again)).toEqual(new Set([first.body.id]));
    const rows = await t.db.query('SELECT id FROM conversations WHERE contact_id = $1', [v.contactId]);
    expect(rows.map((r) => r.id)).toEqual([first.body.id]);
    // a pending conversation counts as open
    await a.inject('POST', `/api/v1/conversations/${first.body.id}/status`, { token: t.adminToken, payload: { status: 'pending' } });
    expect((await open(v.contactToken)).body).toMatchObject({ id: first.body.id, status: 'pending' });
    await a.inject('POST', `/api/v1/conversations/${first.body.id}/status`, { token: t.adminToken, payload: { status: 'open' } });

    // nothing routed it: no seat taken, no queue place
    await receptionCaughtUp(t);
    expect(await loadOf(agent.id)).toBe(0);
    expect(await conversation(t, first.body.id)).toMatchObject({ handler: 'human', assigneeId: null, queuedAt: null });

    // the first message from the customer: routed at once
    expect((await a.customerSend(v.contactToken, first.body.id, '在吗? 想问下发货时间')).status).toBe(201);
    expect((await waitFor(() => conversation(t, first.body.id), (c) => c.assigneeId !== null)).assigneeId).toBe(agent.id);
    expect(await loadOf(agent.id)).toBe(1);

    // once it has ended, a new one can start
    await a.inject('POST', `/api/v1/conversations/${first.body.id}/status`, { token: agent.token, payload: { status: 'resolved' } });
    const next = await open(v.contactToken);
    expect(next.status).toBe(201);
    expect(next.body.id).not.toBe(first.body.id);
    // and the ended one cannot be reopened beside it
    const reopen = await a.inject('POST', `/api/v1/conversations/${first.body.id}/status`, { token: agent.token, payload: { status: 'open' } });
    expect(reopen.status).toBe(409);
    expect(reopen.body.error).toMatchObject({ code: 'conversation_already_open', details: { conversationId: next.body.id } });
    await endAll();
  });

  it('concurrent creates by one contact make one conversation', async () => {
    const v = track(await visitor(t));
    const all = await Promise.all(Array.from({ length: 6 }, () => open(v.contactToken)));
    expect(all.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(all.map((r) => r.body.id)).size).toBe(1);
    const rows = await t.db.query('SELECT id FROM conversations WHERE contact_id = $1', [v.contactId]);
    expect(rows).toHaveLength(1);
    const created = await t.db.query(`SELECT count(*) AS n FROM events WHERE type = 'conversation.created' AND conversation_id = $1`, [rows[0].id]);
    expect(Number(created[0].n)).toBe(1);
    await endAll();
  });

  it('with every agent full, an empty conversation does not queue; the first message does', async () => {
    const full = track(await onlineAgent(t, { email: 'full@x.test', name: '满', max: 0 }));
    await t.db.query(`UPDATE agents SET max_concurrent = 0`);
    const v = track(await visitor(t));
    const c = (await open(v.contactToken)).body;
    await receptionCaughtUp(t);
    expect(await conversation(t, c.id)).toMatchObject({ queuedAt: null, assigneeId: null });
    await a.customerSend(v.contactToken, c.id, '有人吗');
    await waitFor(() => conversation(t, c.id), (x) => x.queuedAt !== null);
    expect(await loadOf(full.id)).toBe(0);
    await endAll();
    await t.db.query(`UPDATE agents SET max_concurrent = 5`);
  });

  it('an accepted invitation is assigned to its agent without a customer message, joining the visitor’s empty conversation', async () => {
    const inviter = track(await onlineAgent(t, { email: 'inviter@x.test', name: '邀请人', max: 5 }));
    const v = track(await visitor(t, { page: { url: 'https://shop.example/p/1', title: 'p1', referrer: '', visitKey: 'v1' } }));
    const empty = (await open(v.contactToken)).body; // the widget opened, nobody wrote
    await waitFor(() => a.inject('GET', '/api/v1/visitors', { token: inviter.token }), (r) => r.body.visitors.some((x: any) => x.contactId === v.contactId));
    const sent = await a.inject('POST', `/api/v1/visitors/${v.contactId}/invite`, { token: inviter.token, payload: { message: '需要帮忙吗?' } });
    expect(sent.status).toBe(201);
    const inv = await v.ws.waitFor((f) => f.type === 'invite');
    const reply = await a.inject('POST', `${a.widgetBase}/invitations/${inv.invitationId}/reply`, { contactToken: v.contactToken, payload: { accept: true } });
    expect(reply.body.conversationId).toBe(empty.id);
    expect(await conversation(t, empty.id)).toMatchObject({ assigneeId: inviter.id, handler: 'human' });
    const [wrote] = await t.db.query('SELECT last_customer_message_at FROM conversations WHERE id = $1', [empty.id]);
    expect(wrote.last_customer_message_at).toBeNull();
    expect((await a.inject('GET', `${a.widgetBase}/conversations`, { contactToken: v.contactToken })).body.conversations).toHaveLength(1);
    await endAll();
  });
});

describe.each(DB_KINDS)('migration 006 on %s', (kind) => {
  // (a fresh embedded database takes a while on a busy machine)
  it('ends the duplicates an install already has, keeping the one the customer wrote in, and logs why', { timeout: 120_000 }, async () => {
    const { db, drop } = await testDb(kind);
    try {
      const { inbox } = await bootstrap(db, { adminEmail: 'm@x.test', adminPassword: 'migration-pass-1' });
      // back to before 006: several open conversations of one contact, as the old code made them
      await db.exec(`DROP INDEX conversations_one_open_key; DROP TABLE upload_usage; DELETE FROM schema_migrations WHERE version LIKE '006_%'`);
      const [ws] = await db.query('SELECT workspace_id FROM inboxes WHERE id = $1', [inbox.id]);
      const [contact] = await db.query('INSERT INTO contacts (workspace_id, inbox_id) VALUES ($1, $2) RETURNING id', [ws.workspace_id, inbox.id]);
      const [agent] = await db.query('SELECT id FROM agents LIMIT 1');
      const ids: number[] = [];
      for (let i = 0; i < 4; i++) {
        const [c] = await db.query(
          `INSERT INTO conversations (workspace_id, inbox_id, contact_id, assignee_id, status, last_customer_message_at)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [ws.workspace_id, inbox.id, contact.id, i < 2 ? agent.id : null, i === 3 ? 'pending' : 'open', i === 1 ? new Date() : null],
        );
        ids.push(c.id);
      }
      await db.query(`INSERT INTO timers (kind, key, due_at) VALUES ('idle', $1, now() + interval '1 hour')`, [`idle:${ids[0]}`]);
      expect(fs.readdirSync(new URL('../storage/migrations/', import.meta.url)).some((f) => f.startsWith('006_'))).toBe(true);
      expect(await migrate(db)).toEqual([expect.stringMatching(/^006_/)]);

      const rows = await db.query('SELECT id, status, resolved_at FROM conversations WHERE contact_id = $1 ORDER BY id', [contact.id]);
      expect(rows.map((r) => r.status)).toEqual(['resolved', 'open', 'resolved', 'resolved']); // the one with the customer's message stays
      const events = await db.query(`SELECT conversation_id, data FROM events WHERE type = 'conversation.status_changed' ORDER BY conversation_id`);
      expect(events.map((e) => [e.conversation_id, e.data])).toEqual([
        [ids[0], { from: 'open', to: 'resolved', reason: 'duplicate' }],
        [ids[2], { from: 'open', to: 'resolved', reason: 'duplicate' }],
        [ids[3], { from: 'pending', to: 'resolved', reason: 'duplicate' }],
      ]);
      expect(await db.query('SELECT key FROM timers WHERE key = $1', [`idle:${ids[0]}`])).toEqual([]);
      // and from now on the index holds
      await expect(
        db.query('INSERT INTO conversations (workspace_id, inbox_id, contact_id) VALUES ($1, $2, $3)', [ws.workspace_id, inbox.id, contact.id]),
      ).rejects.toMatchObject({ code: '23505' });
    } finally {
      await drop();
    }
  });
});
