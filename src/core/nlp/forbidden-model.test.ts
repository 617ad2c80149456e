import { describe, expect, it } from 'vitest';
import { ForbiddenDetector, clausesOf, trainForbiddenModel } from './forbidden.js';
import { SoftmaxRegression } from './linear.js';
import { normalize } from './normalize.js';
import { parsePack, type NlpPackInput } from './pack.js';
import type { Tokenizer } from './types.js';

describe('SoftmaxRegression', () => {
  const rows = [
    { label: 'rude', features: ['傻', '你'] },
    { label: 'rude', features: ['笨', '你'] },
    { label: 'rude', features: ['傻', '真'] },
    { label: 'none', features: ['您', '你'] },
    { label: 'none', features: ['您', '帮'] },
    { label: 'none', features: ['谢', '你'] },
  ];

  it('weighs features against each other: a word seen on both sides counts for little, the telling one decides', () => {
    const m = new SoftmaxRegression<string>();
    m.train(rows);
    expect(m.predict(['傻']).label).toBe('rude');
    expect(m.predict(['您']).label).toBe('none');
    const both = m.predict(['你']).posterior;
    expect(Math.abs(both.rude - both.none)).toBeLessThan(Math.abs(m.predict(['傻']).posterior.rude - m.predict(['傻']).posterior.none));
    expect(m.predict(['傻']).posterior.rude + m.predict(['傻']).posterior.none).toBeCloseTo(1, 9);
  });

  it('is deterministic, and training in steps gives the same model as training at once', () => {
    const a = new SoftmaxRegression<string>();
    a.train(rows, { epochs: 5 });
    const b = new SoftmaxRegression<string>();
    let steps = 0;
    for (const _ of b.training(rows, { epochs: 5 })) steps++;
    expect(steps).toBe(5); // a pause once the rows are indexed, and between epochs
    for (const f of [['傻'], ['您', '傻'], ['未见过']]) expect(b.predict(f).posterior).toEqual(a.predict(f).posterior);
  });

  it('says what to do when it has no examples', () => {
    expect(() => new SoftmaxRegression().predict(['x'])).toThrow(/add training sentences/);
  });
});

// Characters as words: the core is tested without jieba (the adapter's tests run the real pack).
const chars: Tokenizer = { cut: (t) => [...t] };
const tokens = (t: string) => chars.cut(t).filter((c) => c.trim() && !/[,.!?;~]/.test(c));

const pack = parsePack({
  locale: 'zh-CN',
  version: 1,
  intents: {},
  emotion: { lexicon: {}, negators: [], degree: {}, sarcasm: [] },
  signals: {},
  concepts: { OFFER: ['您可以', '可以帮您', '帮您'] },
  forbidden: {
    rules: [{ category: 'refusal', pattern: '不能退' }],
    suggestions: {
      blame: { pattern: 'willingness', text: '我会帮您联系。' },
      refusal: { pattern: 'alternative', text: '您可以…' },
      condescension: { pattern: 'acknowledge', text: '我理解…' },
      impatience: { pattern: 'request', text: '您能稍等吗?' },
      defensiveness: { pattern: 'acknowledge', text: '我理解您的心情。' },
      rudeness: { pattern: 'reason', text: '抱歉。' },
    },
    learnedThreshold: 0.6,
    confirmThreshold: 0.05,
    confirmThresholdOffered: 0.3,
    learnedUnless: '{OFFER}',
  },
  forbiddenLines: [
    { text: '你是不是傻', label: 'rudeness', span: '你是不是傻' },
    { text: '您好,你是不是傻啊', label: 'rudeness', span: '你是不是傻啊' },
    { text: '你脑子是不是有问题', label: 'rudeness', span: '你脑子是不是有问题' },
    { text: '收到,你这人真是傻得可以', label: 'rudeness', span: '你这人真是傻得可以' },
    { text: '好的,你怎么这么笨', label: 'rudeness', span: '你怎么这么笨' },
    { text: '你是猪吗', label: 'rudeness', span: '你是猪吗' },
    { text: '您好,请问有什么可以帮您', label: 'none' },
    { text: '好的,我马上帮您查', label: 'none' },
    { text: '收到,请您稍等', label: 'none' },
    { text: '这个已经过了期限,您可以申请换货,我帮您办', label: 'none' },
    { text: '您可以申请换货,运费我们出', label: 'none' },
    { text: '谢谢您的耐心', label: 'none' },
    { text: '您说得对,是我们没写清楚', label: 'none' },
  ],
} satisfies NlpPackInput);

const detector = new ForbiddenDetector(pack, tokens);
const found = (text: string) => detector.detect(normalize(text)).map((f) => [f.category, f.text]);

describe('ForbiddenDetector with the learned model', () => {
  it('finds a forbidden clause in words no rule has, and points at that clause, not the polite ones around it', () => {
    expect(found('收到,你是不是有点傻')).toEqual([['rudeness', '你是不是有点傻']]);
    expect(found('您好,请问有什么可以帮您')).toEqual([]);
  });

  it("vetoes a rule's match that the model reads as innocent where the message offers something, and trusts the rule where the model knows nothing", () => {
    expect(found('这个不能退,您可以申请换货')).toEqual([]);
    expect(found('这个不能退')).toEqual([['refusal', '不能退']]);
  });

  it('trains once per pack and in steps, yielding between them', () => {
    let steps = 0;
    const run = trainForbiddenModel({ ...pack, forbiddenLines: [...pack.forbiddenLines] }, tokens, { epochs: 3, seed: 11 });
    while (!run.next().done) steps++;
    expect(steps).toBeGreaterThanOrEqual(3);
    expect(clausesOf('您好, 你是不是傻?').map((c) => [c.text, c.mark])).toEqual([
      ['您好', ','],
      ['你是不是傻', '?'],
    ]);
  });

  it('reads a clause of emoji alone with the clause before it: 再见!😊 is one clause, a leading emoji stays its own', () => {
    expect(clausesOf('祝您旅途愉快,再见!😊').map((c) => [c.text, c.mark])).toEqual([
      ['祝您旅途愉快', ','],
      ['再见!😊', ''],
    ]);
    expect(clausesOf('好的 拜拜~🌸🙏').map((c) => c.text)).toEqual(['好的', '拜拜~🌸🙏']);
    expect(clausesOf('😊,您好').map((c) => c.text)).toEqual(['😊', '您好']);
  });
});
