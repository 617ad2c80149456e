import { describe, expect, it } from 'vitest';
import type { QaMessage, QaRule } from '../core/qa/index.js';
import { inspectMessages, qaPackFor } from './inspector.js';

/**
 * The shipped English 质检 pack (qa/packs/en.json) with the real English NLP engine: the same
 * rules as zh-CN (docs/quality-inspection.md), each firing on a plain case and a paraphrase and
 * staying quiet on a near miss, for conversations whose locale is English.
 */
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 2, 0, s)).toISOString();
type Line = [QaMessage['role'], string, number?];
const conv = (lines: Line[], kind?: Record<number, QaMessage['kind']>): QaMessage[] =>
  lines.map(([role, content, s], i) => ({ role, content, at: at(s ?? i * 10), kind: kind?.[i] }));
const inspect = (messages: QaMessage[], closed = true) => inspectMessages(messages, { closed, locale: 'en' });
const fired = (messages: QaMessage[], rule: string, closed = true) =>
  inspect(messages, closed)
    .findings.filter((f) => f.rule === rule)
    .map((f) => f.messageIndex);

/** A well-run opening and closing around `middle`. */
const wrap = (middle: Line[]): Line[] => [
  ['customer', 'Hi'],
  ['agent', "Hello, I'm Lee from customer support. How can I help you?"],
  ...middle,
  ['agent', 'Is there anything else I can help you with?'],
  ['customer', 'No, thanks'],
  ['agent', 'Thanks for contacting us, have a nice day!'],
];

/** A rule without its wording: what must be the same in both packs. */
const shape = (rule: QaRule) => {
  const { suggestion: _s, description: _d, ...rest } = rule;
  return rest;
};

describe('the English 质检 pack', () => {
  it('loads with exactly the zh-CN rules (ids, kinds, severities, scopes), phrase lists, sheets and sheetFor', () => {
    const en = qaPackFor('en').pack;
    const zh = qaPackFor('zh-CN').pack;
    expect(en.locale).toBe('en');
    expect(en.version).toBe('2026.12.01');
    expect(en.rules.map((r) => r.id)).toEqual(zh.rules.map((r) => r.id));
    expect(en.rules.map(shape)).toEqual(zh.rules.map(shape));
    for (const rule of en.rules) {
      expect(rule.description, rule.id).toMatch(/^[\x20-\x7e]+$/);
      if (rule.suggestion !== undefined) expect(rule.suggestion, rule.id).toMatch(/^[\x20-\x7e…]+$/);
    }
    expect(Object.keys(en.phrases).sort()).toEqual(Object.keys(zh.phrases).sort());
    expect(en.sheets.map((s) => s.name)).toEqual(['Online chat', 'Complaint handling', 'Phone transcript']);
    expect(en.sheets.map(({ name: _n, ...s }) => s)).toEqual(zh.sheets.map(({ name: _n, ...s }) => s));
    expect(en.sheetFor).toEqual(zh.sheetFor);
  });

  it('is the pack for English locales; Chinese ones keep the zh-CN pack', () => {
    expect(qaPackFor('en').pack.locale).toBe('en');
    expect(qaPackFor('en-US').pack.locale).toBe('en');
    expect(qaPackFor('zh-TW').pack.locale).toBe('zh-CN');
    expect(qaPackFor('zh-CN').pack.locale).toBe('zh-CN');
    expect(qaPackFor(null).pack.locale).toBe('zh-CN');
    expect(inspect(conv([['customer', 'Hi'], ['agent', 'Hello, go ahead']])).packVersion).toBe('2026.12.01');
  });

  it('forbidden language by category, pointing at the agent’s message; a rejected form or an offer is not one', () => {
    const reply = (text: string, customer = 'Can you help?') => conv([['customer', customer], ['agent', text]]);
    expect(fired(reply("That's not my problem, ask the courier."), 'forbidden.blame')).toEqual([1]);
    expect(fired(reply('Contact the manufacturer yourself.'), 'forbidden.blame')).toEqual([1]);
    expect(fired(reply('No way, that can’t be done.'), 'forbidden.refusal')).toEqual([1]);
    expect(fired(reply("That's impossible."), 'forbidden.refusal')).toEqual([1]);
    expect(fired(reply("Don't you know how to read the instructions?"), 'forbidden.condescension')).toEqual([1]);
    expect(fired(reply('You understood it wrong.'), 'forbidden.condescension')).toEqual([1]);
    expect(fired(reply("I'm busy, just wait."), 'forbidden.impatience')).toEqual([1]);
    expect(fired(reply('Hurry up, I have other customers.'), 'forbidden.impatience')).toEqual([1]);
    expect(fired(reply('Why are you shouting at me?'), 'forbidden.defensiveness')).toEqual([1]);
    expect(fired(reply('It wasn’t me who made the mistake.'), 'forbidden.defensiveness')).toEqual([1]);
    expect(fired(reply('None of your business.'), 'forbidden.rudeness')).toEqual([1]);
    // asked for the agent number, the same words are identity.refused, not also rudeness
    expect(fired(reply('None of your business.', "What's your agent number?"), 'forbidden.rudeness')).toEqual([]);
    expect(fired(reply('None of your business.', "What's your agent number?"), 'identity.refused')).toEqual([1]);
    expect(fired(reply("I won't give you my number."), 'forbidden.rudeness')).toEqual([1]);
    // near misses: an offer after a limit, a quoted form rejected, a referral by the agent themselves, the customer's own words
    const none = (messages: QaMessage[]) => inspect(messages).findings.filter((f) => f.rule.startsWith('forbidden.'));
    expect(none(reply("I can't promise a refund, but I can replace it today."))).toEqual([]);
    expect(none(reply("I'd never say that's not my problem; I'll contact the courier for you now."))).toEqual([]);
    expect(none(reply("I'll call the courier myself and ask them to deliver it again today."))).toEqual([]);
    expect(none(conv([['customer', "That's impossible, no way!"], ['agent', 'I understand, let me check it for you.']]))).toEqual([]);
  });

  it('opening.greeting: the first agent message greets (a welcome after the joined line counts); "hi" inside "this" is not a greeting', () => {
    const noGreeting = conv([['customer', 'Anyone there?'], ['agent', 'Go ahead.'], ['customer', 'Check my order'], ['agent', 'OK.']]);
    expect(fired(noGreeting, 'opening.greeting')).toEqual([null]);
    expect(fired(conv([['customer', 'Anyone there?'], ['agent', 'This is the billing desk, go ahead.']]), 'opening.greeting')).toEqual([null]);
    expect(fired(conv([['customer', 'Anyone there?'], ['agent', 'Hello, go ahead.']]), 'opening.greeting')).toEqual([]);
    expect(fired(conv([['customer', 'Anyone there?'], ['agent', 'Good morning! How can I help?']]), 'opening.greeting')).toEqual([]);
    expect(fired(conv([['customer', 'Anyone there?'], ['agent', 'Thanks for contacting Zhike support, what can I do for you?']]), 'opening.greeting')).toEqual([]);
    const welcomed = conv([['system', 'Sam (agent 1024) joined'], ['system', 'Welcome to Zhike support!'], ['customer', 'Anyone there?'], ['agent', 'Go ahead.']], { 0: 'joined', 1: 'welcome' });
    expect(fired(welcomed, 'opening.greeting')).toEqual([]);
  });

  it('opening.identify: a name or agent number in the first two agent messages, or the joined line; "I\'m sorry" is not a name', () => {
    const noName = conv([['customer', 'Anyone there?'], ['agent', 'Hello, go ahead.'], ['customer', 'Check my order'], ['agent', 'OK.']]);
    expect(fired(noName, 'opening.identify')).toEqual([null]);
    const sorryOnly = conv([['customer', 'Anyone there?'], ['agent', "Hello, I'm sorry for the wait."], ['customer', 'Check my order'], ['agent', "I'm checking your order now."]]);
    expect(fired(sorryOnly, 'opening.identify')).toEqual([null]);
    expect(fired(conv([['customer', 'Anyone there?'], ['agent', 'Hello, this is Amy from Zhike support, go ahead.']]), 'opening.identify')).toEqual([]);
    expect(fired(conv([['customer', 'Anyone there?'], ['agent', 'Hello, my agent number is 2031.']]), 'opening.identify')).toEqual([]);
    expect(fired(conv([['customer', 'Anyone there?'], ['agent', 'Hi!'], ['customer', 'Hi'], ['agent', "I'm Jenny and I'll be helping you today."]]), 'opening.identify')).toEqual([]);
    expect(fired(conv([['system', 'Sam (agent 1024) joined'], ['customer', 'Anyone there?'], ['agent', 'Hello, go ahead.']], { 0: 'joined' }), 'opening.identify')).toEqual([]);
  });

  it('opening.apology_for_wait: after more than 60 s the agent apologises for the wait, not for something else', () => {
    expect(fired(conv([['customer', 'Anyone there?', 0], ['agent', 'Hello, go ahead.', 95]]), 'opening.apology_for_wait')).toEqual([1]);
    expect(fired(conv([['customer', 'Anyone there?', 0], ['agent', 'Hello, sorry for the wait, go ahead.', 95]]), 'opening.apology_for_wait')).toEqual([]);
    expect(fired(conv([['customer', 'Anyone there?', 0], ['agent', 'Thanks for waiting! How can I help?', 95]]), 'opening.apology_for_wait')).toEqual([]);
    expect(fired(conv([['customer', 'Anyone there?', 0], ['agent', 'Hello.', 95], ['agent', 'Sorry to keep you waiting.', 100]]), 'opening.apology_for_wait')).toEqual([]);
    expect(fired(conv([['customer', 'Anyone there?', 0], ['agent', 'Hello, go ahead.', 30]]), 'opening.apology_for_wait')).toEqual([]);
    // an apology for the parcel is not one for the wait
    expect(fired(conv([['customer', 'Where is my parcel?', 0], ['agent', 'Hello, sorry, your parcel is delayed.', 95]]), 'opening.apology_for_wait')).toEqual([1]);
  });

  it('closing: anything else, farewell, the last question closed, nothing left unanswered', () => {
    const good = conv(wrap([['customer', "What's the annual fee?"], ['agent', 'The first year is free. Is that clear?'], ['customer', 'Yes, clear.']]));
    for (const rule of ['closing.anything_else', 'closing.farewell', 'closing.closed_question', 'closing.unanswered']) expect(fired(good, rule), rule).toEqual([]);
    const abrupt = conv([['customer', "What's the annual fee?"], ['agent', 'Hello, the first year is free.'], ['customer', 'And the second year?']]);
    expect(fired(abrupt, 'closing.unanswered')).toEqual([2]);
    expect(fired(abrupt, 'closing.anything_else')).toEqual([null]);
    expect(fired(abrupt, 'closing.farewell')).toEqual([null]);
    // paraphrases of both closings
    const casual = conv([['customer', 'Is the shop open on Sunday?'], ['agent', 'Hi, yes, from 10 to 4. Anything else I can do for you today?'], ['customer', 'Nope'], ['agent', 'Great, take care!']]);
    expect(fired(casual, 'closing.anything_else')).toEqual([]);
    expect(fired(casual, 'closing.farewell')).toEqual([]);
    // a conversation still going on is not judged on closing
    expect(fired(abrupt, 'closing.farewell', false)).toEqual([]);
  });

  it('closing.closed_question: the agent’s last question must be a yes/no or a choice', () => {
    const end = (question: string): QaMessage[] =>
      conv([['customer', 'I lost my card'], ['agent', 'Hello, where did you lose it?'], ['customer', 'At the mall'], ['agent', question], ['customer', 'Sure'], ['agent', 'Done, goodbye.']]);
    expect(fired(end("I've blocked it. Where should we send the new one?"), 'closing.closed_question')).toEqual([null]);
    expect(fired(end('I have blocked it. How would you like to proceed?'), 'closing.closed_question')).toEqual([null]);
    expect(fired(conv([['customer', 'I lost my card'], ['agent', 'Hello, I have blocked it, goodbye.']]), 'closing.closed_question')).toEqual([null]);
    expect(fired(end("I've blocked it. Would you like me to send a new card?"), 'closing.closed_question')).toEqual([]);
    expect(fired(end("I've blocked it. A new card by post or pick it up at a branch, which do you prefer?"), 'closing.closed_question')).toEqual([]);
    expect(fired(end("I've blocked it, and a new card is on its way, ok?"), 'closing.closed_question')).toEqual([]);
  });

  it('closing.unanswered: a question left at the end fires; thanks or giving up needs no answer', () => {
    const last = (text: string) => conv([['customer', 'Can I return these shoes?'], ['agent', 'Hello, yes, within 30 days.'], ['customer', text]]);
    expect(fired(last('And who pays for the postage?'), 'closing.unanswered')).toEqual([2]);
    expect(fired(last('ok but where do I send them'), 'closing.unanswered')).toEqual([2]);
    expect(fired(last('Forget it, can you refund me or not?'), 'closing.unanswered')).toEqual([2]);
    expect(fired(last('Got it, thanks'), 'closing.unanswered')).toEqual([]);
    expect(fired(last('Never mind, I will keep them then.'), 'closing.unanswered')).toEqual([]);
  });

  it('closing.summary: a follow-up or an order needs its key details read back before the end', () => {
    const end: Line[] = [['agent', 'Is there anything else I can help you with?'], ['customer', 'No'], ['agent', 'Thanks for contacting us, goodbye!']];
    // the outcome stated with its details near the end: a recap
    const booked = conv([['customer', 'Please book me a room for May 3'], ['agent', "Hello, I've booked a king room for 1 night on May 3 for you, $388 in total, booking number 20260503118."], ...end]);
    expect(fired(booked, 'closing.summary')).toEqual([]);
    // an explicit read-back earlier counts too
    const readBack = conv([['customer', 'Please book me a room for May 3'], ['agent', 'Hello, just to confirm: one king room on May 3, is that right?'], ['customer', 'Yes'], ['agent', "OK, I've booked it for you."], ['customer', 'OK'], ...end]);
    expect(fired(readBack, 'closing.summary')).toEqual([]);
    // the next step with its time is a recap of the follow-up
    const timed = conv([['customer', 'My bill has an extra $100 on it, what is it?'], ['agent', 'Hello, that is a data pack.'], ['customer', 'Refund it please.'], ['agent', "I've submitted the refund request; the money will be back on your card by Friday."], ...end]);
    expect(fired(timed, 'closing.summary')).toEqual([]);
    // a promise with no details repeated back fires; details that only explained the cause earlier do not count
    const promised = conv([['customer', 'My bill has an extra $100 on it, what is it?'], ['agent', 'Hello, the extra $100 is for the data pack ordered on March 2.'], ['customer', 'Refund it please.'], ['agent', "I've submitted the refund request; we'll text you when there's a result."], ...end]);
    expect(fired(promised, 'closing.summary')).toEqual([null]);
    const placed = conv([['customer', "I'd like to order a large pizza"], ['agent', 'Sure, your order has been placed.'], ...end]);
    expect(fired(placed, 'closing.summary')).toEqual([null]);
    // a customer who gave up has no outcome to recap
    const gaveUp = conv([['customer', 'I want to complain, your coupon does not work at all!'], ['agent', "I'm very sorry, this coupon only applies to selected items."], ['customer', "Forget it, I won't buy it."], ['agent', 'OK, sorry for the trouble, goodbye.']]);
    expect(fired(gaveUp, 'closing.summary')).toEqual([]);
  });

  it('identity.refused: the customer asks for the name or agent number and the agent evades; giving it is fine', () => {
    const refused = conv([['customer', "What's your employee number?"], ['agent', "I'm not able to share that."]]);
    expect(fired(refused, 'identity.refused')).toEqual([1]);
    expect(inspect(refused).score).toMatchObject({ score: 0, vetoed: true });
    expect(fired(conv([['customer', 'Who am I speaking to?'], ['agent', 'Your issue will be handled.']]), 'identity.refused')).toEqual([1]);
    expect(fired(conv([['customer', "What's your name?"], ['agent', 'My name is Sam, agent number 1024. Anything else I can help with?']]), 'identity.refused')).toEqual([]);
    expect(fired(conv([['customer', 'Can I get your name please?'], ['agent', "Sure, I'm Sam."]]), 'identity.refused')).toEqual([]);
  });

  it('timing: first response over 60 s, a reply gap over 180 s', () => {
    const slow = conv([['customer', 'Anyone there?', 0], ['agent', 'Hello', 75], ['customer', 'Check my order', 80], ['agent', 'OK', 400]]);
    expect(fired(slow, 'timing.first_response')).toEqual([1]);
    expect(fired(slow, 'timing.reply_gap')).toEqual([3]);
    const quick = conv([['customer', 'Anyone there?', 0], ['agent', 'Hello', 20], ['customer', 'Check my order', 30], ['agent', 'OK', 100]]);
    expect(fired(quick, 'timing.first_response')).toEqual([]);
    expect(fired(quick, 'timing.reply_gap')).toEqual([]);
    // a bot's answer is not the agent's first response
    const bot = conv([['customer', 'Anyone there?', 0], ['bot', 'An agent will be with you shortly.', 2], ['agent', 'Hello, sorry for the wait.', 90]]);
    expect(fired(bot, 'timing.first_response')).toEqual([2]);
  });

  it('emotion.empathy_first: an angry customer answered business-first fires; acknowledging the feeling first is right', () => {
    const angry = "What a rubbish service! I've been waiting a whole week!";
    expect(fired(conv([['customer', angry], ['agent', 'Please give me your order number.']]), 'emotion.empathy_first')).toEqual([1]);
    expect(fired(conv([['customer', "I'm fed up, this is useless!"], ['agent', "What's your order number?"]]), 'emotion.empathy_first')).toEqual([1]);
    const warm = conv([['customer', angry], ['agent', "I'm so sorry for the wait, I understand how frustrating this is. Could you give me your order number so I can check right away?"]]);
    expect(fired(warm, 'emotion.empathy_first')).toEqual([]);
    expect(fired(conv([['customer', angry], ['agent', 'I can see how frustrating that must be. Let me look into it now.']]), 'emotion.empathy_first')).toEqual([]);
    // a customer who is only a little disappointed can be answered on the matter
    expect(fired(conv([['customer', 'The delivery was a bit slow.'], ['agent', 'Could you give me your order number?']]), 'emotion.empathy_first')).toEqual([]);
  });

  it('complaint.steps names what is missing; a complaint handled by the six steps passes', () => {
    const complaint = "I want to make a complaint! Your courier left my parcel at the door and it's gone!";
    const handled = conv(
      wrap([
        ['customer', complaint],
        ['agent', "I'm so sorry for the trouble this has caused, I understand how upsetting this is. What's the tracking number of the parcel?"],
        ['customer', 'SF123456'],
        ['agent', "I've checked it. Would a full refund work for you?"],
        ['customer', 'Yes'],
        ['agent', "I've submitted the refund, it will reach your account by 5 pm today. Sorry again, thank you for your patience, we will improve our delivery checks."],
      ]),
    );
    expect(fired(handled, 'complaint.steps')).toEqual([]);
    const bare = conv([['customer', complaint], ['agent', 'Hello, noted.'], ['agent', 'Bye.']]);
    const [f] = inspect(bare).findings.filter((x) => x.rule === 'complaint.steps');
    expect(f.detail).toContain('2 平息');
    expect(f.detail).toContain('4 探讨');
    // a complaint in other words (charged twice): an apology and a question are there, no remedy
    const twice = conv([['customer', 'You charged me twice for one order!'], ['agent', "I'm sorry about that. Which card did you pay with?"], ['customer', 'Visa'], ['agent', "I've noted it. Sorry again."]]);
    const [g] = inspect(twice).findings.filter((x) => x.rule === 'complaint.steps');
    expect(g.detail).toBe('4 探讨');
    // not a complaint: a plain question
    expect(fired(conv(wrap([['customer', 'Do you ship abroad?'], ['agent', 'Yes, to 30 countries. Does that help?'], ['customer', 'Yes']])), 'complaint.steps')).toEqual([]);
  });

  it('scores a complaint on the complaint sheet, other contacts on the chat sheet; a sheet can be named', () => {
    const complaint = conv(wrap([['customer', 'I want to complain! You lost my parcel, this is outrageous.'], ['agent', 'OK, what is your tracking number?']]));
    const inspected = inspect(complaint);
    expect(inspected.sheet).toMatchObject({ id: 'complaint', name: 'Complaint handling' });
    expect(inspected.findings.find((f) => f.rule === 'complaint.steps')).toBeTruthy();
    expect(inspected.score.dimensions.find((d) => d.category === 'complaint')?.deducted).toBe(15);
    const question = conv(wrap([['customer', "What's the annual fee?"], ['agent', 'The first year is free. Is that clear?'], ['customer', 'Yes, clear.']]));
    expect(inspect(question).sheet).toMatchObject({ id: 'chat', name: 'Online chat' });
    expect(inspectMessages(question, { closed: true, locale: 'en', facts: { channel: 'phone' } }).sheet).toMatchObject({ id: 'phone', name: 'Phone transcript' });
    expect(inspectMessages(question, { closed: true, locale: 'en', sheet: 'complaint' }).sheet.id).toBe('complaint');
  });

  it('order.confirm_details: an order read back and confirmed passes; one placed without it fires; self-service places nothing', () => {
    const ask = "I'd like to book two train tickets to Boston for tomorrow";
    const confirmed = conv([['customer', ask], ['agent', 'Hello! Just to confirm: two standard seats from New York to Boston tomorrow at 9 am, $120 in total. Is that correct?'], ['customer', 'Yes'], ['agent', "Done, I've booked them for you."]]);
    expect(fired(confirmed, 'order.confirm_details')).toEqual([]);
    expect(fired(conv([['customer', ask], ['agent', "Hi, sure, I've booked them for you."]]), 'order.confirm_details')).toEqual([null]);
    expect(fired(conv([['customer', 'Please set up a monthly investment of $500 for me'], ['agent', "Hello, it's all set up for you."]]), 'order.confirm_details')).toEqual([null]);
    const selfService = conv([['customer', "I'd like to sign up for mobile banking transfers"], ['agent', "Hello, you can sign up yourself in the app under Settings, you'll get a text code to confirm."], ['customer', 'OK'], ['agent', 'Did it work?']]);
    expect(fired(selfService, 'order.confirm_details')).toEqual([]);
  });

  it('followup.concrete_time: a promise without a time fires on its message; a time makes it concrete', () => {
    const reply = (text: string) => conv([['customer', 'When will I hear back?'], ['agent', text]]);
    expect(fired(reply("We'll let you know as soon as we have a result."), 'followup.concrete_time')).toEqual([1]);
    expect(fired(reply("I'll get back to you shortly."), 'followup.concrete_time')).toEqual([1]);
    expect(fired(reply("You'll receive an email once it's approved."), 'followup.concrete_time')).toEqual([1]);
    expect(fired(reply("I'll get back to you by 5 pm today."), 'followup.concrete_time')).toEqual([]);
    expect(fired(reply('As soon as possible: within 2 hours someone will contact you.'), 'followup.concrete_time')).toEqual([]);
    expect(fired(reply('Someone from our team will be in touch tomorrow morning.'), 'followup.concrete_time')).toEqual([]);
    // doing it now is no promise to come back
    expect(fired(reply("I'll email you the form now."), 'followup.concrete_time')).toEqual([]);
  });

  it('unrelated.handling: an unrelated contact needs the purpose asked or a polite end', () => {
    expect(fired(conv([['customer', 'Tell me a joke'], ['agent', 'No.']]), 'unrelated.handling')).toEqual([null]);
    expect(fired(conv([['customer', 'Hi'], ['customer', "What's the weather like today?"], ['agent', 'Sunny.']]), 'unrelated.handling')).toEqual([null]);
    expect(fired(conv([['customer', 'Tell me a joke'], ['agent', 'Hello, what can I help you with today?']]), 'unrelated.handling')).toEqual([]);
    const politeEnd = conv([['customer', 'Tell me a joke'], ['agent', "Ha, jokes aren't my thing. Is there anything else I can help you with?"], ['customer', 'No'], ['agent', 'Thanks for stopping by, have a nice day!']]);
    expect(fired(politeEnd, 'unrelated.handling')).toEqual([]);
    // a real question after a hello is not unrelated
    expect(fired(conv([['customer', 'Hi'], ['customer', 'Is this jacket waterproof?'], ['agent', 'Yes, it is.']]), 'unrelated.handling')).toEqual([]);
  });
});
