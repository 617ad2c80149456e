import { NaiveBayes } from './classifier.js';
import { compilePattern, type NlpPack } from './pack.js';
import { disclaimed } from './signals.js';
import type { ForbiddenCategory, ForbiddenFinding, PolitePattern } from './types.js';
import type { Normalized } from './normalize.js';

interface Rule {
  category: ForbiddenCategory;
  re: RegExp;
  unless?: RegExp;
  unlessInMessage?: RegExp;
}

/**
 * 服务禁语 in agent text (METHOD.md §3), one module for the composer warning and quality
 * inspection alike. Rules match meanings through the pack's concepts ({SELF}, {OTHER_PARTY},
 * {NOT_OURS}…), not fixed strings; a match does not count when its clause says the opposite
 * (rule's `unless`) or disclaims it ("我不会说这不归我管"). Spans are in the original text.
 */
export class ForbiddenDetector {
  private readonly rules: Rule[];
  private readonly disclaimers: RegExp[];
  private readonly suggestions: NlpPack['forbidden']['suggestions'];

  private readonly learned?: NaiveBayes<ForbiddenCategory | 'none'>;
  private readonly learnedThreshold: number;
  private readonly disclaimersAnywhere: RegExp[];
  private readonly learnedUnless?: RegExp;

  /** `features` turns normalised text into classifier features (the engine's tokens + bigrams). */
  constructor(
    pack: Pick<NlpPack, 'forbidden' | 'concepts' | 'disclaimers'>,
    private readonly features?: (normalisedText: string) => string[],
  ) {
    this.rules = pack.forbidden.rules.map((r) => ({
      category: r.category,
      re: compilePattern(r.pattern, pack.concepts),
      unless: r.unless ? compilePattern(r.unless, pack.concepts, '') : undefined,
      unlessInMessage: r.unlessInMessage ? compilePattern(r.unlessInMessage, pack.concepts, '') : undefined,
    }));
    this.disclaimers = pack.disclaimers.map((p) => compilePattern(`(?:${p})$`, pack.concepts, ''));
    this.suggestions = pack.forbidden.suggestions;
    this.disclaimersAnywhere = pack.disclaimers.map((p) => compilePattern(p, pack.concepts, ''));
    this.learnedThreshold = pack.forbidden.learnedThreshold;
    if (pack.forbidden.learnedUnless) this.learnedUnless = compilePattern(pack.forbidden.learnedUnless, pack.concepts, '');
    const examples = Object.entries(pack.forbidden.examples) as [ForbiddenCategory | 'none', string[]][];
    if (features && examples.some(([l, e]) => l === 'none' && e.length) && examples.some(([l, e]) => l !== 'none' && e.length)) {
      this.learned = new NaiveBayes(0.5);
      this.learned.train(examples.flatMap(([label, lines]) => lines.map((line) => ({ label, features: features(normaliseExample(line)) }))));
    }
  }

  private finding(input: Normalized, category: ForbiddenCategory, start: number, end: number): ForbiddenFinding {
    const suggestion = this.suggestions[category];
    return { category, span: [start, end], text: input.original.slice(start, end), suggestion: suggestion.text, pattern: suggestion.pattern as PolitePattern };
  }

  /** Clauses no rule matched, read by the learned model. */
  private learnedFindings(input: Normalized, found: ForbiddenFinding[]): ForbiddenFinding[] {
    if (!this.learned || !this.features) return [];
    const out: ForbiddenFinding[] = [];
    const text = input.text;
    if (this.learnedUnless?.test(text)) return out;
    for (const m of text.matchAll(/[^,.!?;]+/g)) {
      let start = m.index;
      let end = start + m[0].length;
      while (start < end && text[start] === ' ') start++;
      while (end > start && text[end - 1] === ' ') end--;
      if (end - start < 2) continue;
      if (found.some((f) => f.span[0] < end && start < f.span[1])) continue;
      const clause = text.slice(start, end);
      if (this.disclaimersAnywhere.some((re) => re.test(clause))) continue;
      // A supposition ("如果这个办法不行") states nothing to the customer; the rules still read such clauses.
      if (CONDITIONAL.test(clause)) continue;
      const p = this.learned.predict(this.features(clause));
      if (p.label !== 'none' && p.confidence >= this.learnedThreshold) out.push(this.finding(input, p.label, start, end));
    }
    return out;
  }

  detect(input: Normalized): ForbiddenFinding[] {
    const text = input.text;
    const found: ForbiddenFinding[] = [];
    for (const rule of this.rules) {
      if (rule.unlessInMessage?.test(text)) continue;
      rule.re.lastIndex = 0;
      for (let m; (m = rule.re.exec(text)); ) {
        if (m[0].length === 0) {
          rule.re.lastIndex++;
          continue;
        }
        const start = m.index;
        const end = start + m[0].length;
        if (disclaimed(text, start, this.disclaimers)) continue;
        if (rule.unless && rule.unless.test(clausesAround(text, start, end))) continue;
        if (found.some((f) => f.span[0] < end && start < f.span[1])) continue; // first rule wins an overlap
        found.push(this.finding(input, rule.category, start, end));
      }
    }
    found.push(...this.learnedFindings(input, found));
    return found.sort((a, b) => a.span[0] - b.span[0]);
  }
}

const CONDITIONAL = /^(?:如果|要是|假如|假设|万一|若是|如若|倘若|一旦)/;

/**
 * The match's clause with its neighbours: an apology just before ("很抱歉,我们暂时做不到…") or an
 * offer just after ("…做不到当天送达,可以给您安排明天上午") changes what the words do.
 */
function clausesAround(text: string, start: number, end: number): string {
  const isBreak = (ch: string) => /[,.!?;]/.test(ch);
  let s = start;
  while (s > 0 && !isBreak(text[s - 1])) s--;
  if (s > 0) for (s--; s > 0 && !isBreak(text[s - 1]); ) s--;
  let e = end;
  while (e < text.length && !isBreak(text[e])) e++;
  if (e < text.length) for (e++; e < text.length && !isBreak(text[e]); ) e++;
  return text.slice(s, e);
}

/** Examples are authored text: the same width/case folding as the normaliser (no converter needed: packs are simplified). */
function normaliseExample(line: string): string {
  return line.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/。/g, '.').toLowerCase();
}
