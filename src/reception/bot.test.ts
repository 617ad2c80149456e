import { beforeAll, describe, expect, it } from 'vitest';
import { toStoredEvent } from '../storage/events.js';
import { api } from '../../test/helpers/api.js';
import { QUIET_RECEPTION, type TestApp } from '../../test/helpers/app.js';
import { DB_KINDS } from '../../test/helpers/env.js';
import { receptionCaughtUp, conversation, onlineAgent, setReception, visitor, waitFor } from '../../test/helpers/reception.js';
import { useTestApp } from '../../test/helpers/suite.js';
import { botConsumer } from './bot.js';

const allMessages = async (t: TestApp, id: number) =>
  (await api(t).inject('GET', `/api/v1/conversations/${id}/messages?after=0`, { token: t.adminToken })).body.messages as any[];

describe.each(DB_KINDS)('the knowledge-base bot on %s', (kind) => {
  const { t, a, track } = useTestApp(kind, { listen: true });
  const articles: Record<string, number> = {};
  let leaderId: number;
  let groupId: number;

  beforeAll(async () => {
    const add = async (question: string, similarQuestions: string[], answer: string) => {
      const r = await a.inject('POST', '/api/v1/knowledge/articles', { token: t.adminToken, payload: { question, similarQuestions, answer, category: '售后' } });
      if (r.status !== 201) throw new Error(JSON.stringify(r.body));
      articles[question] = r.body.id;
    };
    await add('怎么申请退款', ['我想退钱', '如何退款', '退款怎么申请'], '在订单页点击“申请退款”，提交后 1-3 个工作日原路退回。');
    await add('退款多久到账', ['退款什么时候到', '钱什么时候退回来'], '退款审核通过后 1-3 个工作日到账。');
    await add('发票怎么开', ['开发票', '如何开具发票'], '在“我的订单”里申请电子发票。');
    const leader = track(await onlineAgent(t, { email: 'leader@x.test', name: '组长老张', max: 1 }));
    leaderId = leader.id;
    track(await onlineAgent(t, { email: 'worker@x.test', name: '小王', max: 20 }));
    await t.db.query(`UPDATE agents SET max_concurrent = 0 WHERE email = 'admin@zhike.test'`);
    const g = await a.inject('POST', '/api/v1/skill-groups', { token: t.adminToken, payload: { name: '售后组', memberIds: [leader.id], leaderId: leader.id } });
    if (g.status !== 201) throw new Error(JSON.stringify(g.body));
    groupId = g.body.id;
    await setReception(t, { ...QUIET_RECEPTION, mode: 'bot_first' });
  });

  /** A visitor with the widget open and a conversation with the bot. */
  async function botChat() {
    const v = track(await visitor(t));
    const r = await a.inject('POST', `${a.widgetBase}/conversations`, { contactToken: v.contactToken });
    expect(r.body.handler).toBe('bot');
    const id = r.body.id as number;
    /** Sends as the customer and waits for the bot's public reply to it. */
    const ask = async (content: string) => {
      const sent = await a.customerSend(v.contactToken, id, content);
      expect(sent.status).toBe(201);
      const msgs = await waitFor(() => allMessages(t, id), (m) => m.some((x) => x.seq > sent.body.seq && x.senderType === 'bot' && !x.private));
      return { sent: sent.body, reply: msgs.find((x) => x.seq > sent.body.seq && x.senderType === 'bot' && !x.private) };
    };
    return { v, id, ask };
  }

  it('answers a paraphrase from the knowledge base, live and with meta; the customer rates it, once per message and changeably', async () => {
    const c = await botChat();
    const { reply } = await c.ask('我想退钱');
    expect(reply).toMatchObject({ content: '在订单页点击“申请退款”，提交后 1-3 个工作日原路退回。', senderName: '智能助手', meta: { bot: { kind: 'answer', articleId: articles['怎么申请退款'] } } });
    // the widget's socket got it with its meta
    const frame = await c.v.ws.waitFor((f) => f.type === 'message' && f.message.senderType === 'bot');
    expect(frame.message.meta).toEqual({ bot: { kind: 'answer', articleId: articles['怎么申请退款'] } });
    // and so does the widget's message list
    const listed = await a.inject('GET', `${a.widgetBase}/conversations/${c.id}/messages`, { contactToken: c.v.contactToken });
    expect(listed.body.messages.find((m: any) => m.id === reply.id).meta.bot.kind).toBe('answer');

    const fb = `${a.widgetBase}/conversations/${c.id}/bot/feedback`;
    expect((await a.inject('POST', fb, { contactToken: c.v.contactToken, payload: { messageId: reply.id, helpful: true } })).body).toEqual({ messageId: reply.id, articleId: articles['怎么申请退款'], helpful: true });
    expect((await a.inject('POST', fb, { contactToken: c.v.contactToken, payload: { messageId: reply.id, helpful: false } })).status).toBe(200);
    const article = await a.inject('GET', `/api/v1/knowledge/articles/${articles['怎么申请退款']}`, { token: t.adminToken });
    expect(article.body).toMatchObject({ helpful: 0, unhelpful: 1 });
    // only the bot's answers can be rated, and only in one's own conversation
    const own = (await allMessages(t, c.id)).find((m) => m.senderType === 'customer');
    expect((await a.inject('POST', fb, { contactToken: c.v.contactToken, payload: { messageId: own.id, helpful: true } })).status).toBe(400);
    const stranger = await a.newContact();
    expect((await a.inject('POST', fb, { contactToken: stranger.contactToken, payload: { messageId: reply.id, helpful: true } })).status).toBe(404);
    const events = await t.db.query(`SELECT data FROM events WHERE type = 'knowledge.feedback_given' AND (data->>'messageId')::bigint = $1 ORDER BY id`, [reply.id]);
    expect(events.map((e) => e.data.helpful)).toEqual([true, false]);
  });

  it('offers "您是不是想问" choices for a vague question; a chosen one is answered (a double click writes once)', async () => {
    const c = await botChat();
    const { reply } = await c.ask('退款的问题');
    expect(reply.meta.bot.kind).toBe('choices');
    const offered = reply.meta.bot.choices.map((x: any) => x.articleId);
    expect(offered.length).toBeGreaterThanOrEqual(2);
    expect(offered.length).toBeLessThanOrEqual(3);
    expect(offered).toEqual(expect.arrayContaining([articles['怎么申请退款'], articles['退款多久到账']]));
    expect(reply.content).toContain('您是不是想问');
    const choose = `${a.widgetBase}/conversations/${c.id}/bot/choose`;
    const chosen = await a.inject('POST', choose, { contactToken: c.v.contactToken, payload: { articleId: articles['退款多久到账'] } });
    expect(chosen.status).toBe(201);
    expect(chosen.body).toMatchObject({ senderType: 'bot', content: '退款审核通过后 1-3 个工作日到账。', meta: { bot: { kind: 'answer', articleId: articles['退款多久到账'] } } });
    expect(chosen.body.private).toBeUndefined();
    const again = await a.inject('POST', choose, { contactToken: c.v.contactToken, payload: { articleId: articles['退款多久到账'] } });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(chosen.body.id);
    expect((await a.inject('POST', choose, { contactToken: c.v.contactToken, payload: { articleId: 99_999_999 } })).status).toBe(404);
    expect((await a.inject('POST', choose, { contactToken: (await a.newContact()).contactToken, payload: { articleId: articles['退款多久到账'] } })).status).toBe(404);
    // the vague question is collected for admins
    const un = await a.inject('GET', '/api/v1/knowledge/unanswered', { token: t.adminToken });
    expect(un.body.questions.find((q: any) => q.question === '退款的问题')).toMatchObject({ count: 1, lastConversationId: c.id });
  });

  async function handedOver(content: string) {
    const c = await botChat();
    const { reply } = await c.ask(content);
    expect(reply.meta.bot.kind).toBe('handoff');
    const conv = await waitFor(() => conversation(t, c.id), (x) => x.assigneeId !== null);
    expect(conv.handler).toBe('human');
    const summary = (await allMessages(t, c.id)).find((m) => m.private && m.meta?.bot?.kind === 'summary');
    return { c, reply, conv, summary };
  }

  it('hands over on a complaint with a regulator signal, telling the customer and leaving the agent a one-line summary', async () => {
    const { c, reply, summary } = await handedOver('我要投诉,太差了,再不解决我就去12315');
    expect(reply.meta.bot.reason).toBe('signal');
    expect(reply.content).toContain('转接人工客服');
    expect(summary.content).toMatch(/^机器人小结：投诉 · .* · 监管 · 未答 · 转人工原因：升级信号$/);
    expect(summary.senderType).toBe('bot');
    // the customer never sees the note
    const widget = await a.inject('GET', `${a.widgetBase}/conversations/${c.id}/messages`, { contactToken: c.v.contactToken });
    expect(widget.body.messages.some((m: any) => m.content.startsWith('机器人小结'))).toBe(false);
  });

  it('hands over when asked (转人工), on a complaint, and on strong anger; the summary says what the bot tried', async () => {
    const asked = await botChat();
    await asked.ask('发票怎么开');
    const { reply } = await asked.ask('转人工');
    expect(reply.meta.bot).toEqual({ kind: 'handoff', reason: 'asked' });
    await waitFor(() => conversation(t, asked.id), (x) => x.assigneeId !== null);
    const note = (await allMessages(t, asked.id)).find((m) => m.private);
    expect(note.content).toContain('已答《发票怎么开》');
    expect(note.content).toContain('转人工原因：客户要求转人工');

    expect((await handedOver('我要投诉你们的快递员')).reply.meta.bot.reason).toBe('complaint');
    const angry = await handedOver('我的快递到底在哪？？？气死我了！！！');
    expect(angry.reply.meta.bot.reason).toBe('anger');
    expect(angry.summary.content).toContain('愤怒 1.0');
  });

  it('hands over after two unanswered turns', async () => {
    const c = await botChat();
    const first = await c.ask('量子纠缠的原理');
    expect(first.reply.meta.bot.kind).toBe('none');
    expect(first.reply.content).toContain('转人工');
    const second = await c.ask('超导体怎么制备');
    expect(second.reply.meta.bot).toEqual({ kind: 'handoff', reason: 'unanswered' });
    await waitFor(() => conversation(t, c.id), (x) => x.assigneeId !== null);
  });

  it('with nobody on duty a hand-over becomes a 留言, and the bot says how to leave one', async () => {
    await t.db.query(`UPDATE agents SET availability = 'away'`);
    try {
      const c = await botChat();
      const { reply } = await c.ask('转人工');
      expect(reply.meta.bot).toEqual({ kind: 'handoff', reason: 'asked' });
      expect(reply.content).toContain('留言');
      await waitFor(() => conversation(t, c.id), (x) => x.handler === 'offline');
    } finally {
      await t.db.query(`UPDATE agents SET availability = 'online'`);
    }
  });

  it('unrelated: asks the purpose once, then ends politely when clearly unrelated, or hands to the 组长 when still unclear', async () => {
    const clear = await botChat();
    expect((await clear.ask('你会唱歌吗')).reply.meta.bot.kind).toBe('ask_purpose');
    const bye = (await clear.ask('讲个笑话吧')).reply;
    expect(bye.meta.bot.kind).toBe('farewell');
    expect(bye.content).toContain('还有其他可以帮您的吗');
    expect((await conversation(t, clear.id)).handler).toBe('bot');

    await setReception(t, { defaultGroupId: groupId });
    const unclear = await botChat();
    expect((await unclear.ask('你会唱歌吗')).reply.meta.bot.kind).toBe('ask_purpose');
    const up = (await unclear.ask('嗯嗯')).reply;
    expect(up.meta.bot).toEqual({ kind: 'handoff', reason: 'unclear' });
    const conv = await waitFor(() => conversation(t, unclear.id), (x) => x.assigneeId !== null);
    // to the group's leader (past their limit of 1 if need be), first in line
    expect(conv).toMatchObject({ handler: 'human', assigneeId: leaderId, priority: 1 });
    const [assigned] = await t.db.query(`SELECT data FROM events WHERE type = 'conversation.assigned' AND conversation_id = $1`, [unclear.id]);
    expect(assigned.data).toMatchObject({ to: leaderId, reason: 'escalation' });
    await setReception(t, { defaultGroupId: null });
  });

  it('a redelivered customer message writes nothing more', async () => {
    const c = await botChat();
    const { sent } = await c.ask('退款的问题');
    await receptionCaughtUp(t);
    const before = await allMessages(t, c.id);
    const [un] = await t.db.query(`SELECT count FROM knowledge_unanswered WHERE question = '退款的问题'`);
    const [row] = await t.db.query(`SELECT * FROM events WHERE type = 'message.created' AND (data->>'messageId')::bigint = $1`, [sent.id]);
    const bot = botConsumer(t.app.zhike);
    await bot.handle(toStoredEvent(row) as never);
    await bot.handle(toStoredEvent(row) as never);
    expect(await allMessages(t, c.id)).toEqual(before);
    expect((await t.db.query(`SELECT count FROM knowledge_unanswered WHERE question = '退款的问题'`))[0].count).toBe(un.count);
  });

  it('仅机器人: no people to hand to — the bot says how to reach them and keeps the conversation', async () => {
    await setReception(t, { mode: 'bot_only' });
    const c = await botChat();
    const { reply } = await c.ask('转人工');
    expect(reply.meta.bot).toEqual({ kind: 'handoff', reason: 'asked' });
    expect(reply.content).toContain('留言');
    await receptionCaughtUp(t);
    expect((await conversation(t, c.id)).handler).toBe('bot');
    // and an unknown question says so, without offering 转人工
    const none = (await c.ask('量子纠缠的原理')).reply;
    expect(none.meta.bot.kind).toBe('none');
    expect(none.content).not.toContain('转人工');
    await setReception(t, { mode: 'bot_first' });
  });

  it('an edited article answers at once; 一键生成知识 turns an unanswered question into an article the bot then uses', async () => {
    const un = await a.inject('GET', '/api/v1/knowledge/unanswered', { token: t.adminToken });
    const q = un.body.questions.find((x: any) => x.question === '量子纠缠的原理');
    expect(q.count).toBeGreaterThanOrEqual(1);
    const agentToken = await a.login('worker@x.test');
    expect((await a.inject('POST', `/api/v1/knowledge/unanswered/${q.id}/article`, { token: agentToken, payload: { answer: 'x' } })).status).toBe(403);
    const made = await a.inject('POST', `/api/v1/knowledge/unanswered/${q.id}/article`, { token: t.adminToken, payload: { answer: '这是物理问题，超出了本店的服务范围。' } });
    expect(made.status).toBe(201);
    expect(made.body.question).toBe('量子纠缠的原理');
    expect((await a.inject('POST', `/api/v1/knowledge/unanswered/${q.id}/article`, { token: t.adminToken, payload: { answer: 'again' } })).status).toBe(409);
    const after = await a.inject('GET', '/api/v1/knowledge/unanswered', { token: t.adminToken });
    expect(after.body.questions.some((x: any) => x.id === q.id)).toBe(false);
    const c = await botChat();
    expect((await c.ask('量子纠缠的原理')).reply.meta.bot).toEqual({ kind: 'answer', articleId: made.body.id });
    await a.inject('PATCH', `/api/v1/knowledge/articles/${made.body.id}`, { token: t.adminToken, payload: { answer: '抱歉，这个我们答不了。' } });
    expect((await c.ask('量子纠缠的原理')).reply.content).toBe('抱歉，这个我们答不了。');
  });
});
