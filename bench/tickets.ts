/**
 * 工单 list benchmark (issue 16): GET /api/v1/tickets with 100,000 tickets in the workspace,
 * through the real app (auth, the list query, each ticket's SLA clocks computed from its
 * history, serialisation), under each filter the API has and a page further down (`before`).
 * Baseline, same run and database: the bare indexed query `SELECT * FROM tickets WHERE
 * workspace_id = $1 ORDER BY id DESC LIMIT 50`, which is what any list must at least do.
 * Target: p99 < 50 ms on PostgreSQL. BENCH_TICKETS (100000), BENCH_TICKET_REQUESTS (200 per filter).
 */
import { withBenchWorkspace } from './workspace.js';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const REQUESTS = Number(process.env.BENCH_TICKET_REQUESTS ?? 200);

const quantile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

export async function benchTickets(kind: 'pglite' | 'postgres', databaseUrl: string, log: (s: string) => void): Promise<void> {
  await withBenchWorkspace(kind, databaseUrl, 'bench_tickets', async ({ db, workspaceId: ws, app: appOf }) => {
    const t0 = performance.now();
    await db.query(`INSERT INTO skill_groups (workspace_id, name) SELECT $1, 'g' || g FROM generate_series(1, 10) g`, [ws]);
    await db.query(`INSERT INTO agents (workspace_id, email, name, role, password_hash) SELECT $1, 'a' || i || '@bench', 'a' || i, 'agent', 'x' FROM generate_series(1, 50) i`, [ws]);
    await db.query(`INSERT INTO contacts (workspace_id, name) SELECT $1, 'c' || i FROM generate_series(1, 5000) i`, [ws]);
    // a realistic mix: most tickets solved or closed, a few complaints, assignees and groups spread
    await db.query(
      `INSERT INTO tickets (workspace_id, contact_id, type, priority, status, subject, assignee_id, group_id, complaint, created_at, updated_at, solved_at)
       SELECT $1, c.min + (i % 5000), ty, pr, st, '工单 ' || i, a.min + (i % 50), g.min + ((i / 7) % 10),
              CASE WHEN ty = 'complaint' THEN '{"classification":{"reason":null,"topic":null,"motive":null,"behaviour":null,"source":"consumer"},"abnormal":false,"steps":[],"deadline":null,"unconfirmedReason":null}'::jsonb END,
              now() - make_interval(mins => $2 - i), now() - make_interval(mins => $2 - i), CASE WHEN st IN ('solved', 'closed') THEN now() - make_interval(mins => $2 - i - 30) END
       FROM generate_series(1, $2) i,
            LATERAL (SELECT (ARRAY['consult','order','query','complaint','help','fault'])[1 + (i * 7) % 6] AS ty,
                            (ARRAY['normal','normal','high','low','normal','urgent'])[1 + (i * 11) % 6] AS pr,
                            (ARRAY['closed','closed','solved','closed','open','pending','closed','solved','new','on_hold'])[1 + (i * 13) % 10] AS st) x,
            (SELECT min(id) FROM contacts) c, (SELECT min(id) FROM agents WHERE email LIKE '%@bench') a, (SELECT min(id) FROM skill_groups) g`,
      [ws, TICKETS],
    );
    // each ticket's SLA history: created, a reply, and its status now
    await db.query(
      `INSERT INTO ticket_sla_history (ticket_id, kind, to_status, reply_from, at)
       SELECT id, 'status', 'new', NULL, created_at FROM tickets
       UNION ALL SELECT id, 'reply', NULL, 'agent', created_at + interval '5 minutes' FROM tickets
       UNION ALL SELECT id, 'status', status, NULL, created_at + interval '6 minutes' FROM tickets WHERE status <> 'new'`,
    );
    await db.query('ANALYZE');
    log(`  tickets on ${kind}: ${TICKETS.toLocaleString('en')} tickets generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const app = await appOf();
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'admin@zhike.local', password: 'bench-pass-1' } });
    const token = login.json().token as string;
    const [agent] = await db.query(`SELECT min(id) AS id FROM agents WHERE email LIKE '%@bench'`);
    const [group] = await db.query(`SELECT min(id) AS id FROM skill_groups`);
    const [mid] = await db.query(`SELECT id FROM tickets ORDER BY id DESC OFFSET $1 LIMIT 1`, [Math.floor(TICKETS / 2)]);

    const time = async (fn: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < 10; i++) await fn(); // warm
      for (let i = 0; i < REQUESTS; i++) {
        const s = performance.now();
        await fn();
        times.push(performance.now() - s);
      }
      return times.sort((x, y) => x - y);
    };
    const bare = await time(() => db.query('SELECT * FROM tickets WHERE workspace_id = $1 ORDER BY id DESC LIMIT 50', [ws]));
    const bareP99 = quantile(bare, 0.99);
    log(`  baseline: bare indexed query, 50 rows                       p50 ${quantile(bare, 0.5).toFixed(2).padStart(6)} ms   p99 ${bareP99.toFixed(2).padStart(6)} ms`);

    const filters: [string, string][] = [
      ['no filter', ''],
      ['status=open', 'status=open'],
      ['status=new (1 in 10)', 'status=new'],
      ['type=complaint', 'type=complaint'],
      ['priority=urgent', 'priority=urgent'],
      ['assigneeId (1 of 50)', `assigneeId=${agent.id}`],
      ['groupId + status=pending', `groupId=${group.id}&status=pending`],
      ['type + priority + status', 'type=fault&priority=high&status=open'],
      ['page half-way down (before)', `before=${mid.id}`],
      ['limit=200', 'limit=200'],
    ];
    const all: number[] = [];
    let worst = 0;
    for (const [label, q] of filters) {
      let count = 0;
      const times = await time(async () => {
        const r = await app.inject({ method: 'GET', url: `/api/v1/tickets?${q}`, headers: { authorization: `Bearer ${token}` } });
        if (r.statusCode !== 200) throw new Error(`GET /tickets?${q}: ${r.statusCode} ${r.body}`);
        count = r.json().tickets.length;
      });
      all.push(...times);
      worst = Math.max(worst, quantile(times, 0.99));
      log(`  GET /tickets ${label.padEnd(30)} ${String(count).padStart(3)} rows   p50 ${quantile(times, 0.5).toFixed(2).padStart(6)} ms   p99 ${quantile(times, 0.99).toFixed(2).padStart(6)} ms`);
    }
    all.sort((x, y) => x - y);
    const p99 = quantile(all, 0.99);
    const target = kind === 'postgres' ? ` (target < 50 ms: ${worst < 50 ? 'MET' : 'NOT MET'})` : '';
    log(`  tickets on ${kind}: all filters p50 ${quantile(all, 0.5).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, worst filter p99 ${worst.toFixed(2)} ms${target}; ${(p99 / bareP99).toFixed(1)}× the bare query’s p99`);
  });
}
