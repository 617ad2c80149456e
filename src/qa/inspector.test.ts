import { describe, expect, it } from 'vitest';
import type { QaMessage } from '../core/qa/index.js';
import { inspectMessages, qaPackFor } from './inspector.js';

/**
 * The shipped zh-CN 质检 pack with the real NLP engine: each rule fires on a plain case and a
 * paraphrase, and stays quiet on a near miss (docs/quality-inspection.md). The evaluation on
 * unseen conversations is `npm run eval:qa` (src/qa/qa-eval.test.ts keeps its floor).
 */
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 2, 0, s)).toISOString();
type Line = [QaMessage['role'], string, number?];
const conv = (lines: Line[], kind?: Record<number, QaMessage['kind']>): QaMessage[] =>
  lines.map(([role, content, s], i) => ({ role, content, at: at(s ?? i * 10), kind: kind?.[i] }));
const fired = (messages: QaMessage[], rule: string, closed = true) =>
  inspectMessages(messages, { closed }).findings.filter((f) => f.rule === rule).map((f) => f.messageIndex);

/** A well-run opening and closing around `middle`. */
const wrap = (middle: Line[]): Line[] => [
  ['customer', '你好'],
  ['agent', '您好，我是客服小李，很高兴为您服务，请问有什么可以帮您？'],
  ...middle,
  ['agent', '请问还有其他可以帮您的吗？'],
  ['customer', '没有了，谢谢'],
  ['agent', '感谢您的咨询，祝您生活愉快，再见！'],
];

describe('the zh-CN 质检 pack', () => {
  it('loads, and every rule id of the issue is there', () => {
    const ids = qaPackFor('zh-CN').pack.rules.map((r) => r.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'forbidden.blame', 'forbidden.refusal', 'forbidden.condescension', 'forbidden.impatience', 'forbidden.defensiveness', 'forbidden.rudeness',
        'opening.greeting', 'opening.identify', 'opening.apology_for_wait', 'closing.summary', 'closing.anything_else', 'closing.farewell',
        'closing.unanswered', 'emotion.empathy_first', 'identity.refused', 'timing.first_response', 'timing.reply_gap', 'complaint.steps',
        'order.confirm_details', 'followup.concrete_time', 'closing.closed_question', 'unrelated.handling',
      ]),
    );
  });

  it('服务禁语 by meaning, pointing at the agent’s message; a rejected or quoted form is not one', () => {
    expect(fired(conv([['customer', '快递丢了'], ['agent', '这个您得去找快递公司，跟我们没关系']]), 'forbidden.blame')).toEqual([1]);
    expect(fired(conv([['customer', '能查一下吗'], ['agent', '查不了，没办法']]), 'forbidden.refusal')).toEqual([1]);
    expect(fired(conv([['customer', '怎么操作'], ['agent', '这么简单都不会吗']]), 'forbidden.condescension')).toEqual([1]);
    expect(fired(conv([['customer', '还是不行'], ['agent', '我已经说了好几遍了']]), 'forbidden.impatience')).toEqual([1]);
    expect(fired(conv([['customer', '我理解不了'], ['agent', '我不会说这不归我管，我马上帮您联系快递核实']]), 'forbidden.blame')).toEqual([]);
  });

  it('opening: a greeting, the name or 工号 (the joined line counts), an apology after a long wait', () => {
    const noGreeting = conv([['customer', '在吗'], ['agent', '请讲'], ['customer', '查订单'], ['agent', '好的']]);
    expect(fired(noGreeting, 'opening.greeting')).toEqual([null]);
    expect(fired(conv([['customer', '在吗'], ['agent', '您好，请讲']]), 'opening.greeting')).toEqual([]);
    expect(fired(conv([['customer', '在吗'], ['agent', '亲，在的，请问有什么可以帮您']]), 'opening.greeting')).toEqual([]);
    expect(fired(noGreeting, 'opening.identify')).toEqual([null]);
    expect(fired(conv([['customer', '在吗'], ['agent', '您好，这边是客服小美，请讲']]), 'opening.identify')).toEqual([]);
    expect(fired(conv([['customer', '在吗'], ['agent', '您好，我的工号是 2031，请讲']]), 'opening.identify')).toEqual([]);
    expect(fired(conv([['system', '工号 1024 小王 为您服务'], ['customer', '在吗'], ['agent', '您好，请讲']], { 0: 'joined' }), 'opening.identify')).toEqual([]);
    const waited = conv([['customer', '在吗', 0], ['agent', '您好，请讲', 95]]);
    expect(fired(waited, 'opening.apology_for_wait')).toEqual([1]);
    expect(fired(conv([['customer', '在吗', 0], ['agent', '您好，不好意思回复晚了，请讲', 95]]), 'opening.apology_for_wait')).toEqual([]);
    expect(fired(conv([['customer', '在吗', 0], ['agent', '您好，请讲', 30]]), 'opening.apology_for_wait')).toEqual([]);
  });

  it('closing: anything else, farewell, the last question closed, nothing left unanswered', () => {
    const good = conv(wrap([['customer', '年费多少'], ['agent', '首年免年费，这样说明您清楚了吗？'], ['customer', '清楚了']]));
    for (const rule of ['closing.anything_else', 'closing.farewell', 'closing.closed_question', 'closing.unanswered']) expect(fired(good, rule), rule).toEqual([]);
    const abrupt = conv([['customer', '年费多少'], ['agent', '您好，首年免年费'], ['customer', '那第二年呢？']]);
    expect(fired(abrupt, 'closing.unanswered')).toEqual([2]);
    expect(fired(abrupt, 'closing.anything_else')).toEqual([null]);
    expect(fired(abrupt, 'closing.farewell')).toEqual([null]);
    // open question last
    expect(fired(conv([['customer', '卡丢了'], ['agent', '您好，您是在哪里丢的？'], ['customer', '商场'], ['agent', '已为您挂失，再见']]), 'closing.closed_question')).toEqual([null]);
    // a thanks left unanswered needs no answer; a conversation still going on is not judged on closing
    expect(fired(conv([['customer', '年费多少'], ['agent', '您好，首年免年费'], ['customer', '好的谢谢']]), 'closing.unanswered')).toEqual([]);
    expect(fired(abrupt, 'closing.farewell', false)).toEqual([]);
    // a customer who gives up at the end ("算了") asks nothing more
    expect(fired(conv([['customer', '能便宜点吗'], ['agent', '您好，这已经是活动价了'], ['customer', '那算了，不买了']]), 'closing.unanswered')).toEqual([]);
    expect(fired(conv([['customer', '能便宜点吗'], ['agent', '您好，这已经是活动价了'], ['customer', '算了，那你们到底能不能退？']]), 'closing.unanswered')).toEqual([2]);
  });

  it('closing.summary: a follow-up or an order needs its key details read back before the end', () => {
    const end: Line[] = [['agent', '请问还有其他可以帮您的吗？'], ['customer', '没有了'], ['agent', '感谢您的咨询，再见！']];
    // the outcome stated with its details (amount and count; date and order number) near the end: a recap
    const booked = conv([['customer', '帮我订个房'], ['agent', '您好，已为您预订5月3日大床房1晚，共388元，订单号20260503118'], ...end]);
    expect(fired(booked, 'closing.summary')).toEqual([]);
    // an explicit read-back earlier in the conversation counts too
    const readBack = conv([['customer', '帮我订个房'], ['agent', '您好，跟您核对一下：5月3日大床房一晚，可以吗？'], ['customer', '可以'], ['agent', '好的，已经订好了'], ['customer', '好'], ...end]);
    expect(fired(readBack, 'closing.summary')).toEqual([]);
    // a promise with no details repeated back fires; details that only explained the cause earlier do not count
    const promised = conv([['customer', '我的话费怎么多扣了100元？'], ['agent', '您好，多出的100元是3月2日订购的流量包'], ['customer', '给我退了'], ['agent', '已经提交退费申请了，有结果会短信通知您'], ...end]);
    expect(fired(promised, 'closing.summary')).toEqual([null]);
    // a customer who gave up has no outcome to recap
    const gaveUp = conv([['customer', '我要投诉，你们的券根本用不了！'], ['agent', '非常抱歉，这张券限指定商品使用'], ['customer', '算了不买了'], ['agent', '好的，给您添麻烦了，再见']]);
    expect(fired(gaveUp, 'closing.summary')).toEqual([]);
  });

  it('identity.refused: the customer asks for the 工号 and the agent evades; giving it is fine', () => {
    expect(fired(conv([['customer', '你工号多少？'], ['agent', '这个不方便透露']]), 'identity.refused')).toEqual([1]);
    expect(fired(conv([['customer', '请问您怎么称呼'], ['agent', '您的问题我们会处理的']]), 'identity.refused')).toEqual([1]);
    expect(fired(conv([['customer', '你工号多少？'], ['agent', '我的工号是 1024，请问还有什么可以帮您']]), 'identity.refused')).toEqual([]);
    // Evading the 工号 is identity.refused, not also 禁语 rudeness for the same message (the 禁语
    // detector alone calls it rudeness, docs/nlp-labelling.md); rudeness elsewhere still counts.
    const evaded = conv([['customer', '你工号多少？'], ['agent', '工号不方便透露'], ['customer', '？？'], ['agent', '你是不是脑子有问题']]);
    expect(fired(evaded, 'identity.refused')).toEqual([1]);
    expect(fired(evaded, 'forbidden.rudeness')).toEqual([3]);
  });

  it('timing: first response over 60 s, a reply gap over 180 s', () => {
    const slow = conv([['customer', '在吗', 0], ['agent', '您好', 75], ['customer', '查订单', 80], ['agent', '好的', 400]]);
    expect(fired(slow, 'timing.first_response')).toEqual([1]);
    expect(fired(slow, 'timing.reply_gap')).toEqual([3]);
    const quick = conv([['customer', '在吗', 0], ['agent', '您好', 20], ['customer', '查订单', 30], ['agent', '好的', 100]]);
    expect(fired(quick, 'timing.first_response')).toEqual([]);
    expect(fired(quick, 'timing.reply_gap')).toEqual([]);
  });

  it('emotion first: an angry customer answered business-first; acknowledging the feeling first is right', () => {
    const cold = conv([['customer', '你们这什么破服务！等了一个星期了！'], ['agent', '请提供订单号']]);
    expect(fired(cold, 'emotion.empathy_first')).toEqual([1]);
    const warm = conv([['customer', '你们这什么破服务！等了一个星期了！'], ['agent', '非常抱歉让您久等了，我理解您的心情，请提供一下订单号，我马上查']]);
    expect(fired(warm, 'emotion.empathy_first')).toEqual([]);
  });

  it('complaint.steps names what is missing; a complaint handled by the six steps passes', () => {
    const handled = conv(
      wrap([
        ['customer', '我要投诉！你们快递员把我的包裹扔在门口，东西丢了！'],
        ['agent', '非常抱歉给您带来这么大的麻烦，我理解您的心情。请问包裹的运单号是多少？'],
        ['customer', 'SF123456'],
        ['agent', '已为您核实，您看为您申请全额赔偿可以吗？'],
        ['customer', '可以'],
        ['agent', '已为您提交赔偿申请，今天下午5点前到账。再次向您道歉，感谢您的理解，我们会加强管理。'],
      ]),
    );
    expect(fired(handled, 'complaint.steps')).toEqual([]);
    const bare = conv([['customer', '我要投诉！你们快递员把我的包裹扔在门口，东西丢了！'], ['agent', '您好，知道了'], ['agent', '再见']]);
    const [f] = inspectMessages(bare, { closed: true }).findings.filter((x) => x.rule === 'complaint.steps');
    expect(f.detail).toContain('2 平息');
    expect(f.detail).toContain('4 探讨');
  });

  it('scores a complaint on the complaint sheet, other contacts on the chat sheet; a sheet can be named', () => {
    const complaint = conv(wrap([['customer', '我要投诉！你们把我的快递弄丢了，太过分了'], ['agent', '好的，您的单号是多少？']]));
    const inspected = inspectMessages(complaint, { closed: true });
    expect(inspected.sheet.id).toBe('complaint');
    const steps = inspected.findings.find((f) => f.rule === 'complaint.steps');
    expect(steps).toBeTruthy();
    expect(inspected.score.dimensions.find((d) => d.category === 'complaint')?.deducted).toBe(15);
    const question = conv(wrap([['customer', '年费多少'], ['agent', '首年免年费，这样说明您清楚了吗？'], ['customer', '清楚了']]));
    expect(inspectMessages(question, { closed: true }).sheet.id).toBe('chat');
    expect(inspectMessages(question, { closed: true, facts: { channel: 'phone' } }).sheet.id).toBe('phone');
    expect(inspectMessages(question, { closed: true, sheet: 'complaint' }).sheet.id).toBe('complaint');
    expect(() => inspectMessages(question, { sheet: 'nope' })).toThrow(/no scoring sheet "nope"/);
  });

  it('an order confirmed with its details read back passes; one placed without confirmation fires', () => {
    const confirmed = conv([['customer', '我想订两张明天去上海的高铁票'], ['agent', '您好，跟您确认一下：明天北京南到上海虹桥，两张二等座，共 1106 元，确认无误吗？'], ['customer', '对'], ['agent', '已为您下单']]);
    expect(fired(confirmed, 'order.confirm_details')).toEqual([]);
    const placed = conv([['customer', '我想订两张明天去上海的高铁票'], ['agent', '您好，好的，已为您下单']]);
    expect(fired(placed, 'order.confirm_details')).toEqual([null]);
    // set up for the customer without a read-back: fires; told how to do it themselves: nothing was placed
    expect(fired(conv([['customer', '帮我开通基金定投，每月扣500'], ['agent', '您好，已经给您设置好了']]), 'order.confirm_details')).toEqual([null]);
    const selfService = conv([['customer', '我想开通手机银行转账'], ['agent', '您好，您在手机银行“安全中心”里设置，验证短信就能开通'], ['customer', '好的'], ['agent', '请问开通成功了吗？']]);
    expect(fired(selfService, 'order.confirm_details')).toEqual([]);
  });

  it('followup.concrete_time: a promise without a time fires on its message; a time makes it concrete', () => {
    expect(fired(conv([['customer', '什么时候有结果'], ['agent', '有结果了会第一时间通知您']]), 'followup.concrete_time')).toEqual([1]);
    expect(fired(conv([['customer', '什么时候有结果'], ['agent', '我们会尽快给您回复']]), 'followup.concrete_time')).toEqual([1]);
    expect(fired(conv([['customer', '什么时候有结果'], ['agent', '我会在今天下午5点前给您回复']]), 'followup.concrete_time')).toEqual([]);
    expect(fired(conv([['customer', '什么时候有结果'], ['agent', '尽快，2小时内联系您']]), 'followup.concrete_time')).toEqual([]);
  });

  it('unrelated.handling: an unrelated contact needs the purpose asked or a polite end', () => {
    const ignored = conv([['customer', '讲个笑话呗'], ['agent', '不会']]);
    expect(fired(ignored, 'unrelated.handling')).toEqual([null]);
    const handled = conv([['customer', '讲个笑话呗'], ['agent', '您好，请问您有什么需要咨询的吗？']]);
    expect(fired(handled, 'unrelated.handling')).toEqual([]);
  });
});
