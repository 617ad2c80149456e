import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/helpers/env.js';
import { testDb } from '../../test/helpers/app.js';
import { bootstrap } from '../bootstrap.js';
import { bucketStarts, reportRange } from '../core/reports/range.js';
import { word } from '../core/reports/labels.js';
import type { Db } from '../storage/db.js';
import { notePresence, rebuildPresence } from './presence.js';
import { buildReport } from './queries.js';

/**
 * The overview's unique visitors from report_presence equal counting the distinct people over
 * the visits and the conversations a customer wrote in (the definition, docs/reports.md): per
 * day or hour, per channel and in all, in time zones with half-hour and quarter-hour offsets
 * and across a daylight-saving change, with and without an inbox asked; whatever order the
 * presence arrives in (late visits link in before later ones), and after merges move a
 * contact's visits and conversations to another one.
 */
describe.each(DB_KINDS)('unique visitors (report_presence) on %s', (kind) => {
  let db: Db;
  let drop: () => Promise<void>;
  let ws: number;
  let inboxes: { id: number; channel: string }[];

  // a seeded generator: the same "random" month every run
  let seed = 20261201;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  const shuffle = <T>(xs: T[]) => xs.map((x) => [rand(), x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);

  /** From 2026-03-05 (UTC) over five days: New York moves its clocks on 2026-03-08. */
  const START = Date.parse('2026-03-05T00:00:00Z');
  const someTime = () => new Date(START + Math.floor(rand() * 5 * 86_400) * 1000 + Math.floor(rand() * 1000));

  beforeAll(async () => {
    ({ db, drop } = await testDb(kind));
    const boot = await bootstrap(db, { adminPassword: 'presence-pass-1' });
    ws = boot.workspace.id;
    const [api] = await db.query(`INSERT INTO inboxes (workspace_id, name, channel_type, token) VALUES ($1, 'App', 'api', 'presence-api-token') RETURNING id`, [ws]);
    inboxes = [
      { id: boot.inbox.id, channel: 'web' },
      { id: Number(api.id), channel: 'api' },
    ];
    const contacts = (await db.query(`INSERT INTO contacts (workspace_id, inbox_id, name) SELECT $1, $2, 'p' || i FROM generate_series(1, 14) i RETURNING id`, [ws, boot.inbox.id])).map((r) => Number(r.id));

    // visits, and conversations (a sixth never written in by the customer): some in the same quarter hour, some close to midnight
    const visits: number[] = [];
    const conversations: number[] = [];
    for (let i = 0; i < 160; i++) {
      const contact = pick(contacts);
      const inbox = pick(inboxes);
      const at = i % 9 === 0 && visits.length > 0 ? new Date((await db.query('SELECT started_at FROM visits ORDER BY random() LIMIT 1'))[0].started_at.valueOf() + 60_000) : someTime();
      if (rand() < 0.55) {
        const [v] = await db.query(
          `INSERT INTO visits (workspace_id, inbox_id, contact_id, visit_key, started_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
          [ws, inbox.id, contact, `k${i}`, at],
        );
        visits.push(Number(v.id));
      } else {
        const [c] = await db.query(
          `INSERT INTO conversations (workspace_id, inbox_id, contact_id, channel, status, created_at) VALUES ($1, $2, $3, $4, 'resolved', $5) RETURNING id`,
          [ws, inbox.id, contact, inbox.channel, at],
        );
        await db.query(
          `INSERT INTO report_conversations (conversation_id, workspace_id, inbox_id, contact_id, channel, started_at, responses, response_seconds, reopens, transfers,
             abandoned, queued, bot_handled, handed_to_human, bot_resolved, customer_messages, agent_messages, bot_messages, hostile, forbidden_rules, last_event_id)
           VALUES ($1, $2, $3, $4, $5, $6, 0, 0, 0, 0, false, false, false, false, false, $7, 0, 0, false, '{}', 1)`,
          [c.id, ws, inbox.id, contact, inbox.channel, at, i % 6 === 0 ? 0 : 2],
        );
        conversations.push(Number(c.id));
      }
    }
    // arriving in any order, in batches
    const all = shuffle<{ visits?: number[]; conversations?: number[] }>([...visits.map((id) => ({ visits: [id] })), ...conversations.map((id) => ({ conversations: [id] }))]);
    for (let i = 0; i < all.length; i += 7) {
      const batch = all.slice(i, i + 7);
      await db.tx((sql) => notePresence(sql, { visits: batch.flatMap((b) => b.visits ?? []), conversations: batch.flatMap((b) => b.conversations ?? []) }));
    }
    // a delivered batch again changes nothing
    await db.tx((sql) => notePresence(sql, { visits, conversations }));
  });
  afterAll(async () => {
    await drop?.();
  });

  /** The definition: distinct contacts over visits ∪ conversations written in, counted straight from them. */
  const counted = async (tz: string, from: string, to: string, inboxId: number | null) => {
    const range = reportRange({ tz, from, to }, new Date());
    const rows = await db.query(
      `WITH p AS (
         SELECT v.contact_id, v.started_at, i.channel_type AS channel FROM visits v JOIN inboxes i ON i.id = v.inbox_id
         WHERE v.workspace_id = $1 AND ($4::bigint IS NULL OR v.inbox_id = $4)
         UNION ALL
         SELECT c.contact_id, f.started_at, f.channel FROM report_conversations f JOIN conversations c ON c.id = f.conversation_id
         WHERE f.workspace_id = $1 AND f.customer_messages > 0 AND ($4::bigint IS NULL OR f.inbox_id = $4)),
       q AS (SELECT contact_id, channel, width_bucket(started_at, $5::timestamptz[]) AS bucket FROM p WHERE started_at >= $2 AND started_at < $3)
       SELECT bucket, NULL AS channel, count(DISTINCT contact_id)::int AS n FROM q GROUP BY bucket
       UNION ALL SELECT NULL, channel, count(DISTINCT contact_id)::int FROM q GROUP BY channel
       UNION ALL SELECT NULL, NULL, count(DISTINCT contact_id)::int FROM q`,
      [ws, range.start, range.end, inboxId, bucketStarts(range)],
    );
    const byBucket = new Map(rows.filter((r) => r.bucket !== null).map((r) => [Number(r.bucket), Number(r.n)]));
    return {
      all: Number(rows.find((r) => r.bucket === null && r.channel === null)!.n),
      byTime: bucketStarts(range).map((_, i) => byBucket.get(i + 1) ?? 0),
      byChannel: Object.fromEntries(rows.filter((r) => r.channel !== null).map((r) => [word(`channel.${r.channel}`, 'zh-CN'), Number(r.n)])),
    };
  };
  const reported = async (tz: string, from: string, to: string, inboxId: number | null) => {
    const range = reportRange({ tz, from, to }, new Date());
    const r = await buildReport(db, 'overview', { workspaceId: ws, range, lang: 'zh-CN', serviceLevelSeconds: 30, now: new Date(), ...(inboxId === null ? {} : { inboxId }) });
    const byTime = r.tables.find((t) => t.id === 'by_time')!.rows.map((row) => Number(row.visitors));
    const byChannel = Object.fromEntries(
      r.tables
        .find((t) => t.id === 'by_channel')!
        .rows.filter((row) => Number(row.visitors) > 0)
        .map((row) => [String(row.channel), Number(row.visitors)]),
    );
    return { all: Number(r.totals.find((f) => f.key === 'visitors')!.value), byTime, byChannel };
  };
  const compare = async () => {
    const cases: [tz: string, from: string, to: string][] = [
      ['Asia/Shanghai', '2026-03-05', '2026-03-09'],
      ['Asia/Kolkata', '2026-03-05', '2026-03-09'],
      ['Asia/Kathmandu', '2026-03-06', '2026-03-07'],
      ['America/New_York', '2026-03-07', '2026-03-08'],
      ['America/New_York', '2026-03-04', '2026-03-10'],
      ['UTC', '2026-03-06', '2026-03-06'],
    ];
    let people = 0;
    for (const [tz, from, to] of cases) {
      for (const inboxId of [null, ...inboxes.map((i) => i.id)]) {
        const want = await counted(tz, from, to, inboxId);
        expect(await reported(tz, from, to, inboxId), `${tz} ${from}…${to} inbox ${inboxId}`).toEqual(want);
        people += want.all;
      }
    }
    expect(people).toBeGreaterThan(50); // the cases count people, not empty ranges
  };

  it('equal counting the distinct people, whatever order they arrived in', async () => {
    await compare();
  });

  it('after merges move visits and conversations to another contact, and after a rebuild from scratch', async () => {
    const contacts = (await db.query(`SELECT DISTINCT contact_id FROM visits WHERE workspace_id = $1 ORDER BY contact_id`, [ws])).map((r) => Number(r.contact_id));
    for (const [from, into] of [
      [contacts[0], contacts[1]],
      [contacts[2], contacts[1]],
      [contacts[3], contacts[4]],
    ] as const) {
      await db.tx(async (sql) => {
        await sql.query('UPDATE visits SET contact_id = $2 WHERE contact_id = $1', [from, into]);
        await sql.query('UPDATE conversations SET contact_id = $2 WHERE contact_id = $1', [from, into]);
        await rebuildPresence(sql, [from, into]);
      });
    }
    await compare();
    expect(await db.query('SELECT 1 FROM report_presence WHERE contact_id = ANY($1::bigint[])', [[contacts[0], contacts[2], contacts[3]]])).toEqual([]);
    // the facts follow the conversations (the agent and group reports count people from them)
    expect(await db.query('SELECT 1 FROM report_conversations f JOIN conversations c ON c.id = f.conversation_id WHERE f.contact_id <> c.contact_id')).toEqual([]);

    const before = await db.query('SELECT contact_id, at, inbox_id, prev_at, prev_channel_at, prev_inbox_at FROM report_presence ORDER BY contact_id, at, inbox_id');
    await db.tx(async (sql) => rebuildPresence(sql, (await sql.query('SELECT id FROM contacts')).map((r) => Number(r.id))));
    expect(await db.query('SELECT contact_id, at, inbox_id, prev_at, prev_channel_at, prev_inbox_at FROM report_presence ORDER BY contact_id, at, inbox_id')).toEqual(before);
  });
});
