import { describe, expect, it } from 'vitest';
import { api } from '../../test/helpers/api.js';
import { DB_KINDS } from '../../test/helpers/env.js';
import { conversation, onlineAgent, setReception, visitor, waitFor } from '../../test/helpers/reception.js';
import { WsClient } from '../../test/helpers/ws.js';
import { useTestApp } from '../../test/helpers/suite.js';

const page = (url: string, visitKey = 'visit-1', referrer = '') => ({ url, title: url.split('/').pop() || '首页', referrer, visitKey });

describe.each(DB_KINDS)('visitors and invitations on %s', (kind) => {
  const { t, a, sockets, track } = useTestApp(kind, { listen: true });

  it('agents see who is on the site: current page, source, search keyword, landing page, and the trail', async () => {
    const agent = track(await onlineAgent(t, { email: 'watch@x.test', name: '观察员' }));
    const v = track(await visitor(t, { page: page('https://shop.example/?utm_source=x', 'k1', 'https://www.baidu.com/s?wd=%E4%BF%9D%E6%B8%A9%E6%9D%AF') }));
    const live = await waitFor(() => a.inject('GET', '/api/v1/visitors', { token: agent.token }), (r) => r.body.visitors.some((x: any) => x.contactId === v.contactId));
    const me = live.body.visitors.find((x: any) => x.contactId === v.contactId);
    expect(me.visit).toMatchObject({ sourceKind: 'search', sourceName: '百度', searchKeyword: '保温杯', landingPage: 'https://shop.example/?utm_source=x', pageViews: 1 });
    expect(me.currentPage.url).toBe('https://shop.example/?utm_source=x');

    // navigation inside the site: the trail grows, the source stays the landing one
    v.ws.send({ type: 'page', page: page('https://shop.example/pricing', 'k1', 'https://shop.example/') });
    const live2 = await agent.ws.waitFor((f) => f.type === 'visitor' && f.contactId === v.contactId && f.visitor?.currentPage.url.endsWith('/pricing'));
    expect(live2.visitor.visit.pageViews).toBe(2);
    await new Promise((r) => setTimeout(r, 50));
    v.ws.send({ type: 'page', page: page('https://shop.example/products/1', 'k1') });
    await agent.ws.waitFor((f) => f.type === 'visitor' && f.visitor?.currentPage.url.endsWith('/products/1'));
    const trail = await a.inject('GET', `/api/v1/contacts/${v.contactId}/visits`, { token: agent.token });
    expect(trail.body.visits).toHaveLength(1);
    expect(trail.body.visits[0].pages.map((p: any) => new URL(p.url).pathname)).toEqual(['/', '/pricing', '/products/1']);
    expect(trail.body.visits[0].pages.map((p: any) => p.open)).toEqual([false, false, true]);
    expect(trail.body.visits[0].pages[0].seconds).toBeGreaterThanOrEqual(0);
    expect(trail.body.visits[0].searchKeyword).toBe('保温杯');

    // a reconnect on the same page (same page key) is not another page view
    const keyed = { ...page('https://shop.example/faq', 'k1'), pageKey: 'faq-load-1' };
    v.ws.send({ type: 'page', page: keyed });
    await agent.ws.waitFor((f) => f.type === 'visitor' && f.visitor?.currentPage.url.endsWith('/faq'));
    const re = await WsClient.connect(t.url);
    sockets.push(re);
    await re.hello({ inboxToken: t.inbox.token, contactToken: v.contactToken, page: keyed });
    await new Promise((r) => setTimeout(r, 200));
    const [visitRow] = await t.db.query('SELECT page_views FROM visits WHERE contact_id = $1', [v.contactId]);
    expect(visitRow.page_views).toBe(4);
    await re.close();

    // leaving: the agent is told, and the visitor drops off the live list
    await v.ws.close();
    await agent.ws.waitFor((f) => f.type === 'visitor' && f.contactId === v.contactId && f.visitor === null);
    // (the frame may be the one the reconnect's close sent: the list follows its page views, bounded)
    await waitFor(
      () => a.inject('GET', '/api/v1/visitors', { token: agent.token }),
      (r) => !r.body.visitors.some((x: any) => x.contactId === v.contactId),
    );
  });

  it('an automatic invitation fires on the configured page after the delay, once per visit', async () => {
    await setReception(t, {
      invitations: [{ id: 'pricing', name: '价格页停留', enabled: true, pathPattern: '/pricing', minSecondsOnPage: 1, greeting: '对价格有疑问吗? 我们可以帮您。' }],
    });
    const v = track(await visitor(t, { page: page('https://shop.example/', 'inv-1') }));
    await new Promise((r) => setTimeout(r, 1200));
    expect(v.ws.frames.some((f) => f.type === 'invite')).toBe(false); // wrong page
    v.ws.send({ type: 'page', page: page('https://shop.example/pricing', 'inv-1') });
    const t0 = Date.now();
    const inv = await v.ws.waitFor((f) => f.type === 'invite', 5000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(inv).toMatchObject({ kind: 'auto', message: '对价格有疑问吗? 我们可以帮您。', agent: null });

    // the same visit: another tab on the same page, and a reload, are not invited again
    const second = await WsClient.connect(t.url);
    sockets.push(second);
    await second.hello({ inboxToken: t.inbox.token, contactToken: v.contactToken, page: page('https://shop.example/pricing', 'inv-1') });
    v.ws.send({ type: 'page', page: page('https://shop.example/pricing', 'inv-1') });
    await new Promise((r) => setTimeout(r, 1500));
    expect(v.ws.frames.filter((f) => f.type === 'invite')).toHaveLength(1);
    expect(second.frames.filter((f) => f.type === 'invite')).toHaveLength(0);
    v.ws.send({ type: 'invite_reply', ref: 'i', invitationId: inv.invitationId, accept: false });
    expect(await v.ws.waitFor((f) => f.type === 'invite_result')).toMatchObject({ accepted: false, conversationId: null });
    const [row] = await t.db.query('SELECT status FROM invitations WHERE id = $1', [inv.invitationId]);
    expect(row.status).toBe('dismissed');
  });

  it('never invites when nobody can take the chat', async () => {
    await t.db.query(`UPDATE agents SET availability = 'away'`);
    await setReception(t, { mode: 'human_only', invitations: [{ id: 'any', name: 'any', enabled: true, minSecondsOnPage: 0, greeting: 'hi' }] });
    const v = track(await visitor(t, { page: page('https://shop.example/', 'lonely') }));
    await new Promise((r) => setTimeout(r, 600));
    expect(v.ws.frames.some((f) => f.type === 'invite')).toBe(false);
    // …but a bot-first inbox can always take it
    await setReception(t, { mode: 'bot_first' });
    const w = track(await visitor(t, { page: page('https://shop.example/', 'botty') }));
    expect((await w.ws.waitFor((f) => f.type === 'invite', 3000)).message).toBe('hi');
    await t.db.query(`UPDATE agents SET availability = 'online' WHERE email <> 'admin@zhike.test'`);
    await setReception(t, { mode: 'human_only', invitations: [] });
  });

  it('an agent invites a browsing visitor; accepting opens a conversation with that agent, the invitation first', async () => {
    const agent = track(await onlineAgent(t, { email: 'inviter@x.test', name: '小周', agentNo: '2048' }));
    const v = track(await visitor(t, { page: page('https://shop.example/products/9', 'browse') }));
    await waitFor(() => a.inject('GET', '/api/v1/visitors', { token: agent.token }), (r) => r.body.visitors.some((x: any) => x.contactId === v.contactId));
    const sent = await a.inject('POST', `/api/v1/visitors/${v.contactId}/invite`, { token: agent.token, payload: { message: '您好, 这款耳机正在做活动, 需要介绍一下吗?' } });
    expect(sent.status).toBe(201);
    const inv = await v.ws.waitFor((f) => f.type === 'invite');
    expect(inv).toMatchObject({ kind: 'agent', agent: { name: '小周', agentNo: '2048' } });
    v.ws.send({ type: 'invite_reply', invitationId: inv.invitationId, accept: true });
    const result = await v.ws.waitFor((f) => f.type === 'invite_result');
    // the live list shows the visitor chatting now
    await agent.ws.waitFor((f) => f.type === 'visitor' && f.contactId === v.contactId && f.visitor?.conversationId === result.conversationId);
    expect(result.conversationId).toBeGreaterThan(0);
    const conv = await conversation(t, result.conversationId);
    expect(conv).toMatchObject({ assigneeId: agent.id, handler: 'human', contactId: v.contactId });
    const msgs = await a.inject('GET', `${a.widgetBase}/conversations/${result.conversationId}/messages`, { contactToken: v.contactToken });
    expect(msgs.body.messages[0]).toMatchObject({ senderType: 'agent', senderName: '小周', content: '您好, 这款耳机正在做活动, 需要介绍一下吗?' });
    // answering twice (another tab) changes nothing
    const again = await a.inject('POST', `${a.widgetBase}/invitations/${inv.invitationId}/reply`, { contactToken: v.contactToken, payload: { accept: true } });
    expect(again.body.conversationId).toBe(result.conversationId);
    // inviting someone who left is refused clearly
    await v.ws.close();
    await new Promise((r) => setTimeout(r, 100));
    const late = await a.inject('POST', `/api/v1/visitors/${v.contactId}/invite`, { token: agent.token, payload: {} });
    expect(late.body.error.code).toBe('visitor_gone');
  });
});
