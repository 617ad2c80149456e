import { NaiveBayes } from './classifier.js';
import { compilePattern, type NlpPack } from './pack.js';
import type { Normalized } from './normalize.js';
import type { Emotion, EmotionResult } from './types.js';

type Scored = Exclude<Emotion, 'neutral'>;
interface Term {
  term: string;
  /** null: an ignored phrase (不好意思), read as no feeling so that no shorter term inside it counts. */
  label: Scored | null;
  weight: number;
}

interface Phrase {
  label: Scored;
  re: RegExp;
  weight: number;
}

/** A question about a quality ("好用吗", "好不好用") states no feeling about it. */
/** Is `at` inside a pair of ASCII double quotes (the normaliser makes “” and 「」 ASCII)? */
function insideQuotes(text: string, at: number): boolean {
  let open = false;
  for (let i = 0; i < at; i++) if (text[i] === '"') open = !open;
  return open && text.indexOf('"', at) !== -1;
}

/** Words that soften a 不 without changing what it negates (不太合理 = a milder 不合理). */
const SOFTENERS = ['怎么', '是很', '是太', '那么', '太', '大', '够', '很', '算'];

const QUESTION_AFTER = /^[^,.!?;]{0,3}[吗么]|^[^,.!?;]{0,2}\?/;

const CLAUSE_BREAK = /[,.!?;:~\n]/;
/** Where priority matters on a tie: the feeling an agent must handle first. */
const PRIORITY: Scored[] = ['anger', 'anxiety', 'dissatisfaction', 'satisfaction'];

/**
 * Lexicon scoring with the longest term at each position, so 不满意 is one dissatisfaction term
 * and not 满意 negated by accident. Before each term, in the same clause, a negator flips or
 * cancels it (不满意 → 不是不满意) and degree adverbs scale it (有点 0.6, 非常 1.6); sarcasm
 * patterns turn praise into anger; repeated ！？ raise intensity.
 */
export class EmotionAnalyzer {
  private readonly byFirst = new Map<string, Term[]>();
  private readonly negators: string[];
  private readonly degree: [string, number][];
  private readonly sarcasm: RegExp[];
  private readonly threshold: number;
  private readonly phrases: Phrase[] = [];
  private readonly contrast: string[];
  private readonly strongNegators: string[];

  private readonly learned?: NaiveBayes<Emotion>;
  private readonly learnedThreshold: number;

  /** `features` turns normalised text into classifier features (the engine's tokens + bigrams). */
  constructor(
    pack: Pick<NlpPack, 'emotion' | 'concepts'>,
    private readonly features?: (normalisedText: string) => string[],
  ) {
    for (const [label, terms] of Object.entries(pack.emotion.lexicon) as [Scored, Record<string, number>][]) {
      for (const [term, weight] of Object.entries(terms)) {
        const key = term[0];
        if (!this.byFirst.has(key)) this.byFirst.set(key, []);
        this.byFirst.get(key)!.push({ term, label, weight });
      }
    }
    for (const term of pack.emotion.ignore) {
      if (!this.byFirst.has(term[0])) this.byFirst.set(term[0], []);
      this.byFirst.get(term[0])!.push({ term, label: null, weight: 0 });
    }
    // Longest first; on equal length an ignored phrase wins.
    for (const list of this.byFirst.values()) list.sort((a, b) => b.term.length - a.term.length || (a.label === null ? -1 : b.label === null ? 1 : 0));
    for (const [label, list] of Object.entries(pack.emotion.patterns) as [Scored, { pattern: string; weight: number }[]][]) {
      for (const p of list) this.phrases.push({ label, re: compilePattern(p.pattern, pack.concepts), weight: p.weight });
    }
    this.contrast = [...pack.emotion.contrast].sort((a, b) => b.length - a.length);
    this.strongNegators = pack.emotion.strongNegators;
    this.negators = [...pack.emotion.negators].sort((a, b) => b.length - a.length);
    this.degree = Object.entries(pack.emotion.degree).sort((a, b) => b[0].length - a[0].length);
    this.sarcasm = pack.emotion.sarcasm.map((p) => compilePattern(p, pack.concepts, ''));
    this.threshold = pack.emotion.threshold;
    this.learnedThreshold = pack.emotion.learnedThreshold;
    const examples = Object.entries(pack.emotion.examples) as [Emotion, string[]][];
    if (features && examples.filter(([, e]) => e.length).length >= 2) {
      this.learned = new NaiveBayes(0.5);
      this.learned.train(examples.flatMap(([label, lines]) => lines.map((line) => ({ label, features: features(line.toLowerCase()) }))));
    }
  }

  /** `boundaries`: the tokenizer's word boundaries (Segmenter.segment); a term that starts and ends inside two different words is not read. */
  analyze(input: Normalized, boundaries?: Set<number>): EmotionResult {
    const { result: lexical, negatedOnly } = this.lexical(input, boundaries);
    // A feeling the text names and negates ("不着急", "没失望") is an answer: the model may not overrule it.
    if (lexical.label !== 'neutral' || negatedOnly || !this.learned || !this.features) return lexical;
    const p = this.learned.predict(this.features(input.text));
    if (p.label === 'neutral' || p.confidence < this.learnedThreshold) return lexical;
    return { label: p.label, intensity: Math.round((0.3 + 0.3 * p.confidence) * 100) / 100 };
  }

  /** Looks back from `end` over degree adverbs and negators (either order, same clause). */
  private modifiers(text: string, end: number, floor: number): { negated: boolean; strong: boolean; multiplier: number } {
    let negations = 0;
    let strong = false;
    let multiplier = 1;
    let i = end;
    let filler = false;
    for (let steps = 0; steps < 5 && i > floor; steps++) {
      while (i > floor && text[i - 1] === ' ') i--; // English words stand apart
      const before = text.slice(Math.max(floor, i - 6), i);
      const negator = this.negators.find((n) => before.endsWith(n));
      const degree = this.degree.find(([d]) => before.endsWith(d));
      // The longer reading wins: 特别 is a degree adverb, not 别.
      if (negator && !(degree && degree[0].length > negator.length)) {
        negations++;
        if (this.strongNegators.includes(negator)) strong = true;
        i -= negator.length;
        continue;
      }
      if (degree) {
        multiplier *= degree[1];
        i -= degree[0].length;
        continue;
      }
      // One filler character may sit among them: 不是很满意, 不那么好.
      if (!filler && i - 1 > floor && /[是得那么这]/.test(text[i - 1])) {
        filler = true;
        i -= 1;
        continue;
      }
      break;
    }
    return { negated: negations % 2 === 1, strong, multiplier };
  }

  private lexical(input: Normalized, boundaries?: Set<number>): { result: EmotionResult; negatedOnly: boolean } {
    const text = input.text;
    const score: Record<Scored, number> = { anger: 0, anxiety: 0, dissatisfaction: 0, satisfaction: 0 };
    let negatedTerms = 0;
    let counted = 0;
    const add = (label: Scored, weight: number, at: number, length: number, floor: number) => {
      const { negated, strong, multiplier } = this.modifiers(text, at, floor);
      if ((label === 'satisfaction' || label === 'dissatisfaction') && QUESTION_AFTER.test(text.slice(at + length))) return;
      // Praise in quotes is the company's words thrown back ("请耐心等待"), not the customer's.
      // So is a reassurance ("正在加急处理"): quoted, it is what they were told, not what they feel.
      if ((label === 'satisfaction' || label === 'anxiety') && insideQuotes(text, at)) return;
      const w = weight * multiplier;
      if (!negated) {
        score[label] += w;
        counted++;
        return;
      }
      negatedTerms++;
      if (label === 'satisfaction') score.dissatisfaction += w * 0.8;
      // 从来没失望过 is praise; 不慢 merely is not a complaint.
      // A plainly negated complaint alone ("没有不高兴") stays below the threshold: praise must come with it.
      else if (label === 'dissatisfaction') score.satisfaction += strong ? w : Math.min(w * 0.3, this.threshold * 0.9);
      // A negated worry or anger (不着急, 不生气) is no feeling at all.
    };
    // Phrases first: praise inside a complaint phrase ("把好用的功能都砍了", "不如以前用心") is part of the complaint.
    const complaintSpans: [number, number][] = [];
    const hits: { label: Scored; weight: number; at: number; length: number; floor: number }[] = [];
    for (const phrase of this.phrases) {
      phrase.re.lastIndex = 0;
      for (let m; (m = phrase.re.exec(text)); ) {
        if (m[0].length === 0) {
          phrase.re.lastIndex++;
          continue;
        }
        let floor = m.index;
        while (floor > 0 && !CLAUSE_BREAK.test(text[floor - 1])) floor--;
        hits.push({ label: phrase.label, weight: phrase.weight, at: m.index, length: m[0].length, floor });
        if (phrase.label !== 'satisfaction') complaintSpans.push([m.index, m.index + m[0].length]);
      }
    }
    // Phrase hits are scored where they stand, so a contrast word after them discounts them and one before does not.
    hits.sort((a, b) => a.at - b.at);
    let nextHit = 0;
    const flushHits = (upTo: number) => {
      for (; nextHit < hits.length && hits[nextHit].at <= upTo; nextHit++) {
        const h = hits[nextHit];
        add(h.label, h.weight, h.at, h.length, h.floor);
      }
    };
    let clauseStart = 0;
    let lastEnd = 0;
    for (let i = 0; i < text.length; ) {
      if (CLAUSE_BREAK.test(text[i])) {
        clauseStart = i + 1;
        i++;
        continue;
      }
      flushHits(i);
      const turn = this.contrast.find((c) => text.startsWith(c, i));
      if (turn && i > 0) {
        // What follows a 但是/就是 is what the customer means: the earlier part counts for half.
        for (const label of PRIORITY) score[label] *= 0.5;
        i += turn.length;
        lastEnd = i;
        continue;
      }
      const straddles = (length: number) => boundaries !== undefined && length > 1 && !boundaries.has(i) && !boundaries.has(i + length) && [...Array(length - 1).keys()].some((k) => boundaries.has(i + k + 1));
      let term = this.byFirst.get(text[i])?.find((t) => text.startsWith(t.term, i) && !straddles(t.term.length));
      let length = term?.term.length ?? 0;
      // 不太合理, 不怎么方便, 不够专业: a softened 不X reads as the term 不X.
      if (text[i] === '不') {
        const infix = SOFTENERS.find((s) => text.startsWith(s, i + 1));
        const softened = infix && this.byFirst.get('不')?.find((t) => t.label && t.term.length > 1 && text.startsWith(t.term.slice(1), i + 1 + infix.length));
        if (softened && infix && 1 + infix.length + softened.term.length - 1 > length) {
          term = softened;
          length = infix.length + softened.term.length;
        }
      }
      if (!term) {
        i++;
        continue;
      }
      const inComplaint = term.label === 'satisfaction' && complaintSpans.some(([s, e]) => s <= i && i < e);
      if (term.label && !inComplaint) add(term.label, term.weight, i, length, Math.max(clauseStart, lastEnd));
      i += length;
      lastEnd = i;
    }
    flushHits(text.length);
    const sarcastic = this.sarcasm.some((re) => re.test(text));
    if (sarcastic) {
      // Praise said with an edge is anger, and so is the complaint it wraps ("真是好服务,等了三天没人理").
      score.anger += 0.6 + score.satisfaction + score.dissatisfaction;
      score.satisfaction = 0;
      score.dissatisfaction = 0;
    }
    const negative = score.anger + score.anxiety + score.dissatisfaction;
    if (input.longestPunctuationRun >= 2 && negative > 0) {
      const boost = Math.min(1, 0.3 * (input.longestPunctuationRun - 1));
      if (input.questions > input.exclamations && score.anger < score.anxiety + 0.01) score.anxiety += boost;
      else score.anger += boost;
    } else if (input.longestPunctuationRun >= 3 && negative === 0 && score.satisfaction === 0) {
      // Shouting (！！！) is anger and a row of ？？？ is urgency, even in words that carry no feeling.
      if (input.exclamations >= input.questions) score.anger += 0.6;
      else score.anxiety += 0.6;
    }
    // Anger outranks the milder negative feelings it comes with: clear hostility (an insult, a
    // threat) decides over more complaint words around it (worry keeps its own label).
    let best: Scored = 'satisfaction';
    let bestScore = -1;
    for (const label of PRIORITY) {
      if (score[label] > bestScore + 1e-9) {
        best = label;
        bestScore = score[label];
      }
    }
    if (best === 'dissatisfaction' && score.anger >= 2 * this.threshold && score.anger >= 0.6 * bestScore) {
      best = 'anger';
      bestScore = score.anger;
    }
    const negatedOnly = negatedTerms > 0 && counted === 0;
    if (bestScore < this.threshold) return { result: { label: 'neutral', intensity: 0 }, negatedOnly };
    const total = score.anger + score.anxiety + score.dissatisfaction + score.satisfaction;
    const intensity = Math.min(1, 0.25 + 0.25 * bestScore + 0.1 * (input.longestPunctuationRun >= 2 ? input.longestPunctuationRun : 0)) * (bestScore / total) ** 0.25;
    return { result: { label: best, intensity: Math.round(intensity * 100) / 100 }, negatedOnly };
  }
}
