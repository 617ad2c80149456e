import { describe, expect, it } from 'vitest';
import { NaiveBayes } from './classifier.js';
import { evaluate, evaluateDetection } from './evaluate.js';
import { createNlp } from './engine.js';
import { normalize } from './normalize.js';
import { expandPattern, parsePack, type NlpPackInput } from './pack.js';
import { wordTokenizer } from './tokenize.js';

// A tiny table converter stands in for OpenCC here (the adapter test runs the real one).
const table: Record<string, string> = { 這: '这', 個: '个', 貨: '货', 們: '们', 沒: '没', 關: '关', 係: '系' };
const convert = (s: string) => [...s].map((c) => table[c] ?? c).join('');

describe('normalize', () => {
  it('makes full-width ASCII half-width, lower-cases, simplifies, and keeps every position', () => {
    const n = normalize('ＡＢＣ１２３，這個貨！！', convert);
    expect(n.text).toBe('abc123,这个货!!');
    expect(n.text.length).toBe(n.original.length);
    expect(n.exclamations).toBe(2);
    expect(n.longestPunctuationRun).toBe(2);
  });

  it('keeps emoji and counts repeated ？！ as signals', () => {
    const n = normalize('什么情况？？？😡😡');
    expect(n.emoji).toEqual(['😡', '😡']);
    expect(n.questions).toBe(3);
    expect(n.longestPunctuationRun).toBe(3);
    expect(n.text).toContain('😡');
  });

  it('falls back to character-by-character conversion when a converter changes the length', () => {
    const lengthening = (s: string) => s.replace(/貨/g, '货物');
    const n = normalize('退貨', lengthening);
    expect(n.text).toBe('退貨'); // 貨 → 货物 would shift every later span, so that character stays
    expect(normalize('退這', (s) => (s.length > 1 ? s + 'x' : convert(s))).text).toBe('退这');
  });
});

describe('NaiveBayes', () => {
  it('learns labels from features and gives a posterior that sums to 1', () => {
    const nb = new NaiveBayes<'a' | 'b'>();
    nb.train([
      { label: 'a', features: ['x', 'y'] },
      { label: 'a', features: ['x'] },
      { label: 'b', features: ['z'] },
    ]);
    const p = nb.predict(['x']);
    expect(p.label).toBe('a');
    expect(p.posterior.a + p.posterior.b).toBeCloseTo(1, 9);
    expect(p.confidence).toBeGreaterThan(0.6);
    expect(nb.predict(['unknown']).confidence).toBe(0.5);
  });

  it('says what to do when it has no examples', () => {
    expect(() => new NaiveBayes().predict(['x'])).toThrow(/add training sentences/);
  });
});

const tinyPack: NlpPackInput = {
  locale: 'en',
  version: 1,
  stopWords: ['the'],
  synonyms: [['refund', 'money back']],
  concepts: { MINE: ['my', 'our'] },
  disclaimers: ["(?:never|won't) say[^,.!?;]{0,6}"],
  intents: { consult: ['how much is it', 'what does it cost'], fault: ['it is broken', 'the app crashes'] },
  emotion: { lexicon: { anger: { furious: 1.5 }, satisfaction: { great: 1 } }, negators: ['not'], degree: { very: 1.5 }, sarcasm: ['oh great'] },
  signals: { media: ['journalist'], regulator: [], lawyer: ['lawyer'], cancel: [] },
  forbidden: {
    rules: [{ category: 'blame', pattern: 'not {MINE} (?:problem|job)' }],
    suggestions: {
      blame: { pattern: 'willingness', text: 'I will check it for you.' },
      refusal: { pattern: 'alternative', text: 'You can…' },
      condescension: { pattern: 'acknowledge', text: 'I understand…' },
      impatience: { pattern: 'request', text: 'Could you…?' },
      defensiveness: { pattern: 'acknowledge', text: 'I understand…' },
      rudeness: { pattern: 'reason', text: 'My number is…' },
    },
  },
};

describe('engine with a hand-made pack', () => {
  const engine = createNlp({ pack: parsePack(tinyPack), tokenizer: wordTokenizer });

  it('classifies, scores emotion with negation and sarcasm, and finds signals', () => {
    expect(engine.analyze('How much does the app cost?').intent.label).toBe('consult');
    expect(engine.analyze('The app crashes').intent.label).toBe('fault');
    expect(engine.analyze('I am very furious').emotion.label).toBe('anger');
    expect(engine.analyze('not great').emotion.label).toBe('dissatisfaction');
    expect(engine.analyze('Oh great, another week').emotion.label).toBe('anger');
    expect(engine.analyze('I will call my lawyer and a journalist').signals).toEqual(['media', 'lawyer']);
    expect(engine.analyze('the money back please').tokens).toEqual(['money', 'back', 'please']);
  });

  it('finds 禁语 in agent text only, with spans in the original text, and honours disclaimers', () => {
    const text = 'Sorry, NOT MY PROBLEM.';
    const [finding] = engine.analyze(text, 'agent').forbidden;
    expect(finding).toMatchObject({ category: 'blame', pattern: 'willingness', text: 'NOT MY PROBLEM' });
    expect(text.slice(...finding.span)).toBe('NOT MY PROBLEM');
    expect(engine.analyze(text, 'customer').forbidden).toEqual([]);
    expect(engine.analyze("I won't say not my problem", 'agent').forbidden).toEqual([]);
  });

  it('retrains with added examples', () => {
    expect(engine.analyze('the screen flickers').intent.label).not.toBe('fault');
    const { ms, examples } = engine.retrain([{ label: 'fault', text: 'the screen flickers' }]);
    expect(examples).toBe(5);
    expect(ms).toBeLessThan(2000);
    expect(engine.analyze('screen flickers').intent.label).toBe('fault');
  });
});

describe('emotion: patterns, ignored phrases, contrast, strong negation, questions', () => {
  const pack = parsePack({
    ...tinyPack,
    emotion: {
      lexicon: { dissatisfaction: { disappointed: 1.2, slow: 0.4 }, satisfaction: { good: 1, great: 1 }, anger: { furious: 1.5 } },
      negators: ['not', 'never'],
      strongNegators: ['never'],
      degree: { very: 1.5 },
      sarcasm: [],
      ignore: ['good morning'],
      contrast: ['but'],
      patterns: { dissatisfaction: [{ pattern: 'too (?:slow|long|careless)', weight: 1 }] },
    },
  });
  const engine = createNlp({ pack, tokenizer: wordTokenizer });
  const label = (t: string) => engine.analyze(t).emotion.label;

  it('a phrase pattern reads a feeling no single word carries, and a negator cancels it', () => {
    expect(label('the wait was too long')).toBe('dissatisfaction');
    expect(label('the wait was not too long')).not.toBe('dissatisfaction');
  });

  it('an ignored phrase hides the shorter term inside it', () => {
    expect(label('good morning')).toBe('neutral');
    expect(label('good service')).toBe('satisfaction');
  });

  it('after a contrast word the earlier praise counts for half', () => {
    expect(label('good product but too careless packing')).toBe('dissatisfaction');
  });

  it('a strongly negated complaint is praise; a plainly negated one is no feeling', () => {
    expect(label('never disappointed')).toBe('satisfaction');
    expect(label('not disappointed')).toBe('neutral');
  });

  it('asking about a quality states no feeling about it', () => {
    expect(label('is it good?')).toBe('neutral');
    expect(label('it is good!')).toBe('satisfaction');
  });
});

describe('emotion: a term straddling two words is not read', () => {
  // A dictionary tokenizer stands in for jieba here (the adapter test runs the real one).
  const tokenizer = { cut: (t: string) => t.match(/工单|一周|品种|单一|[\s\S]/g) ?? [] };
  const pack = parsePack({ ...tinyPack, locale: 'zh-CN', emotion: { ...tinyPack.emotion, lexicon: { dissatisfaction: { 单一: 1 } } } });
  const engine = createNlp({ pack, tokenizer });
  it('单一 counts in 品种单一 but not inside 工单一周', () => {
    expect(engine.analyze('品种单一').emotion.label).toBe('dissatisfaction');
    expect(engine.analyze('工单一周前提交的').emotion.label).toBe('neutral');
  });
});

describe('禁语: an apology before or an offer after cancels a rule with unless', () => {
  const pack = parsePack({
    ...tinyPack,
    concepts: { ...tinyPack.concepts, OFFER: ['i can', 'sorry'] },
    forbidden: { ...tinyPack.forbidden, rules: [{ category: 'refusal', pattern: "can't do (?:it|that)", unless: '{OFFER}' }] },
  });
  const engine = createNlp({ pack, tokenizer: wordTokenizer });
  it('reads the neighbouring clauses, not only its own', () => {
    expect(engine.analyze("We can't do that.", 'agent').forbidden.map((f) => f.category)).toEqual(['refusal']);
    expect(engine.analyze("We can't do that today, I can book tomorrow morning", 'agent').forbidden).toEqual([]);
    expect(engine.analyze("Sorry, we can't do that today", 'agent').forbidden).toEqual([]);
    // Two clauses away is another matter.
    expect(engine.analyze("We can't do that. Goodbye. I can hang up", 'agent').forbidden).toHaveLength(1);
  });
});

describe('packs', () => {
  it('expands concepts and names an unknown one', () => {
    expect(expandPattern('{SELF} x', { SELF: ['i', 'we'] })).toBe('(?:i|we) x');
    expect(() => expandPattern('{NOPE}', {})).toThrow(/concept \{NOPE\}/);
  });

  it('rejects a pack with an unknown intent label', () => {
    expect(() => parsePack({ ...tinyPack, intents: { shopping: ['x'] } })).toThrow();
  });
});

describe('metrics', () => {
  it('computes accuracy, macro-F1 and detection precision/recall', () => {
    const r = evaluate(
      [
        { label: 'a', text: 'a' },
        { label: 'a', text: 'b' },
        { label: 'b', text: 'b' },
      ],
      (t) => t,
    );
    expect(r.accuracy).toBeCloseTo(2 / 3);
    expect(r.macroF1).toBeCloseTo((2 / 3 + 2 / 3) / 2);
    const d = evaluateDetection(
      [
        { label: 'blame', text: 'x' },
        { label: 'none', text: 'y' },
        { label: 'rudeness', text: 'z' },
      ],
      (t) => (t === 'z' ? [] : ['blame']),
    );
    expect(d.precision).toBe(0.5);
    expect(d.recall).toBe(0.5);
  });
});
