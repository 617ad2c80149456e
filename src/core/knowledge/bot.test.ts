import { describe, expect, it } from 'vitest';
import { smallTalk } from '../reception/reception.js';
import { botSummary, decideBotTurn, historyOf, type BotTurn } from './bot.js';
import { csvToArticles } from './csv.js';

const neutral = { intent: { label: 'consult' as const, confidence: 0.9 }, emotion: { label: 'neutral' as const, intensity: 0 }, signals: [] };
const hits = [
  { articleId: 1, question: '怎么申请退款', score: 0.4 },
  { articleId: 2, question: '退款多久到账', score: 0.3 },
  { articleId: 3, question: '怎么退货', score: 0.2 },
  { articleId: 4, question: '运费谁出', score: 0.1 },
];
const turn = (over: Partial<BotTurn> = {}): BotTurn => ({
  asksHuman: false,
  grievance: false,
  smallTalk: null,
  analysis: neutral,
  search: { answered: false, results: [] },
  history: historyOf([]),
  ...over,
});

describe('the bot’s decisions', () => {
  it('answers when the knowledge base is confident, else offers at most three choices, else says it found nothing', () => {
    expect(decideBotTurn(turn({ search: { answered: true, results: hits } }))).toEqual({ kind: 'answer', articleId: 1 });
    expect(decideBotTurn(turn({ search: { answered: false, results: hits } }))).toEqual({ kind: 'choices', choices: hits.slice(0, 3) });
    expect(decideBotTurn(turn())).toEqual({ kind: 'none' });
    expect(decideBotTurn(turn({ smallTalk: 'greeting' }))).toEqual({ kind: 'smalltalk', which: 'greeting' });
  });

  it('hands over when asked, on any signal, on a complaint, on strong anger (in that order), and after two unanswered turns', () => {
    const confident = { search: { answered: true, results: hits } };
    expect(decideBotTurn(turn({ ...confident, asksHuman: true }))).toEqual({ kind: 'handoff', reason: 'asked' });
    expect(decideBotTurn(turn({ ...confident, analysis: { ...neutral, signals: ['regulator'] } }))).toEqual({ kind: 'handoff', reason: 'signal' });
    expect(decideBotTurn(turn({ ...confident, grievance: true, analysis: { ...neutral, intent: { label: 'complaint', confidence: 0.95 } } }))).toEqual({ kind: 'handoff', reason: 'complaint' });
    expect(decideBotTurn(turn({ ...confident, analysis: { ...neutral, intent: { label: 'complaint', confidence: 0.95 }, emotion: { label: 'dissatisfaction', intensity: 0.5 } } }))).toEqual({ kind: 'handoff', reason: 'complaint' });
    // calm, and no grievance in so many words: a question the classifier misread ("退款的问题") is answered
    expect(decideBotTurn(turn({ ...confident, analysis: { ...neutral, intent: { label: 'complaint', confidence: 0.95 } } })).kind).toBe('answer');
    // a doubtful complaint is not enough
    expect(decideBotTurn(turn({ ...confident, analysis: { ...neutral, intent: { label: 'complaint', confidence: 0.5 } } })).kind).toBe('answer');
    expect(decideBotTurn(turn({ ...confident, analysis: { ...neutral, emotion: { label: 'anger', intensity: 0.9 } } }))).toEqual({ kind: 'handoff', reason: 'anger' });
    expect(decideBotTurn(turn({ ...confident, analysis: { ...neutral, emotion: { label: 'anger', intensity: 0.4 } } })).kind).toBe('answer');
    const once = historyOf([{ kind: 'choices', choices: [{ articleId: 1, question: 'q' }] }]);
    expect(decideBotTurn(turn({ history: once, search: { answered: false, results: hits } }))).toEqual({ kind: 'handoff', reason: 'unanswered' });
    // an answer in between starts the count again
    const reset = historyOf([{ kind: 'none' }, { kind: 'answer', articleId: 1 }]);
    expect(decideBotTurn(turn({ history: reset })).kind).toBe('none');
  });

  it('unrelated: asks the purpose once; then clearly unrelated ends politely, still unclear goes to the 组长', () => {
    const unrelated = (confidence: number) => ({ ...neutral, intent: { label: 'unrelated' as const, confidence } });
    expect(decideBotTurn(turn({ analysis: unrelated(0.99) }))).toEqual({ kind: 'ask_purpose' });
    const asked = historyOf([{ kind: 'ask_purpose' }]);
    expect(decideBotTurn(turn({ analysis: unrelated(0.95), history: asked }))).toEqual({ kind: 'farewell' });
    expect(decideBotTurn(turn({ analysis: unrelated(0.6), history: asked }))).toEqual({ kind: 'handoff', reason: 'unclear' });
    expect(decideBotTurn(turn({ history: asked }))).toEqual({ kind: 'handoff', reason: 'unclear' });
    // the purpose learnt: the knowledge base answers as usual
    expect(decideBotTurn(turn({ history: asked, search: { answered: true, results: hits } }))).toEqual({ kind: 'answer', articleId: 1 });
  });

  it('summarises for the agent in one line: intent, emotion, signals, what it tried', () => {
    const history = historyOf([{ kind: 'answer', articleId: 1 }, { kind: 'choices', choices: [{ articleId: 2, question: 'a' }, { articleId: 3, question: 'b' }] }]);
    const line = botSummary({
      analysis: { intent: { label: 'complaint', confidence: 1 }, emotion: { label: 'anger', intensity: 0.8 }, signals: ['regulator'] },
      history,
      reason: 'complaint',
      articleTitles: new Map([[1, '怎么申请退款']]),
    });
    expect(line).toBe('机器人小结：投诉 · 愤怒 0.8 · 监管 · 已答《怎么申请退款》 · 推荐 2 条 · 转人工原因：投诉');
  });

  it('small talk is a whole message of greeting or thanks, not a question that starts with one', () => {
    expect(smallTalk('你好')).toBe('greeting');
    expect(smallTalk('在吗？')).toBe('greeting');
    expect(smallTalk('ｈｅｌｌｏ!')).toBe('greeting');
    expect(smallTalk('谢谢！')).toBe('thanks');
    expect(smallTalk('你好，发票怎么开')).toBeNull();
  });
});

describe('knowledge CSV', () => {
  it('reads Excel’s quoting, CRLF and a BOM; | or line breaks separate similar questions', () => {
    const { articles, errors } = csvToArticles('\uFEFFquestion,similarQuestions,answer,category,enabled\r\n"a, b","x|y\ny|a, b","line1\r\n""q""",,no\r\n');
    expect(errors).toEqual([]);
    expect(articles).toEqual([{ row: 2, question: 'a, b', similarQuestions: ['x', 'y'], answer: 'line1\r\n"q"', category: null, enabled: false }]);
  });
});
