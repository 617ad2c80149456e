/**
 * The NLP core's vocabulary (数智). Pure: the tokenizer and the traditional → simplified
 * converter reach the core as the interfaces below; adapters in src/nlp supply jieba and
 * OpenCC, tests and English inboxes can supply the word tokenizer in ./tokenize.ts.
 */
export const INTENTS = ['consult', 'order', 'query', 'complaint', 'help', 'fault', 'unrelated'] as const;
export type Intent = (typeof INTENTS)[number];

export const EMOTIONS = ['anger', 'anxiety', 'dissatisfaction', 'satisfaction', 'neutral'] as const;
export type Emotion = (typeof EMOTIONS)[number];

/** Escalation signals, separate from emotion: any of them hands the conversation to a person. */
export const SIGNALS = ['media', 'regulator', 'lawyer', 'cancel'] as const;
export type Signal = (typeof SIGNALS)[number];

/** 服务禁语 categories, METHOD.md §3. */
export const FORBIDDEN_CATEGORIES = ['blame', 'refusal', 'condescension', 'impatience', 'defensiveness', 'rudeness'] as const;
export type ForbiddenCategory = (typeof FORBIDDEN_CATEGORIES)[number];

/** The five polite patterns of METHOD.md §3: 我会… · 我理解… · 您可以… · 您能…吗? · a brief reason. */
export const POLITE_PATTERNS = ['willingness', 'acknowledge', 'alternative', 'request', 'reason'] as const;
export type PolitePattern = (typeof POLITE_PATTERNS)[number];

export type Role = 'customer' | 'agent';

/** Splits normalised text into words. jieba for zh-CN (adapter), a word splitter for English. */
export interface Tokenizer {
  cut(text: string): string[];
}

/** Traditional → simplified (OpenCC in the adapter). May change length; the normaliser copes. */
export type TextConverter = (text: string) => string;

export interface IntentResult {
  label: Intent;
  /** Posterior probability of the label, 0..1. */
  confidence: number;
}

export interface EmotionResult {
  label: Emotion;
  /** 0 for neutral; otherwise how strong, 0..1 (degree adverbs, repeated ！？ raise it). */
  intensity: number;
}

export interface ForbiddenFinding {
  category: ForbiddenCategory;
  /** [start, end) in UTF-16 code units of the ORIGINAL text, as String.prototype.slice takes them. */
  span: [number, number];
  /** The words found, sliced from the original text. */
  text: string;
  /** A rewrite in one of the five polite patterns. */
  suggestion: string;
  pattern: PolitePattern;
}

export interface Analysis {
  tokens: string[];
  intent: IntentResult;
  emotion: EmotionResult;
  signals: Signal[];
  /** Agent text only (role 'agent'); always [] for customers. */
  forbidden: ForbiddenFinding[];
}
