import { describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/helpers/env.js';
import { consumersCaughtUp, setReception, waitFor } from '../../test/helpers/reception.js';
import { QUIET_RECEPTION } from '../../test/helpers/app.js';
import { useTestApp } from '../../test/helpers/suite.js';
import { WsClient } from '../../test/helpers/ws.js';
import { DEFAULT_CSAT } from '../core/csat/rating.js';
import type { StoredEventOf } from '../core/events.js';
import { csatRequestConsumer } from './request-consumer.js';

/**
 * 满意度 over the real server on both databases: the request when a conversation ends (the
 * durable consumer), once per conversation; the customer's rating through the client API,
 * changeable for 24 hours; 邀请评价; the customer's own 结束会话; the settings; agents
 * never rating; the live frame on the agents' consoles.
 */
describe.each(DB_KINDS)('满意度 on %s', (kind) => {
  // the quiet reception of the pipeline suites, with ratings on (as an inbox has them by default)
  const { t, a, sockets } = useTestApp(kind, { listen: true, reception: { ...QUIET_RECEPTION, csat: { enabled: true } } });
  const w = (rest: string) => `${a.widgetBase}${rest}`;
  const rate = (contactToken: string, id: number, payload: unknown) => a.inject('POST', w(`/conversations/${id}/rating`), { contactToken, payload });
  const end = (id: number) => a.inject('POST', `/api/v1/conversations/${id}/status`, { token: t.adminToken, payload: { status: 'resolved' } });
  const requests = async (id: number) =>
    (await a.inject('GET', `/api/v1/conversations/${id}/messages`, { token: t.adminToken })).body.messages.filter((m: any) => m.meta?.csat);

  /** A conversation the admin answered (so an agent served it), with its contact's token. */
  const served = async (opts: { locale?: string } = {}) => {
    const { contactToken, contact } = await a.newContact({});
    const r = await a.inject('POST', w('/conversations'), { contactToken, payload: opts.locale ? { locale: opts.locale } : {} });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const id = r.body.id as number;
    expect((await a.customerSend(contactToken, id, '我的快递三天没动了')).status).toBe(201);
    expect((await a.agentSend(t.adminToken, id, '您好，我帮您查一下物流。')).status).toBe(201);
    return { id, contactToken, contactId: contact.id };
  };
  const askedFor = async (id: number) => waitFor(() => requests(id), (r) => r.length > 0, 10_000);

  it('asks once when the conversation ends; the customer rates it; the agent sees it live', async () => {
    const agentWs = await WsClient.connect(t.url);
    sockets.push(agentWs);
    expect((await agentWs.hello({ token: t.adminToken })).type).toBe('ready');
    const c = await served();
    // before the end nothing is asked and a rating is not taken yet
    const early = await rate(c.contactToken, c.id, { score: 5 });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('rating_not_open');

    expect((await end(c.id)).status).toBe(200);
    const [request] = await askedFor(c.id);
    expect(request).toMatchObject({ senderType: 'system', content: DEFAULT_CSAT.prompt, clientMessageId: `csat:request:${c.id}` });
    expect(request.meta.csat).toEqual({ kind: 'request', source: 'close', labels: DEFAULT_CSAT.labels, reasons: DEFAULT_CSAT.reasons, thanks: DEFAULT_CSAT.thanks, changeHours: 24 });
    // the customer's widget reads it too
    const seen = await a.inject('GET', w(`/conversations/${c.id}/messages`), { contactToken: c.contactToken });
    expect(seen.body.messages.at(-1).meta.csat.kind).toBe('request');
    expect((await a.inject('GET', w(`/conversations/${c.id}/rating`), { contactToken: c.contactToken })).body).toEqual({ rating: null });

    const r = await rate(c.contactToken, c.id, { score: 5, reasons: ['回复及时', '问题已解决'], comment: '  谢谢小王，很耐心  ' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.rating).toMatchObject({ score: 5, label: '非常满意', reasons: ['回复及时', '问题已解决'], comment: '谢谢小王，很耐心' });
    expect(Date.parse(r.body.rating.changeableUntil) - Date.parse(r.body.rating.createdAt)).toBe(24 * 3_600_000);

    const live = await agentWs.waitFor((f) => f.type === 'rating' && f.rating.conversationId === c.id);
    const [{ assignee_id: agentId }] = await t.db.query('SELECT assignee_id FROM conversations WHERE id = $1', [c.id]);
    expect(agentId).not.toBeNull();
    expect(live.rating).toMatchObject({ score: 5, label: '非常满意', agentId, contactId: c.contactId, source: 'close' });
    const agentView = await a.inject('GET', `/api/v1/conversations/${c.id}/rating`, { token: t.adminToken });
    expect(agentView.body).toMatchObject({ requested: true, rating: { id: live.rating.id, score: 5, comment: '谢谢小王，很耐心' } });
    const logged = await t.db.query(`SELECT data FROM events WHERE type = 'csat.rated' AND conversation_id = $1`, [c.id]);
    expect(logged.map((e) => e.data)).toEqual([{ ratingId: live.rating.id, score: 5, previousScore: null, agentId: live.rating.agentId, reasons: ['回复及时', '问题已解决'] }]);

    // reopened and ended again: no second request
    expect((await a.inject('POST', `/api/v1/conversations/${c.id}/status`, { token: t.adminToken, payload: { status: 'open' } })).status).toBe(200);
    expect((await end(c.id)).status).toBe(200);
    await consumersCaughtUp(t, 10_000, ['csat.request']);
    expect(await requests(c.id)).toHaveLength(1);
  });

  it('lets the customer change the rating for 24 hours, then it stands', async () => {
    const c = await served();
    await end(c.id);
    await askedFor(c.id);
    expect((await rate(c.contactToken, c.id, { score: 2, reasons: ['回复太慢'] })).status).toBe(201);
    const changed = await rate(c.contactToken, c.id, { score: 4, comment: '后来解决了' });
    expect(changed.status).toBe(200);
    expect(changed.body.rating).toMatchObject({ score: 4, label: '满意', reasons: [], comment: '后来解决了' });
    const [row] = await t.db.query('SELECT count(*)::int AS n, max(score) AS score FROM csat_ratings WHERE conversation_id = $1', [c.id]);
    expect(row).toEqual({ n: 1, score: 4 });
    const previous = await t.db.query(`SELECT data->>'previousScore' AS p FROM events WHERE type = 'csat.rated' AND conversation_id = $1 ORDER BY id`, [c.id]);
    expect(previous.map((e) => e.p)).toEqual([null, '2']);
    // a day and an hour later
    await t.db.query(`UPDATE csat_ratings SET created_at = now() - interval '25 hours' WHERE conversation_id = $1`, [c.id]);
    const late = await rate(c.contactToken, c.id, { score: 1 });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('rating_closed');
    expect((await a.inject('GET', w(`/conversations/${c.id}/rating`), { contactToken: c.contactToken })).body.rating.score).toBe(4);
  });

  it('refuses odd ratings, other people’s conversations and agents', async () => {
    const c = await served();
    await end(c.id);
    await askedFor(c.id);
    for (const [payload, status, code] of [
      [{ score: 6 }, 400, null],
      [{ score: 0 }, 400, null],
      [{ score: 3.5 }, 400, null],
      [{}, 400, null],
      [{ score: 3, reasons: ['送了优惠券'] }, 400, 'unknown_reason'],
      [{ score: 3, comment: '好'.repeat(501) }, 400, null],
      [{ score: 3, extra: 1 }, 400, null],
    ] as const) {
      const r = await rate(c.contactToken, c.id, payload);
      expect(r.status, JSON.stringify(payload)).toBe(status);
      if (code) expect(r.body.error.code).toBe(code);
    }
    // another customer cannot rate it, nor read its rating
    const other = await a.newContact({});
    expect((await rate(other.contactToken, c.id, { score: 1 })).status).toBe(404);
    expect((await a.inject('GET', w(`/conversations/${c.id}/rating`), { contactToken: other.contactToken })).status).toBe(404);
    // an agent has no way to rate: the client API wants the customer's token, the agent API only reads (405)
    expect((await a.inject('POST', w(`/conversations/${c.id}/rating`), { token: t.adminToken, payload: { score: 5 } })).status).toBe(401);
    expect((await a.inject('POST', `/api/v1/conversations/${c.id}/rating`, { token: t.adminToken, payload: { score: 5 } })).status).toBe(405);
    expect(await t.db.query('SELECT 1 FROM csat_ratings WHERE conversation_id = $1', [c.id])).toHaveLength(0);
    // the English wording of a reason is its zh-CN one
    const r = await rate(c.contactToken, c.id, { score: 4, reasons: ['Quick replies'] });
    expect(r.status).toBe(201);
    expect(r.body.rating.reasons).toEqual(['回复及时']);
  });

  it('邀请评价: the agent asks before the end; the customer rates the open conversation; the end asks no more', async () => {
    const c = await served();
    const invite = await a.inject('POST', `/api/v1/conversations/${c.id}/rating-invitation`, { token: t.adminToken });
    expect(invite.status, JSON.stringify(invite.body)).toBe(200);
    const [request] = await requests(c.id);
    expect(invite.body).toEqual({ requested: true, messageId: request.id });
    expect(request.meta.csat.source).toBe('invite');
    const again = await a.inject('POST', `/api/v1/conversations/${c.id}/rating-invitation`, { token: t.adminToken });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_requested');

    const r = await rate(c.contactToken, c.id, { score: 3 });
    expect(r.status).toBe(201);
    expect((await a.inject('GET', `/api/v1/conversations/${c.id}/rating`, { token: t.adminToken })).body.rating).toMatchObject({ score: 3, label: '一般', source: 'invite' });
    expect((await a.inject('POST', `/api/v1/conversations/${c.id}/rating-invitation`, { token: t.adminToken })).body.error.code).toBe('already_rated');
    await end(c.id);
    await consumersCaughtUp(t, 10_000, ['csat.request']);
    expect(await requests(c.id)).toHaveLength(1);

    // another agent who does not have the conversation may not invite; a QA reviewer neither
    const other = await a.createAgent(t.adminToken, { email: `other-${kind}@csat.test`, name: '小周' });
    const c2 = await served();
    const refused = await a.inject('POST', `/api/v1/conversations/${c2.id}/rating-invitation`, { token: await a.login(other.email) });
    expect(refused.status).toBe(403);
    expect((await a.inject('POST', '/api/v1/conversations/99999999/rating-invitation', { token: t.adminToken })).status).toBe(404);
  });

  it('the customer’s 结束会话 ends the conversation and asks, unless the inbox says not to', async () => {
    const c = await served();
    const ended = await a.inject('POST', w(`/conversations/${c.id}/end`), { contactToken: c.contactToken });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect(ended.body.conversation).toMatchObject({ id: c.id, status: 'resolved' });
    const [event] = await t.db.query(`SELECT actor_type FROM events WHERE type = 'conversation.status_changed' AND conversation_id = $1`, [c.id]);
    expect(event.actor_type).toBe('customer');
    await askedFor(c.id);
    // again: as it is; someone else's: not found
    expect((await a.inject('POST', w(`/conversations/${c.id}/end`), { contactToken: c.contactToken })).status).toBe(200);
    const other = await a.newContact({});
    expect((await a.inject('POST', w(`/conversations/${c.id}/end`), { contactToken: other.contactToken })).status).toBe(404);

    await setReception(t, { csat: { askWhenCustomerCloses: false } });
    try {
      const quiet = await served();
      expect((await a.inject('POST', w(`/conversations/${quiet.id}/end`), { contactToken: quiet.contactToken })).status).toBe(200);
      await consumersCaughtUp(t, 10_000, ['csat.request']);
      expect(await requests(quiet.id)).toHaveLength(0);
      // an agent's end still asks
      const byAgent = await served();
      await end(byAgent.id);
      await askedFor(byAgent.id);
    } finally {
      await setReception(t, { csat: { askWhenCustomerCloses: true } });
    }
  });

  it('asks nobody who was not served, and nothing when the inbox has ratings off', async () => {
    const { contactToken } = await a.newContact({});
    const lonely = (await a.inject('POST', w('/conversations'), { contactToken, payload: {} })).body.id as number;
    await a.customerSend(contactToken, lonely, '有人吗');
    await end(lonely);
    await consumersCaughtUp(t, 10_000, ['csat.request']);
    expect(await requests(lonely)).toHaveLength(0);

    await setReception(t, { csat: { enabled: false } });
    try {
      const c = await served();
      await end(c.id);
      await consumersCaughtUp(t, 10_000, ['csat.request']);
      expect(await requests(c.id)).toHaveLength(0);
      const r = await rate(c.contactToken, c.id, { score: 5 });
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('csat_disabled');
      const open = await served();
      expect((await a.inject('POST', `/api/v1/conversations/${open.id}/rating-invitation`, { token: t.adminToken })).body.error.code).toBe('csat_disabled');
    } finally {
      await setReception(t, { csat: { enabled: true } });
    }
  });

  it('speaks the customer’s language, and the admin edits the texts', async () => {
    const en = await served({ locale: 'en' });
    await end(en.id);
    const [request] = await askedFor(en.id);
    expect(request.content).toBe('How did we do? Please rate this conversation.');
    expect(request.meta.csat.labels[4]).toBe('Very satisfied');
    expect(request.meta.csat.reasons[0]).toBe('Quick replies');

    const settings = await setReception(t, { csat: { prompt: '请为本次服务打分', reasons: ['很专业', '太慢了'] }, translations: { en: { csat: { prompt: 'Rate us', reasons: { 很专业: 'Expert' } } } } });
    expect(settings.csat).toMatchObject({ enabled: true, prompt: '请为本次服务打分', reasons: ['很专业', '太慢了'], labels: DEFAULT_CSAT.labels });
    try {
      const zh = await served();
      await end(zh.id);
      expect((await askedFor(zh.id))[0]).toMatchObject({ content: '请为本次服务打分', meta: { csat: { reasons: ['很专业', '太慢了'] } } });
      const en2 = await served({ locale: 'en' });
      await end(en2.id);
      // an edited zh-CN text without an English one stays zh-CN (the shipped English no longer says the same)
      expect((await askedFor(en2.id))[0]).toMatchObject({ content: 'Rate us', meta: { csat: { reasons: ['Expert', '太慢了'] } } });
      // the customer reads their rating in their words; it is kept (and shown to agents) in zh-CN
      expect((await rate(en2.contactToken, en2.id, { score: 5, reasons: ['Expert'] })).body.rating).toMatchObject({ label: 'Very satisfied', reasons: ['Expert'] });
      expect((await a.inject('GET', w(`/conversations/${en2.id}/rating`), { contactToken: en2.contactToken })).body.rating.reasons).toEqual(['Expert']);
      expect((await a.inject('GET', `/api/v1/conversations/${en2.id}/rating`, { token: t.adminToken })).body.rating).toMatchObject({ label: '非常满意', reasons: ['很专业'] });
      // five labels, distinct reasons
      const bad = await a.inject('PATCH', `/api/v1/inboxes/${t.inbox.id}/reception`, { token: t.adminToken, payload: { csat: { labels: ['差', '好'] } } });
      expect(bad.status).toBe(400);
      const twice = await a.inject('PATCH', `/api/v1/inboxes/${t.inbox.id}/reception`, { token: t.adminToken, payload: { csat: { reasons: ['慢', '慢'] } } });
      expect(twice.status).toBe(400);
      expect(twice.body.error.code).toBe('invalid_csat');
    } finally {
      await setReception(t, { csat: { prompt: DEFAULT_CSAT.prompt, reasons: DEFAULT_CSAT.reasons }, translations: { en: { csat: { prompt: null, reasons: {} } } } });
    }
  });

  it('a close delivered twice (at least once) asks once', async () => {
    const c = await served();
    await end(c.id);
    await askedFor(c.id);
    const [row] = await t.db.query(`SELECT * FROM events WHERE type = 'conversation.status_changed' AND conversation_id = $1 ORDER BY id DESC LIMIT 1`, [c.id]);
    const event = {
      id: row.id,
      type: 'conversation.status_changed',
      workspaceId: row.workspace_id,
      conversationId: c.id,
      actor: { type: row.actor_type, id: row.actor_id },
      data: row.data,
      createdAt: new Date(row.created_at).toISOString(),
    } as StoredEventOf<'conversation.status_changed'>;
    const consumer = csatRequestConsumer(t.app.zhike);
    await consumer.handle(event as never);
    await consumer.handle(event as never);
    expect(await requests(c.id)).toHaveLength(1);
  });
});
