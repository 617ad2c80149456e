import { beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/helpers/env.js';
import { useTestApp } from '../../test/helpers/suite.js';
import { WsClient } from '../../test/helpers/ws.js';
import { insertAgent } from '../commands/agents.js';
import { insertInbox } from '../commands/inboxes.js';

/**
 * 客户画像 over the real server on both databases (docs/contacts.md, docs/privacy.md): profile
 * fields, custom fields, tags, the list's filters, orders, the timeline across inboxes, masking
 * per role and audited reveals, CSV export and import, manual merge and undo, the personal-data
 * copy, erasure, and another workspace's contacts staying out of reach.
 */
describe.each(DB_KINDS)('客户画像 on %s', (kind) => {
  const { t, a } = useTestApp(kind, { listen: true });
  let supervisor = '';
  let agent = '';
  let qa = '';
  const suffix = () => Math.random().toString(36).slice(2, 8);
  const get = (url: string, token = t.adminToken, headers: Record<string, string> = {}) => a.inject('GET', `/api/v1${url}`, { token, headers });
  const post = (url: string, payload: unknown, token = t.adminToken) => a.inject('POST', `/api/v1${url}`, { token, payload });
  const patch = (id: number, payload: unknown, token = t.adminToken) => a.inject('PATCH', `/api/v1/contacts/${id}`, { token, payload });
  const rawCsv = (csv: string, token: string, type = 'text/csv') =>
    t.app.inject({ method: 'POST', url: '/api/v1/contacts/import', headers: { authorization: `Bearer ${token}`, 'content-type': type }, payload: csv });
  /** A visitor with a conversation holding `text`. */
  const customer = async (fields: object = {}, text = '你好') => {
    const { contactToken, contact } = await a.newContact(fields);
    const conv = await a.newConversation(contactToken);
    expect((await a.customerSend(contactToken, conv.id, text)).status).toBe(201);
    return { contactToken, id: contact.id, conversationId: conv.id };
  };
  const audit = async (action: string) => (await get(`/audit?action=${action}`)).body.entries as Array<{ action: string; subjectId: number; actorId: number; detail: any }>;

  beforeAll(async () => {
    const s = await a.createAgent(t.adminToken, { email: `sup-${kind}@profile.test`, name: '王主管', role: 'supervisor' });
    const g = await a.createAgent(t.adminToken, { email: `agent-${kind}@profile.test`, name: '小李', role: 'agent' });
    const q = await a.createAgent(t.adminToken, { email: `qa-${kind}@profile.test`, name: '质检小周', role: 'qa' });
    [supervisor, agent, qa] = await Promise.all([a.login(s.email), a.login(g.email), a.login(q.email)]);
  });

  it('custom fields: admins define them, agents fill them, wrong values are 400 and deleted ones are hidden', async () => {
    const city = await post('/contact-fields', { key: 'city', label: '城市', type: 'text' });
    expect(city.status, JSON.stringify(city.body)).toBe(201);
    expect((await post('/contact-fields', { key: 'points', label: '积分', type: 'number' })).status).toBe(201);
    expect((await post('/contact-fields', { key: 'birthday', label: '生日', type: 'date' })).status).toBe(201);
    const channel = await post('/contact-fields', { key: 'channel', label: '来源', type: 'option', options: ['门店', '线上'] });
    expect(channel.body).toMatchObject({ key: 'channel', type: 'option', options: ['门店', '线上'] });
    expect((await post('/contact-fields', { key: 'city', label: '又一个', type: 'text' })).status).toBe(409);
    expect((await post('/contact-fields', { key: 'City', label: 'x', type: 'text' })).status).toBe(400);
    expect((await post('/contact-fields', { key: 'level', label: 'x', type: 'option' })).status).toBe(400);
    expect((await post('/contact-fields', { key: 'other', label: 'x', type: 'text' }, agent)).status).toBe(403);
    expect((await get('/contact-fields', agent)).body.fields.map((f: any) => f.key)).toEqual(['city', 'points', 'birthday', 'channel']);

    const c = await customer({ name: '张三' });
    const ok = await patch(c.id, {
      company: '知客科技',
      tags: [' 老客户 ', '老客户', '投诉过'],
      customFields: { city: '上海', points: 120, birthday: '1990-03-07', channel: '门店' },
      temperament: 'forceful',
      needs: { stated: '要退款', real: '担心再坏' },
      lost: { reason: 'price', note: '隔壁更便宜' },
    }, agent);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({
      company: '知客科技',
      tags: ['老客户', '投诉过'],
      customFields: { city: '上海', points: 120, birthday: '1990-03-07', channel: '门店' },
      temperament: 'forceful',
      temperamentHint: expect.stringContaining('力量型'),
      needs: { stated: '要退款', real: '担心再坏' },
      lost: { reason: 'price', note: '隔壁更便宜', at: expect.any(String) },
      vipLevel: 0,
      vip: false,
      masked: false,
      erasedAt: null,
    });
    const [row] = await t.db.query('SELECT tags, lost_reason, lost_at, custom_fields FROM contacts WHERE id = $1', [c.id]);
    expect(row).toMatchObject({ tags: ['老客户', '投诉过'], lost_reason: 'price', custom_fields: { points: 120 } });
    // the hint in the caller's language
    const en = await get(`/contacts/${c.id}`, agent, { 'accept-language': 'en-US,en;q=0.9' });
    expect(en.body.contact.temperamentHint).toMatch(/^Forceful/);
    // merge: null removes one, the others stay; needs merge too
    const merged = await patch(c.id, { customFields: { points: null, city: '杭州' }, needs: { real: null } }, agent);
    expect(merged.body.customFields).toEqual({ city: '杭州', birthday: '1990-03-07', channel: '门店' });
    expect(merged.body.needs).toEqual({ stated: '要退款' });

    for (const [body, code] of [
      [{ customFields: { shoe_size: 42 } }, 'unknown_custom_field'],
      [{ customFields: { points: '12' } }, 'invalid_custom_field'],
      [{ customFields: { birthday: '1990-02-30' } }, 'invalid_custom_field'],
      [{ customFields: { channel: '电话' } }, 'invalid_custom_field'],
      [{ tags: ['x'.repeat(21)] }, 'invalid_tag'],
      [{ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'too_many_tags'],
    ] as const) {
      const r = await patch(c.id, body, agent);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe(code);
    }
    expect((await patch(c.id, { needs: { stated: 'x'.repeat(501) } }, agent)).status).toBe(400);
    expect((await patch(c.id, { temperament: 'grumpy' }, agent)).status).toBe(400);
    expect((await patch(c.id, { lost: { reason: 'moved' } }, agent)).status).toBe(400);
    // VIP: supervisors and admins; vip true alone is level 1, a level sets vip
    expect((await patch(c.id, { vipLevel: 3 }, agent)).status).toBe(403);
    expect((await patch(c.id, { vip: true }, supervisor)).body).toMatchObject({ vip: true, vipLevel: 1 });
    expect((await patch(c.id, { vipLevel: 3 }, supervisor)).body).toMatchObject({ vip: true, vipLevel: 3 });
    expect((await patch(c.id, { vip: true }, supervisor)).body).toMatchObject({ vip: true, vipLevel: 3 });
    expect((await patch(c.id, { vip: false }, supervisor)).body).toMatchObject({ vip: false, vipLevel: 0 });
    // 质检 read, they do not edit
    expect((await patch(c.id, { company: 'x' }, qa)).status).toBe(403);
    expect((await get(`/contacts/${c.id}`, qa)).status).toBe(200);

    // a deleted definition: the value stays in the row, no longer shown or filtered
    expect((await a.inject('DELETE', `/api/v1/contact-fields/${channel.body.id}`, { token: agent })).status).toBe(403);
    expect((await a.inject('DELETE', `/api/v1/contact-fields/${channel.body.id}`, { token: t.adminToken })).status).toBe(204);
    expect((await get(`/contacts/${c.id}`)).body.contact.customFields).toEqual({ city: '杭州', birthday: '1990-03-07' });
    expect((await get('/contacts?cf=channel:门店')).status).toBe(400);
    const [kept] = await t.db.query('SELECT custom_fields FROM contacts WHERE id = $1', [c.id]);
    expect(kept.custom_fields.channel).toBe('门店');
    // renamed, options changed
    const renamed = await a.inject('PATCH', `/api/v1/contact-fields/${city.body.id}`, { token: t.adminToken, payload: { label: '所在城市' } });
    expect(renamed.body).toMatchObject({ key: 'city', label: '所在城市' });
    const events = await t.db.query(`SELECT data FROM events WHERE type = 'contact.field_changed' ORDER BY id`);
    expect(events.map((e) => e.data.action)).toEqual(['created', 'created', 'created', 'created', 'deleted', 'updated']);
  });

  it('lists contacts newest activity first, by words, tags, VIP, temperament, 流失 and custom field, a page at a time', async () => {
    const tag = `批次${suffix()}`;
    const one = await customer({ name: `周一${tag}` });
    const two = await customer({ name: `周二${tag}`, phone: '139 1111 2222' });
    const three = await customer({ name: `周三${tag}` });
    await patch(one.id, { tags: [tag, '老客户'], company: `远方${tag}公司`, customFields: { city: '广州' }, temperament: 'lively' });
    await patch(two.id, { tags: [tag], lost: { reason: 'poor_service' } });
    await patch(three.id, { tags: [tag, '老客户'], vipLevel: 2 });
    const ids = async (qs: string) => {
      const r = await get(`/contacts?${qs}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.contacts.map((c: any) => c.id);
    };
    expect(await ids(`tag=${encodeURIComponent(tag)}`)).toEqual([three.id, two.id, one.id]);
    expect(await ids(`tag=${encodeURIComponent(tag)}&tag=${encodeURIComponent('老客户')}`)).toEqual([three.id, one.id]);
    expect(await ids(`tag=${encodeURIComponent(tag)}&vipLevel=2`)).toEqual([three.id]);
    expect(await ids(`tag=${encodeURIComponent(tag)}&temperament=lively`)).toEqual([one.id]);
    expect(await ids(`tag=${encodeURIComponent(tag)}&lost=any`)).toEqual([two.id]);
    expect(await ids(`tag=${encodeURIComponent(tag)}&lost=poor_service`)).toEqual([two.id]);
    expect(await ids(`tag=${encodeURIComponent(tag)}&lost=none`)).toEqual([three.id, one.id]);
    expect(await ids(`tag=${encodeURIComponent(tag)}&cf=${encodeURIComponent('city:广州')}`)).toEqual([one.id]);
    expect(await ids(`q=${encodeURIComponent(`远方${tag}`)}`)).toEqual([one.id]);
    expect(await ids('q=1391111')).toContain(two.id);
    // a page at a time
    const first = await get(`/contacts?tag=${encodeURIComponent(tag)}&limit=2`);
    expect(first.body.contacts.map((c: any) => c.id)).toEqual([three.id, two.id]);
    const second = await get(`/contacts?tag=${encodeURIComponent(tag)}&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body).toMatchObject({ contacts: [{ id: one.id }], nextCursor: null });
    // odd input: 400, never 500
    for (const qs of ['vipLevel=9', 'temperament=x', 'lost=maybe', 'cf=nocolon', 'cursor=abc', 'limit=0', 'nonsense=1']) expect((await get(`/contacts?${qs}`)).status, qs).toBe(400);
  });

  it('orders: created, updated by order id, another contact’s order is 409; newest first; found by q and search', async () => {
    const c = await customer({ name: '买家甲' });
    const other = await customer({ name: '买家乙' });
    const orderId = `SO-${suffix()}`;
    const body = { orderId, items: [{ name: '蓝牙耳机', quantity: 1, price: 199 }], amount: 199, status: '已付款', orderedAt: '2026-01-05T10:00:00+08:00' };
    const created = await post(`/contacts/${c.id}/orders`, body, agent);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ orderId, amount: 199, currency: 'CNY', status: '已付款', orderedAt: '2026-01-05T02:00:00.000Z', contactId: c.id });
    const updated = await post(`/contacts/${c.id}/orders`, { ...body, status: '已发货' }, agent);
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: created.body.id, status: '已发货' });
    const taken = await post(`/contacts/${other.id}/orders`, body, agent);
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('order_belongs_to_another_contact');
    await post(`/contacts/${c.id}/orders`, { ...body, orderId: `${orderId}-2`, orderedAt: '2026-02-01T10:00:00Z', amount: 88.5 }, agent);
    const list = await get(`/contacts/${c.id}/orders`, agent);
    expect(list.body.orders.map((o: any) => [o.orderId, o.amount])).toEqual([
      [`${orderId}-2`, 88.5],
      [orderId, 199],
    ]);
    expect((await post(`/contacts/${c.id}/orders`, { ...body, amount: -1 }, agent)).status).toBe(400);
    expect((await post(`/contacts/${c.id}/orders`, { ...body, orderedAt: 'yesterday' }, agent)).status).toBe(400);
    expect((await post(`/contacts/${c.id}/orders`, body, qa)).status).toBe(403);
    expect((await get(`/contacts?q=${orderId.toLowerCase()}`)).body.contacts.map((x: any) => x.id)).toEqual([c.id]);
    const search = await get(`/search?q=${encodeURIComponent(orderId)}`, agent);
    expect(search.body.results.filter((r: any) => r.kind === 'contact').map((r: any) => [r.contactId, r.excerpt])).toEqual([[c.id, `买家甲 · ${orderId}`]]);
    const events = await t.db.query(`SELECT data FROM events WHERE type = 'contact.order_saved' AND data->>'contactId' = $1 ORDER BY id`, [String(c.id)]);
    expect(events.map((e) => e.data.created)).toEqual([true, false, true]);
  });

  it('shows a timeline of everything across inboxes, newest first', async () => {
    const c = await customer({ name: '老顾客' }, '第一次咨询');
    const inbox2 = await t.db.tx((sql) => insertInbox(sql, 1, `小程序-${suffix()}`, {}));
    const [conv2] = await t.db.query(
      `INSERT INTO conversations (workspace_id, inbox_id, contact_id, status, channel, created_at) VALUES (1, $1, $2, 'resolved', 'api', now() + interval '1 minute') RETURNING id`,
      [inbox2.id, c.id],
    );
    const ticket = await post('/tickets', { contactId: c.id, subject: '耳机返修', type: 'fault' });
    expect(ticket.status, JSON.stringify(ticket.body)).toBe(201);
    const complaint = await post('/tickets', { contactId: c.id, subject: '快递员态度差', type: 'complaint' });
    expect(complaint.status, JSON.stringify(complaint.body)).toBe(201);
    await t.db.query(
      `INSERT INTO csat_ratings (workspace_id, conversation_id, inbox_id, contact_id, score, source, comment, created_at) VALUES (1, $1, $2, $3, 4, 'close', '挺好', now() + interval '2 minutes')`,
      [c.conversationId, t.inbox.id, c.id],
    );
    await t.db.query(`INSERT INTO visits (workspace_id, inbox_id, contact_id, visit_key, landing_page, started_at) VALUES (1, $1, $2, 'v1', '/products/x1', now() - interval '1 day')`, [t.inbox.id, c.id]);
    await post(`/contacts/${c.id}/orders`, { orderId: `TL-${suffix()}`, items: [], amount: 10, status: '已完成', orderedAt: new Date(Date.now() + 3 * 60_000).toISOString() });
    const r = await get(`/contacts/${c.id}`, agent);
    expect(r.status).toBe(200);
    const kinds = r.body.timeline.map((i: any) => i.kind);
    expect(kinds).toEqual(['order', 'rating', 'conversation', 'complaint', 'ticket', 'conversation', 'visit']);
    const times = r.body.timeline.map((i: any) => i.at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(r.body.timeline.find((i: any) => i.kind === 'conversation' && i.conversationId === conv2.id)).toMatchObject({ channel: 'api', status: 'resolved' });
    expect(r.body.timeline.find((i: any) => i.kind === 'rating')).toMatchObject({ score: 4, detail: '挺好', conversationId: c.conversationId });
    expect(r.body.timeline.find((i: any) => i.kind === 'complaint')).toMatchObject({ title: '快递员态度差', ticketId: complaint.body.id });
    expect(r.body.conversations.map((x: any) => x.id).sort()).toEqual([c.conversationId, conv2.id].sort());
  });

  it('masks phone, e-mail and ID numbers for everyone; supervisors and admins reveal one contact, audited', async () => {
    const c = await customer({ name: '13812348000', phone: '13812348000', email: 'zhang.san@example.com' });
    await patch(c.id, { customFields: { city: '身份证 110101199003071234' } });
    for (const token of [agent, qa, supervisor, t.adminToken]) {
      const seen = (await get(`/contacts/${c.id}`, token)).body.contact;
      expect(seen).toMatchObject({ name: '138****8000', phone: '138****8000', email: 'z***@example.com', masked: true });
      expect(seen.customFields.city).toBe('身份证 110***********1234');
    }
    const listed = (await get('/contacts?q=13812348000', agent)).body.contacts.find((x: any) => x.id === c.id);
    expect(listed).toMatchObject({ phone: '138****8000', masked: true });
    // the conversation list's contact name, and search
    const convs = await get(`/conversations?status=all&contactId=${c.id}`, agent);
    expect(convs.body.conversations[0].contactName).toBe('138****8000');
    const found = (await get('/search?q=13812348000', agent)).body.results.find((x: any) => x.kind === 'contact');
    expect(found).toMatchObject({ contactName: '138****8000', excerpt: '138****8000 · 138****8000 · z***@example.com' });
    expect(JSON.stringify(found)).not.toContain('1234');

    expect((await post(`/contacts/${c.id}/reveal`, {}, agent)).status).toBe(403);
    expect((await post(`/contacts/${c.id}/reveal`, {}, qa)).status).toBe(403);
    const revealed = await post(`/contacts/${c.id}/reveal`, {}, supervisor);
    expect(revealed.status).toBe(200);
    expect(revealed.body.contact).toMatchObject({ phone: '13812348000', email: 'zhang.san@example.com', masked: false, customFields: { city: '身份证 110101199003071234' } });
    const entries = await audit('contact.revealed');
    expect(entries[0]).toMatchObject({ action: 'contact.revealed', subjectId: c.id });
    expect((await get('/audit', supervisor)).status).toBe(403);

    // a form saved whole sends the masked values back: the stored ones stay
    const saved = await patch(c.id, { phone: '138****8000', email: 'z***@example.com', name: '138****8000', company: '新公司' }, agent);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const [row] = await t.db.query('SELECT name, phone, email, company FROM contacts WHERE id = $1', [c.id]);
    expect(row).toEqual({ name: '13812348000', phone: '13812348000', email: 'zhang.san@example.com', company: '新公司' });
    // another masked value is not a number anyone can store
    expect((await patch(c.id, { phone: '139****0000' }, agent)).status).toBe(400);
  });

  it('exports the filtered list as CSV and imports one back, with errors by line; both audited', async () => {
    const tag = `导出${suffix()}`;
    const c = await customer({ name: '=1+1', phone: '+86 138 0000 1111', email: 'exp@example.com' });
    await patch(c.id, { tags: [tag], company: '知客, "科技"', customFields: { city: '深圳' } });
    expect((await get(`/contacts/export?tag=${encodeURIComponent(tag)}`, agent)).status).toBe(403);
    const r = await a.inject('GET', `/api/v1/contacts/export?tag=${encodeURIComponent(tag)}`, { token: supervisor });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('text/csv');
    const csv = r.raw.body;
    expect(csv.startsWith('\uFEFFexternalId,name,phone,email,company,tags,vipLevel,city,points,birthday')).toBe(true);
    const lines = csv.split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(`,"'=1+1","'+86 138 0000 1111",exp@example.com,"知客, ""科技""",${tag},0,深圳,,`);
    expect((await audit('contacts.exported'))[0]).toMatchObject({ detail: { rows: 1, filters: { tags: [tag] } } });

    const ext = `ext-${suffix()}`;
    const file = [
      '\uFEFFexternalId,name,phone,email,company,tags,vipLevel,city',
      `${ext},导入甲,13900001111,a@example.com,甲公司,新客户；${tag},2,成都`,
      `,导入乙,,,,,,`,
      `,坏行,not-a-phone,,,,,`,
      `${ext}-2,,,,,,7,`,
    ].join('\r\n');
    expect((await rawCsv(file, agent)).statusCode).toBe(403);
    const imported = await rawCsv(file, supervisor);
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json()).toEqual({ created: 2, updated: 0, errors: [{ line: 4, message: expect.stringContaining('phone') }, { line: 5, message: expect.stringContaining('vipLevel') }] });
    const again = await rawCsv(`externalId,company,tags\n${ext},乙公司,`, supervisor);
    expect(again.json()).toEqual({ created: 0, updated: 1, errors: [] });
    const [row] = await t.db.query('SELECT name, phone, company, tags, vip_level, vip, custom_fields FROM contacts WHERE external_id = $1', [ext]);
    expect(row).toEqual({ name: '导入甲', phone: '13900001111', company: '乙公司', tags: ['新客户', tag], vip_level: 2, vip: true, custom_fields: { city: '成都' } });
    expect((await audit('contacts.imported'))[0]).toMatchObject({ detail: { created: 0, updated: 1 } });
    expect((await rawCsv('name\n张三', supervisor, 'application/xml')).statusCode).toBe(415);
    expect((await rawCsv('name,shoe\n张三,42', supervisor)).json().errors[0]).toMatchObject({ line: 1 });
    expect((await rawCsv('x'.repeat(3 * 1024 * 1024), supervisor)).statusCode).toBe(413);
  });

  it('merges a duplicate into the customer and undoes it exactly; a second undo is 409', async () => {
    const keep = await customer({ name: '正主' }, '上周的订单');
    const dup = await customer({ name: '重复的' }, '我又来了');
    await post(`/contacts/${dup.id}/orders`, { orderId: `MG-${suffix()}`, items: [], amount: 1, status: 'x', orderedAt: new Date().toISOString() });
    expect((await post(`/contacts/${dup.id}/merge`, { into: keep.id }, agent)).status).toBe(403);
    expect((await post(`/contacts/${dup.id}/merge`, { into: dup.id }, supervisor)).status).toBe(400);
    const m = await post(`/contacts/${dup.id}/merge`, { into: keep.id }, supervisor);
    expect(m.status, JSON.stringify(m.body)).toBe(200);
    expect(m.body.merge).toMatchObject({ fromContactId: dup.id, intoContactId: keep.id, undoneAt: null });
    // of the two open conversations in one inbox the older ended
    expect(m.body.endedConversations).toEqual([keep.conversationId]);
    const into = await get(`/contacts/${keep.id}`);
    expect(into.body.conversations.map((c: any) => c.id).sort()).toEqual([keep.conversationId, dup.conversationId].sort());
    expect(into.body.merges).toEqual([m.body.merge]);
    expect((await get(`/contacts/${keep.id}/orders`)).body.orders).toHaveLength(1);
    expect((await get(`/contacts?q=${encodeURIComponent('重复的')}`)).body.contacts).toEqual([]);
    // the duplicate's token stands for the customer
    expect((await a.inject('GET', `${a.widgetBase}/conversations`, { contactToken: dup.contactToken })).body.conversations).toHaveLength(2);
    expect((await post(`/contacts/${dup.id}/merge`, { into: keep.id }, supervisor)).status).toBe(409);

    const undo = await post(`/contact-merges/${m.body.merge.id}/undo`, {}, supervisor);
    expect(undo.status, JSON.stringify(undo.body)).toBe(200);
    expect(undo.body).toMatchObject({ merge: { id: m.body.merge.id, undoneAt: expect.any(String) }, stillEnded: [keep.conversationId], note: expect.stringContaining(String(keep.conversationId)) });
    const rows = await t.db.query('SELECT id, contact_id, status FROM conversations WHERE id = ANY($1::bigint[]) ORDER BY id', [[keep.conversationId, dup.conversationId]]);
    expect(rows).toEqual([
      { id: keep.conversationId, contact_id: keep.id, status: 'resolved' },
      { id: dup.conversationId, contact_id: dup.id, status: 'open' },
    ]);
    expect((await get(`/contacts/${dup.id}/orders`)).body.orders).toHaveLength(1);
    const [d] = await t.db.query('SELECT merged_into FROM contacts WHERE id = $1', [dup.id]);
    expect(d.merged_into).toBeNull();
    expect((await a.inject('GET', `${a.widgetBase}/conversations`, { contactToken: dup.contactToken })).body.conversations.map((c: any) => c.id)).toEqual([dup.conversationId]);
    const again = await post(`/contact-merges/${m.body.merge.id}/undo`, {}, supervisor);
    expect(again.status).toBe(409);
    expect((await post(`/contact-merges/${m.body.merge.id}/undo`, {}, agent)).status).toBe(403);
    const types = (await t.db.query(`SELECT type FROM events WHERE type IN ('contact.merged', 'contact.merge_undone') AND (data->>'contactId')::bigint = $1 ORDER BY id`, [dup.id])).map((e) => e.type);
    expect(types).toEqual(['contact.merged', 'contact.merge_undone']);
    expect((await audit('contact.merged'))[0]).toMatchObject({ subjectId: dup.id });
    expect((await audit('contact.merge_undone'))[0]).toMatchObject({ subjectId: dup.id });
  });

  it('gives an admin everything held on a contact, audited', async () => {
    const c = await customer({ name: '要副本的人', phone: '13700001111' }, '请把我的数据发我');
    await a.agentSend(t.adminToken, c.conversationId, '好的');
    await a.agentSend(t.adminToken, c.conversationId, '内部：确认身份', { private: true });
    expect((await get(`/contacts/${c.id}/personal-data`, supervisor)).status).toBe(403);
    const r = await get(`/contacts/${c.id}/personal-data`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.contact).toMatchObject({ id: c.id, phone: '13700001111', masked: false });
    expect(r.body.conversations).toHaveLength(1);
    expect(r.body.conversations[0].messages.map((m: any) => m.content)).toEqual(expect.arrayContaining(['请把我的数据发我', '好的']));
    expect(r.body.conversations[0].messages.map((m: any) => m.content)).not.toContain('内部：确认身份');
    expect(r.body).toMatchObject({ orders: [], tickets: [], ratings: [], visits: [], pageViews: [], truncated: false });
    expect((await audit('contact.exported'))[0]).toMatchObject({ subjectId: c.id });
  });

  it('erases a contact in place: personal data and words gone, rows and counts kept, token revoked; twice is 409', async () => {
    const c = await customer({ name: '李四', phone: '13600001111', email: 'li@example.com' }, '我的地址是北京市海淀区');
    expect((await a.customerSend(c.contactToken, c.conversationId, '电话13600001111')).status).toBe(201);
    await a.agentSend(t.adminToken, c.conversationId, '收到');
    await post(`/contacts/${c.id}/orders`, { orderId: `ER-${suffix()}`, items: [{ name: '手机', quantity: 1 }], amount: 3999, status: '已完成', orderedAt: new Date().toISOString() });
    await patch(c.id, { company: '某公司', needs: { secret: '想要折扣' }, tags: ['老客户'] });
    const before = await t.db.query('SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1', [c.conversationId]);
    // the customer's widget is open
    const widget = await WsClient.connect(t.url);
    expect((await widget.hello({ inboxToken: t.inbox.token, contactToken: c.contactToken })).type).toBe('ready');
    expect((await post(`/contacts/${c.id}/erase`, { confirm: true }, supervisor)).status).toBe(403);
    expect((await post(`/contacts/${c.id}/erase`, {})).status).toBe(400);
    const r = await post(`/contacts/${c.id}/erase`, { confirm: true });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.contact).toMatchObject({ name: null, phone: null, email: null, company: null, needs: {}, customFields: {}, tags: ['老客户'], erasedAt: expect.any(String) });
    const messages = await t.db.query('SELECT sender_type, content FROM messages WHERE conversation_id = $1 ORDER BY seq', [c.conversationId]);
    expect(messages).toHaveLength(before[0].n);
    expect(messages.filter((m) => m.sender_type === 'customer').every((m) => m.content === '')).toBe(true);
    expect(messages.find((m) => m.sender_type === 'agent')?.content).toBe('收到');
    const [order] = await t.db.query('SELECT items, amount::text AS amount FROM contact_orders WHERE contact_id = $1', [c.id]);
    expect(order).toEqual({ items: [], amount: '3999.00' });
    const terms = await t.db.query(`SELECT 1 FROM message_terms t JOIN messages m ON m.id = t.message_id WHERE m.conversation_id = $1 AND m.sender_type = 'customer'`, [c.conversationId]);
    expect(terms).toHaveLength(0);
    // the widget's token no longer works, and the open widget is let go (it starts afresh)
    expect((await a.inject('GET', `${a.widgetBase}/conversations`, { contactToken: c.contactToken })).status).toBe(401);
    await expect.poll(() => widget.closed).toEqual({ code: 4003, reason: 'erased' });
    const again = await post(`/contacts/${c.id}/erase`, { confirm: true });
    expect(again.status).toBe(409);
    expect((await patch(c.id, { name: '又来' })).status).toBe(409);
    const [event] = await t.db.query(`SELECT data FROM events WHERE type = 'contact.erased' ORDER BY id DESC LIMIT 1`);
    expect(event.data).toEqual({ contactId: c.id });
    expect((await audit('contact.erased'))[0]).toMatchObject({ subjectId: c.id, detail: { messages: 2 } });
  });

  it('keeps another workspace’s contacts out of reach: 404 on every route', async () => {
    const [ws] = await t.db.query(`INSERT INTO workspaces (name) VALUES ('别家') RETURNING id`);
    await t.db.tx(async (sql) => insertAgent(sql, ws.id, { email: `other-${kind}@profile.test`, name: '别家管理员', role: 'admin', password: 'other-pass-123' }));
    const other = await a.login(`other-${kind}@profile.test`, 'other-pass-123');
    const mine = await customer({ name: '本家客户', phone: '13500001111' });
    const url = (rest = '') => `/contacts/${mine.id}${rest}`;
    expect((await get(url(), other)).status).toBe(404);
    expect((await patch(mine.id, { name: 'x' }, other)).status).toBe(404);
    expect((await get(url('/orders'), other)).status).toBe(404);
    expect((await post(url('/orders'), { orderId: 'X-1', items: [], amount: 1, status: 'x', orderedAt: new Date().toISOString() }, other)).status).toBe(404);
    expect((await post(url('/reveal'), {}, other)).status).toBe(404);
    expect((await get(url('/personal-data'), other)).status).toBe(404);
    expect((await post(url('/erase'), { confirm: true }, other)).status).toBe(404);
    expect((await post(url('/merge'), { into: mine.id + 100_000 }, other)).status).toBe(404);
    const theirs = await t.app.inject({ method: 'POST', url: `/api/v1/widget/${(await t.db.tx((sql) => insertInbox(sql, ws.id, '别家渠道', {}))).token}/contacts`, payload: {} });
    expect((await post(url('/merge'), { into: theirs.json().contact.id })).status).toBe(404);
    expect((await get('/contacts?q=13500001111', other)).body.contacts).toEqual([]);
    expect((await get('/audit', other)).body.entries).toEqual([]);
  });
});
