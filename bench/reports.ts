/**
 * 报表 on a generated workspace of 1,000,000 messages (100,000 conversations of 10 over 30
 * days, with their events as the app writes them: created, assigned, every message, a
 * rating in one of five, a transfer in one of twenty, an abandoned queue in one of thirty,
 * the end), on PostgreSQL and PGlite:
 *  - the rollups rebuilt from the log by the real fold (src/reports/rollup.ts), in the
 *    consumer's batch size: what a new definitions version (a new consumer name) costs;
 *  - each report's API over the 30 days, p50 / p99 (target: the overview < 300 ms at p99 on PostgreSQL).
 * The rollup consumer's lag under live load is measured by run.ts's qa-lag part.
 */
import { buildReport } from '../src/reports/queries.js';
import { notePresence } from '../src/reports/presence.js';
import { rollUp } from '../src/reports/rollup.js';
import { reportRange } from '../src/core/reports/range.js';
import { REPORT_KINDS, type ReportKind } from '../src/core/reports/types.js';
import type { Db } from '../src/storage/db.js';
import { withBenchWorkspace } from './workspace.js';

const MESSAGES = Number(process.env.BENCH_REPORTS_MESSAGES ?? 1_000_000);
/** Timed runs per report: PGlite's take seconds each at this size, so fewer there. */
const REQUESTS = (kind: 'pglite' | 'postgres') => Number(process.env.BENCH_REPORTS_REQUESTS ?? (kind === 'postgres' ? 30 : 10));
const PER_CONVERSATION = 10;
const DAY = 86_400;
const quantile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

/**
 * Conversation k starts at k·30 days/N (oldest first); its messages alternate customer / agent
 * 40 s apart, the agent answering after 5–65 s; it ends 60 s after its last message.
 */
export async function fillReportsWorkspace(
  db: Db,
  ws: number,
  inboxId: number,
  messages: number,
  /** When the first conversation starts and how long the starts spread (default: the last 30 days). */
  window: { start: Date; seconds: number } = { start: new Date(Date.now() - 30 * DAY * 1000), seconds: 30 * DAY },
): Promise<{ conversations: number; events: number; visits: number }> {
  const n = Math.floor(messages / PER_CONVERSATION);
  const [{ id: agentId }] = await db.query(`SELECT id FROM agents WHERE workspace_id = $1 ORDER BY id LIMIT 1`, [ws]);
  const more = await db.query(
    `INSERT INTO agents (workspace_id, email, name, password_hash, role, active) SELECT $1, 'bench' || i || '@zhike.local', '坐席' || i, 'x', 'agent', false FROM generate_series(1, 19) i RETURNING id`,
    [ws],
  );
  const agents = [Number(agentId), ...more.map((r) => Number(r.id))];
  await db.query(`INSERT INTO contacts (workspace_id, inbox_id, name) SELECT $1, $2, '客户' || i FROM generate_series(1, $3) i`, [ws, inboxId, n]);
  await db.query(
    `CREATE TEMP TABLE bench_conv AS
     SELECT ct.id AS contact_id, row_number() OVER (ORDER BY ct.id) - 1 AS k FROM contacts ct WHERE ct.workspace_id = $1`,
    [ws],
  );
  await db.query(
    `INSERT INTO conversations (workspace_id, inbox_id, contact_id, status, handler, assignee_id, last_seq, created_at, updated_at, resolved_at)
     SELECT $1, $2, b.contact_id, 'resolved', 'human', ($4::bigint[])[1 + b.k % 20], $5,
            $6::timestamptz + make_interval(secs => b.k * $7::float8 / $3), now(), now()
     FROM bench_conv b ORDER BY b.k`,
    [ws, inboxId, n, agents, PER_CONVERSATION, window.start.toISOString(), window.seconds],
  );
  await db.query(
    `CREATE TEMP TABLE bench_c AS SELECT c.id, c.contact_id, c.assignee_id, c.created_at, row_number() OVER (ORDER BY c.id) - 1 AS k
     FROM conversations c WHERE c.workspace_id = $1`,
    [ws],
  );
  // a visit before each conversation (a third from a search engine)
  await db.query(
    `INSERT INTO visits (workspace_id, inbox_id, contact_id, visit_key, source_kind, source_name, search_keyword, landing_page, started_at, last_seen_at)
     SELECT $1, $2, c.contact_id, 'v' || c.k, CASE WHEN c.k % 3 = 0 THEN 'search' ELSE 'direct' END, CASE WHEN c.k % 3 = 0 THEN 'baidu' END,
            CASE WHEN c.k % 3 = 0 THEN '净水器' || (c.k % 50) END, 'https://shop.example/p/' || (c.k % 200), c.created_at - interval '2 minutes', c.created_at
     FROM bench_c c`,
    [ws, inboxId],
  );
  // and its visit.started, as the tracker logs it
  await db.query(
    `INSERT INTO events (workspace_id, type, conversation_id, actor_type, actor_id, data, created_at)
     SELECT $1::bigint, 'visit.started', NULL, 'customer', v.contact_id,
            jsonb_build_object('visitId', v.id, 'contactId', v.contact_id, 'inboxId', v.inbox_id, 'sourceKind', v.source_kind), v.started_at
     FROM visits v WHERE v.workspace_id = $1 ORDER BY v.id`,
    [ws],
  );
  const step = 200_000;
  for (let from = 0; from < n * PER_CONVERSATION; from += step) {
    const to = Math.min(n * PER_CONVERSATION, from + step) - 1;
    // message i: conversation i / 10, seq i % 10 + 1
    await db.query(
      `INSERT INTO messages (workspace_id, conversation_id, seq, sender_type, sender_id, content, created_at)
       SELECT $1, c.id, i % ${PER_CONVERSATION} + 1, CASE WHEN i % 2 = 0 THEN 'customer' ELSE 'agent' END, CASE WHEN i % 2 = 0 THEN NULL ELSE c.assignee_id END,
              CASE WHEN i % 2 = 0 THEN '我的订单还没到' ELSE '您好，我帮您查一下' END,
              c.created_at + make_interval(secs => (i % ${PER_CONVERSATION}) / 2 * 40 + CASE WHEN i % 2 = 1 THEN 5 + (c.k * 7 + i) % 60 ELSE 0 END)
       FROM generate_series($2::int, $3::int) i JOIN bench_c c ON c.k = i / ${PER_CONVERSATION}`,
      [ws, from, to],
    );
  }
  // the log, as the app writes it (actors, data), oldest first
  await db.query(
    `INSERT INTO events (workspace_id, type, conversation_id, actor_type, actor_id, data, created_at)
     SELECT $1::bigint, 'conversation.created', c.id, 'customer', c.contact_id, jsonb_build_object('inboxId', $2::bigint, 'contactId', c.contact_id, 'handler', 'human', 'assigneeId', null), c.created_at FROM bench_c c
     UNION ALL
     SELECT $1::bigint, 'conversation.assigned', c.id, 'system', NULL, jsonb_build_object('from', null, 'to', c.assignee_id, 'reason', 'load_balanced'), c.created_at + interval '1 second' FROM bench_c c`,
    [ws, inboxId],
  );
  for (let from = 0; from < n * PER_CONVERSATION; from += step) {
    await db.query(
      `INSERT INTO events (workspace_id, type, conversation_id, actor_type, actor_id, data, created_at)
       SELECT $1::bigint, 'message.created', m.conversation_id, m.sender_type, m.sender_id,
              jsonb_build_object('messageId', m.id, 'seq', m.seq, 'senderType', m.sender_type, 'private', false, 'handler', 'human', 'assigneeId', c.assignee_id, 'queued', false), m.created_at
       FROM messages m JOIN bench_c c ON c.id = m.conversation_id
       WHERE m.workspace_id = $1 AND c.k >= $2 / ${PER_CONVERSATION} AND c.k < ($2 + ${step}) / ${PER_CONVERSATION} ORDER BY m.id`,
      [ws, from],
    );
  }
  await db.query(
    `INSERT INTO events (workspace_id, type, conversation_id, actor_type, actor_id, data, created_at)
     SELECT $1::bigint, 'conversation.transferred', c.id, 'agent', c.assignee_id, jsonb_build_object('kind', 'agent', 'fromAgentId', c.assignee_id, 'toAgentId', c.assignee_id, 'fromGroupId', null, 'toGroupId', null, 'note', null),
            c.created_at + interval '100 seconds' FROM bench_c c WHERE c.k % 20 = 7
     UNION ALL
     SELECT $1::bigint, 'conversation.abandoned', c.id, 'customer', c.contact_id, jsonb_build_object('waitedSeconds', 3, 'reason', 'left'), c.created_at + interval '3 seconds' FROM bench_c c WHERE c.k % 30 = 11
     UNION ALL
     SELECT $1::bigint, 'conversation.status_changed', c.id, 'agent', c.assignee_id, jsonb_build_object('from', 'open', 'to', 'resolved'), c.created_at + interval '${(PER_CONVERSATION / 2) * 40 + 60} seconds' FROM bench_c c
     UNION ALL
     SELECT $1::bigint, 'csat.rated', c.id, 'customer', c.contact_id, jsonb_build_object('ratingId', c.k, 'score', 1 + (c.k / 5) % 5, 'previousScore', null, 'agentId', c.assignee_id, 'reasons', '[]'::jsonb),
            c.created_at + interval '${(PER_CONVERSATION / 2) * 40 + 90} seconds' FROM bench_c c WHERE c.k % 5 = 0`,
    [ws],
  );
  await db.query('DROP TABLE bench_conv');
  await db.query('DROP TABLE bench_c');
  await db.query('ANALYZE');
  const [{ e }] = await db.query(`SELECT count(*)::int AS e FROM events WHERE workspace_id = $1 AND conversation_id IS NOT NULL`, [ws]);
  return { conversations: n, events: Number(e), visits: n };
}

export async function benchReports(kind: 'pglite' | 'postgres', databaseUrl: string, log: (s: string) => void): Promise<void> {
  await withBenchWorkspace(kind, databaseUrl, 'bench_reports', async ({ db, workspaceId: ws, inboxId }) => {
    const t0 = performance.now();
    const made = await fillReportsWorkspace(db, ws, inboxId, MESSAGES);
    log(`  reports on ${kind}: ${MESSAGES.toLocaleString('en')} messages, ${made.conversations.toLocaleString('en')} conversations, ${made.events.toLocaleString('en')} conversation events and ${made.visits.toLocaleString('en')} visits generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // the rebuild: every conversation folded from its events, in batches like the consumer's. Without
    // the app: its consumers would replay the generated log meanwhile (the search index, …) and
    // measure themselves too; the reports are timed as their handler runs (the query and the JSON)
    const ids = (await db.query<{ id: number }>(`SELECT id FROM conversations WHERE workspace_id = $1 ORDER BY id`, [ws])).map((r) => Number(r.id));
    const t1 = performance.now();
    for (let i = 0; i < ids.length; i += 500) await db.tx((sql) => rollUp(sql, ids.slice(i, i + 500)));
    const seconds = (performance.now() - t1) / 1000;
    // the visits' presence (the unique visitors), in the consumer's batch size
    const visits = (await db.query<{ id: number }>(`SELECT id FROM visits WHERE workspace_id = $1 ORDER BY id`, [ws])).map((r) => Number(r.id));
    const t2 = performance.now();
    for (let i = 0; i < visits.length; i += 2000) await db.tx((sql) => notePresence(sql, { visits: visits.slice(i, i + 2000) }));
    const visitSeconds = (performance.now() - t2) / 1000;
    await db.query(kind === 'postgres' ? 'VACUUM ANALYZE' : 'ANALYZE'); // what autovacuum does to a table written once
    log(`  rollups rebuilt from the log: ${ids.length.toLocaleString('en')} conversations in ${seconds.toFixed(1)} s = ${Math.round(ids.length / seconds).toLocaleString('en')} conversations/s (${Math.round(made.events / seconds).toLocaleString('en')} events/s)`);
    log(`  the visits' presence: ${visits.length.toLocaleString('en')} visits in ${visitSeconds.toFixed(1)} s = ${Math.round(visits.length / visitSeconds).toLocaleString('en')} visits/s`);

    const range = reportRange({ tz: 'Asia/Shanghai' }, new Date());
    const run = (report: ReportKind) => buildReport(db, report, { workspaceId: ws, range, lang: 'zh-CN', serviceLevelSeconds: 30, now: new Date() });
    const total = (await run('overview')).totals.find((f) => f.key === 'conversations')!.value;
    log(`  the overview counts ${total?.toLocaleString('en')} conversations in the 30 days ${range.from} – ${range.to} (Asia/Shanghai)`);
    for (const report of REPORT_KINDS) {
      for (let i = 0; i < 3; i++) await run(report);
      const times: number[] = [];
      for (let i = 0; i < REQUESTS(kind); i++) {
        const s = performance.now();
        JSON.stringify(await run(report));
        times.push(performance.now() - s);
      }
      times.sort((a, b) => a - b);
      const p99 = quantile(times, 0.99);
      const target = report === 'overview' && kind === 'postgres' ? ` → target (< 300 ms at p99) → ${p99 < 300 ? 'MET' : 'NOT MET'}` : '';
      log(`  GET /reports/${report} (30 days): p50 ${ms(quantile(times, 0.5))}, p99 ${ms(p99)}${target}`);
    }
  });
}
