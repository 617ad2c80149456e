import { describe, expect, it } from 'vitest';
import { insertAgent } from '../commands/agents.js';
import { insertInbox } from '../commands/inboxes.js';
import { DB_KINDS } from '../../test/helpers/env.js';
import { consumersCaughtUp } from '../../test/helpers/reception.js';
import { useTestApp } from '../../test/helpers/suite.js';
import { searchMessages } from './store.js';

/**
 * Full-text search over the real server on both databases (docs/search.md): the
 * `search.index` consumer cuts every message with jieba; GET /search finds 退款 in
 * 我想申请退款, whatever the script or width, pages newest first, applies the filters,
 * finds contacts by phone and name, shows private notes only to those who may see them,
 * and keeps workspaces apart.
 */
describe.each(DB_KINDS)('search on %s', (kind) => {
  const { t, a } = useTestApp(kind);
  const search = async (query: Record<string, string | number>, token = t.adminToken) => {
    const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)] as [string, string])).toString();
    return a.inject('GET', `/api/v1/search?${qs}`, { token });
  };
  const messagesOf = (r: { body: any }) => r.body.results.filter((x: any) => x.kind === 'message');
  let n = 0;
  /** A conversation with the customer's and the agent's lines, indexed. */
  const chat = async (lines: [who: 'customer' | 'agent' | 'note', text: string][], contact: object = {}) => {
    const { contactToken, contact: c } = await a.newContact({ name: `客户${++n}`, ...contact });
    const conv = await a.newConversation(contactToken);
    const ids: number[] = [];
    for (const [who, text] of lines) {
      const r =
        who === 'customer'
          ? await a.customerSend(contactToken, conv.id, text)
          : await a.agentSend(t.adminToken, conv.id, text, who === 'note' ? { private: true } : {});
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      ids.push(r.body.id);
    }
    await consumersCaughtUp(t, 15_000, ['search.index']);
    return { id: conv.id, contactId: c.id, contactToken, ids };
  };

  it('finds 退款 in 我想申请退款, and the conversation opens at that message with the words marked', async () => {
    const c = await chat([
      ['customer', '您好，我想申请退款，订单还没发货'],
      ['agent', '好的，我帮您看一下订单'],
    ]);
    const r = await search({ q: '退款' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.terms).toEqual(['退款']);
    const [hit] = messagesOf(r);
    expect(hit).toMatchObject({ kind: 'message', conversationId: c.id, messageId: c.ids[0], seq: 1, senderType: 'customer', private: false, status: 'open', contactName: '客户1' });
    expect(hit.highlights.map(([s, e]: [number, number]) => hit.excerpt.slice(s, e))).toEqual(['退款']);
    // every word must be there; the words may come in any form
    expect(messagesOf(await search({ q: '申请退款' })).map((x: any) => x.messageId)).toEqual([c.ids[0]]);
    expect(messagesOf(await search({ q: '申請退款' })).map((x: any) => x.messageId)).toEqual([c.ids[0]]);
    expect(messagesOf(await search({ q: '订单' })).map((x: any) => x.messageId)).toEqual([c.ids[1], c.ids[0]]);
    expect(messagesOf(await search({ q: '退款 换货' }))).toEqual([]);
    // the platform's own lines are not searched
    expect(messagesOf(await search({ q: '欢迎' }))).toEqual([]);
  });

  it('pages newest first', async () => {
    const c = await chat(Array.from({ length: 7 }, (_, i) => ['customer', `物流第${i}次查询，快递到哪了`] as ['customer', string]));
    const seen: number[] = [];
    let before: number | null = null;
    do {
      const r = await search({ q: '快递 物流', limit: 3, ...(before ? { before } : {}) });
      expect(r.status).toBe(200);
      seen.push(...messagesOf(r).map((x: any) => x.messageId));
      before = r.body.next;
    } while (before);
    expect(seen).toEqual([...c.ids].reverse());
  });

  it('finds the same older messages through the index as by walking the newest ones', async () => {
    const c = await chat([
      ['customer', '保修卡丢了还能保修吗'],
      ['agent', '可以的，凭购买记录就能保修'],
      ['customer', '好的谢谢'],
    ]);
    await chat([['customer', '这是后来的另一个会话']]);
    const [{ workspace_id: workspaceId }] = await t.db.query('SELECT workspace_id FROM conversations WHERE id = $1', [c.id]);
    const q = { workspaceId, terms: ['保修'], includePrivate: true, filters: {}, limit: 10 };
    const walked = (await searchMessages(t.db, q)).map((m) => m.messageId);
    expect(walked).toEqual([c.ids[1], c.ids[0]]);
    // a window of one message: the rest come from the index of terms, newest first, with the filters
    expect((await searchMessages(t.db, { ...q, window: 1 })).map((m) => m.messageId)).toEqual(walked);
    expect((await searchMessages(t.db, { ...q, window: 1, limit: 1 })).map((m) => m.messageId)).toEqual([c.ids[1]]);
    expect((await searchMessages(t.db, { ...q, window: 1, before: c.ids[1] })).map((m) => m.messageId)).toEqual([c.ids[0]]);
    expect((await searchMessages(t.db, { ...q, window: 1, filters: { status: 'resolved' } })).map((m) => m.messageId)).toEqual([]);
  });

  it('filters by status, inbox, agent, date, rating and intent', async () => {
    const c = await chat([['customer', '发票抬头开错了，需要重开发票']]);
    const other = await chat([['customer', '发票什么时候寄出']]);
    await a.inject('POST', `/api/v1/conversations/${other.id}/status`, { token: t.adminToken, payload: { status: 'resolved' } });
    const ids = async (q: Record<string, string | number>) => messagesOf(await search({ q: '发票', ...q })).map((x: any) => x.conversationId);
    expect(await ids({})).toEqual([other.id, c.id]);
    expect(await ids({ status: 'resolved' })).toEqual([other.id]);
    expect(await ids({ status: 'open' })).toEqual([c.id]);
    expect(await ids({ inboxId: t.inbox.id })).toEqual([other.id, c.id]);
    expect(await ids({ inboxId: 99999999 })).toEqual([]);
    // the agent who answered (an agent's reply assigns the conversation)
    await a.agentSend(t.adminToken, c.id, '马上为您处理');
    const [{ assignee_id: agentId }] = await t.db.query('SELECT assignee_id FROM conversations WHERE id = $1', [c.id]);
    expect(await ids({ agentId })).toEqual([c.id]);
    // dates are days in a time zone
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    expect(await ids({ from: today, to: today })).toEqual([other.id, c.id]);
    expect(await ids({ from: '2020-01-01', to: '2020-01-31' })).toEqual([]);
    // the same day's bounds in zones far east and west of Shanghai still hold these messages
    expect(await ids({ from: today, tz: 'Pacific/Kiritimati' })).toEqual([other.id, c.id]);
    expect(await ids({ to: today, tz: 'Pacific/Pago_Pago' })).toEqual([other.id, c.id]);
    // 满意度 and intent
    await t.db.query(
      `INSERT INTO csat_ratings (workspace_id, conversation_id, inbox_id, contact_id, score, source) SELECT workspace_id, id, inbox_id, contact_id, 2, 'close' FROM conversations WHERE id = $1`,
      [other.id],
    );
    expect(await ids({ rating: 2 })).toEqual([other.id]);
    expect(await ids({ rating: 5 })).toEqual([]);
    await consumersCaughtUp(t, 15_000, ['assist.analysis']);
    const [insight] = await t.db.query('SELECT intent FROM conversation_insights WHERE conversation_id = $1', [c.id]);
    expect(insight?.intent, 'the analysis gave the conversation an intent').toBeTruthy();
    expect(await ids({ intent: insight.intent })).toContain(c.id);
  });

  it('filters by the customer’s tags (all of them)', async () => {
    const vip = await chat([['customer', '会员积分怎么兑换电饭煲']]);
    const other = await chat([['customer', '会员积分怎么兑换保温杯']]);
    const tagged = await a.inject('PATCH', `/api/v1/contacts/${vip.contactId}`, { token: t.adminToken, payload: { tags: ['老客户', '华东'] } });
    expect(tagged.status, JSON.stringify(tagged.body)).toBe(200);
    await a.inject('PATCH', `/api/v1/contacts/${other.contactId}`, { token: t.adminToken, payload: { tags: ['老客户'] } });
    const ids = async (query: string) => {
      const r = await a.inject('GET', `/api/v1/search?q=${encodeURIComponent('积分兑换')}&${query}`, { token: t.adminToken });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return messagesOf(r).map((m: any) => m.conversationId).sort();
    };
    expect(await ids(`tag=${encodeURIComponent('老客户')}`)).toEqual([vip.id, other.id].sort());
    expect(await ids(`tag=${encodeURIComponent('老客户')}&tag=${encodeURIComponent('华东')}`)).toEqual([vip.id]);
    expect(await ids(`tag=${encodeURIComponent('没有的标签')}`)).toEqual([]);
  });

  it('finds contacts by phone in any spacing and by name, with their newest conversation', async () => {
    const c = await chat([['customer', '你好']], { name: '欧阳娜娜', phone: '+86 138-0013-8000' });
    const byPhone = await search({ q: '13800138000' });
    const contact = byPhone.body.results.find((x: any) => x.kind === 'contact');
    expect(contact).toMatchObject({ contactId: c.contactId, conversationId: c.id, contactName: '欧阳娜娜' });
    // personal data is masked in search too (docs/privacy.md): the masked phone is marked
    expect(contact.excerpt).toContain('+86 138****8000');
    expect(contact.excerpt).not.toContain('0013');
    expect(contact.highlights.map(([s, e]: [number, number]) => contact.excerpt.slice(s, e))).toEqual(['+86 138****8000']);
    const byName = await search({ q: '欧阳' });
    const named = byName.body.results.find((x: any) => x.kind === 'contact');
    expect(named.excerpt.slice(...named.highlights[0])).toBe('欧阳');
  });

  it('shows private notes to the roles that may see them, marked as notes; another workspace sees nothing', async () => {
    const c = await chat([
      ['customer', '我要投诉你们的配送员'],
      ['note', '这位客户上周也投诉过配送员，注意安抚'],
    ]);
    const hits = messagesOf(await search({ q: '配送员' }));
    expect(hits.map((x: any) => [x.messageId, x.private])).toEqual([
      [c.ids[1], true],
      [c.ids[0], false],
    ]);
    const qa = await a.createAgent(t.adminToken, { email: `qa-${kind}@search.test`, name: '质检小李', role: 'qa' });
    expect(messagesOf(await search({ q: '配送员' }, await a.login(qa.email))).map((x: any) => x.messageId)).toContain(c.ids[1]);

    const [ws] = await t.db.query(`INSERT INTO workspaces (name) VALUES ('别家') RETURNING id`);
    await insertAgent(t.db, ws.id, { email: `boss-${kind}@other.test`, name: 'Other', role: 'admin', password: 'other-pass-1' });
    await insertInbox(t.db, ws.id, 'other', {});
    const foreign = await a.login(`boss-${kind}@other.test`, 'other-pass-1');
    const r = await search({ q: '配送员' }, foreign);
    expect(r.status).toBe(200);
    expect(r.body.results).toEqual([]);
    expect((await search({ q: '客户' }, foreign)).body.results).toEqual([]);
  });

  it('answers odd queries with a clear 400, and nobody without a session', async () => {
    for (const q of [{ q: '' }, { q: '   ' }, { q: 'x'.repeat(201) }, { q: '退款', tz: 'Mars/Olympus' }, { q: '退款', from: '2026-13' }, { q: '退款', limit: 0 }, { q: '退款', rating: 6 }, { q: '退款', extra: 1 }]) {
      const r = await search(q as unknown as Record<string, string>);
      expect(r.status, JSON.stringify(q)).toBe(400);
      expect(r.body.error.code).toBeTruthy();
    }
    expect((await a.inject('GET', '/api/v1/search?q=%E9%80%80%E6%AC%BE')).status).toBe(401);
    // only particles: nothing to look for, no error
    const r = await search({ q: '的了吗' });
    expect(r.status).toBe(200);
    expect(r.body.terms).toEqual([]);
  });
});
