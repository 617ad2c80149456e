import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/storage/db.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './helpers/env.js';
import { FAULT_POLICY, passTicketTime } from './helpers/ticket-time.js';
import { instance, lastingDb, until, type Instance } from './helpers/instances.js';
import { WsClient } from './helpers/ws.js';

/**
 * SLA clocks are durable timers: one that falls due while the only instance is down fires
 * after the restart, once (PGlite and PostgreSQL); with two instances on PostgreSQL + Redis
 * polling the same timers, each stage of each ticket is emitted once, and the alert reaches
 * the agent's console on the other instance.
 */
async function call(inst: Instance, method: string, url: string, opts: { token?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = opts.token ? { authorization: `Bearer ${opts.token}` } : {};
  const r = await inst.app.inject({ method: method as 'GET', url: `/api/v1${url}`, headers, payload: opts.body as object });
  const body = r.body ? JSON.parse(r.body) : null;
  if (r.statusCode >= 400) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`);
  return body;
}

const login = async (inst: Instance) => (await call(inst, 'POST', '/auth/login', { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } })).token as string;

/** A fault ticket assigned to the admin, under the wall-clock policy (its first-reply warning at 8 minutes). */
async function faultTicket(inst: Instance, token: string, n: number): Promise<number> {
  const [inbox] = await inst.db.query('SELECT token FROM inboxes');
  const contact = await inst.app.inject({ method: 'POST', url: `/api/v1/widget/${inbox.token}/contacts`, payload: { name: `客户 ${n}` } });
  const [admin] = await inst.db.query('SELECT id FROM agents ORDER BY id LIMIT 1');
  return (await call(inst, 'POST', '/tickets', { token, body: { contactId: contact.json().contact.id, subject: `热水器故障 ${n}`, type: 'fault', assigneeId: admin.id } })).id;
}

const stageCounts = async (db: Db, ids: number[]) =>
  (
    await db.query(
      `SELECT (data->>'ticketId')::bigint AS id, type, count(*)::int AS n FROM events WHERE type LIKE 'sla.%' AND (data->>'ticketId')::bigint = ANY($1::bigint[]) GROUP BY 1, 2 ORDER BY 1, 2`,
      [ids],
    )
  ).map((r) => [Number(r.id), r.type, r.n]);

describe.each(['pglite', 'postgres'] as const)('ticket SLA timers across a restart on %s', (kind) => {
  const { open, drop } = lastingDb(kind, 'slar');
  afterAll(drop);

  it('a warning that fell due while the server was down is sent after the restart, once', { timeout: 60_000 }, async () => {
    const first = await instance(open, false);
    const token = await login(first);
    await call(first, 'POST', '/sla-policies', { token, body: FAULT_POLICY });
    const id = await faultTicket(first, token, 1);
    await first.close();

    // down for 9 minutes of the ticket's 10
    const offline = await open();
    await passTicketTime(offline, id, 9);
    await offline.close();

    const second = await instance(open, false);
    try {
      await until(async () => (await stageCounts(second.db, [id])).length === 1, 15_000);
      await new Promise((r) => setTimeout(r, 400));
      expect(await stageCounts(second.db, [id])).toEqual([[id, 'sla.warning', 1]]);
      const [timer] = await second.db.query(`SELECT due_at FROM timers WHERE key = $1`, [`sla:${id}:first_reply`]);
      expect(new Date(timer.due_at).getTime()).toBeGreaterThan(Date.now()); // next: the breach, a minute ahead
    } finally {
      await second.close();
    }
  });
});

describe('ticket SLA timers with two instances on PostgreSQL + Redis', () => {
  const { open, drop } = lastingDb('postgres', 'slatwo');
  let A: Instance;
  let B: Instance;
  afterAll(async () => {
    await A?.close();
    await B?.close();
    await drop();
  });

  it('each stage of each ticket is emitted once, and the alert reaches the console on the other instance', { timeout: 90_000 }, async () => {
    A = await instance(open, true);
    B = await instance(open, true);
    const token = await login(A);
    await call(A, 'POST', '/sla-policies', { token, body: FAULT_POLICY });
    const console_ = await WsClient.connect(B.url);
    expect((await console_.hello({ token: await login(B) })).type).toBe('ready');

    const ids: number[] = [];
    for (let i = 0; i < 12; i++) ids.push(await faultTicket(A, token, i));
    // both instances poll; 11 minutes pass for every ticket at once: warning, breach and the 组长's escalation fall due together
    for (const id of ids) await passTicketTime(A.db, id, 11);
    await until(async () => (await stageCounts(A.db, ids)).length === ids.length * 3, 30_000);
    await new Promise((r) => setTimeout(r, 500));
    const expected = ids.flatMap((id) => [
      [id, 'sla.breached', 1],
      [id, 'sla.escalated', 1],
      [id, 'sla.warning', 1],
    ]);
    expect(await stageCounts(A.db, ids)).toEqual(expected);
    // the assignee's console on B hears of each breach once
    await until(async () => console_.frames.filter((f) => f.type === 'alert' && f.event === 'sla.breached').length >= ids.length, 10_000);
    const breaches = console_.frames.filter((f) => f.type === 'alert' && f.event === 'sla.breached').map((f) => f.ticketId);
    expect(breaches.sort((x: number, y: number) => x - y)).toEqual([...ids].sort((x, y) => x - y));
    await console_.close();
  });
});
