import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../test/helpers/app.js';
import { DB_KINDS } from '../../test/helpers/env.js';
import type { Db, Sql } from '../storage/db.js';
import { listTickets, type TicketFilter } from './store.js';

/**
 * The ticket list is a keyset walk of an index under every filter (migration 017): with
 * thousands of tickets no filter reads the table from end to end, on either database.
 */
describe.each(DB_KINDS)('ticket list query on %s', (kind) => {
  let db: Db;
  let drop: () => Promise<void>;
  let workspaceId: number;
  const TICKETS = 20_000;

  beforeAll(async () => {
    ({ db, drop } = await testDb(kind));
    const [ws] = await db.query(`INSERT INTO workspaces (name) VALUES ('bench') RETURNING id`);
    workspaceId = Number(ws!.id);
    const [agent] = await db.query(`INSERT INTO agents (workspace_id, email, name, password_hash, role) VALUES ($1, 'a@b.test', 'a', 'x', 'agent') RETURNING id`, [workspaceId]);
    const [contact] = await db.query(`INSERT INTO contacts (workspace_id, name) VALUES ($1, 'c') RETURNING id`, [workspaceId]);
    await db.query(
      `INSERT INTO tickets (workspace_id, contact_id, type, priority, status, subject, assignee_id, complaint)
       SELECT $1, $2, (ARRAY['consult','order','query','complaint','help','fault'])[1 + i % 6],
              (ARRAY['urgent','high','normal','low'])[1 + (i / 7) % 4],
              (ARRAY['new','open','pending','on_hold','solved','closed'])[1 + (i / 3) % 6],
              'ticket ' || i, CASE WHEN i % 10 = 0 THEN $3::bigint END,
              CASE WHEN i % 6 = 3 THEN '{"classification":{"source":"consumer"},"steps":[],"abnormal":false,"deadline":null,"unconfirmedReason":null}'::jsonb END
       FROM generate_series(1, $4::int) AS i`,
      [workspaceId, contact!.id, agent!.id, TICKETS],
    );
    await db.query('ANALYZE tickets');
  }, 120_000);
  afterAll(async () => drop?.());

  /** The plan of the statement listTickets sends, with its parameters. */
  async function planOf(filter: TicketFilter): Promise<string> {
    let sent: { text: string; params?: unknown[] } | null = null;
    const spy: Sql = {
      query: async (text, params) => {
        sent = { text, params };
        return [];
      },
      exec: async () => {},
    };
    await listTickets(spy, workspaceId, filter);
    const rows = await db.query(`EXPLAIN ${sent!.text}`, sent!.params);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  }

  const filters: TicketFilter[] = [
    { limit: 50 },
    { status: 'open', limit: 50 },
    { type: 'fault', priority: 'low', limit: 50 },
    { assigneeId: 1, status: 'pending', limit: 50 },
    { status: 'closed', type: 'complaint', priority: 'urgent', limit: 50, before: TICKETS / 2 },
  ];

  it.each(filters)('walks an index, not the table: %o', async (filter) => {
    const plan = await planOf(filter);
    expect(plan).not.toMatch(/Seq Scan on tickets/);
    const page = await listTickets(db, workspaceId, filter);
    expect(page.length).toBeGreaterThan(0);
    expect(page.map((t) => t.id)).toEqual([...page.map((t) => t.id)].sort((x, y) => y - x));
    for (const t of page) {
      if (filter.status) expect(t.status).toBe(filter.status);
      if (filter.type) expect(t.type).toBe(filter.type);
      if (filter.priority) expect(t.priority).toBe(filter.priority);
      if (filter.before) expect(t.id).toBeLessThan(filter.before);
    }
  });
});
