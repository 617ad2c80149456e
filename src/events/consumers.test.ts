import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../commands/context.js';
import { pendingEvent, type StoredEvent } from '../core/events.js';
import { api } from '../../test/helpers/api.js';
import { createTestApp, type TestApp } from '../../test/helpers/app.js';
import { DB_KINDS } from '../../test/helpers/env.js';
import { waitFor } from '../../test/helpers/reception.js';
import { findMessage } from '../storage/conversations.js';
import { parsePosition, positionKey, readBatch } from '../storage/consumers.js';
import { appendEvents } from '../storage/events.js';
import { defineConsumer } from './consumers.js';

/**
 * Durable consumers through the real app and database: every event once per
 * successful handling, in order per conversation; retries, parking and the
 * operators' view; and (PostgreSQL, the only one of the two that runs transactions
 * side by side) commits out of id order, forced, with nothing skipped.
 */
function recorderApp(kind: 'pglite' | 'postgres') {
  const state = {
    t: null as unknown as TestApp,
    seen: [] as StoredEvent[],
    flakyDone: [] as number[],
    refuseBoom: true,
    failedOnce: new Set<number>(),
    /** test.batched: what it handled, batch by batch and one by one; closed, its handleMany waits */
    batches: [] as number[][],
    calls: [] as number[],
    singles: [] as number[],
    batchGate: Promise.resolve(),
    /** test.recorder waits for this before handling a message of this conversation */
    holds: new Map<number, Promise<void>>(),
    /** test.paced: the message events of each of its calls */
    paced: [] as number[][],
    /** test.slow: each call's time and events */
    slow: [] as { at: number; ids: number[] }[],
  };
  const recorder = defineConsumer({
    name: 'test.recorder',
    events: ['conversation.created', 'message.created', 'contact.updated', 'conversation.response_overdue'],
    concurrency: 8,
    async handle(e) {
      if (e.type === 'message.created' && e.conversationId !== null) await state.holds.get(e.conversationId);
      // a little work, so conversations really overlap
      await new Promise((r) => setTimeout(r, 1));
      state.seen.push(e);
    },
  });
  const flaky = defineConsumer({
    name: 'test.flaky',
    events: ['message.created'],
    maxAttempts: 3,
    async handle(e) {
      const m = await findMessage(state.t.db, e.data.messageId);
      if (m?.content === 'boom' && state.refuseBoom) throw new Error('boom: this consumer refuses the message');
      if (m?.content === 'once' && !state.failedOnce.has(e.id)) {
        state.failedOnce.add(e.id);
        throw new Error('a passing failure');
      }
      state.flakyDone.push(e.id);
    },
  });
  const batched = defineConsumer({
    name: 'test.batched',
    events: ['message.created'],
    maxAttempts: 2,
    manyMax: 50,
    async handleMany(events) {
      await state.batchGate;
      state.calls.push(events.length);
      const messages = await Promise.all(events.map((e) => findMessage(state.t.db, e.data.messageId)));
      if (messages.some((m) => m?.content === 'refused in a batch')) throw new Error('this batch holds a refused message');
      state.batches.push(events.map((e) => e.id));
    },
    async handle(e) {
      const m = await findMessage(state.t.db, e.data.messageId);
      if (m?.content === 'refused in a batch') throw new Error('refused: this consumer never takes it');
      state.singles.push(e.id);
    },
  });
  const paced = defineConsumer({
    name: 'test.paced',
    events: ['message.created'],
    readEveryMs: 300,
    async handleMany(events) {
      state.paced.push(events.map((e) => e.id));
    },
    async handle(e) {
      state.paced.push([e.id]);
    },
  });
  // a slow pace (a read every 3 s) on events nothing else reads: behind, it must not wait between reads
  const slow = defineConsumer({
    name: 'test.slow',
    events: ['calendar.changed'],
    readEveryMs: 3000,
    manyMax: 1000,
    async handleMany(events) {
      state.slow.push({ at: Date.now(), ids: events.map((e) => e.id) });
    },
    async handle(e) {
      state.slow.push({ at: Date.now(), ids: [e.id] });
    },
  });
  return {
    state,
    async start() {
      state.t = await createTestApp(kind, { consumers: [recorder, flaky, batched, paced, slow], config: { consumerRetryMs: 10 } });
      return state.t;
    },
  };
}

describe.each(DB_KINDS)('durable consumers on %s', (kind) => {
  const { state, start } = recorderApp(kind);
  let t: TestApp;
  let a: ReturnType<typeof api>;

  beforeAll(async () => {
    t = await start();
    a = api(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('sees every event once per successful handling, in order per conversation, with many conversations at once', async () => {
    const contacts = await Promise.all(Array.from({ length: 12 }, () => a.newContact()));
    const convs = await Promise.all(contacts.map(async (c) => ({ token: c.contactToken, id: (await a.newConversation(c.contactToken)).id })));
    // every message of every conversation at once: the order within a conversation is the order they commit in
    const sent = await Promise.all(convs.flatMap((c) => Array.from({ length: 15 }, (_, i) => a.customerSend(c.token, c.id, `消息 ${i}`))));
    expect(sent.every((r) => r.status === 201)).toBe(true);
    const ids = convs.map((c) => c.id);
    const logged = await t.db.query(
      `SELECT id FROM events WHERE conversation_id = ANY($1::bigint[]) AND type IN ('conversation.created', 'message.created') ORDER BY id`,
      [ids],
    );
    expect(logged.length).toBe(12 * 16);
    const mine = () => state.seen.filter((e) => e.conversationId !== null && ids.includes(e.conversationId));
    await waitFor(async () => mine().length, (n) => n >= logged.length, 10_000);
    const got = mine();
    expect(got.length).toBe(logged.length); // none twice
    expect(new Set(got.map((e) => e.id))).toEqual(new Set(logged.map((r) => r.id)));
    for (const id of ids) {
      const chain = got.filter((e) => e.conversationId === id);
      expect(chain[0].type).toBe('conversation.created');
      const seqs = chain.slice(1).map((e) => (e as StoredEvent<'message.created'>).data.seq);
      expect(seqs).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
      const eventIds = chain.map((e) => e.id);
      expect(eventIds).toEqual([...eventIds].sort((x, y) => x - y));
    }
  });

  it('a conversation slow to handle holds up only itself: later events of others are handled meanwhile, its own after it', async () => {
    const [slow, quick] = await Promise.all([a.newContact(), a.newContact()]);
    const slowId = (await a.newConversation(slow.contactToken)).id;
    const quickId = (await a.newConversation(quick.contactToken)).id;
    let release!: () => void;
    state.holds.set(slowId, new Promise<void>((r) => (release = r)));
    const first = await a.customerSend(slow.contactToken, slowId, '慢的第一条');
    const messagesOf = (id: number) => state.seen.filter((e) => e.conversationId === id && e.type === 'message.created').map((e) => (e as StoredEvent<'message.created'>).data.messageId);
    await new Promise((r) => setTimeout(r, 100)); // read, and held
    const second = await a.customerSend(slow.contactToken, slowId, '慢的第二条');
    const others: number[] = [];
    for (let i = 0; i < 3; i++) others.push((await a.customerSend(quick.contactToken, quickId, `快的 ${i}`)).body.id);
    await waitFor(async () => messagesOf(quickId), (seen) => others.every((id) => seen.includes(id)), 10_000);
    expect(messagesOf(slowId)).toEqual([]);
    release();
    await waitFor(async () => messagesOf(slowId), (seen) => seen.length === 2, 10_000);
    expect(messagesOf(slowId)).toEqual([first.body.id, second.body.id]);
    state.holds.delete(slowId);
  });

  it('a consumer with handleMany takes events in batches; a batch that fails is handled one by one and only its bad event is parked', async () => {
    let open!: () => void;
    state.batchGate = new Promise<void>((r) => (open = r));
    const contacts = await Promise.all(Array.from({ length: 4 }, () => a.newContact()));
    const convs = await Promise.all(contacts.map(async (c) => ({ token: c.contactToken, id: (await a.newConversation(c.contactToken)).id })));
    const texts = (i: number) => Array.from({ length: 8 }, (_, n) => (i === 2 && n === 4 ? 'refused in a batch' : `批量 ${n}`));
    // while the consumer waits at the gate, every message commits: the next read takes them together
    for (const r of await Promise.all(convs.flatMap((c, i) => texts(i).map((text) => a.customerSend(c.token, c.id, text))))) expect(r.status).toBe(201);
    open();
    const ids = convs.map((c) => c.id);
    const logged = await t.db.query(`SELECT e.id, e.conversation_id, m.content FROM events e JOIN messages m ON m.id = (e.data->>'messageId')::bigint
      WHERE e.conversation_id = ANY($1::bigint[]) AND e.type = 'message.created' ORDER BY e.id`, [ids]);
    expect(logged).toHaveLength(32);
    const refused = logged.find((r) => r.content === 'refused in a batch')!.id;
    const wanted = logged.map((r) => r.id).filter((id) => id !== refused);
    const handled = () => [...state.batches.flat(), ...state.singles].filter((id) => wanted.includes(id) || id === refused);
    await waitFor(async () => handled(), (h) => wanted.every((id) => h.includes(id)), 10_000);
    await waitFor(async () => t.db.query(`SELECT event_id, attempts, error FROM consumer_parked WHERE consumer = 'test.batched' AND event_id = $1`, [refused]), (rows) => rows.length === 1, 10_000);
    const got = handled();
    expect(got).not.toContain(refused);
    expect(got.length).toBe(new Set(got).size); // none twice
    expect(new Set(got)).toEqual(new Set(wanted));
    // batches did happen (more than one event in a call), and the failed one's events went one by one
    expect(Math.max(...state.calls)).toBeGreaterThan(1);
    expect(state.singles.length).toBeGreaterThan(0);
    // in a batch, each conversation's events come in order
    const conversationOf = new Map(logged.map((r) => [r.id, r.conversation_id]));
    for (const b of state.batches) {
      for (const id of ids) {
        const chain = b.filter((e) => conversationOf.get(e) === id);
        expect(chain).toEqual([...chain].sort((x, y) => x - y));
      }
    }
  });

  it('a consumer with its own pace (readEveryMs) reads the log that seldom, in bigger batches, and misses nothing', async () => {
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    const before = state.paced.length;
    const sent: number[] = [];
    // 20 messages over about a second: at the default pace that is a read (and a call) for nearly each
    for (let i = 0; i < 20; i++) {
      const r = await a.customerSend(contactToken, conv.id, `慢慢来 ${i}`);
      expect(r.status).toBe(201);
      sent.push(r.body.id);
      await new Promise((res) => setTimeout(res, 50));
    }
    const logged = (await t.db.query(`SELECT e.id FROM events e WHERE e.conversation_id = $1 AND e.type = 'message.created' ORDER BY e.id`, [conv.id])).map((r) => Number(r.id));
    expect(logged).toHaveLength(20);
    await waitFor(async () => state.paced.slice(before).flat(), (seen) => logged.every((id) => seen.includes(id)), 10_000);
    const calls = state.paced.slice(before).filter((c) => c.some((id) => logged.includes(id)));
    const seen = calls.flat().filter((id) => logged.includes(id));
    expect(seen.length).toBe(new Set(seen).size); // none twice
    // about a second at one read per 300 ms: a handful of calls, not twenty
    expect(calls.length).toBeLessThanOrEqual(8);
    expect(Math.max(...calls.map((c) => c.length))).toBeGreaterThan(1);
  });

  it('a paced consumer that falls behind reads on at once until it has caught up', async () => {
    // 1,600 events in one go: four reads of 500; at a read every 3 s that would take 9 s and more
    const [{ first }] = await t.db.query(
      `WITH x AS (INSERT INTO events (workspace_id, type, actor_type, data)
         SELECT 1, 'calendar.changed', 'system', jsonb_build_object('calendarId', i, 'action', 'updated') FROM generate_series(1, 1600) i RETURNING id)
       SELECT min(id) AS first FROM x`,
    );
    const ids = await waitFor(async () => state.slow.flatMap((c) => c.ids).filter((id) => id >= Number(first)), (seen) => seen.length >= 1600, 20_000);
    expect(new Set(ids).size).toBe(1600);
    const calls = state.slow.filter((c) => c.ids.some((id) => id >= Number(first)));
    // from the first read of the backlog to the last: no pause of the pace between them
    expect(calls.at(-1)!.at - calls[0].at).toBeLessThan(2500);
  });

  it('retries a failing event, parks one that keeps failing, and goes on; operators see it and run it again', async () => {
    const { contactToken } = await a.newContact();
    const { id } = await a.newConversation(contactToken);
    for (const text of ['once', 'boom', 'after']) expect((await a.customerSend(contactToken, id, text)).status).toBe(201);
    const events = await t.db.query(`SELECT id, data->>'seq' AS seq FROM events WHERE conversation_id = $1 AND type = 'message.created' ORDER BY id`, [id]);
    const [once, boom, after] = events.map((e) => e.id as number);
    await waitFor(async () => state.flakyDone, (done) => done.includes(after), 10_000);
    expect(state.flakyDone).toContain(once); // second attempt
    expect(state.flakyDone).not.toContain(boom);
    const [parked] = await t.db.query(`SELECT * FROM consumer_parked WHERE consumer = 'test.flaky'`);
    expect(parked).toMatchObject({ event_id: boom, attempts: 3, event_type: 'message.created', conversation_id: id });
    expect(parked.error).toMatch(/boom/);
    // the other consumer was never held up
    expect(state.seen.map((e) => e.id)).toEqual(expect.arrayContaining([once, boom, after]));

    // another workspace's parked event: not this admin's business
    await t.db.query(
      `INSERT INTO consumer_parked (consumer, event_id, workspace_id, event_type, attempts, error) VALUES ('test.flaky', 999999, 999, 'message.created', 5, 'secret of workspace 999')`,
    );
    const status = await waitFor(
      async () => (await a.inject('GET', '/api/v1/events/consumers', { token: t.adminToken })).body,
      (b) => b.consumers.every((c: any) => c.lag.events === 0),
    );
    const byName = Object.fromEntries(status.consumers.map((c: any) => [c.name, c]));
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['test.recorder', 'test.flaky', 'test.batched', 'reception.bot', 'reception.offline_reply', 'routing.route', 'routing.drain']));
    expect(byName['test.flaky']).toMatchObject({ parked: 1, lag: { events: 0, seconds: 0 }, lastError: { eventId: boom, eventType: 'message.created', conversationId: id } });
    expect(byName['test.flaky'].lastError.message).toMatch(/boom/);
    expect(JSON.stringify(status)).not.toContain('workspace 999');
    expect(byName['test.recorder']).toMatchObject({ parked: 0, lastError: null });
    const agentToken = await a.login((await a.createAgent(t.adminToken, { email: `ops-${kind}@x.test`, name: 'Ops' })).email);
    expect((await a.inject('GET', '/api/v1/events/consumers', { token: agentToken })).status).toBe(403);

    // Prometheus: lag and parked per consumer (instance-wide: both workspaces' parked events)
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/zhike_consumer_parked\{consumer="test\.flaky"\} 2/);
    expect(metrics).toMatch(/zhike_consumer_lag_events\{consumer="test\.recorder"\} 0/);
    expect(metrics).toMatch(/zhike_consumer_events_total\{consumer="test\.flaky",outcome="parked"\} 1/);
    expect(metrics).toMatch(/zhike_consumer_events_total\{consumer="test\.flaky",outcome="retried"\} 1/);

    // run it again: still refused, it stays; fixed, it leaves the parking
    const retry = () => a.inject('POST', '/api/v1/events/consumers/test.flaky/retry', { token: t.adminToken });
    expect((await retry()).body).toEqual({ retried: 1, succeeded: 0, failed: 1 });
    state.refuseBoom = false;
    expect((await retry()).body).toEqual({ retried: 1, succeeded: 1, failed: 0 });
    expect(state.flakyDone).toContain(boom);
    expect((await retry()).body).toEqual({ retried: 0, succeeded: 0, failed: 0 });
    const [left] = await t.db.query(`SELECT count(*) AS n FROM consumer_parked WHERE consumer = 'test.flaky' AND workspace_id = $1`, [t.inbox.workspaceId]);
    expect(Number(left.n)).toBe(0);
    expect((await a.inject('POST', '/api/v1/events/consumers/no.such/retry', { token: t.adminToken })).status).toBe(404);
  });
});

describe('durable consumers on postgres: transactions committing out of id order', () => {
  const { state, start } = recorderApp('postgres');
  let t: TestApp;
  const contactEvent = (sql: Parameters<typeof appendEvents>[0], contactId: number) =>
    appendEvents(sql, [pendingEvent('contact.updated', { workspaceId: t.inbox.workspaceId, actor: { type: 'system', id: null }, data: { contactId, fields: ['test'] }, subject: null as never })]);
  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((r) => (open = r));
    return { open, opened };
  };

  beforeAll(async () => {
    t = await start();
  });
  afterAll(async () => {
    await t.close();
  });

  it('an event whose transaction commits after a later id is not skipped, and the later one does not wait for it', async () => {
    const inserted = gate();
    const release = gate();
    let idA = 0;
    // A takes id n and holds its transaction open
    const txA = t.db.tx(async (sql) => {
      idA = (await contactEvent(sql, 1))[0].id;
      inserted.open();
      await release.opened;
    });
    await inserted.opened;
    // B takes id n+1 and commits first
    const [b] = await t.db.tx((sql) => contactEvent(sql, 2));
    expect(b.id).toBeGreaterThan(idA);
    // the trap: B is visible, A is not — a reader of `id > last seen` would pass A for ever
    const visible = await t.db.query('SELECT id FROM events WHERE id = ANY($1::bigint[])', [[idA, b.id]]);
    expect(visible.map((r) => r.id)).toEqual([b.id]);
    // B is handled while A is still open: a running transaction holds up no one
    t.app.zhike.events.consumers!.wake();
    await waitFor(async () => state.seen.map((e) => e.id), (seen) => seen.includes(b.id));
    expect(state.seen.some((e) => e.id === idA)).toBe(false);
    release.open();
    await txA;
    t.app.zhike.events.consumers!.wake();
    await waitFor(async () => state.seen.map((e) => e.id), (seen) => seen.includes(idA));
    await new Promise((r) => setTimeout(r, 200));
    expect(state.seen.filter((e) => e.id === idA || e.id === b.id).map((e) => e.id)).toEqual([b.id, idA]);
  });

  it('pages through a step without skipping a transaction that commits between its pages', async () => {
    const workspaceId = t.inbox.workspaceId;
    const mine = (events: StoredEvent[]) => events.filter((e) => e.type === 'contact.updated' && (e.data as { contactId: number }).contactId >= 100);
    let at = parsePosition((await t.db.query('SELECT pg_current_snapshot()::text AS s'))[0].s)!;
    const inserted = gate();
    const release = gate();
    let idA = 0;
    const txA = t.db.tx(async (sql) => {
      idA = (await contactEvent(sql, 100))[0].id;
      inserted.open();
      await release.opened;
    });
    await inserted.opened;
    const later: number[] = [];
    for (const c of [101, 102, 103]) later.push((await t.db.tx((sql) => contactEvent(sql, c)))[0].id);
    const read: number[] = [];
    // one event a page: the first page fixes where the step ends (A still running)
    let batch = await readBatch(t.db, at, { types: ['contact.updated'] }, 1, workspaceId);
    expect(batch.more).toBe(true);
    read.push(...mine(batch.events).map((e) => e.id));
    at = batch.next;
    expect(parsePosition(positionKey(at))).toEqual(at); // the API's cursor text round-trips
    release.open();
    await txA; // A commits in the middle of the step, its id before the pages already read
    for (let i = 0; i < 20; i++) {
      batch = await readBatch(t.db, at, { types: ['contact.updated'] }, 1, workspaceId);
      read.push(...mine(batch.events).map((e) => e.id));
      at = batch.next;
      if (read.includes(idA)) break;
    }
    expect(read).toEqual([...later, idA]);
    batch = await readBatch(t.db, at, { types: ['contact.updated'] }, 10, workspaceId);
    expect(mine(batch.events)).toEqual([]);
  });

  it('a transaction that got its id first but logs its event last is not skipped either', async () => {
    const started = gate();
    const release = gate();
    let idA = 0;
    const txA = t.db.tx(async (sql) => {
      await sql.query('SELECT pg_current_xact_id()'); // A is a running writer from here on
      started.open();
      await release.opened;
      idA = (await contactEvent(sql, 3))[0].id;
    });
    await started.opened;
    const [b] = await t.db.tx((sql) => contactEvent(sql, 4));
    release.open();
    await txA;
    expect(idA).toBeGreaterThan(b.id);
    t.app.zhike.events.consumers!.wake();
    await waitFor(async () => state.seen.map((e) => e.id), (seen) => seen.includes(idA) && seen.includes(b.id));
    expect(state.seen.filter((e) => e.id === idA || e.id === b.id)).toHaveLength(2);
  });

  it('keeps a conversation’s events in the order they happened: a writer older than its latest events runs again', async () => {
    const a = api(t);
    const { contactToken } = await a.newContact();
    const { id: conversationId } = await a.newConversation(contactToken);
    const conv = (await t.db.query('SELECT * FROM conversations WHERE id = $1', [conversationId]))[0];
    const overdue = (agentId: number) =>
      pendingEvent('conversation.response_overdue', { workspaceId: conv.workspace_id, conversationId, actor: { type: 'system', id: null }, data: { agentId, waitedSeconds: 1, action: 'reminded' }, subject: null as never });
    const hasXid = gate();
    const bDone = gate();
    let calls = 0;
    // A gets its transaction id, then waits while B logs an event for the conversation and commits
    const commandA = runCommand(t.app.zhike, async (sql) => {
      calls++;
      await sql.query('SELECT pg_current_xact_id()');
      if (calls === 1) {
        hasXid.open();
        await bDone.opened;
      }
      return { result: calls, events: [overdue(1)] };
    });
    await hasXid.opened;
    await runCommand(t.app.zhike, async () => ({ result: null, events: [overdue(2)] }));
    bDone.open();
    expect(await commandA).toBe(2); // the first attempt was older than B's events: rolled back, run again
    const logged = await t.db.query(`SELECT id, data->>'agentId' AS agent FROM events WHERE conversation_id = $1 AND type = 'conversation.response_overdue' ORDER BY tx, id`, [conversationId]);
    expect(logged.map((r) => r.agent)).toEqual(['2', '1']);
    await waitFor(async () => state.seen.filter((e) => e.conversationId === conversationId && e.type === 'conversation.response_overdue'), (s) => s.length === 2);
    const handled = state.seen.filter((e) => e.conversationId === conversationId && e.type === 'conversation.response_overdue');
    expect(handled.map((e) => (e as StoredEvent<'conversation.response_overdue'>).data.agentId)).toEqual([2, 1]);
  });

  it('an analysis being written holds up none of its conversation’s messages (derived events lock nothing)', async () => {
    const a = api(t);
    const { contactToken } = await a.newContact();
    const { id: conversationId } = await a.newConversation(contactToken);
    const first = await a.customerSend(contactToken, conversationId, '第一条');
    expect(first.status).toBe(201);
    const messageId = first.body.id as number;
    const written = gate();
    const release = gate();
    // the analysis consumer is done with it first (else it and this test would write the same row)
    await waitFor(async () => (await t.db.query('SELECT 1 FROM message_analyses WHERE message_id = $1', [messageId])).length, (n) => n === 1, 10_000);
    // what the analysis consumer does, held open: the analysis row (a foreign key to the
    // conversation) and message.analyzed in the log
    const analysis = t.db.tx(async (sql) => {
      await sql.query('DELETE FROM message_analyses WHERE message_id = $1', [messageId]);
      await sql.query(
        `INSERT INTO message_analyses (message_id, workspace_id, conversation_id, intent, intent_confidence, emotion, emotion_intensity) VALUES ($1, $2, $3, 'consult', 0.5, 'neutral', 0)`,
        [messageId, t.inbox.workspaceId, conversationId],
      );
      await appendEvents(sql, [
        pendingEvent('message.analyzed', { workspaceId: t.inbox.workspaceId, conversationId, actor: { type: 'system', id: null }, data: { messageId, intent: 'consult', emotion: 'neutral', signals: [] }, subject: null as never }),
      ]);
      written.open();
      await release.opened;
    });
    await written.opened;
    // the customer's next messages are written while that transaction is still open
    const sent = await Promise.race([
      Promise.all(['第二条', '第三条'].map((text) => a.customerSend(contactToken, conversationId, text))),
      new Promise<'held'>((r) => setTimeout(() => r('held'), 10_000)),
    ]);
    release.open();
    await analysis;
    expect(sent).not.toBe('held');
    expect((sent as { status: number }[]).map((r) => r.status)).toEqual([201, 201]);
  });
});
