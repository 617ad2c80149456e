import { SoftmaxRegression, type LinearOptions } from './linear.js';
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

type Label = ForbiddenCategory | 'none';

/** How the learned model is trained and heard; the pack sets the thresholds, an evaluation may try others. */
export interface ForbiddenTuning {
  /** P(forbidden) of a clause no rule matched at which the model reports it. */
  threshold?: number;
  /** P(forbidden) a rule's clause needs for the rule's match to stand (the model's veto on innocent uses of a marked word). */
  confirm?: number;
  /** The same where the message offers help (learnedUnless: 您可以…, 我帮您…), as innocent uses mostly do. */
  confirmOffered?: number;
  /** Above this P(forbidden) the model speaks even where the message offers help (learnedUnless). */
  overrule?: number;
  train?: LinearOptions;
}

/**
 * 服务禁语 in agent text (METHOD.md §3), one module for the composer warning and quality
 * inspection alike. Two readers:
 * - rules match meanings through the pack's concepts ({SELF}, {OTHER_PARTY}, {NOT_OURS}…), not
 *   fixed strings; a match does not count when its clause says the opposite (rule's `unless`) or
 *   disclaims it ("我不会说这不归我管");
 * - a learned model (logistic regression over the clause's words, word pairs and character
 *   n-grams) trained on the pack's labelled agent lines: it reads every clause, reports the
 *   forbidden ones no rule matched (rudeness said without a marked word), and vetoes a rule's
 *   match whose clause it reads as plainly innocent ("这个功能暂时不能用,您可以先…").
 * Spans are in the original text.
 */
export class ForbiddenDetector {
  private readonly rules: Rule[];
  private readonly disclaimers: RegExp[];
  private readonly suggestions: NlpPack['forbidden']['suggestions'];
  private readonly disclaimersAnywhere: RegExp[];
  private readonly learnedUnless?: RegExp;
  private readonly model?: SoftmaxRegression<Label>;
  private readonly threshold: number;
  private readonly confirm: number;
  private readonly confirmOffered: number;
  private readonly overrule: number;

  /** `tokens` segments normalised text into the engine's words (stop words dropped, synonyms mapped). */
  constructor(
    pack: Pick<NlpPack, 'forbidden' | 'concepts' | 'disclaimers'> & { forbiddenLines?: NlpPack['forbiddenLines'] },
    private readonly tokens?: (normalisedText: string) => string[],
    tuning: ForbiddenTuning = {},
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
    this.threshold = tuning.threshold ?? pack.forbidden.learnedThreshold;
    this.confirm = tuning.confirm ?? pack.forbidden.confirmThreshold;
    this.confirmOffered = tuning.confirmOffered ?? pack.forbidden.confirmThresholdOffered ?? this.confirm;
    this.overrule = tuning.overrule ?? pack.forbidden.overruleThreshold;
    if (pack.forbidden.learnedUnless) this.learnedUnless = compilePattern(pack.forbidden.learnedUnless, pack.concepts, '');
    if (tokens) this.model = trainedModel(pack, tokens, tuning.train);
  }

  /** The learned model's reading of each clause of normalised text: P(forbidden) and the likeliest category ([] without a model). */
  read(text: string): { clause: Clause; p: number; category: ForbiddenCategory }[] {
    const model = this.model;
    if (!model || !this.tokens) return [];
    const clauses = clausesOf(text);
    return clauseFeatures(clauses, this.tokens).map((features, i) => ({ clause: clauses[i], ...reading(model, features) }));
  }

  private finding(input: Normalized, category: ForbiddenCategory, start: number, end: number): ForbiddenFinding {
    const suggestion = this.suggestions[category];
    return { category, span: [start, end], text: input.original.slice(start, end), suggestion: suggestion.text, pattern: suggestion.pattern as PolitePattern };
  }

  detect(input: Normalized): ForbiddenFinding[] {
    const text = input.text;
    const matched: ForbiddenFinding[] = [];
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
        if (matched.some((f) => f.span[0] < end && start < f.span[1])) continue; // first rule wins an overlap
        matched.push(this.finding(input, rule.category, start, end));
      }
    }
    if (!this.model) return matched.sort((a, b) => a.span[0] - b.span[0]);
    const read = this.read(text);
    const found: ForbiddenFinding[] = [];
    const silent = this.learnedUnless?.test(text) ?? false;
    // A rule's match stands unless every clause it touches reads as plainly innocent.
    for (const f of matched) {
      const touched = read.filter(({ clause }) => clause.start < f.span[1] && f.span[0] < clause.end);
      const needed = silent ? this.confirmOffered : this.confirm;
      if (touched.length === 0 || touched.some((r) => r.p >= needed)) found.push(f);
    }
    for (const [i, { clause, p, category }] of read.entries()) {
      if (p < this.threshold || (silent && p < this.overrule)) continue;
      // "…不归我们部门,不过我已经帮您转给…": what the agent did instead follows at once.
      const next = read[i + 1]?.clause.text;
      if (silent && next && CONTRAST.test(next) && this.learnedUnless!.test(next)) continue;
      if (matched.some((f) => f.span[0] < clause.end && clause.start < f.span[1])) continue;
      if (this.disclaimersAnywhere.some((re) => re.test(clause.text))) continue;
      // A supposition ("如果这个办法不行") states nothing to the customer; the rules still read such clauses.
      if (CONDITIONAL.test(clause.text)) continue;
      found.push(this.finding(input, category, clause.start, clause.end));
    }
    return found.sort((a, b) => a.span[0] - b.span[0]);
  }
}

function reading(model: SoftmaxRegression<Label>, features: string[]): { p: number; category: ForbiddenCategory } {
  const prediction = model.predict(features);
  let category: ForbiddenCategory = 'rudeness';
  let best = -1;
  for (const label of model.labelList) if (label !== 'none' && prediction.posterior[label] > best) [category, best] = [label, prediction.posterior[label]];
  return { p: 1 - (prediction.posterior.none ?? 0), category };
}

/**
 * The model's features of each clause: its words, the words marked by whether a negation came
 * before them in the clause ("不负责" is blame, "我们也负责" an assurance: they share 负责, not 负责
 * after 不), word pairs, character 1-3-grams (Chinese letters and digits, with ^ and $ at the
 * ends: robust to segmentation and typos), the mark that ends it (a rhetorical "?", a curt "!"),
 * and the words of the clauses before and after it (the apology or the offer around a "不行").
 */
export function clauseFeatures(clauses: Clause[], tokens: (normalisedText: string) => string[]): string[][] {
  const words = clauses.map((c) => tokens(c.text));
  return clauses.map((clause, i) => {
    const out = new Set<string>();
    const own = words[i];
    let negated = false;
    for (let k = 0; k < own.length; k++) {
      out.add(`w:${own[k]}`);
      if (k + 1 < own.length) out.add(`ww:${own[k]}|${own[k + 1]}`);
      if (NEGATION.test(own[k])) negated = true;
      else out.add(`${negated ? 'n' : 'p'}:${own[k]}`);
    }
    if (clause.mark) out.add(`end:${clause.mark}`);
    const chars = ['^', ...[...clause.text].filter((c) => GRAM.test(c)), '$'];
    for (let n = 1; n <= 3; n++) for (let k = 0; k + n <= chars.length; k++) out.add(`c:${chars.slice(k, k + n).join('')}`);
    for (const w of i > 0 ? words[i - 1] : ['^']) out.add(`pw:${w}`);
    for (const w of i + 1 < clauses.length ? words[i + 1] : ['$']) out.add(`nw:${w}`);
    return [...out];
  });
}

/** A clause of normalised text: between punctuation, trimmed, with the mark that ends it. */
export interface Clause {
  text: string;
  start: number;
  end: number;
  /** The punctuation after it ('?', '!', '.', ',', '~', ';'; ',' for a space between Chinese words; '' at the end). */
  mark: string;
}

export function clausesOf(text: string): Clause[] {
  const out: Clause[] = [];
  const push = (start: number, end: number, mark: string) => {
    while (start < end && /\s/.test(text[start])) start++;
    while (end > start && /\s/.test(text[end - 1])) end--;
    if (end > start) out.push({ text: text.slice(start, end), start, end, mark });
  };
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    if (MARKS.has(text[i])) {
      push(from, i, text[i]);
      from = i + 1;
    } else if (/\s/.test(text[i])) {
      // A space between Chinese words ends a clause, as voice input and quick typing leave them
      // ("验证码就在短信里 这还用问吗"); a space between English words does not.
      let j = i;
      while (j < text.length && /\s/.test(text[j])) j++;
      if (i > 0 && HAN.test(text[i - 1]) && j < text.length && HAN.test(text[j])) {
        push(from, i, ','); // read as the comma it stands for
        from = j;
      }
      i = j - 1;
    }
  }
  push(from, text.length, '');
  // A clause of emoji or symbols alone ("再见！😊") says how the one before it is meant: it is read with it.
  for (let i = out.length - 1; i > 0; i--) {
    if (GRAM.test(out[i].text)) continue;
    const [prev, cur] = [out[i - 1], out[i]];
    out.splice(i - 1, 2, { text: text.slice(prev.start, cur.end), start: prev.start, end: cur.end, mark: cur.mark });
  }
  return out;
}

const MARKS = new Set([',', '.', '!', '?', ';', '~']);
const HAN = /\p{Script=Han}/u;
/** A word that negates what follows it in its clause (不, 没, 别, 不是, 不归, 无法…). */
const NEGATION = /^(?:不|没|别|非|未|无|莫|甭|勿)/;
const GRAM = /[\p{Script=Han}a-z0-9]/u;

type ForbiddenPack = Pick<NlpPack, 'forbidden'> & Partial<Pick<NlpPack, 'forbiddenLines' | 'words' | 'stopWords' | 'synonyms'>>;

/**
 * Training rows from the pack, yielding every few hundred lines: each example line under its
 * label, clause by clause; each labelled agent message (forbiddenLines) clause by clause, the
 * clauses its span touches under its label and the others as `none` (the polite parts around a
 * forbidden one).
 */
function* rowsInSteps(pack: ForbiddenPack, tokens: (normalisedText: string) => string[], rows: { label: Label; features: string[] }[]): Generator<void, void> {
  const add = (text: string, label: Label, span?: [number, number]) => {
    const clauses = clausesOf(normaliseExample(text));
    for (const [i, features] of clauseFeatures(clauses, tokens).entries()) {
      const c = clauses[i];
      rows.push({ label: !span || (c.start < span[1] && span[0] < c.end) ? label : 'none', features });
    }
  };
  for (const [label, lines] of Object.entries(pack.forbidden.examples) as [Label, string[]][]) for (const line of lines) add(line, label);
  let n = 0;
  for (const line of pack.forbiddenLines ?? []) {
    const at = line.span ? line.text.indexOf(line.span) : -1;
    add(line.text, line.label, line.label !== 'none' && at >= 0 ? [at, at + line.span!.length] : undefined);
    if (++n % 500 === 0) yield;
  }
}

/** Trained models by their training data: every engine of a process built from the same pack shares one. */
const models = new Map<string, SoftmaxRegression<Label>>();

/** Keys by pack object and options (a pack is not changed once loaded; an edit loads a new one). */
const keys = new WeakMap<object, Map<string, string | undefined>>();

function modelKey(pack: ForbiddenPack, options: LinearOptions | undefined): string | undefined {
  const optionsKey = JSON.stringify(options ?? null);
  let byOptions = keys.get(pack);
  if (!byOptions) keys.set(pack, (byOptions = new Map()));
  if (!byOptions.has(optionsKey)) byOptions.set(optionsKey, computeModelKey(pack, options));
  return byOptions.get(optionsKey);
}

function computeModelKey(pack: ForbiddenPack, options: LinearOptions | undefined): string | undefined {
  const examples = pack.forbidden.examples;
  const lines = pack.forbiddenLines ?? [];
  const hasNone = (examples.none?.length ?? 0) > 0 || lines.some((l) => l.label === 'none');
  const hasForbidden = Object.entries(examples).some(([l, e]) => l !== 'none' && e.length) || lines.some((l) => l.label !== 'none');
  // The segmentation (the pack's words, stop words and synonyms) decides the features too.
  return hasNone && hasForbidden ? JSON.stringify([examples, lines, options ?? null, pack.words ?? [], pack.stopWords ?? [], pack.synonyms ?? []]) : undefined;
}

/**
 * What the pack's 禁语 model is trained from, as one string (undefined: the pack trains none). An
 * adapter may keep a trained model under a hash of it and hand it back with `keepForbiddenModel`.
 */
export function forbiddenModelKey(pack: ForbiddenPack, options?: LinearOptions): string | undefined {
  const key = modelKey(pack, options);
  return key === undefined ? undefined : `${MODEL_FORMAT}:${key}`;
}

/** Whether this process already holds the pack's trained model. */
export function forbiddenModelReady(pack: ForbiddenPack): boolean {
  const key = modelKey(pack, undefined);
  return key === undefined || models.has(key);
}

/** Hands the detector a model trained earlier from the same pack (forbiddenModelKey). */
export function keepForbiddenModel(pack: ForbiddenPack, model: SoftmaxRegression<Label>, options?: LinearOptions): void {
  const key = modelKey(pack, options);
  if (key !== undefined) models.set(key, model);
}

/** Character n-grams seen once are noise, and most of the model's size. */
const TRAINING: LinearOptions = { minCount: 2 };

/** Bumped when the features or the training change, so a model kept by an older version is not reused. */
const MODEL_FORMAT = 'forbidden-clauses-v2';

/**
 * Trains the pack's 禁语 model one epoch per step (each a few tens of ms), so a server that warms
 * its engine in the background can yield between them; the engine built afterwards finds it trained.
 */
export function* trainForbiddenModel(pack: ForbiddenPack, tokens: (normalisedText: string) => string[], options?: LinearOptions): Generator<void, SoftmaxRegression<Label> | undefined> {
  const key = modelKey(pack, options);
  if (key === undefined) return undefined;
  const cached = models.get(key);
  if (cached) return cached;
  const model = new SoftmaxRegression<Label>();
  const rows: { label: Label; features: string[] }[] = [];
  yield* rowsInSteps(pack, tokens, rows);
  yield;
  yield* model.training(rows, { ...TRAINING, ...options });
  if (models.size >= 8) models.delete(models.keys().next().value!);
  models.set(key, model);
  return model;
}

function trainedModel(pack: ForbiddenPack, tokens: (normalisedText: string) => string[], options: LinearOptions | undefined): SoftmaxRegression<Label> | undefined {
  const steps = trainForbiddenModel(pack, tokens, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

const CONTRAST = /^(?:不过|但是|但|可是|只是|然而)/;
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
