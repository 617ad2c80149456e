import { describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/helpers/env.js';
import { useTestApp } from '../../test/helpers/suite.js';
import { WsClient } from '../../test/helpers/ws.js';
import { FAULT_POLICY, passTicketTime } from '../../test/helpers/ticket-time.js';

/**
 * The tickets' durable timers and the customer's side, over the real server on both
 * databases: SLA clocks warn, breach and escalate (to the 组长, then the supervisors) once
 * each, stop on the reply, pause while the ticket waits on the customer; a regulator
 * deadline reminds; a promise reminds and, unkept, is missed and escalated; the customer's
 * message in a linked conversation reopens the ticket and starts 再次响应; the widget lists
 * the customer's tickets with public replies only and confirms a resolution.
 *
 * Time is moved the way it passes: the ticket's stored history is moved back and its timer
 * made due now (the timer rows and the clocks are the production ones; nothing is mocked).
 */
describe.each(DB_KINDS)('ticket timers and the customer’s side on %s', (kind) => {
  const { t, a, track } = useTestApp(kind, { listen: true, config: { timerPollMs: 25 } });
  const post = (token: string, url: string, payload: unknown = {}) => a.inject('POST', `/api/v1${url}`, { token, payload });
  const get = (token: string, url: string) => a.inject('GET', `/api/v1${url}`, { token });
  let n = 0;
  const person = async (role = 'agent') => {
    const email = `${role}-${++n}-${kind}@ticket-timers.test`;
    const agent = await a.createAgent(t.adminToken, { email, name: `${role} ${n}`, role });
    return { id: agent.id, token: await a.login(email) };
  };
  const waitFor = async <T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 10_000): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const events = async (ticketId: number, prefix = '') =>
    (await t.db.query(`SELECT type, data FROM events WHERE data->>'ticketId' = $1 AND type LIKE $2 ORDER BY id`, [String(ticketId), `${prefix}%`])).map((r) => ({ type: r.type as string, data: r.data }));
  const timer = async (key: string) => (await t.db.query('SELECT due_at, payload FROM timers WHERE key = $1', [key]))[0] ?? null;
  const pass = (ticketId: number, minutes: number) => passTicketTime(t.db, ticketId, minutes);

  /** A policy in wall-clock minutes for `fault` tickets, so the arithmetic is plain. */
  const faultPolicy = async () => {
    const r = await post(t.adminToken, '/sla-policies', { ...FAULT_POLICY, name: `报障 ${kind}` });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  };
  let policy: Promise<void> | null = null;
  const setup = async () => {
    policy ??= faultPolicy();
    await policy;
    const leader = await person();
    const supervisor = await person('supervisor');
    const agent = await person();
    const group = await post(t.adminToken, '/skill-groups', { name: `售后 ${++n} ${kind}`, leaderId: leader.id });
    expect(group.status, JSON.stringify(group.body)).toBe(201);
    const { contactToken, contact } = await a.newContact({ name: '周先生' });
    const conv = await a.newConversation(contactToken);
    await a.customerSend(contactToken, conv.id, '热水器打不着火了');
    return { leader, supervisor, agent, groupId: group.body.id as number, contactToken, contactId: contact.id, conv };
  };

  it('warns, breaches and escalates an SLA clock once each, to the people of each stage; the reply stops it', async () => {
    const s = await setup();
    const agentWs = track({ ws: await WsClient.connect(t.url) }).ws;
    expect((await agentWs.hello({ token: s.agent.token })).type).toBe('ready');
    const leaderWs = track({ ws: await WsClient.connect(t.url) }).ws;
    expect((await leaderWs.hello({ token: s.leader.token })).type).toBe('ready');

    const created = await post(t.adminToken, `/conversations/${s.conv.id}/tickets`, { type: 'fault', assigneeId: s.agent.id, groupId: s.groupId });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as number;
    // one timer per running clock, at its next stage: the warning at 80%
    const first = await timer(`sla:${id}:first_reply`);
    expect(new Date(first.due_at).toISOString()).toBe(new Date(Date.parse(created.body.createdAt) + 8 * 60_000).toISOString());
    expect(await timer(`sla:${id}:resolution`)).not.toBeNull();
    expect(await timer(`sla:${id}:next_reply`)).toBeNull();

    await pass(id, 9); // 9 of 10 minutes: the warning, once, to the assignee
    await waitFor('the warning', async () => (await events(id, 'sla.')).length === 1);
    expect(await events(id, 'sla.')).toEqual([{ type: 'sla.warning', data: { ticketId: id, metric: 'first_reply', dueAt: expect.any(String) } }]);
    const warned = await agentWs.waitFor((f) => f.type === 'alert' && f.kind === 'ticket' && f.event === 'sla.warning');
    expect(warned).toMatchObject({ ticketId: id, metric: 'first_reply', subject: '热水器打不着火了', conversationId: s.conv.id });
    expect(new Date((await timer(`sla:${id}:first_reply`)).due_at).getTime()).toBe(Date.parse(warned.dueAt)); // next: the breach

    await pass(id, 2); // 11 minutes: breached, and at once (0 minutes after) escalated to the group's 组长
    await waitFor('the breach', async () => (await events(id, 'sla.')).length === 3);
    expect((await events(id, 'sla.')).map((e) => [e.type, e.data.metric, e.data.level ?? null, e.data.notify ?? null])).toEqual([
      ['sla.warning', 'first_reply', null, null],
      ['sla.breached', 'first_reply', null, null],
      ['sla.escalated', 'first_reply', 'leader', [s.leader.id]],
    ]);
    await leaderWs.waitFor((f) => f.type === 'alert' && f.event === 'sla.escalated' && f.ticketId === id && f.level === 'leader');
    const read = await get(t.adminToken, `/tickets/${id}`);
    // breached at its due time (moved back with the 2 minutes that passed since the warning named it)
    expect(read.body.sla.find((c: any) => c.metric === 'first_reply').breachedAt).toBe(new Date(Date.parse(warned.dueAt) - 2 * 60_000).toISOString());

    // the agent answers: the first-reply clock has nothing left to do; its timer goes
    expect((await post(s.agent.token, `/tickets/${id}/comments`, { body: '您好，师傅今天下午上门。', public: true })).status).toBe(201);
    expect(await timer(`sla:${id}:first_reply`)).toBeNull();
    await pass(id, 10); // well past the supervisors' time: nothing more for the answered clock
    await new Promise((r) => setTimeout(r, 300));
    expect((await events(id, 'sla.')).filter((e) => e.data.metric === 'first_reply')).toHaveLength(3);
  });

  it('pauses while the ticket waits on the customer; their message in the conversation reopens it and starts 再次响应', async () => {
    const s = await setup();
    const id = (await post(t.adminToken, `/conversations/${s.conv.id}/tickets`, { type: 'fault', assigneeId: s.agent.id, groupId: s.groupId })).body.id as number;
    expect((await post(s.agent.token, `/tickets/${id}/comments`, { body: '请拍一下热水器的铭牌发给我们。', public: true })).status).toBe(201);
    const waiting = await a.inject('PATCH', `/api/v1/tickets/${id}`, { token: s.agent.token, payload: { status: 'pending' } });
    expect(waiting.body.status).toBe('pending');
    // paused: no clock runs, so no timer waits
    expect(waiting.body.sla.find((c: any) => c.metric === 'resolution').pausedAt).not.toBeNull();
    expect(await timer(`sla:${id}:resolution`)).toBeNull();

    // the customer answers in the widget conversation the ticket came from
    expect((await a.customerSend(s.contactToken, s.conv.id, '铭牌拍好了，型号 JSQ25')).status).toBe(201);
    const reopened = await waitFor('the ticket reopened', async () => {
      const r = await get(t.adminToken, `/tickets/${id}`);
      return r.body.status === 'open' && r.body;
    });
    const next = reopened.sla.find((c: any) => c.metric === 'next_reply');
    expect(next).toMatchObject({ pausedAt: null, stoppedAt: null, target: { minutes: 20, business: false } });
    expect(reopened.sla.find((c: any) => c.metric === 'resolution').runningSince).not.toBeNull();
    expect(await timer(`sla:${id}:next_reply`)).not.toBeNull();
    expect(await timer(`sla:${id}:resolution`)).not.toBeNull();
    expect((await events(id, 'ticket.')).map((e) => [e.type, e.data.from ?? null, e.data.cause ?? null]).slice(-2)).toEqual([
      ['ticket.replied', 'customer', null],
      ['ticket.status_changed', 'pending', 'customer_reply'],
    ]);
    // once per message: the same message again (a redelivery) is no second reply
    const [row] = await t.db.query(`SELECT count(*)::int AS n FROM ticket_sla_history WHERE ticket_id = $1 AND reply_from = 'customer'`, [id]);
    expect(row.n).toBe(1);
    // messages written before the ticket existed are not replies to it
    expect((await t.db.query(`SELECT message_id FROM ticket_sla_history WHERE ticket_id = $1 AND message_id IS NOT NULL`, [id])).length).toBe(1);
  });

  it('reminds of a regulator deadline while the complaint is open', async () => {
    const s = await setup();
    const local = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const notice = new Date(Date.parse(`${local}T00:00:00Z`) - 13 * 86_400_000).toISOString().slice(0, 10); // due in 2 days
    const r = await post(t.adminToken, '/tickets', { contactId: s.contactId, subject: '12315 转来的投诉', type: 'complaint', source: 'regulator', noticeDate: notice, assigneeId: s.agent.id });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const id = r.body.id as number;
    const reminder = await timer(`deadline:${id}`);
    // the 7- and 3-day reminders have passed: the next is 1 day before, at 09:00
    expect(reminder.payload).toMatchObject({ ticketId: id, daysBefore: 1, deadlineDueAt: r.body.complaint.deadline.dueAt });
    await t.db.query(`UPDATE timers SET due_at = now() WHERE key = $1`, [`deadline:${id}`]);
    await waitFor('the reminder', async () => (await events(id, 'complaint.deadline_reminder')).length === 1);
    expect((await events(id, 'complaint.deadline_reminder'))[0].data).toEqual({ ticketId: id, dueAt: r.body.complaint.deadline.dueAt, daysBefore: 1 });
    expect(await timer(`deadline:${id}`)).toBeNull(); // the last one
  });

  it('reminds of a promise, and escalates it when missed; one kept in time stops', async () => {
    const s = await setup();
    const agentWs = track({ ws: await WsClient.connect(t.url) }).ws;
    expect((await agentWs.hello({ token: s.agent.token })).type).toBe('ready');
    const id = (await post(t.adminToken, `/conversations/${s.conv.id}/tickets`, { type: 'fault', assigneeId: s.agent.id, groupId: s.groupId })).body.id as number;

    // due in 1.2 s: made less than 30 minutes ahead, it is reminded halfway
    const made = await post(s.agent.token, '/promises', { ticketId: id, dueAt: new Date(Date.now() + 1200).toISOString(), note: '马上回电' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.outcome).toBe('open');
    const alert = await agentWs.waitFor((f) => f.type === 'alert' && f.event === 'promise.reminder' && f.promiseId === made.body.id, 8000);
    expect(alert).toMatchObject({ ticketId: id, note: '马上回电', subject: '热水器打不着火了' });
    const missed = await agentWs.waitFor((f) => f.type === 'alert' && f.event === 'promise.missed' && f.promiseId === made.body.id, 8000);
    expect(missed.dueAt).toBe(made.body.dueAt);
    const [ev] = (await t.db.query(`SELECT data FROM events WHERE type = 'promise.missed' AND data->>'promiseId' = $1`, [String(made.body.id)])).map((r) => r.data);
    expect(ev.notify).toEqual([s.leader.id]);

    // kept before it is due: no reminder left, counted kept; a second time is 409; someone else’s is 403
    const kept = await post(s.agent.token, '/promises', { ticketId: id, dueAt: new Date(Date.now() + 3600_000).toISOString(), note: '明早回访' });
    expect(await timer(`promise:${kept.body.id}`)).not.toBeNull();
    const other = await person();
    expect((await post(other.token, `/promises/${kept.body.id}/keep`)).status).toBe(403);
    const done = await post(s.agent.token, `/promises/${kept.body.id}/keep`);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ outcome: 'kept', keptAt: expect.any(String) });
    expect(await timer(`promise:${kept.body.id}`)).toBeNull();
    expect((await post(s.agent.token, `/promises/${kept.body.id}/keep`)).status).toBe(409);

    const mine = await get(s.agent.token, `/promises?ticketId=${id}`);
    expect(mine.body.tally).toEqual([{ agentId: s.agent.id, open: 0, kept: 1, missed: 1 }]);
    expect((await get(other.token, `/promises?ticketId=${id}`)).body.promises).toEqual([]); // agents see their own
    expect((await get(s.supervisor.token, `/promises?ticketId=${id}`)).body.promises).toHaveLength(2);
    expect((await get(t.adminToken, `/tickets/${id}`)).body.promises.map((p: any) => p.outcome)).toEqual(['missed', 'kept']);
  });

  it('shows the customer their tickets with the public replies only, and takes their confirmation', async () => {
    const s = await setup();
    const w = a.widgetBase;
    const id = (await post(t.adminToken, `/conversations/${s.conv.id}/tickets`, { type: 'complaint', assigneeId: s.agent.id })).body.id as number;
    await post(s.agent.token, `/tickets/${id}/comments`, { body: '内部：先查物流', public: false });
    await post(s.agent.token, `/tickets/${id}/comments`, { body: '已为您加急处理，明天上门。', public: true });
    // the reply also reached the conversation (their widget shows it as a message)
    const messages = await a.inject('GET', `${w}/conversations/${s.conv.id}/messages`, { contactToken: s.contactToken });
    expect(messages.body.messages.map((m: any) => m.content)).toContain('已为您加急处理，明天上门。');

    const list = await a.inject('GET', `${w}/tickets`, { contactToken: s.contactToken });
    expect(list.status).toBe(200);
    expect(list.body.tickets).toHaveLength(1);
    expect(list.body.tickets[0]).toMatchObject({ id, type: 'complaint', status: 'open', confirmedAt: null, canConfirm: true });
    expect(list.body.tickets[0].replies.map((r: any) => r.body)).toEqual(['已为您加急处理，明天上门。']);
    expect(JSON.stringify(list.body)).not.toContain('先查物流');

    // solving a complaint unconfirmed needs a reason; once the customer confirms, it does not
    expect((await a.inject('PATCH', `/api/v1/tickets/${id}`, { token: s.agent.token, payload: { status: 'solved' } })).status).toBe(409);
    const stranger = await a.newContact();
    expect((await a.inject('POST', `${w}/tickets/${id}/confirm`, { contactToken: stranger.contactToken })).status).toBe(404);
    expect((await a.inject('POST', `${w}/tickets/${id}/confirm`, {})).status).toBe(401);
    const confirmed = await a.inject('POST', `${w}/tickets/${id}/confirm`, { contactToken: s.contactToken });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({ id, confirmedAt: expect.any(String), canConfirm: false });
    expect((await a.inject('POST', `${w}/tickets/${id}/confirm`, { contactToken: s.contactToken })).body.confirmedAt).toBe(confirmed.body.confirmedAt);
    const solved = await a.inject('PATCH', `/api/v1/tickets/${id}`, { token: s.agent.token, payload: { status: 'solved' } });
    expect(solved.status, JSON.stringify(solved.body)).toBe(200);
    expect(solved.body.complaint.unconfirmedReason).toBeNull();
    expect((await events(id, 'ticket.confirmed')).length).toBe(1);
    // odd ids are a clear 4xx
    for (const bad of ['abc', '0', '-1', '99999999999999999999']) expect((await a.inject('POST', `${w}/tickets/${bad}/confirm`, { contactToken: s.contactToken })).status).toBe(400);
  });

  it('suggests a complaint’s classification from its conversation, and says whether the customer is online', async () => {
    const s = await setup();
    for (const words of ['你们什么破服务！气死我了！', '再不处理我就找媒体曝光！']) await a.customerSend(s.contactToken, s.conv.id, words);
    const id = (await post(t.adminToken, `/conversations/${s.conv.id}/tickets`, { type: 'complaint', assigneeId: s.agent.id })).body.id as number;
    const suggestion = await waitFor('the conversation analysed', async () => {
      const r = await get(s.agent.token, `/tickets/${id}/suggestion`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.abnormal.includes('threat') && r.body;
    });
    expect(suggestion.classification).toMatchObject({ behaviour: 'threatening', source: 'consumer' });
    expect(suggestion.basedOn).toEqual({ conversationId: s.conv.id, earlierComplaints: 0 });
    const plain = (await post(t.adminToken, '/tickets', { contactId: s.contactId, subject: '开发票', type: 'query' })).body.id;
    expect((await get(s.agent.token, `/tickets/${plain}/suggestion`)).status).toBe(400);
    expect((await get(s.agent.token, `/tickets/${id}`)).body.contact).toEqual({ id: s.contactId, name: '周先生', online: false });
  });

  it('alerts the supervisors and the PR list of a media complaint at once; the lists are a supervisor’s to set', async () => {
    const s = await setup();
    const pr = await person();
    const prWs = track({ ws: await WsClient.connect(t.url) }).ws;
    expect((await prWs.hello({ token: pr.token })).type).toBe('ready');
    const supervisorWs = track({ ws: await WsClient.connect(t.url) }).ws;
    expect((await supervisorWs.hello({ token: s.supervisor.token })).type).toBe('ready');

    expect((await a.inject('PUT', '/api/v1/complaint-contacts', { token: s.agent.token, payload: { pr: [pr.id] } })).status).toBe(403);
    expect((await a.inject('PUT', '/api/v1/complaint-contacts', { token: s.supervisor.token, payload: { pr: [99999999] } })).status).toBe(400);
    const set = await a.inject('PUT', '/api/v1/complaint-contacts', { token: s.supervisor.token, payload: { pr: [pr.id], legal: [] } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toEqual({ pr: [pr.id], legal: [] });
    expect((await get(s.agent.token, '/complaint-contacts')).body).toEqual({ pr: [pr.id], legal: [] });

    const r = await post(t.adminToken, '/tickets', { contactId: s.contactId, subject: '记者来电询问退款纠纷', type: 'complaint', source: 'media', assigneeId: s.agent.id });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const heard = await prWs.waitFor((f) => f.type === 'alert' && f.event === 'complaint.alert_raised' && f.ticketId === r.body.id);
    expect(heard).toMatchObject({ reason: 'media', subject: '记者来电询问退款纠纷' });
    await supervisorWs.waitFor((f) => f.type === 'alert' && f.event === 'complaint.alert_raised' && f.ticketId === r.body.id);
  });
});
