import { LOST_REASONS, LOST_REFERENCE, complaintLabel, word, type Lang } from '../core/reports/labels.js';
import { bucketStarts, bucketsOf } from '../core/reports/range.js';
import type { Report, ReportCell, ReportColumn, ReportFigure, ReportKind, ReportRange, ReportTable, ReportUnit } from '../core/reports/types.js';
import type { Db, Sql } from '../storage/db.js';

/**
 * The reports' queries over the rollups (docs/reports.md). A conversation counts in the
 * range, the bucket and the breakdowns of the moment it started, in the asked time zone;
 * the live figures (queue now, agents online) are now.
 */

export interface ReportQuery {
  workspaceId: number;
  range: ReportRange;
  lang: Lang;
  inboxId?: number;
  groupId?: number;
  agentId?: number;
  /** 服务水平: answered within this many seconds. */
  serviceLevelSeconds: number;
  now: Date;
}

type Row = Record<string, any>;
const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const round = (v: number | null, digits = 3): number | null => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);

class Builder {
  readonly totals: ReportFigure[] = [];
  readonly tables: ReportTable[] = [];
  constructor(private readonly lang: Lang) {}
  figure(key: string, unit: ReportUnit, value: unknown): void {
    this.totals.push({ key, label: word(key, this.lang), unit, value: round(n(value)) });
  }
  table(id: string, columns: [key: string, unit: ReportUnit][], rows: Row[]): void {
    const cols: ReportColumn[] = columns.map(([key, unit]) => ({ key, label: word(key, this.lang), unit }));
    this.tables.push({
      id,
      title: word(`table.${id}`, this.lang),
      columns: cols,
      rows: rows.map((r) => Object.fromEntries(cols.map((c) => [c.key, c.unit === 'text' ? ((r[c.key] ?? null) as ReportCell) : round(n(r[c.key]))]))),
    });
  }
}

/** The facts rows in range (a conversation the customer wrote in), with the asked filters: $1–$6. */
const FACTS = `FROM report_conversations f
  WHERE f.workspace_id = $1 AND f.started_at >= $2 AND f.started_at < $3 AND f.customer_messages > 0
    AND ($4::bigint IS NULL OR f.inbox_id = $4) AND ($5::bigint IS NULL OR f.group_id = $5) AND ($6::bigint IS NULL OR f.agent_id = $6)`;
const factParams = (q: ReportQuery) => [q.workspaceId, q.range.start, q.range.end, q.inboxId ?? null, q.groupId ?? null, q.agentId ?? null];
/**
 * The bucket (1, 2, …) of a time: the local days or hours' first instants, worked out here for
 * the time zone (DST and half-hour offsets included), are the thresholds; the database only
 * compares instants, which costs far less than formatting every row's local time.
 */
const BUCKET = (col: string, param = 7) => `width_bucket(${col}, $${param}::timestamptz[])`;
const bucketParams = (q: ReportQuery) => [...factParams(q), bucketStarts(q.range)];

/** The service figures of a group of facts rows; $8 the service-level seconds. */
const SERVICE = `
  count(*)::int AS conversations,
  count(*) FILTER (WHERE f.human_wait_at IS NOT NULL)::int AS waited,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY f.first_response_seconds) AS first_response_median,
  percentile_cont(0.9) WITHIN GROUP (ORDER BY f.first_response_seconds) AS first_response_p90,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY f.first_response_business_seconds) AS first_response_business_median,
  sum(f.response_seconds) / NULLIF(sum(f.responses), 0) AS average_response,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY f.resolution_seconds) AS resolution_median,
  percentile_cont(0.9) WITHIN GROUP (ORDER BY f.resolution_seconds) AS resolution_p90,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY f.resolution_business_seconds) AS resolution_business_median,
  count(*) FILTER (WHERE f.human_wait_at IS NOT NULL AND f.first_response_seconds <= $8)::float8 / NULLIF(count(*) FILTER (WHERE f.human_wait_at IS NOT NULL), 0) AS service_level,
  count(*) FILTER (WHERE f.human_wait_at IS NOT NULL AND f.abandoned)::float8 / NULLIF(count(*) FILTER (WHERE f.human_wait_at IS NOT NULL), 0) AS abandonment_rate,
  coalesce(sum(f.transfers), 0)::int AS transfers,
  count(*) FILTER (WHERE f.reopens > 0)::float8 / NULLIF(count(*) FILTER (WHERE f.resolved_at IS NOT NULL OR f.reopens > 0), 0) AS reopen_rate,
  count(*) FILTER (WHERE f.bot_handled)::int AS bot_conversations,
  count(*) FILTER (WHERE f.bot_resolved)::float8 / NULLIF(count(*) FILTER (WHERE f.bot_handled), 0) AS bot_resolution_rate`;

/** Fills the buckets without data with zeros (or nulls), in order. */
function everyBucket(range: ReportRange, rows: Row[], empty: Row): Row[] {
  const by = new Map(rows.map((r) => [Number(r.bucket), r]));
  return bucketsOf(range).map((label, i) => ({ ...empty, ...by.get(i + 1), bucket: label }));
}

/** Distinct people in range: per bucket (1, 2, …), per channel, and in all. */
interface People {
  byBucket: Map<number, number>;
  byChannel: Map<string, number>;
  all: number;
}

/**
 * Everyone who visited or wrote (no agent or group asked), from report_presence: a row is a
 * new person in its bucket when the contact's previous presence lies before the bucket's start,
 * in its channel and in the range when the previous one (in the channel) lies before the range.
 * With an inbox asked, the links within the inbox. One pass, no distinct over the contacts.
 */
async function presentPeople(sql: Sql, q: ReportQuery): Promise<People> {
  const starts = bucketStarts(q.range);
  const inbox = q.inboxId ?? null;
  const rows = await sql.query(
    `SELECT p.bucket, p.channel,
            count(*) FILTER (WHERE p.prev IS NULL OR p.prev < ($5::timestamptz[])[p.bucket])::int AS in_bucket,
            count(*) FILTER (WHERE p.prev IS NULL OR p.prev < $2)::int AS in_range,
            count(*) FILTER (WHERE p.prev_channel IS NULL OR p.prev_channel < $2)::int AS in_channel
     FROM (SELECT width_bucket(r.at, $5::timestamptz[]) AS bucket, r.channel,
                  CASE WHEN $4::bigint IS NULL THEN r.prev_at ELSE r.prev_inbox_at END AS prev,
                  CASE WHEN $4::bigint IS NULL THEN r.prev_channel_at ELSE r.prev_inbox_at END AS prev_channel
           FROM report_presence r
           WHERE r.workspace_id = $1 AND r.at >= $2 AND r.at < $3 AND ($4::bigint IS NULL OR r.inbox_id = $4)) p
     GROUP BY p.bucket, p.channel`,
    [q.workspaceId, q.range.start, q.range.end, inbox, starts],
  );
  const people: People = { byBucket: new Map(), byChannel: new Map(), all: 0 };
  for (const r of rows) {
    const bucket = Number(r.bucket);
    people.byBucket.set(bucket, (people.byBucket.get(bucket) ?? 0) + Number(r.in_bucket));
    people.byChannel.set(String(r.channel), (people.byChannel.get(String(r.channel)) ?? 0) + Number(r.in_channel));
    people.all += Number(r.in_range);
  }
  return people;
}

/** With an agent or a group asked: the people who wrote to them (visits belong to neither). */
async function writingPeople(sql: Sql, q: ReportQuery): Promise<People> {
  const rows = await sql.query(
    `WITH p AS MATERIALIZED (SELECT f.contact_id, ${BUCKET('f.started_at')} AS bucket, f.channel ${FACTS})
     SELECT x.bucket, NULL AS channel, count(*)::int AS n FROM (SELECT DISTINCT bucket, contact_id FROM p) x GROUP BY x.bucket
     UNION ALL SELECT NULL, y.channel, count(*)::int FROM (SELECT DISTINCT channel, contact_id FROM p) y GROUP BY y.channel
     UNION ALL SELECT NULL, NULL, count(*)::int FROM (SELECT DISTINCT contact_id FROM p) z`,
    bucketParams(q),
  );
  const people: People = { byBucket: new Map(), byChannel: new Map(), all: 0 };
  for (const r of rows) {
    if (r.bucket !== null) people.byBucket.set(Number(r.bucket), Number(r.n));
    else if (r.channel !== null) people.byChannel.set(String(r.channel), Number(r.n));
    else people.all = Number(r.n);
  }
  return people;
}

async function overview(sql: Sql, q: ReportQuery, b: Builder): Promise<void> {
  const p = bucketParams(q);
  // one pass over the conversations: per bucket and channel, with the bot's share
  const convP = sql.query(
    `SELECT ${BUCKET('f.started_at')} AS bucket, f.channel, count(*)::int AS n,
            count(*) FILTER (WHERE f.bot_handled)::int AS bot, count(*) FILTER (WHERE f.bot_resolved)::int AS bot_resolved
     ${FACTS} GROUP BY 1, 2`,
    p,
  );
  // a unique visitor: a contact who visited (the widget's page reports) or wrote, in one pass over report_presence (presence.ts)
  const peopleP = q.groupId === undefined && q.agentId === undefined ? presentPeople(sql, q) : writingPeople(sql, q);
  const liveP = sql.query(
    `SELECT (SELECT count(*) FROM conversations c WHERE c.workspace_id = $1 AND c.status <> 'resolved' AND c.queued_at IS NOT NULL AND ($2::bigint IS NULL OR c.inbox_id = $2) AND ($3::bigint IS NULL OR c.group_id = $3))::int AS queue_now,
            (SELECT count(*) FROM agents a WHERE a.workspace_id = $1 AND a.active AND a.availability = 'online')::int AS agents_online`,
    [q.workspaceId, q.inboxId ?? null, q.groupId ?? null],
  );
  // independent: on PostgreSQL each runs on its own connection, side by side
  const [conv, people, [live]] = await Promise.all([convP, peopleP, liveP]);
  const sum = (key: string) => conv.reduce((s, r) => s + Number(r[key]), 0);
  const visitorsByBucket = people.byBucket;
  const visitorsByChannel = people.byChannel;
  const visitorsAll = people.all;
  b.figure('conversations', 'count', sum('n'));
  b.figure('visitors', 'count', visitorsAll);
  b.figure('queue_now', 'count', live.queue_now);
  b.figure('agents_online', 'count', live.agents_online);
  b.figure('bot_conversations', 'count', sum('bot'));
  b.figure('bot_resolution_rate', 'ratio', sum('bot') === 0 ? null : sum('bot_resolved') / sum('bot'));

  const channels = [...new Set([...conv.map((r) => r.channel as string), ...visitorsByChannel.keys()].map(String))].sort();
  const byBucket = new Map<number, Row>();
  for (const r of conv) {
    const row = byBucket.get(Number(r.bucket)) ?? { bucket: r.bucket, conversations: 0 };
    row[`ch_${r.channel}`] = r.n;
    row.conversations += r.n;
    byBucket.set(Number(r.bucket), row);
  }
  for (const [bucket, n] of visitorsByBucket) byBucket.set(Number(bucket), { ...(byBucket.get(Number(bucket)) ?? { bucket, conversations: 0 }), visitors: n });
  const zero = Object.fromEntries([['conversations', 0], ['visitors', 0], ...channels.map((c) => [`ch_${c}`, 0])]);
  b.table(
    'by_time',
    [['bucket', 'text'], ['conversations', 'count'], ['visitors', 'count'], ...channels.map((c) => [`ch_${c}`, 'count'] as [string, ReportUnit])],
    everyBucket(q.range, [...byBucket.values()], zero),
  );
  for (const c of b.tables.at(-1)!.columns) if (c.key.startsWith('ch_')) c.label = word(`channel.${c.key.slice(3)}`, q.lang);
  b.table(
    'by_channel',
    [['channel', 'text'], ['conversations', 'count'], ['visitors', 'count']],
    channels
      .map((c) => ({ channel: word(`channel.${c}`, q.lang), conversations: conv.filter((r) => r.channel === c).reduce((s, r) => s + Number(r.n), 0), visitors: visitorsByChannel.get(c) ?? 0 }))
      .sort((x, y) => y.conversations - x.conversations),
  );
}

const SERVICE_COLUMNS: [string, ReportUnit][] = [
  ['conversations', 'count'],
  ['first_response_median', 'seconds'],
  ['first_response_p90', 'seconds'],
  ['average_response', 'seconds'],
  ['resolution_median', 'seconds'],
  ['resolution_p90', 'seconds'],
  ['service_level', 'ratio'],
  ['abandonment_rate', 'ratio'],
  ['transfers', 'count'],
  ['reopen_rate', 'ratio'],
];

async function names(sql: Sql, table: 'agents' | 'skill_groups' | 'inboxes', workspaceId: number): Promise<Map<number, string>> {
  const rows = await sql.query(`SELECT id, name FROM ${table} WHERE workspace_id = $1`, [workspaceId]);
  return new Map(rows.map((r) => [Number(r.id), r.name as string]));
}

async function service(sql: Sql, q: ReportQuery, b: Builder): Promise<void> {
  // one pass over the conversations for the totals, the trend and the three breakdowns
  const rows = await sql.query(
    `SELECT GROUPING(x.bucket, x.agent_id, x.group_id, x.inbox_id) AS set, x.bucket, x.agent_id, x.group_id, x.inbox_id, ${SERVICE.replace(/\bf\./g, 'x.')}
     FROM (SELECT ${BUCKET('f.started_at')} AS bucket, f.* ${FACTS}) x
     GROUP BY GROUPING SETS ((), (x.bucket), (x.agent_id), (x.group_id), (x.inbox_id))`,
    [...bucketParams(q), q.serviceLevelSeconds],
  );
  // GROUPING(): a bit per column left out, bucket the highest
  const ofSet = (kept: 'none' | 'bucket' | 'agent_id' | 'group_id' | 'inbox_id') => {
    const bit = { bucket: 8, agent_id: 4, group_id: 2, inbox_id: 1 } as const;
    const want = kept === 'none' ? 15 : 15 - bit[kept];
    return rows.filter((r) => Number(r.set) === want);
  };
  const t = ofSet('none')[0] ?? {};
  for (const [key, unit] of [
    ['first_response_median', 'seconds'],
    ['first_response_p90', 'seconds'],
    ['first_response_business_median', 'seconds'],
    ['average_response', 'seconds'],
    ['resolution_median', 'seconds'],
    ['resolution_p90', 'seconds'],
    ['resolution_business_median', 'seconds'],
    ['service_level', 'ratio'],
    ['abandonment_rate', 'ratio'],
    ['transfers', 'count'],
    ['reopen_rate', 'ratio'],
  ] as [string, ReportUnit][])
    b.figure(key, unit, t[key] ?? (unit === 'count' ? 0 : null));
  b.table(
    'trend',
    [['bucket', 'text'], ['conversations', 'count'], ['first_response_median', 'seconds'], ['first_response_p90', 'seconds'], ['service_level', 'ratio']],
    everyBucket(q.range, ofSet('bucket'), { conversations: 0, first_response_median: null, first_response_p90: null, service_level: null }),
  );
  const none = word('none', q.lang);
  for (const [id, col, table] of [
    ['by_agent', 'agent_id', 'agents'],
    ['by_group', 'group_id', 'skill_groups'],
    ['by_inbox', 'inbox_id', 'inboxes'],
  ] as const) {
    const named = await names(sql, table, q.workspaceId);
    const list = ofSet(col).sort((x, y) => y.conversations - x.conversations || Number(x[col] ?? 0) - Number(y[col] ?? 0));
    b.table(id, [['name', 'text'], ...SERVICE_COLUMNS], list.map((r) => ({ ...r, name: r[col] === null ? none : (named.get(Number(r[col])) ?? `#${r[col]}`) })));
  }
}

async function quality(sql: Sql, q: ReportQuery, b: Builder): Promise<void> {
  const p = bucketParams(q);
  const [t] = await sql.query(
    `SELECT count(f.csat_score)::int AS ratings, avg(f.csat_score)::float8 AS csat_average,
            count(*) FILTER (WHERE f.csat_score >= 4)::float8 / NULLIF(count(f.csat_score), 0) AS satisfied_rate,
            count(f.qa_score)::int AS qa_inspected, avg(f.qa_score)::float8 AS qa_average,
            coalesce(sum(cardinality(f.forbidden_rules)), 0)::int AS forbidden_count ${FACTS}`,
    factParams(q),
  );
  b.figure('ratings', 'count', t.ratings);
  b.figure('csat_average', 'score', t.csat_average);
  b.figure('satisfied_rate', 'ratio', t.satisfied_rate);
  b.figure('qa_inspected', 'count', t.qa_inspected);
  b.figure('qa_average', 'score', t.qa_average);
  b.figure('forbidden_count', 'count', t.forbidden_count);
  const dist = await sql.query(`SELECT f.csat_score AS score, count(*)::int AS ratings ${FACTS} AND f.csat_score IS NOT NULL GROUP BY 1`, factParams(q));
  const byScore = new Map(dist.map((r) => [Number(r.score), r.ratings]));
  b.table(
    'csat_distribution',
    [['label', 'text'], ['score', 'score'], ['ratings', 'count']],
    [5, 4, 3, 2, 1].map((s) => ({ label: word(`csat.${s}`, q.lang), score: s, ratings: byScore.get(s) ?? 0 })),
  );
  const trend = await sql.query(
    `SELECT ${BUCKET('f.started_at')} AS bucket, count(f.csat_score)::int AS ratings, avg(f.csat_score)::float8 AS csat_average,
            count(*) FILTER (WHERE f.csat_score >= 4)::float8 / NULLIF(count(f.csat_score), 0) AS satisfied_rate,
            count(f.qa_score)::int AS inspected, avg(f.qa_score)::float8 AS qa_average ${FACTS} GROUP BY 1`,
    p,
  );
  const filled = everyBucket(q.range, trend, { ratings: 0, csat_average: null, satisfied_rate: null, inspected: 0, qa_average: null });
  b.table('csat_trend', [['bucket', 'text'], ['ratings', 'count'], ['csat_average', 'score'], ['satisfied_rate', 'ratio']], filled);
  b.table('qa_trend', [['bucket', 'text'], ['inspected', 'count'], ['qa_average', 'score']], filled);
  const forbidden = await sql.query(`SELECT r.rule, count(*)::int AS count FROM (SELECT unnest(f.forbidden_rules) AS rule ${FACTS}) r GROUP BY 1 ORDER BY 2 DESC, 1`, factParams(q));
  b.table('forbidden', [['label', 'text'], ['rule', 'text'], ['count', 'count']], forbidden.map((r) => ({ ...r, label: word(r.rule, q.lang) })));
}

async function complaints(sql: Sql, q: ReportQuery, b: Builder): Promise<void> {
  const params = [q.workspaceId, q.range.start, q.range.end, q.groupId ?? null, q.agentId ?? null];
  const TICKETS = `FROM tickets t WHERE t.workspace_id = $1 AND t.type = 'complaint' AND t.created_at >= $2 AND t.created_at < $3
      AND ($4::bigint IS NULL OR t.group_id = $4) AND ($5::bigint IS NULL OR t.assignee_id = $5)`;
  const HOURS = `percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM (coalesce(t.solved_at, t.closed_at) - t.created_at)) / 3600)`;
  const [t] = await sql.query(`SELECT count(*)::int AS complaints, count(coalesce(t.solved_at, t.closed_at))::int AS resolved, ${HOURS} AS hours ${TICKETS}`, params);
  const [promises] = await sql.query(
    `SELECT count(*)::int AS promises, count(*) FILTER (WHERE p.kept_at IS NOT NULL AND p.kept_at <= p.due_at)::int AS kept,
            count(*) FILTER (WHERE p.kept_at IS NOT NULL OR p.due_at <= $4)::int AS due
     FROM ticket_promises p WHERE p.workspace_id = $1 AND p.created_at >= $2 AND p.created_at < $3 AND ($5::bigint IS NULL OR p.agent_id = $5)`,
    [q.workspaceId, q.range.start, q.range.end, q.now.toISOString(), q.agentId ?? null],
  );
  const lost = await sql.query(
    `SELECT c.lost_reason AS reason, count(*)::int AS customers FROM contacts c
     WHERE c.workspace_id = $1 AND c.lost_at >= $2 AND c.lost_at < $3 AND c.lost_reason IS NOT NULL GROUP BY 1`,
    [q.workspaceId, q.range.start, q.range.end],
  );
  const lostTotal = lost.reduce((s, r) => s + Number(r.customers), 0);
  b.figure('complaints', 'count', t.complaints);
  b.figure('resolved', 'count', t.resolved);
  b.figure('resolution_median_hours', 'hours', t.hours);
  b.figure('promises', 'count', promises.promises);
  b.figure('promises_kept_rate', 'ratio', promises.due === 0 ? null : promises.kept / promises.due);
  b.figure('lost_customers', 'count', lostTotal);
  for (const kind of ['reason', 'topic', 'behaviour', 'source'] as const) {
    const rows = await sql.query(
      `SELECT t.complaint->'classification'->>'${kind}' AS value, count(*)::int AS complaints, ${HOURS} AS resolution_median_hours ${TICKETS} GROUP BY 1 ORDER BY 2 DESC, 1`,
      params,
    );
    b.table(
      `by_${kind}`,
      [['label', 'text'], ['value', 'text'], ['complaints', 'count'], ['resolution_median_hours', 'hours']],
      rows.map((r) => ({ ...r, label: complaintLabel(kind, r.value, q.lang) })),
    );
  }
  const trend = await sql.query(
    `SELECT ${BUCKET('t.created_at', 6)} AS bucket, count(*)::int AS complaints, count(coalesce(t.solved_at, t.closed_at))::int AS resolved ${TICKETS} GROUP BY 1`,
    [...params, bucketStarts(q.range)],
  );
  b.table('trend', [['bucket', 'text'], ['complaints', 'count'], ['resolved', 'count']], everyBucket(q.range, trend, { complaints: 0, resolved: 0 }));
  const byReason = new Map(lost.map((r) => [r.reason as string, Number(r.customers)]));
  b.table(
    'lost_reasons',
    [['label', 'text'], ['reason', 'text'], ['customers', 'count'], ['share', 'ratio'], ['reference', 'ratio']],
    LOST_REASONS.map((reason) => ({
      label: word(`lost.${reason}`, q.lang),
      reason,
      customers: byReason.get(reason) ?? 0,
      share: lostTotal === 0 ? null : (byReason.get(reason) ?? 0) / lostTotal,
      reference: LOST_REFERENCE[reason],
    })),
  );
}

async function visitors(sql: Sql, q: ReportQuery, b: Builder): Promise<void> {
  const VISITS = `FROM visits v WHERE v.workspace_id = $1 AND v.started_at >= $2 AND v.started_at < $3 AND ($4::bigint IS NULL OR v.inbox_id = $4)`;
  const params = [q.workspaceId, q.range.start, q.range.end, q.inboxId ?? null];
  // independent queries: on PostgreSQL each on its own connection, side by side
  const [[t], trend, bySource, byKeyword, byPage] = await Promise.all([
    // a visitor converted when they wrote in a conversation, or got a ticket, in the range
    sql.query(
      `WITH vs AS (SELECT DISTINCT v.contact_id ${VISITS}),
            chatted AS (SELECT DISTINCT f.contact_id FROM report_conversations f JOIN vs ON vs.contact_id = f.contact_id
                        WHERE f.workspace_id = $1 AND f.started_at >= $2 AND f.started_at < $3 AND f.customer_messages > 0),
            ticketed AS (SELECT DISTINCT t.contact_id FROM tickets t JOIN chatted ON chatted.contact_id = t.contact_id
                         WHERE t.workspace_id = $1 AND t.created_at >= $2 AND t.created_at < $3)
       SELECT (SELECT count(*) ${VISITS})::int AS sessions, (SELECT count(*) FROM vs)::int AS visitors,
              (SELECT count(*) FROM chatted)::int AS chatted, (SELECT count(*) FROM ticketed)::int AS ticketed`,
      params,
    ),
    sql.query(`SELECT ${BUCKET('v.started_at', 5)} AS bucket, count(*)::int AS sessions, count(DISTINCT v.contact_id)::int AS visitors ${VISITS} GROUP BY 1`, [
      ...params,
      bucketStarts(q.range),
    ]),
    sql.query(
      `SELECT v.source_kind AS source, count(*)::int AS sessions, count(DISTINCT v.contact_id)::int AS visitors,
              count(DISTINCT v.contact_id) FILTER (WHERE EXISTS (SELECT 1 FROM report_conversations f WHERE f.contact_id = v.contact_id AND f.workspace_id = $1
                AND f.started_at >= $2 AND f.started_at < $3 AND f.customer_messages > 0))::int AS chatted
       ${VISITS} GROUP BY 1 ORDER BY 2 DESC, 1`,
      params,
    ),
    sql.query(
      `SELECT v.search_keyword AS keyword, count(*)::int AS sessions, count(DISTINCT v.contact_id)::int AS visitors ${VISITS} AND v.search_keyword IS NOT NULL
       GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${TOP}`,
      params,
    ),
    // the page without its query and fragment: one landing page however the campaigns tag it
    sql.query(
      `SELECT split_part(split_part(v.landing_page, '#', 1), '?', 1) AS page, count(*)::int AS sessions, count(DISTINCT v.contact_id)::int AS visitors
       ${VISITS} AND v.landing_page IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${TOP}`,
      params,
    ),
  ]);
  b.figure('sessions', 'count', t.sessions);
  b.figure('visitors', 'count', t.visitors);
  b.figure('chatted_visitors', 'count', t.chatted);
  b.figure('ticket_visitors', 'count', t.ticketed);
  b.figure('chat_conversion', 'ratio', t.visitors === 0 ? null : t.chatted / t.visitors);
  b.figure('ticket_conversion', 'ratio', t.chatted === 0 ? null : t.ticketed / t.chatted);
  b.table('trend', [['bucket', 'text'], ['sessions', 'count'], ['visitors', 'count']], everyBucket(q.range, trend, { sessions: 0, visitors: 0 }));
  b.table(
    'by_source',
    [['label', 'text'], ['source', 'text'], ['sessions', 'count'], ['visitors', 'count'], ['chatted', 'count']],
    bySource.map((r) => ({ ...r, label: word(`source.${r.source}`, q.lang) })),
  );
  b.table('by_keyword', [['keyword', 'text'], ['sessions', 'count'], ['visitors', 'count']], byKeyword);
  b.table('by_landing_page', [['page', 'text'], ['sessions', 'count'], ['visitors', 'count']], byPage);
  b.table('funnel', [['stage', 'text'], ['visitors', 'count']], [
    { stage: word('funnel.visited', q.lang), visitors: t.visitors },
    { stage: word('funnel.chatted', q.lang), visitors: t.chatted },
    { stage: word('funnel.ticket', q.lang), visitors: t.ticketed },
  ]);
}

/** Rows of the keyword and landing-page tables. */
const TOP = 20;
/** Below this much time online, per-hour rates and the concurrent load are not given. */
const MIN_ONLINE_SECONDS = 900;
/** A run of this many hostile conversations in a row flags the agent for their supervisor (METHOD.md §8). */
export const HOSTILE_RUN_FLAG = 3;

async function agents(sql: Sql, q: ReportQuery, b: Builder): Promise<void> {
  const params = [q.workspaceId, q.range.start, q.range.end, q.agentId ?? null, q.now.toISOString()];
  // handling: an agent's spans on conversations that started in the range, each up to its end (or now)
  const spansP = sql.query(
    `SELECT s.agent_id, count(DISTINCT s.conversation_id)::int AS conversations,
            sum(extract(epoch FROM (coalesce(s.ended_at, $5::timestamptz) - s.started_at)))::float8 AS handling_total,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM (coalesce(s.ended_at, $5::timestamptz) - s.started_at))) AS handling_median,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM (coalesce(s.ended_at, $5::timestamptz) - s.started_at))) AS handling_p90
     FROM report_agent_spans s JOIN report_conversations f ON f.conversation_id = s.conversation_id AND f.customer_messages > 0
     WHERE s.workspace_id = $1 AND f.started_at >= $2 AND f.started_at < $3 AND ($4::bigint IS NULL OR s.agent_id = $4)
     GROUP BY 1`,
    params,
  );
  // time online or away, clipped to the range
  const onlineP = sql.query(
    `SELECT p.agent_id, sum(extract(epoch FROM (least(coalesce(p.ended_at, $5::timestamptz), $3::timestamptz) - greatest(p.started_at, $2::timestamptz))))::float8 AS seconds
     FROM report_agent_presence p
     WHERE p.workspace_id = $1 AND p.started_at < $3 AND coalesce(p.ended_at, $5::timestamptz) > $2 AND ($4::bigint IS NULL OR p.agent_id = $4)
     GROUP BY 1`,
    params,
  );
  // hostile conversations, and the longest run of them in a row (gaps and islands over each agent's conversations in order)
  const hostileP = sql.query(
    `WITH x AS (
       SELECT f.agent_id, f.hostile,
              row_number() OVER (PARTITION BY f.agent_id ORDER BY f.started_at, f.conversation_id)
            - row_number() OVER (PARTITION BY f.agent_id, f.hostile ORDER BY f.started_at, f.conversation_id) AS island
       FROM report_conversations f
       WHERE f.workspace_id = $1 AND f.started_at >= $2 AND f.started_at < $3 AND f.customer_messages > 0 AND f.agent_id IS NOT NULL
         AND ($4::bigint IS NULL OR f.agent_id = $4) AND $5::text IS NOT NULL)
     SELECT agent_id, count(*) FILTER (WHERE hostile)::int AS hostile,
            coalesce(max(run) FILTER (WHERE hostile), 0)::int AS hostile_run
     FROM (SELECT agent_id, hostile, island, count(*) OVER (PARTITION BY agent_id, hostile, island) AS run FROM x) y
     GROUP BY 1`,
    params,
  );
  const allP = sql.query(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM (coalesce(s.ended_at, $5::timestamptz) - s.started_at))) AS handling_median,
            count(DISTINCT s.conversation_id)::int AS conversations
     FROM report_agent_spans s JOIN report_conversations f ON f.conversation_id = s.conversation_id AND f.customer_messages > 0
     WHERE s.workspace_id = $1 AND f.started_at >= $2 AND f.started_at < $3 AND ($4::bigint IS NULL OR s.agent_id = $4)`,
    params,
  );
  // independent: on PostgreSQL each on its own connection, side by side
  const [spans, online, hostile, named, [all]] = await Promise.all([spansP, onlineP, hostileP, names(sql, 'agents', q.workspaceId), allP]);
  const ids = [...new Set([...spans, ...online, ...hostile].map((r) => Number(r.agent_id)))];
  const bySpan = new Map(spans.map((r) => [Number(r.agent_id), r]));
  const byOnline = new Map(online.map((r) => [Number(r.agent_id), Number(r.seconds)]));
  const byHostile = new Map(hostile.map((r) => [Number(r.agent_id), r]));
  const rows = ids
    .map((id) => {
      const s = bySpan.get(id);
      const onlineSeconds = byOnline.get(id) ?? 0;
      const h = byHostile.get(id);
      const conversations = s?.conversations ?? 0;
      return {
        name: named.get(id) ?? `#${id}`,
        conversations,
        online_hours: onlineSeconds / 3600,
        // rates over a few minutes online say nothing: null below a quarter of an hour
        per_online_hour: onlineSeconds >= MIN_ONLINE_SECONDS ? conversations / (onlineSeconds / 3600) : null,
        handling_median: s?.handling_median ?? null,
        handling_p90: s?.handling_p90 ?? null,
        concurrent_average: onlineSeconds >= MIN_ONLINE_SECONDS && s ? Number(s.handling_total) / onlineSeconds : null,
        hostile: h?.hostile ?? 0,
        hostile_run: h?.hostile_run ?? 0,
        flagged: (h?.hostile_run ?? 0) >= HOSTILE_RUN_FLAG ? 1 : 0,
      };
    })
    .sort((a, z) => z.conversations - a.conversations || a.name.localeCompare(z.name));
  b.figure('agents', 'count', rows.filter((r) => r.conversations > 0 || r.online_hours > 0).length);
  b.figure('conversations', 'count', all.conversations);
  b.figure('handling_median', 'seconds', all.handling_median);
  b.figure('hostile_conversations', 'count', rows.reduce((s, r) => s + r.hostile, 0));
  b.figure('flagged_agents', 'count', rows.filter((r) => r.flagged === 1).length);
  b.table(
    'by_agent',
    [
      ['name', 'text'],
      ['conversations', 'count'],
      ['online_hours', 'hours'],
      ['per_online_hour', 'count'],
      ['handling_median', 'seconds'],
      ['handling_p90', 'seconds'],
      ['concurrent_average', 'count'],
      ['hostile', 'count'],
      ['hostile_run', 'count'],
      ['flagged', 'count'],
    ],
    rows,
  );
}

export const BUILDERS: Record<ReportKind, (sql: Sql, q: ReportQuery, b: Builder) => Promise<void>> = {
  overview,
  service,
  quality,
  complaints,
  visitors,
  agents,
};

export async function buildReport(db: Db, kind: ReportKind, q: ReportQuery): Promise<Report> {
  const b = new Builder(q.lang);
  await BUILDERS[kind](analytic(db), q, b);
  return { kind, title: word(`report.${kind}`, q.lang), range: q.range, totals: b.totals, tables: b.tables, generatedAt: q.now.toISOString() };
}

/**
 * Each report query in a transaction of its own, so that independent ones run side by side on
 * PostgreSQL's pool (PGlite takes them in turn), with room to count and deduplicate a month of a
 * busy workspace in memory rather than on disk.
 */
function analytic(db: Db): Sql {
  return {
    query: (text, params) =>
      db.tx(async (sql) => {
        await sql.query(`SET LOCAL work_mem = '64MB'`);
        return sql.query(text, params);
      }),
    exec: (text) => db.exec(text),
  };
}
