import { z } from 'zod';
import { EMOTIONS, FORBIDDEN_CATEGORIES, INTENTS, POLITE_PATTERNS, SIGNALS } from './types.js';

/**
 * A language pack: the data the NLP core runs on, authored by people and editable by admins
 * (nlp/packs/<locale>/*.json, assembled by the adapter). Patterns are regular expressions over
 * NORMALISED text (half-width, lower case, simplified) where {NAME} stands for the alternatives
 * of concept NAME, so one rule covers a meaning ("{SELF}{0,2}不{MANAGE}") instead of one string.
 */
const patterns = z.array(z.string().min(1));

export const nlpPackSchema = z.object({
  locale: z.string().min(2),
  version: z.number().int().positive(),
  /** Words the tokenizer must keep whole (domain words: 转人工, 退款, 12315). */
  words: z.array(z.string().min(1)).default([]),
  stopWords: z.array(z.string()).default([]),
  /** Each group: the canonical word first, then the words that mean the same (退款/退钱/返款). */
  synonyms: z.array(z.array(z.string().min(1)).min(2)).default([]),
  /** Concepts shared by every pattern in the pack: name → alternatives (regex sources). */
  concepts: z.record(z.string().regex(/^[A-Z_]+$/), z.array(z.string().min(1))).default({}),
  /** Intent training examples, label → sentences. */
  intents: z.partialRecord(z.enum(INTENTS), z.array(z.string().min(1))),
  emotion: z.object({
    /** label → term → weight (about 1 for a clear word). */
    lexicon: z.partialRecord(z.enum(EMOTIONS).exclude(['neutral']), z.record(z.string(), z.number().positive())),
    negators: z.array(z.string().min(1)),
    /** Degree adverbs → multiplier (非常 1.6, 有点 0.6). */
    degree: z.record(z.string(), z.number().positive()),
    /** Phrases read as no feeling at all, so no shorter term inside them counts (不好意思, 贵公司, 一般来说). */
    ignore: z.array(z.string().min(1)).default([]),
    /**
     * Phrase patterns per label (regular expressions with {CONCEPT}s): a feeling said by shape rather than by one word
     * ("X 太长/太慢/太随便", "说好的…呢", "再不处理我就…"). Each match adds its weight; a negator before it cancels it.
     */
    patterns: z.partialRecord(z.enum(EMOTIONS).exclude(['neutral']), z.array(z.object({ pattern: z.string().min(1), weight: z.number().positive() }))).default({}),
    /** Words that turn a sentence ("还行,就是包装太随便"): what came before counts for less. */
    contrast: z.array(z.string().min(1)).default([]),
    /** Negators that turn a negated complaint into praise ("从来没失望过"); plain 不/没 only cancel it. */
    strongNegators: z.array(z.string().min(1)).default([]),
    /** Patterns that turn praise into sarcasm (呵呵, 谢谢你们让我…). */
    sarcasm: patterns,
    /** Below this total score a message is neutral. */
    threshold: z.number().positive().default(0.5),
    /**
     * Example sentences per label (neutral included) for a naive Bayes model that speaks only when
     * the lexicon finds nothing: it catches feelings said in words the lexicon lacks.
     */
    examples: z.partialRecord(z.enum(EMOTIONS), z.array(z.string().min(1))).default({}),
    /** The model's posterior needed to overrule a neutral lexicon reading. */
    learnedThreshold: z.number().min(0).max(1).default(0.8),
  }),
  signals: z.partialRecord(z.enum(SIGNALS), patterns),
  /** A signal or forbidden match preceded (same clause) by one of these is not meant: "我不会说…". */
  disclaimers: patterns.default([]),
  forbidden: z.object({
    rules: z.array(
      z.object({
        category: z.enum(FORBIDDEN_CATEGORIES),
        pattern: z.string().min(1),
        /** The match does not count when this pattern matches its clause. */
        unless: z.string().optional(),
        /** …nor when this one matches anywhere in the message (the agent checked first, say, before referring elsewhere). */
        unlessInMessage: z.string().optional(),
      }),
    ),
    suggestions: z.record(z.enum(FORBIDDEN_CATEGORIES), z.object({ pattern: z.enum(POLITE_PATTERNS), text: z.string().min(1) })),
    /**
     * Example agent clauses per category, and innocent ones under `none`, for the learned model
     * (with forbiddenLines): it reads each clause, reports forbidden ones no rule matched, and may veto a rule's match.
     */
    examples: z.partialRecord(z.enum([...FORBIDDEN_CATEGORIES, 'none']), z.array(z.string().min(1))).default({}),
    learnedThreshold: z.number().min(0).max(1).default(0.85),
    /** P(forbidden) the model must give a rule's clause for the rule's match to stand (0: rules always stand). */
    confirmThreshold: z.number().min(0).max(1).default(0),
    /** The same in a message that offers help (matches learnedUnless), where innocent uses of a marked word mostly are; default confirmThreshold. */
    confirmThresholdOffered: z.number().min(0).max(1).optional(),
    /** P(forbidden) at which the model reports a clause even in a message matching learnedUnless (1: never). */
    overruleThreshold: z.number().min(0).max(1).default(1),
    /** The model stays silent on a message matching this (the agent already offers help: 我帮您, 您可以…). */
    learnedUnless: z.string().optional(),
  }),
  /**
   * Labelled agent messages for the 禁语 model (forbidden-lines.json): the whole message as typed,
   * its label, and for a forbidden one the exact part that is forbidden (the rest trains as innocent).
   */
  forbiddenLines: z
    .array(z.object({ text: z.string().min(1), label: z.enum([...FORBIDDEN_CATEGORIES, 'none']), span: z.string().min(1).optional() }))
    .default([]),
});

export type NlpPack = z.output<typeof nlpPackSchema>;
export type NlpPackInput = z.input<typeof nlpPackSchema>;

/** Validates a pack's shape (zod says which path is wrong); patterns compile when an engine is built. */
export function parsePack(input: unknown): NlpPack {
  return nlpPackSchema.parse(input);
}

/** Expands {NAME} to (?:a|b|c) from the pack's concepts; an unknown name is an error naming it. */
export function expandPattern(source: string, concepts: Record<string, string[]>): string {
  return source.replace(/\{([A-Z_]+)\}/g, (_, name: string) => {
    const alternatives = concepts[name];
    if (!alternatives) throw new Error(`NLP pack pattern "${source}" uses concept {${name}}, which the pack does not define (add it under "concepts")`);
    return `(?:${alternatives.map((a) => expandPattern(a, concepts)).join('|')})`;
  });
}

export function compilePattern(source: string, concepts: Record<string, string[]>, flags = 'g'): RegExp {
  const expanded = expandPattern(source, concepts);
  try {
    return new RegExp(expanded, flags);
  } catch (error) {
    throw new Error(`NLP pack pattern "${source}" is not a valid regular expression: ${(error as Error).message}`);
  }
}
