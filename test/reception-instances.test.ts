import crypto from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { QUIET_RECEPTION } from './helpers/app.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './helpers/env.js';
import { instance, lastingDb, until, type Instance } from './helpers/instances.js';
import { WsClient } from './helpers/ws.js';

/**
 * Reception timers are durable and fire once: across a restart of the only
 * instance (PGlite and PostgreSQL), and with two instances on PostgreSQL + Redis
 * where both poll the same timers.
 */
async function call(inst: Instance, method: string, url: string, opts: { token?: string; contactToken?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.contactToken) headers['x-contact-token'] = opts.contactToken;
  const r = await inst.app.inject({ method: method as 'GET', url, headers, payload: opts.body as object });
  return { status: r.statusCode, body: r.body ? JSON.parse(r.body) : null };
}

const idleReception = {
  ...QUIET_RECEPTION,
  messages: { ...QUIET_RECEPTION.messages, idleCheckin: '请问您还在吗?', idleClose: '会话已结束。' },
  timeouts: { ...QUIET_RECEPTION.timeouts, idleCheckinMinutes: 0.02, idleCloseMinutes: 0.01, agentResponseSeconds: 0.5 },
};

/** A customer asks, the admin answers: the idle timer is now scheduled for this conversation. */
async function answeredConversation(inst: Instance, token: string, inboxToken: string) {
  const contactToken = (await call(inst, 'POST', `/api/v1/widget/${inboxToken}/contacts`, { body: {} })).body.contactToken;
  const conv = (await call(inst, 'POST', `/api/v1/widget/${inboxToken}/conversations`, { contactToken })).body;
  await call(inst, 'POST', `/api/v1/widget/${inboxToken}/conversations/${conv.id}/messages`, { contactToken, body: { content: '在吗', clientMessageId: crypto.randomUUID() } });
  const r = await call(inst, 'POST', `/api/v1/conversations/${conv.id}/messages`, { token, body: { content: '在的, 请讲' } });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  return conv.id as number;
}

const login = async (inst: Instance) => (await call(inst, 'POST', '/api/v1/auth/login', { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } })).body.token as string;

describe.each(['pglite', 'postgres'] as const)('reception timers across a restart on %s', (kind) => {
  const { open, drop } = lastingDb(kind, 'rst');
  afterAll(drop);

  it('an idle timer scheduled before the restart fires after it, once', { timeout: 60_000 }, async () => {
    const first = await instance(open, false);
    const [inbox] = await first.db.query('SELECT id, token FROM inboxes');
    await first.db.query('UPDATE inboxes SET reception = $1::jsonb', [JSON.stringify(idleReception)]);
    const conv = await answeredConversation(first, await login(first), inbox.token);
    expect((await first.db.query(`SELECT kind FROM timers WHERE key = $1`, [`idle:${conv}`]))).toEqual([{ kind: 'idle' }]);
    await first.close(); // down before the check-in is due (1.2 s)

    await new Promise((r) => setTimeout(r, 1500));
    const second = await instance(open, false);
    try {
      await until(async () => (await second.db.query(`SELECT status FROM conversations WHERE id = $1`, [conv]))[0].status === 'resolved', 15_000);
      const system = await second.db.query(`SELECT content FROM messages WHERE conversation_id = $1 AND sender_type = 'system' ORDER BY seq`, [conv]);
      expect(system.map((m) => m.content)).toEqual(['请问您还在吗?', '会话已结束。']);
      expect(await second.db.query('SELECT * FROM timers WHERE key = $1', [`idle:${conv}`])).toEqual([]);
    } finally {
      await second.close();
    }
  });
});

describe('reception timers with two instances on PostgreSQL + Redis', () => {
  const { open, drop } = lastingDb('postgres', 'two');
  let A: Instance;
  let B: Instance;
  afterAll(async () => {
    await A?.close();
    await B?.close();
    await drop();
  });

  it('each timer fires exactly once, and its alert crosses instances', { timeout: 60_000 }, async () => {
    A = await instance(open, true);
    B = await instance(open, true);
    const [inbox] = await A.db.query('SELECT id, token FROM inboxes');
    await A.db.query('UPDATE inboxes SET reception = $1::jsonb', [JSON.stringify(idleReception)]);
    A.app.zhike.reception!.invalidateAll();
    B.app.zhike.reception!.invalidateAll();

    // the agent's console is connected to instance B
    const token = await login(B);
    const agent = await WsClient.connect(B.url);
    await agent.hello({ token });

    // ten conversations through instance A: each customer asks, the agent answers, then falls silent
    const convs: number[] = [];
    for (let i = 0; i < 10; i++) convs.push(await answeredConversation(A, token, inbox.token));
    // and one more that the agent leaves unanswered: its response timeout alerts the console on B
    const contactToken = (await call(A, 'POST', `/api/v1/widget/${inbox.token}/contacts`, { body: {} })).body.contactToken;
    const waiting = (await call(A, 'POST', `/api/v1/widget/${inbox.token}/conversations`, { contactToken })).body.id;
    await call(A, 'POST', `/api/v1/conversations/${waiting}/assign`, { token, body: { assigneeId: (await A.db.query(`SELECT id FROM agents`))[0].id } });
    await call(A, 'POST', `/api/v1/widget/${inbox.token}/conversations/${waiting}/messages`, { contactToken, body: { content: '急!', clientMessageId: 'urgent' } });

    await until(async () => (await A.db.query(`SELECT count(*) AS n FROM conversations WHERE id = ANY($1::bigint[]) AND status = 'resolved'`, [convs]))[0].n === 10, 30_000);
    await agent.waitFor((f) => f.type === 'alert' && f.conversationId === waiting, 10_000);
    await new Promise((r) => setTimeout(r, 500));

    const perConv = await A.db.query(
      `SELECT conversation_id, count(*) FILTER (WHERE content = '请问您还在吗?') AS checkins, count(*) FILTER (WHERE content = '会话已结束。') AS closings
       FROM messages WHERE conversation_id = ANY($1::bigint[]) GROUP BY conversation_id`,
      [convs],
    );
    expect(perConv).toHaveLength(10);
    for (const c of perConv) expect([Number(c.checkins), Number(c.closings)]).toEqual([1, 1]);
    const resolvedEvents = await A.db.query(
      `SELECT conversation_id, count(*) AS n FROM events WHERE type = 'conversation.status_changed' AND data->>'reason' = 'idle' AND conversation_id = ANY($1::bigint[]) GROUP BY conversation_id`,
      [convs],
    );
    expect(resolvedEvents.map((r) => Number(r.n))).toEqual(Array(10).fill(1));
    expect(agent.frames.filter((f) => f.type === 'alert' && f.conversationId === waiting)).toHaveLength(1);
    await agent.close();
  });
});
