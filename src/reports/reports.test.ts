import { describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/helpers/env.js';
import { consumersCaughtUp, visitor, waitFor } from '../../test/helpers/reception.js';
import { QUIET_RECEPTION } from '../../test/helpers/app.js';
import { useTestApp } from '../../test/helpers/suite.js';
import { conversationFacts, FACT_EVENT_TYPES, type ConversationFacts } from '../core/reports/facts.js';
import { counts, serviceSummary } from '../core/reports/summary.js';
import { factBase, factEvent, ROLLUP_CONSUMER, rollUp } from './rollup.js';

/**
 * 报表 over the real server on both databases: the rollups equal a recomputation from the
 * raw event log (folded again here, summarised by the reference definitions), the exports
 * carry the same figures, and only the right roles read and export.
 */
describe.each(DB_KINDS)('报表 on %s', (kind) => {
  const { t, a } = useTestApp(kind, { listen: true, reception: { ...QUIET_RECEPTION, csat: { enabled: true } } });
  const w = (rest: string) => `${a.widgetBase}${rest}`;
  const report = (name: string, query = '', token = t.adminToken) => a.inject('GET', `/api/v1/reports/${name}?tz=Asia/Shanghai${query}`, { token });
  const figure = (body: any, key: string) => body.totals.find((f: any) => f.key === key)?.value;
  // 质检 too: its conversation.inspected is folded into the facts (the quality score), so a
  // comparison made before an inspection lands would see the rollup move under it.
  const caughtUp = () => consumersCaughtUp(t, 30_000, [ROLLUP_CONSUMER, 'csat.request', 'qa.inspection']);

  /** Folds every conversation of the workspace again from the raw log, as the rollup consumer would. */
  const recompute = async (): Promise<ConversationFacts[]> => {
    const bases = await t.db.query(`SELECT id, workspace_id, inbox_id, contact_id, channel, group_id FROM conversations ORDER BY id`);
    const out: ConversationFacts[] = [];
    for (const b of bases) {
      const events = await t.db.query(`SELECT * FROM events WHERE conversation_id = $1 AND type = ANY($2::text[]) ORDER BY id`, [b.id, FACT_EVENT_TYPES]);
      out.push(conversationFacts(await factBase(t.db, b as any, new Map()), events.map((e) => factEvent(e as any))));
    }
    return out;
  };

  /** A conversation the customer opened and wrote in, that the admin answered, and its contact's token. */
  const served = async (text = '我想申请退款') => {
    const { contactToken } = await a.newContact({});
    const id = (await a.inject('POST', w('/conversations'), { contactToken, payload: {} })).body.id as number;
    expect((await a.customerSend(contactToken, id, text)).status).toBe(201);
    expect((await a.agentSend(t.adminToken, id, '您好，我来帮您处理。')).status).toBe(201);
    return { id, contactToken };
  };
  const status = (id: number, s: string) => a.inject('POST', `/api/v1/conversations/${id}/status`, { token: t.adminToken, payload: { status: s } });

  it('the rollups equal a recomputation from the raw events', async () => {
    // answered and ended, then rated 4; reopened and ended again; waiting, never answered; opened and left empty
    const rated = await served();
    expect((await status(rated.id, 'resolved')).status).toBe(200);
    await waitFor(async () => (await a.inject('GET', w(`/conversations/${rated.id}/messages`), { contactToken: rated.contactToken })).body.messages, (m: any[]) => m.some((x) => x.meta?.csat), 10_000);
    expect((await a.inject('POST', w(`/conversations/${rated.id}/rating`), { contactToken: rated.contactToken, payload: { score: 4 } })).status).toBe(201);
    const reopened = await served('快递三天没动了');
    expect((await status(reopened.id, 'resolved')).status).toBe(200);
    expect((await status(reopened.id, 'open')).status).toBe(200);
    expect((await a.agentSend(t.adminToken, reopened.id, '已为您催促快递。')).status).toBe(201);
    expect((await status(reopened.id, 'resolved')).status).toBe(200);
    const waiting = await a.newContact({});
    const waitingId = (await a.inject('POST', w('/conversations'), { contactToken: waiting.contactToken, payload: {} })).body.id as number;
    expect((await a.customerSend(waiting.contactToken, waitingId, '有人吗')).status).toBe(201);
    const empty = await a.newContact({});
    expect((await a.inject('POST', w('/conversations'), { contactToken: empty.contactToken, payload: {} })).status).toBe(201);
    await caughtUp();

    const facts = await recompute();
    const counted = facts.filter(counts);
    expect(counted.length).toBeGreaterThanOrEqual(3);
    const expected = serviceSummary(facts, 30);

    const overview = (await report('overview')).body;
    expect(overview.kind).toBe('overview');
    expect(figure(overview, 'conversations')).toBe(counted.length);
    const byTime = overview.tables.find((x: any) => x.id === 'by_time');
    expect(byTime.rows).toHaveLength(30);
    expect(byTime.rows.reduce((s: number, r: any) => s + r.conversations, 0)).toBe(counted.length);
    expect(byTime.columns.map((c: any) => c.key)).toContain('ch_web');
    expect(figure(overview, 'visitors')).toBe(new Set(counted.map((f) => f.contactId)).size);

    const svc = (await report('service', '&serviceLevelSeconds=30')).body;
    const near = (key: string, v: number | null) => (v === null ? expect(figure(svc, key)).toBeNull() : expect(figure(svc, key)).toBeCloseTo(v, 2));
    near('first_response_median', expected.firstResponseMedian);
    near('first_response_p90', expected.firstResponseP90);
    near('first_response_business_median', expected.firstResponseBusinessMedian);
    near('average_response', expected.averageResponse);
    near('resolution_median', expected.resolutionMedian);
    near('resolution_p90', expected.resolutionP90);
    near('service_level', expected.serviceLevel);
    near('abandonment_rate', expected.abandonmentRate);
    near('reopen_rate', expected.reopenRate);
    expect(figure(svc, 'transfers')).toBe(expected.transfers);
    expect(expected.reopenRate).not.toBeNull();
    const byAgent = svc.tables.find((x: any) => x.id === 'by_agent');
    expect(byAgent.rows.reduce((s: number, r: any) => s + r.conversations, 0)).toBe(counted.length);

    const quality = (await report('quality')).body;
    const ratings = counted.filter((f) => f.csatScore !== null);
    expect(figure(quality, 'ratings')).toBe(ratings.length);
    expect(quality.tables.find((x: any) => x.id === 'csat_distribution').rows.find((r: any) => r.score === 4).ratings).toBe(ratings.filter((f) => f.csatScore === 4).length);

    // the stored rows are exactly the fold's
    const stored = await t.db.query(`SELECT conversation_id, first_response_seconds, reopens, csat_score, customer_messages, last_event_id FROM report_conversations ORDER BY conversation_id`);
    expect(stored.map((r) => [Number(r.conversation_id), r.first_response_seconds === null ? null : Number(r.first_response_seconds), r.reopens, r.csat_score, r.customer_messages, Number(r.last_event_id)])).toEqual(
      facts.map((f) => [f.conversationId, f.firstResponseSeconds, f.reopens, f.csatScore, f.customerMessages, f.lastEventId]),
    );
  });

  it('a redelivered or replayed batch changes nothing', async () => {
    await served();
    await caughtUp();
    // everything but when it was folded
    const rows = async () => (await t.db.query(`SELECT * FROM report_conversations ORDER BY conversation_id`)).map(({ rolled_at: _, ...r }) => r);
    const before = await rows();
    const spans = await t.db.query(`SELECT * FROM report_agent_spans ORDER BY conversation_id, started_at`);
    const ids = before.map((r) => Number(r.conversation_id));
    await t.db.tx((sql) => rollUp(sql, ids));
    await t.db.tx((sql) => rollUp(sql, ids.reverse()));
    // the same events delivered again (after a crash, say): folded again from the log, not added twice
    const again = (await t.db.query(`SELECT * FROM events WHERE conversation_id = ANY($1::bigint[]) AND type = ANY($2::text[]) ORDER BY id`, [ids, FACT_EVENT_TYPES])).map((e) => factEvent(e as any));
    await t.db.tx((sql) => rollUp(sql, ids, again.slice(-5)));
    expect(await rows()).toEqual(before);
    expect(await t.db.query(`SELECT * FROM report_agent_spans ORDER BY conversation_id, started_at`)).toEqual(spans);
  });

  it('exports CSV and Excel with the same figures, audited; only leads export', async () => {
    await served();
    await caughtUp();
    const json = (await report('overview')).body;
    const csv = await report('overview', '&format=csv&chart=by_time');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="zhike-overview-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}-by_time\.csv"/);
    const text = csv.raw.body as string;
    expect(text.startsWith('\uFEFF')).toBe(true);
    const lines = text.slice(1).trim().split('\r\n');
    expect(lines[0].split(',').slice(0, 3)).toEqual(['时间', '会话数', '访客数']);
    expect(lines).toHaveLength(31);
    expect(lines.slice(1).reduce((s, l) => s + Number(l.split(',')[1]), 0)).toBe(figure(json, 'conversations'));

    const all = await report('service', '&format=csv&lang=en');
    expect(all.raw.body as string).toMatch(/^\uFEFFSummary\r\nFigure,Value\r\nFirst response \(median\) \(s\),/);
    const xlsx = await a.inject('GET', '/api/v1/reports/quality?format=xlsx', { token: t.adminToken, headers: {} });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect((xlsx.raw.rawPayload as Buffer).subarray(0, 2).toString()).toBe('PK');

    const audit = await t.db.query(`SELECT action, detail FROM audit_log WHERE action = 'report.exported' ORDER BY id`);
    expect(audit.map((r) => [r.detail.kind, r.detail.format, r.detail.chart])).toEqual([
      ['overview', 'csv', 'by_time'],
      ['service', 'csv', null],
      ['quality', 'xlsx', null],
    ]);
    const unknown = await report('overview', '&format=csv&chart=nope');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/by_time/);
  });

  it('roles: leads read all, 质检 the quality report, agents none; odd input is a clear 400', async () => {
    const pw = 'agent-pass-123';
    await a.createAgent(t.adminToken, { email: `rep-agent-${kind}@x.cn`, name: '小李', role: 'agent', password: pw });
    await a.createAgent(t.adminToken, { email: `rep-qa-${kind}@x.cn`, name: '质检小张', role: 'qa', password: pw });
    const agent = await a.login(`rep-agent-${kind}@x.cn`, pw);
    const qa = await a.login(`rep-qa-${kind}@x.cn`, pw);
    expect((await report('overview', '', agent)).status).toBe(403);
    expect((await report('quality', '', agent)).status).toBe(403);
    expect((await report('quality', '', qa)).status).toBe(200);
    expect((await report('service', '', qa)).status).toBe(403);
    expect((await report('quality', '&format=csv', qa)).status).toBe(403);
    for (const [q, code] of [
      ['&tz=Mars/Olympus', 'unknown_time_zone'],
      ['&from=2026-02-30', 'bad_date'],
      ['&from=2024-01-01&to=2026-01-01', 'range_too_long'],
      ['&from=2026-11-05&to=2026-11-01', 'bad_range'],
    ]) {
      const r = await a.inject('GET', `/api/v1/reports/overview?${q.slice(1)}`, { token: t.adminToken });
      expect(r.status, q).toBe(400);
      expect(r.body.error.code, q).toBe(code);
    }
    expect((await report('nothing')).status).toBe(400);
    expect((await report('overview', '&format=pdf')).status).toBe(400);
  });

  it('complaints, visitors and agents: by source, the funnel, the agents’ load', async () => {
    // a visitor from a search engine who then chats and gets a complaint ticket
    const v = await visitor(t, { page: { url: 'https://shop.example/p/1?utm_campaign=x#top', title: '净水器', referrer: 'https://www.baidu.com/s?wd=净水器漏水', visitKey: `rep-${kind}` } });
    try {
      await waitFor(() => t.db.query(`SELECT 1 FROM visits WHERE contact_id = $1`, [v.contactId]), (r) => r.length === 1, 10_000);
      const id = (await a.inject('POST', w('/conversations'), { contactToken: v.contactToken, payload: {} })).body.id as number;
      expect((await a.customerSend(v.contactToken, id, '你们的净水器漏水了，我要投诉')).status).toBe(201);
      expect((await a.agentSend(t.adminToken, id, '非常抱歉给您添麻烦了，我马上为您登记。')).status).toBe(201);
      const ticket = await a.inject('POST', '/api/v1/tickets', { token: t.adminToken, payload: { contactId: v.contactId, subject: '净水器漏水', type: 'complaint' } });
      expect(ticket.status, JSON.stringify(ticket.body)).toBe(201);
      await caughtUp();

      const complaints = (await report('complaints')).body;
      expect(figure(complaints, 'complaints')).toBeGreaterThanOrEqual(1);
      const bySource = complaints.tables.find((x: any) => x.id === 'by_source');
      expect(bySource.rows.reduce((s: number, r: any) => s + r.complaints, 0)).toBe(figure(complaints, 'complaints'));
      const lost = complaints.tables.find((x: any) => x.id === 'lost_reasons');
      expect(lost.rows.map((r: any) => [r.reason, r.reference])).toEqual([
        ['poor_service', 0.45],
        ['nobody_cared', 0.2],
        ['price', 0.15],
        ['better_product', 0.15],
        ['other', 0.05],
      ]);

      const visitors = (await report('visitors')).body;
      expect(figure(visitors, 'sessions')).toBeGreaterThanOrEqual(1);
      expect(figure(visitors, 'chatted_visitors')).toBeGreaterThanOrEqual(1);
      expect(figure(visitors, 'ticket_visitors')).toBeGreaterThanOrEqual(1);
      const search = visitors.tables.find((x: any) => x.id === 'by_source').rows.find((r: any) => r.source === 'search');
      expect(search).toMatchObject({ label: '搜索引擎', sessions: 1, visitors: 1, chatted: 1 });
      expect(visitors.tables.find((x: any) => x.id === 'by_keyword').rows).toContainEqual({ keyword: '净水器漏水', sessions: 1, visitors: 1 });
      // one landing page however the campaign tagged it
      expect(visitors.tables.find((x: any) => x.id === 'by_landing_page').rows).toContainEqual({ page: 'https://shop.example/p/1', sessions: 1, visitors: 1 });
      const funnel = visitors.tables.find((x: any) => x.id === 'funnel').rows.map((r: any) => r.visitors);
      expect(funnel[0]).toBeGreaterThanOrEqual(funnel[1]);
      expect(funnel[1]).toBeGreaterThanOrEqual(funnel[2]);

      const agents = (await report('agents')).body;
      const admin = agents.tables.find((x: any) => x.id === 'by_agent').rows[0];
      expect(admin.conversations).toBeGreaterThanOrEqual(1);
      expect(admin.handling_median).toBeGreaterThanOrEqual(0);
      expect(admin.flagged).toBe(0);
    } finally {
      v.ws.close();
    }
  });

  it('unique visitors: who visited or wrote, once each; a merge makes two one, its undo two again', async () => {
    /** The definition, straight from the visits and the conversations a customer wrote in, under their contacts now. */
    const people = async () =>
      Number(
        (
          await t.db.query(
            `SELECT count(DISTINCT contact_id)::int AS n FROM (
               SELECT contact_id FROM visits WHERE started_at > now() - interval '29 days'
               UNION ALL SELECT c.contact_id FROM report_conversations f JOIN conversations c ON c.id = f.conversation_id
               WHERE f.customer_messages > 0 AND f.started_at > now() - interval '29 days') p`,
          )
        )[0].n,
      );
    const visitors = async () => figure((await report('overview')).body, 'visitors');
    // one who browses and writes, one who only browses (and browses again: the same visit), one who only writes
    const both = await visitor(t, { page: { url: 'https://shop.example/p/2', title: '滤芯', visitKey: `uv-both-${kind}` } });
    const browser = await visitor(t, { page: { url: 'https://shop.example/p/3', title: '滤芯', visitKey: `uv-browse-${kind}` } });
    try {
      await waitFor(() => t.db.query(`SELECT 1 FROM visits WHERE contact_id = ANY($1::bigint[])`, [[both.contactId, browser.contactId]]), (r) => r.length === 2, 10_000);
      const id = (await a.inject('POST', w('/conversations'), { contactToken: both.contactToken, payload: {} })).body.id as number;
      expect((await a.customerSend(both.contactToken, id, '滤芯多久换一次')).status).toBe(201);
      await served('发票怎么开');
      await caughtUp();
      const before = await visitors();
      expect(before).toBe(await people());
      expect(await t.db.query(`SELECT count(*)::int AS n FROM events WHERE type = 'visit.started' AND actor_id = ANY($1::bigint[])`, [[both.contactId, browser.contactId]])).toEqual([{ n: 2 }]);

      // the one who only browsed is the same person as the one who wrote
      const m = await a.inject('POST', `/api/v1/contacts/${browser.contactId}/merge`, { token: t.adminToken, payload: { into: both.contactId } });
      expect(m.status, JSON.stringify(m.body)).toBe(200);
      await caughtUp();
      expect(await visitors()).toBe(before - 1);
      expect(await visitors()).toBe(await people());
      const undo = await a.inject('POST', `/api/v1/contact-merges/${m.body.merge.id}/undo`, { token: t.adminToken, payload: {} });
      expect(undo.status, JSON.stringify(undo.body)).toBe(200);
      await caughtUp();
      expect(await visitors()).toBe(before);
    } finally {
      both.ws.close();
      browser.ws.close();
    }
  });

  it('a day by the hour, in the asked time zone', async () => {
    await served();
    await caughtUp();
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const r = (await report('overview', `&from=${today}&to=${today}`)).body;
    expect(r.range).toMatchObject({ from: today, to: today, bucket: 'hour', tz: 'Asia/Shanghai' });
    const rows = r.tables.find((x: any) => x.id === 'by_time').rows;
    expect(rows).toHaveLength(24);
    const hour = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', hourCycle: 'h23' }).format(new Date());
    expect(rows.find((x: any) => x.bucket === `${today} ${hour}:00`).conversations).toBeGreaterThan(0);
  });
});
