import { describe, expect, it } from 'vitest';
import { insertAgent } from '../../commands/agents.js';
import { DB_KINDS } from '../../../test/helpers/env.js';
import { useTestApp } from '../../../test/helpers/suite.js';

/**
 * 工单与投诉 over the real server on both databases: tickets from conversations and by API,
 * the list's filters and pages, the status machine, the six complaint steps, a regulator's
 * deadline, compensations within and above the limit, public replies reaching the
 * customer's conversation, SLA policies and clocks, promises, and workspaces kept apart.
 */
describe.each(DB_KINDS)('tickets on %s', (kind) => {
  const { t, a } = useTestApp(kind);
  const post = (token: string, url: string, payload: unknown = {}) => a.inject('POST', `/api/v1${url}`, { token, payload });
  const patch = (token: string, id: number, payload: unknown) => a.inject('PATCH', `/api/v1/tickets/${id}`, { token, payload });
  const get = (token: string, url: string) => a.inject('GET', `/api/v1${url}`, { token });
  let n = 0;
  /** An agent of the workspace with a role, logged in. */
  const person = async (role = 'agent') => {
    const email = `${role}-${++n}-${kind}@tickets.test`;
    const agent = await a.createAgent(t.adminToken, { email, name: `${role} ${n}`, role });
    return { id: agent.id, token: await a.login(email) };
  };
  const contact = async () => (await a.newContact({ name: '王女士' })).contact.id;
  const ticket = async (token: string, body: object = {}) => {
    const r = await post(token, '/tickets', { contactId: await contact(), subject: '发票开错了', type: 'query', ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  const eventsOf = async (ticketId: number) =>
    (await t.db.query(`SELECT type FROM events WHERE data->>'ticketId' = $1 ORDER BY id`, [String(ticketId)])).map((r) => r.type as string);

  it('turns a conversation into a ticket: its contact, linked, the subject from the customer’s words, the SLA clocks running', async () => {
    const { contactToken, contact: c } = await a.newContact({ name: '李先生' });
    const conv = await a.newConversation(contactToken);
    expect((await a.customerSend(contactToken, conv.id, '我上周买的净水器漏水了，地板都泡了')).status).toBe(201);
    await a.customerSend(contactToken, conv.id, '你们什么时候上门？');

    const r = await post(t.adminToken, `/conversations/${conv.id}/tickets`, {});
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ contactId: c.id, conversationIds: [conv.id], subject: '我上周买的净水器漏水了，地板都泡了', status: 'new', priority: 'normal', complaint: null, slaPolicy: '其他工单' });
    expect(r.body.sla.map((s: any) => s.metric)).toEqual(['first_reply', 'resolution']);
    for (const s of r.body.sla) expect(s).toMatchObject({ pausedAt: null, breachedAt: null, target: { business: true } });
    expect(r.body.sla[0].target.minutes).toBe(120);

    // the ticket reads back with its link; the conversation's messages stay where they are
    const read = await get(t.adminToken, `/tickets/${r.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: r.body.id, conversationIds: [conv.id], comments: [], compensations: [], promises: [] });
    const messages = await get(t.adminToken, `/conversations/${conv.id}/messages`);
    expect(messages.body.messages.filter((m: any) => m.senderType === 'customer')).toHaveLength(2);
    // the subject and type may be given; the conversation of another id is 404
    const typed = await post(t.adminToken, `/conversations/${conv.id}/tickets`, { subject: '上门维修', type: 'fault', priority: 'high' });
    expect(typed.body).toMatchObject({ subject: '上门维修', type: 'fault', priority: 'high', conversationIds: [conv.id] });
    expect((await post(t.adminToken, '/conversations/99999999/tickets', {})).status).toBe(404);
    expect(await eventsOf(r.body.id)).toEqual(['ticket.created']);
  });

  it('lists by status, type, priority, assignee and group, newest first, in pages by id', async () => {
    const group = await post(t.adminToken, '/skill-groups', { name: `售后-${kind}` });
    expect(group.status).toBe(201);
    const agent = await person();
    const made: any[] = [];
    for (const [type, priority] of [
      ['fault', 'high'],
      ['query', 'low'],
      ['fault', 'urgent'],
      ['order', 'high'],
      ['fault', 'high'],
    ]) {
      made.push(await ticket(t.adminToken, { type, priority, groupId: group.body.id, assigneeId: made.length % 2 ? agent.id : null }));
    }
    const list = async (q: string) => {
      const r = await get(t.adminToken, `/tickets?groupId=${group.body.id}&${q}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body as { tickets: any[]; nextBefore: number | null };
    };
    const ids = (l: { tickets: any[] }) => l.tickets.map((x) => x.id);
    expect(ids(await list(''))).toEqual(made.map((m) => m.id).reverse());
    expect(ids(await list('type=fault'))).toEqual([made[4].id, made[2].id, made[0].id]);
    expect(ids(await list('type=fault&priority=high'))).toEqual([made[4].id, made[0].id]);
    expect(ids(await list(`assigneeId=${agent.id}`))).toEqual([made[3].id, made[1].id]);
    expect((await list('status=open')).tickets).toEqual([]);
    expect((await list('status=new')).tickets).toHaveLength(5);
    // pages of two: disjoint, in order, the last one says so
    const p1 = await list('limit=2');
    const p2 = await list(`limit=2&before=${p1.nextBefore}`);
    const p3 = await list(`limit=2&before=${p2.nextBefore}`);
    expect([...ids(p1), ...ids(p2), ...ids(p3)]).toEqual(made.map((m) => m.id).reverse());
    expect(p3.nextBefore).toBeNull();
    // every ticket carries its clocks in the list too
    expect(p1.tickets[0].sla.length).toBeGreaterThan(0);
    for (const q of ['status=done', 'type=complaint2', 'priority=1', 'assigneeId=abc', 'limit=0', 'limit=201', 'before=-1', 'nonsense=1']) {
      const r = await get(t.adminToken, `/tickets?${q}`);
      expect(r.status, q).toBe(400);
    }
  });

  it('moves through its statuses: closing follows solving, closed is final, and only its agent or a supervisor moves it', async () => {
    const owner = await person();
    const other = await person();
    const qa = await person('qa');
    const tk = await ticket(t.adminToken, { assigneeId: owner.id });
    // one request, one transaction: a refused status takes the field edits with it
    expect((await patch(owner.token, tk.id, { subject: '新标题', status: 'closed' })).status).toBe(409);
    expect((await get(owner.token, `/tickets/${tk.id}`)).body.subject).toBe('发票开错了');
    expect((await patch(other.token, tk.id, { status: 'open' })).status).toBe(403);
    expect((await patch(qa.token, tk.id, { status: 'open' })).status).toBe(403);
    expect((await patch(owner.token, tk.id, { status: 'open' })).body.status).toBe('open');
    const early = await patch(owner.token, tk.id, { status: 'closed' });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'invalid_status_change', details: { from: 'open', to: 'closed' } });
    // waiting on the customer pauses the clocks
    const pending = await patch(owner.token, tk.id, { status: 'pending' });
    expect(pending.body.sla.find((s: any) => s.metric === 'resolution')).toMatchObject({ dueAt: null });
    expect(pending.body.sla.find((s: any) => s.metric === 'resolution').pausedAt).toBeTruthy();
    const solved = await patch(owner.token, tk.id, { status: 'solved' });
    expect(solved.body).toMatchObject({ status: 'solved' });
    expect(solved.body.solvedAt).toBeTruthy();
    expect(solved.body.sla.every((s: any) => s.stoppedAt)).toBe(true);
    const closed = await patch(owner.token, tk.id, { status: 'closed' });
    expect(closed.body.closedAt).toBeTruthy();
    for (const body of [{ status: 'open' }, { subject: '改个标题' }, { priority: 'urgent' }]) {
      const r = await patch(t.adminToken, tk.id, body);
      expect(r.status, JSON.stringify(body)).toBe(409);
      expect(r.body.error.code).toBe('ticket_closed');
    }
    expect((await post(owner.token, `/tickets/${tk.id}/comments`, { body: '还在吗' })).status).toBe(409);
    expect(await eventsOf(tk.id)).toEqual(['ticket.created', 'ticket.status_changed', 'ticket.status_changed', 'ticket.status_changed', 'ticket.status_changed']);

    // fields and a hand-off to another group (5W3H required)
    const g1 = (await post(t.adminToken, '/skill-groups', { name: `一线-${kind}` })).body.id;
    const g2 = (await post(t.adminToken, '/skill-groups', { name: `二线-${kind}` })).body.id;
    const tk2 = await ticket(t.adminToken, { groupId: g1 });
    const edited = await patch(t.adminToken, tk2.id, { subject: '发票抬头错误', tags: ['发票'], customFields: { 订单号: 'A1001', 金额: 99.5 } });
    expect(edited.body).toMatchObject({ subject: '发票抬头错误', tags: ['发票'], customFields: { 订单号: 'A1001', 金额: 99.5 } });
    const noHandoff = await patch(t.adminToken, tk2.id, { groupId: g2 });
    expect(noHandoff.status).toBe(400);
    expect(noHandoff.body.error.code).toBe('handoff_required');
    const handoff = { when: '今天 10:00', where: '在线客服', who: '王女士', what: '发票抬头错误', why: '需财务重开', how: '重开发票并快递' };
    expect((await patch(t.adminToken, tk2.id, { groupId: g2, handoff })).body.groupId).toBe(g2);
    expect((await patch(t.adminToken, tk2.id, { assigneeId: 99999999 })).status).toBe(400);

    // the activity log (动态): what happened to it, who did it, oldest first, from the event log
    const activity = await get(owner.token, `/tickets/${tk2.id}/activity`);
    expect(activity.status).toBe(200);
    expect(activity.body.activity.map((e: any) => e.type)).toEqual(['ticket.created', 'ticket.updated', 'ticket.assigned']);
    const handedOff = activity.body.activity[2];
    expect(handedOff).toMatchObject({ actor: { type: 'agent', name: expect.any(String) }, data: { ticketId: tk2.id, fromGroupId: g1, toGroupId: g2, handoff } });
    const page = await get(owner.token, `/tickets/${tk2.id}/activity?after=${activity.body.activity[0].id}&limit=1`);
    expect(page.body.activity.map((e: any) => e.type)).toEqual(['ticket.updated']);
    expect((await get(owner.token, `/tickets/99999999/activity`)).status).toBe(404);
  });

  it('walks a complaint’s six steps in order; a skip needs its reason; solving needs the customer’s confirmation or a reason', async () => {
    const tk = await ticket(t.adminToken, { type: 'complaint', subject: '客服态度差' });
    expect(tk.complaint).toMatchObject({ classification: { source: 'consumer', reason: null }, steps: [], nextStep: 'accept', deadline: null, abnormal: false });
    expect(tk.slaPolicy).toBe('投诉');
    const step = (body: object) => post(t.adminToken, `/tickets/${tk.id}/complaint/steps`, body);

    const early = await step({ step: 'calm' });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'complaint_step_out_of_order', details: { expected: 'accept' } });
    expect((await step({ step: 'accept', note: '已致歉并报工号' })).body.complaint.nextStep).toBe('calm');
    const noReason = await step({ step: 'calm', skippedReason: '   ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.code).toBe('skip_reason_required');
    expect((await step({ step: 'calm', skippedReason: '客户情绪平稳，无需安抚' })).status).toBe(201);
    for (const s of ['clarify', 'explore', 'act']) expect((await step({ step: s })).status).toBe(201);
    const last = await step({ step: 'thank', note: '已感谢并安排回访' });
    expect(last.body.complaint.nextStep).toBeNull();
    expect(last.body.complaint.steps.map((s: any) => [s.step, s.skippedReason])).toEqual([
      ['accept', null],
      ['calm', '客户情绪平稳，无需安抚'],
      ['clarify', null],
      ['explore', null],
      ['act', null],
      ['thank', null],
    ]);
    expect(last.body.complaint.steps[0]).toMatchObject({ note: '已致歉并报工号', by: expect.any(Number), at: expect.any(String) });
    expect((await step({ step: 'thank' })).body.error.code).toBe('complaint_step_recorded');

    // classification, and 非正常投诉 is a supervisor's call
    const agent = await person();
    expect((await patch(t.adminToken, tk.id, { classification: { reason: 'service', topic: 'attitude', behaviour: 'venting' } })).body.complaint.classification).toMatchObject({ reason: 'service', topic: 'attitude', behaviour: 'venting' });
    expect((await patch(agent.token, tk.id, { abnormal: true })).status).toBe(403);
    expect((await patch(t.adminToken, tk.id, { abnormal: true })).body.complaint.abnormal).toBe(true);
    expect(await eventsOf(tk.id)).toContain('complaint.alert_raised');

    const unconfirmed = await patch(t.adminToken, tk.id, { status: 'solved' });
    expect(unconfirmed.status).toBe(409);
    expect(unconfirmed.body.error.code).toBe('confirmation_required');
    const solved = await patch(t.adminToken, tk.id, { status: 'solved', reason: '电话回访，客户表示满意' });
    expect(solved.body).toMatchObject({ status: 'solved', complaint: { unconfirmedReason: '电话回访，客户表示满意' } });

    // only complaints have steps; a complaint stays one
    const plain = await ticket(t.adminToken);
    expect((await post(t.adminToken, `/tickets/${plain.id}/complaint/steps`, { step: 'accept' })).body.error.code).toBe('not_a_complaint');
    expect((await patch(t.adminToken, tk.id, { type: 'query' })).body.error.code).toBe('complaint_type_fixed');
  });

  it('gives a regulator complaint its 15-day deadline with reminders, in the JSON', async () => {
    const tk = await ticket(t.adminToken, { type: 'complaint', source: 'regulator', noticeDate: '2026-03-01' });
    // Asia/Shanghai (the default calendar): the end of 16 March there
    expect(tk.complaint.deadline).toEqual({
      kind: 'regulator_appeal',
      noticeDate: '2026-03-01',
      dueAt: '2026-03-16T15:59:59.999Z',
      reminders: [
        { daysBefore: 7, at: '2026-03-09T01:00:00.000Z' },
        { daysBefore: 3, at: '2026-03-13T01:00:00.000Z' },
        { daysBefore: 1, at: '2026-03-15T01:00:00.000Z' },
      ],
    });
    expect((await get(t.adminToken, `/tickets/${tk.id}`)).body.complaint.deadline.dueAt).toBe('2026-03-16T15:59:59.999Z');
    for (const [body, code] of [
      [{ type: 'complaint', source: 'regulator' }, 'notice_date_required'],
      [{ type: 'complaint', source: 'regulator', noticeDate: '2026-02-30' }, 'invalid_notice_date'],
      [{ type: 'query', source: 'regulator', noticeDate: '2026-03-01' }, 'not_a_complaint'],
    ] as const) {
      const r = await post(t.adminToken, '/tickets', { contactId: await contact(), subject: '监管转办', ...body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe(code);
    }
    // a consumer complaint that turns out to come from the regulator gets the deadline then
    const later = await ticket(t.adminToken, { type: 'complaint' });
    const moved = await patch(t.adminToken, later.id, { source: 'regulator', noticeDate: '2026-03-01' });
    expect(moved.body.complaint.deadline.dueAt).toBe('2026-03-16T15:59:59.999Z');
    // a media complaint alerts at once
    const media = await ticket(t.adminToken, { type: 'complaint', source: 'media' });
    expect(await eventsOf(media.id)).toEqual(['ticket.created', 'complaint.alert_raised']);
  });

  it('approves a compensation within the agent’s limit at once; above it a supervisor approves', async () => {
    const agent = await person();
    const other = await person();
    const supervisor = await person('supervisor');
    const tk = await ticket(t.adminToken, { type: 'complaint', assigneeId: agent.id });
    const offer = (token: string, body: object) => post(token, `/tickets/${tk.id}/compensations`, body);

    const small = await offer(agent.token, { kind: '优惠券', amount: 50 });
    expect(small.status).toBe(201);
    expect(small.body).toMatchObject({ kind: '优惠券', amount: 50, status: 'approved', requestedBy: agent.id, approvedBy: agent.id });
    const big = await offer(agent.token, { kind: '退款', amount: 500 });
    expect(big.body).toMatchObject({ amount: 500, status: 'pending_approval', approvedBy: null });
    expect((await offer(other.token, { kind: '退款', amount: 5 })).status).toBe(403);
    expect((await offer(agent.token, { kind: '退款', amount: 1.005 })).body.error.code).toBe('invalid_amount');
    expect((await offer(agent.token, { kind: '退款', amount: -1 })).status).toBe(400);

    const approve = (token: string, id: number) => post(token, `/compensations/${id}/approve`);
    const refused = await approve(agent.token, big.body.id);
    expect(refused.status).toBe(403);
    const approved = await approve(supervisor.token, big.body.id);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', approvedBy: supervisor.id });
    expect((await approve(supervisor.token, big.body.id)).body.error.code).toBe('compensation_approved');
    expect((await approve(supervisor.token, 99999999)).status).toBe(404);
    expect((await get(t.adminToken, `/tickets/${tk.id}`)).body.compensations.map((c: any) => c.status)).toEqual(['approved', 'approved']);
    expect(await eventsOf(tk.id)).toEqual(['ticket.created', 'compensation.requested', 'compensation.requested', 'compensation.approved']);
  });

  it('posts a public reply to the customer’s conversation (their widget sees it); an internal comment stays on the ticket', async () => {
    const { contactToken } = await a.newContact({ name: '赵女士' });
    const conv = await a.newConversation(contactToken);
    await a.customerSend(contactToken, conv.id, '我的退款到哪一步了');
    const tk = (await post(t.adminToken, `/conversations/${conv.id}/tickets`, {})).body;

    const internal = await post(t.adminToken, `/tickets/${tk.id}/comments`, { body: '财务说周三到账' });
    expect(internal.status).toBe(201);
    expect(internal.body.comment).toMatchObject({ public: false, messageId: null, conversationId: null });
    expect(internal.body.ticket.status).toBe('new');

    const reply = await post(t.adminToken, `/tickets/${tk.id}/comments`, { body: '您好，退款已提交，预计周三到账。', public: true });
    expect(reply.status).toBe(201);
    expect(reply.body.comment).toMatchObject({ public: true, conversationId: conv.id, messageId: expect.any(Number) });
    // an agent's first reply takes the ticket and answers the first-reply clock
    expect(reply.body.ticket.status).toBe('open');
    expect(reply.body.ticket.sla.find((s: any) => s.metric === 'first_reply').stoppedAt).toBeTruthy();

    const widget = await a.inject('GET', `${a.widgetBase}/conversations/${conv.id}/messages`, { contactToken });
    expect(widget.status).toBe(200);
    const seen = widget.body.messages.map((m: any) => [m.senderType, m.content]);
    expect(seen).toContainEqual(['agent', '您好，退款已提交，预计周三到账。']);
    expect(JSON.stringify(seen)).not.toContain('财务说周三到账');
    const comments = (await get(t.adminToken, `/tickets/${tk.id}`)).body.comments;
    expect(comments.map((c: any) => c.public)).toEqual([false, true]);
    expect(await eventsOf(tk.id)).toEqual(['ticket.created', 'ticket.commented', 'ticket.replied', 'ticket.status_changed', 'ticket.commented']);

    // 质检 accounts read tickets but neither comment nor change them
    const qa = await person('qa');
    expect((await get(qa.token, `/tickets/${tk.id}`)).status).toBe(200);
    expect((await post(qa.token, `/tickets/${tk.id}/comments`, { body: '看看' })).status).toBe(403);
  });

  it('keeps SLA policies per workspace, first match wins; promises are made on a ticket or a conversation', async () => {
    const initial = await get(t.adminToken, '/sla-policies');
    expect(initial.body.defaults).toBe(true);
    expect(initial.body.policies.map((p: any) => [p.id, p.name])).toEqual([
      [null, '投诉'],
      [null, '其他工单'],
    ]);
    const urgent = { name: '紧急工单', match: { priorities: ['urgent'] }, targets: { first_reply: { minutes: 15, business: false } }, position: 0 };
    const agent = await person();
    expect((await post(agent.token, '/sla-policies', urgent)).status).toBe(403);
    const created = await post(t.adminToken, '/sla-policies', urgent);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.defaults).toBe(false);
    expect(created.body.policies.map((p: any) => p.name)).toEqual(['紧急工单', '投诉', '其他工单']);
    for (const bad of [{ ...urgent, targets: {} }, { ...urgent, warnPercent: 100 }, { ...urgent, calendarId: 99999999 }, { ...urgent, match: { priorities: ['asap'] } }]) {
      expect((await post(t.adminToken, '/sla-policies', bad)).status, JSON.stringify(bad)).toBe(400);
    }
    const tk = await ticket(t.adminToken, { priority: 'urgent' });
    expect(tk.slaPolicy).toBe('紧急工单');
    expect(tk.sla).toHaveLength(1);
    expect(Date.parse(tk.sla[0].dueAt) - Date.parse(tk.createdAt)).toBe(15 * 60_000);

    const dueAt = new Date(Date.now() + 3_600_000).toISOString();
    const made = await post(agent.token, '/promises', { ticketId: tk.id, dueAt, note: '一小时内回电' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ agentId: agent.id, ticketId: tk.id, conversationId: null, dueAt, keptAt: null });
    expect((await get(t.adminToken, `/tickets/${tk.id}`)).body.promises).toHaveLength(1);
    expect((await post(agent.token, '/promises', { ticketId: tk.id, dueAt: '2020-01-01T00:00:00Z' })).body.error.code).toBe('promise_in_past');
    expect((await post(agent.token, '/promises', { dueAt })).body.error.code).toBe('invalid_promise_target');
    expect((await post(agent.token, '/promises', { ticketId: 99999999, dueAt })).status).toBe(404);
  });

  it('keeps workspaces apart: another workspace’s ticket is 404 everywhere', async () => {
    const tk = await ticket(t.adminToken, { type: 'complaint' });
    const comp = await post(t.adminToken, `/tickets/${tk.id}/compensations`, { kind: '退款', amount: 10 });
    const [ws] = await t.db.query(`INSERT INTO workspaces (name) VALUES ('别家') RETURNING id`);
    await insertAgent(t.db, ws.id, { email: `boss-${kind}@other.test`, name: '别家主管', role: 'admin', password: 'other-pass-1' });
    const token = await a.login(`boss-${kind}@other.test`, 'other-pass-1');
    expect((await get(token, '/tickets')).body.tickets).toEqual([]);
    for (const [method, url, payload] of [
      ['GET', `/api/v1/tickets/${tk.id}`],
      ['PATCH', `/api/v1/tickets/${tk.id}`, { status: 'open' }],
      ['POST', `/api/v1/tickets/${tk.id}/comments`, { body: '你好', public: true }],
      ['POST', `/api/v1/tickets/${tk.id}/complaint/steps`, { step: 'accept' }],
      ['POST', `/api/v1/tickets/${tk.id}/compensations`, { kind: '退款', amount: 10 }],
      ['POST', `/api/v1/compensations/${comp.body.id}/approve`],
      ['POST', `/api/v1/conversations/${tk.conversationIds[0] ?? 1}/tickets`, {}],
      ['POST', '/api/v1/promises', { ticketId: tk.id, dueAt: new Date(Date.now() + 3_600_000).toISOString() }],
    ] as const) {
      const r = await a.inject(method, url, { token, payload });
      expect(r.status, `${method} ${url}`).toBe(404);
    }
    // nor may a ticket name another workspace's contact, agent or group
    const [foreignAgent] = await t.db.query('SELECT id FROM agents WHERE workspace_id = $1', [ws.id]);
    expect((await post(token, '/tickets', { contactId: tk.contactId, subject: 'x', type: 'query' })).body.error.code).toBe('unknown_contact');
    expect((await post(t.adminToken, '/tickets', { contactId: tk.contactId, subject: 'x', type: 'query', assigneeId: foreignAgent.id })).body.error.code).toBe('unknown_agent');
  });

  it('answers odd input with a clear 400, never a 500', async () => {
    const c = await contact();
    const tk = await ticket(t.adminToken);
    const cases: [string, string, unknown][] = [
      ['POST', '/tickets', {}],
      ['POST', '/tickets', { contactId: c, subject: '   ', type: 'query' }],
      ['POST', '/tickets', { contactId: c, subject: 'x', type: 'complaint2' }],
      ['POST', '/tickets', { contactId: c, subject: 'x', type: 'query', priority: 'p1' }],
      ['POST', '/tickets', { contactId: 'one', subject: 'x', type: 'query' }],
      ['POST', '/tickets', { contactId: c, subject: 'x', type: 'query', category: ['a', 'b', 'c', 'd'] }],
      ['POST', '/tickets', { contactId: c, subject: 'a\u0000b', type: 'query' }],
      ['POST', '/tickets', { contactId: c, subject: 'x', type: 'query', customFields: { a: { nested: true } } }],
      ['POST', '/tickets', { contactId: c, subject: 'x', type: 'query', extra: 1 }],
      ['POST', '/tickets', { contactId: 2 ** 53, subject: 'x', type: 'query' }],
      ['PATCH', `/tickets/${tk.id}`, { status: 'done' }],
      ['PATCH', `/tickets/${tk.id}`, { subject: '' }],
      ['PATCH', `/tickets/${tk.id}`, { classification: { reason: 'bad' } }],
      ['POST', `/tickets/${tk.id}/comments`, { body: '' }],
      ['POST', `/tickets/${tk.id}/comments`, { body: 'x'.repeat(5001) }],
      ['POST', `/tickets/${tk.id}/complaint/steps`, { step: 'sing' }],
      ['POST', `/tickets/${tk.id}/compensations`, { kind: '', amount: 1 }],
      ['POST', `/tickets/${tk.id}/compensations`, { kind: '退款', amount: 'ten' }],
      ['POST', '/promises', { ticketId: tk.id, dueAt: 'tomorrow' }],
      ['POST', '/tickets', { contactId: c, subject: 'x', type: 'complaint', source: 'regulator', noticeDate: '9999-12-25' }],
      ['PATCH', `/tickets/${tk.id}`, { type: 'complaint', source: 'regulator', noticeDate: '2026-13-01' }],
      ['POST', '/promises', { ticketId: tk.id, conversationId: 1, dueAt: new Date(Date.now() + 60_000).toISOString() }],
      ['POST', '/sla-policies', { name: 'x', targets: { first_reply: { minutes: 0 } } }],
    ];
    for (const [method, url, payload] of cases) {
      const r = await a.inject(method, `/api/v1${url}`, { token: t.adminToken, payload });
      expect(r.status, `${method} ${url} ${JSON.stringify(payload)}: ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.body.error.code).toBeTruthy();
    }
    expect((await get(t.adminToken, '/tickets/abc')).status).toBe(400);
    expect((await get(t.adminToken, '/tickets/99999999')).status).toBe(404);
  });
});
