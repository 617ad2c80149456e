import { NaiveBayes } from './classifier.js';
import { EmotionAnalyzer } from './emotion.js';
import { ForbiddenDetector } from './forbidden.js';
import { normalize, type Normalized } from './normalize.js';
import type { NlpPack } from './pack.js';
import { SignalDetector } from './signals.js';
import { features, Segmenter } from './tokenize.js';
import { INTENTS, type Analysis, type Intent, type IntentResult, type Role, type TextConverter, type Tokenizer } from './types.js';

export interface NlpEngineOptions {
  pack: NlpPack;
  tokenizer: Tokenizer;
  /** Traditional → simplified; omit for languages that need none. */
  convert?: TextConverter;
}

export interface IntentExample {
  label: Intent;
  text: string;
}

/**
 * One language's analysis: `analyze(text, role)` → tokens, intent, emotion, signals and, for
 * agents, 禁语. Built from a pack; `retrain` adds examples (an admin's, from the console) to the
 * pack's and retrains the intent classifier in milliseconds.
 */
export class NlpEngine {
  readonly locale: string;
  private readonly segmenter: Segmenter;
  private readonly emotion: EmotionAnalyzer;
  private readonly signals: SignalDetector;
  private readonly forbidden: ForbiddenDetector;
  private readonly intents = new NaiveBayes<Intent>(0.3);
  private readonly convert?: TextConverter;

  constructor(private readonly options: NlpEngineOptions) {
    const { pack } = options;
    this.locale = pack.locale;
    this.convert = options.convert;
    this.segmenter = new Segmenter(options.tokenizer, pack);
    const featuresOf = (normalisedText: string) => features(this.segmenter.tokens(normalisedText), normalisedText);
    this.emotion = new EmotionAnalyzer(pack, featuresOf);
    this.signals = new SignalDetector(pack);
    this.forbidden = new ForbiddenDetector(pack, (normalisedText) => this.segmenter.tokens(normalisedText));
    this.retrain([]);
  }

  normalize(text: string): Normalized {
    return normalize(text, this.convert);
  }

  tokens(text: string): string[] {
    return this.segmenter.tokens(this.normalize(text).text);
  }

  /** Retrains the intent classifier on the pack's examples plus `extra`; returns how long it took. */
  retrain(extra: IntentExample[]): { examples: number; ms: number } {
    const started = performance.now();
    const examples: IntentExample[] = [];
    for (const label of INTENTS) for (const text of this.options.pack.intents[label] ?? []) examples.push({ label, text });
    examples.push(...extra);
    this.intents.train(
      examples.map((e) => {
        const n = this.normalize(e.text);
        return { label: e.label, features: features(this.segmenter.tokens(n.text), n.text) };
      }),
    );
    return { examples: examples.length, ms: performance.now() - started };
  }

  private intentOf(n: Normalized, tokens: string[]): IntentResult {
    const p = this.intents.predict(features(tokens, n.text));
    // Nothing the examples ever used ("666", "123456", "asdf"): a test or noise, not a request.
    if (p.evidence === 0 && (this.options.pack.intents.unrelated?.length ?? 0) > 0) {
      return { label: 'unrelated', confidence: Math.round(p.confidence * 1000) / 1000 };
    }
    return { label: p.label, confidence: Math.round(p.confidence * 1000) / 1000 };
  }

  analyze(text: string, role: Role = 'customer'): Analysis {
    const n = this.normalize(text);
    const { tokens, boundaries } = this.segmenter.segment(n.text);
    const signals = this.signals.detect(n.text);
    let emotion = this.emotion.analyze(n, boundaries);
    // A threat to go to the media, a regulator or a lawyer is hostility (labelling guide: anger),
    // whatever milder words come with it.
    if (signals.some((s) => s !== 'cancel') && (emotion.label === 'dissatisfaction' || emotion.label === 'neutral')) {
      emotion = { label: 'anger', intensity: Math.max(0.6, emotion.intensity) };
    }
    return {
      tokens,
      intent: this.intentOf(n, tokens),
      emotion,
      signals,
      forbidden: role === 'agent' ? this.forbidden.detect(n) : [],
    };
  }
}

export function createNlp(options: NlpEngineOptions): NlpEngine {
  return new NlpEngine(options);
}
