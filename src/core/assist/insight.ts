import type { Emotion, Intent, Signal } from '../nlp/types.js';

/**
 * Message analysis (agent assist): what the NLP core read in one customer message, and
 * the conversation's current picture folded from them. Pure: the consumer in
 * src/assist stores both; the console shows badges, tags and the coaching card.
 */
export interface MessageAnalysis {
  messageId: number;
  conversationId: number;
  intent: { label: Intent; confidence: number };
  emotion: { label: Emotion; intensity: number };
  signals: Signal[];
  analyzedAt: string;
}

export interface ConversationInsight {
  conversationId: number;
  /** The latest intent that matters: not `unrelated`, and at least INTENT_MIN_CONFIDENCE sure; null before one. */
  intent: { label: Intent; confidence: number } | null;
  /** A complaint was made in this conversation (stays set: the coaching card follows it to the end). */
  complaint: boolean;
  /** The customer's current emotion: that of their latest analysed message. */
  emotion: { label: Emotion; intensity: number };
  /** Every escalation signal seen so far (媒体曝光 / 监管投诉 / 律师起诉 / 销户流失), in the order first seen. */
  signals: Signal[];
  /** The strongest anger seen (0 when none). */
  maxAnger: number;
  /** Customer messages analysed. */
  analyzed: number;
  /** The newest message folded in. */
  lastMessageId: number;
  updatedAt: string;
}

/** Below this an intent is a guess: it does not replace the one the conversation has. */
export const INTENT_MIN_CONFIDENCE = 0.5;

/** Anger at least this strong counts as "strong anger" (coaching card, handoff). */
export const STRONG_ANGER = 0.6;

/** The conversation's picture after one more analysed customer message. */
export function foldInsight(prev: ConversationInsight | null, a: MessageAnalysis): ConversationInsight {
  const matters = a.intent.label !== 'unrelated' && a.intent.confidence >= INTENT_MIN_CONFIDENCE;
  const signals = [...(prev?.signals ?? [])];
  for (const s of a.signals) if (!signals.includes(s)) signals.push(s);
  const anger = a.emotion.label === 'anger' ? a.emotion.intensity : 0;
  return {
    conversationId: a.conversationId,
    intent: matters ? a.intent : (prev?.intent ?? null),
    complaint: (prev?.complaint ?? false) || (matters && a.intent.label === 'complaint'),
    emotion: a.emotion,
    signals,
    maxAnger: Math.max(prev?.maxAnger ?? 0, anger),
    analyzed: (prev?.analyzed ?? 0) + 1,
    lastMessageId: Math.max(prev?.lastMessageId ?? 0, a.messageId),
    updatedAt: a.analyzedAt,
  };
}

/** Of two pictures of one conversation, the newer (the console gets them from pages and frames in any order). */
export function newerInsight(a: ConversationInsight | null | undefined, b: ConversationInsight | null | undefined): ConversationInsight | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return b.analyzed > a.analyzed || (b.analyzed === a.analyzed && b.lastMessageId > a.lastMessageId) ? b : a;
}
