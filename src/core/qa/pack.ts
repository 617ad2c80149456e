import { z } from 'zod';
import { EMOTIONS, FORBIDDEN_CATEGORIES, INTENTS } from '../nlp/types.js';
import { expandPattern } from '../nlp/pack.js';
import { QA_ROLES, SEVERITIES } from './types.js';
import { DEFAULT_SHEET, scoreSheetSchema, sheetChoiceSchema } from './score.js';

/**
 * A 质检 rule pack (docs/quality-inspection.md): data an admin can edit, versioned. Patterns
 * read normalised text (half-width punctuation, lower case, simplified characters) and may
 * use the pack's {CONCEPTS} and gaps (".{0,6}": "不是.{0,6}负责").
 */
export type Condition =
  | { phrases: string }
  | { pattern: string }
  | { keywords: string[]; mode?: 'any' | 'all' | 'none'; atLeast?: number }
  | { emotion: (typeof EMOTIONS)[number][]; minIntensity?: number }
  | { intent: (typeof INTENTS)[number][]; minConfidence?: number }
  | { allOf: Condition[] }
  | { anyOf: Condition[] }
  /** At least `atLeast` of these hold (a message that states two kinds of key detail, say). */
  | { atLeast: number; of: Condition[] }
  | { not: Condition };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ phrases: z.string() }).strict(),
    z.object({ pattern: z.string() }).strict(),
    z.object({ keywords: z.array(z.string().min(1)).min(1), mode: z.enum(['any', 'all', 'none']).optional(), atLeast: z.number().int().min(1).optional() }).strict(),
    z.object({ emotion: z.array(z.enum(EMOTIONS)).min(1), minIntensity: z.number().min(0).max(1).optional() }).strict(),
    z.object({ intent: z.array(z.enum(INTENTS)).min(1), minConfidence: z.number().min(0).max(1).optional() }).strict(),
    z.object({ allOf: z.array(conditionSchema).min(1) }).strict(),
    z.object({ anyOf: z.array(conditionSchema).min(1) }).strict(),
    z.object({ atLeast: z.number().int().min(1), of: z.array(conditionSchema).min(1) }).strict().refine((c) => c.atLeast <= c.of.length, 'atLeast is more than the conditions listed in of'),
    z.object({ not: conditionSchema }).strict(),
  ]),
);

/** Which messages a rule reads: a role, a position (first/last N of that role), after an anchor. */
const scopeSchema = z
  .object({
    role: z.enum(QA_ROLES),
    first: z.number().int().min(1).optional(),
    last: z.number().int().min(1).optional(),
    /** Only messages after the first message (any role) that matches this. */
    after: conditionSchema.optional(),
  })
  .strict();
export type Scope = z.infer<typeof scopeSchema>;

const base = {
  id: z.string().regex(/^[a-z_]+\.[a-z_.]+$/, 'a rule id is category.name, e.g. forbidden.blame'),
  severity: z.enum(SEVERITIES),
  enabled: z.boolean().default(true),
  /** What to say instead, shown with the finding. */
  suggestion: z.string().optional(),
  description: z.string().optional(),
};

export const ruleSchema = z.discriminatedUnion('kind', [
  /** Each message in scope that matches `when` (once: only the first). */
  z.object({ ...base, kind: z.literal('message'), scope: scopeSchema, when: conditionSchema, once: z.boolean().default(false) }).strict(),
  /**
   * No message in scope matches `when`: the conversation misses it. `appliesIf`: only where some message matches one of these.
   * `exceptIf`: not where some message in that scope matches (a customer who gave up at the end has no outcome to recap).
   * `closedOnly`: only ended conversations.
   */
  z
    .object({
      ...base,
      kind: z.literal('absence'),
      scope: scopeSchema,
      when: conditionSchema,
      appliesIf: z.array(z.object({ role: z.enum(QA_ROLES), first: z.number().int().min(1).optional(), when: conditionSchema }).strict()).min(1).optional(),
      exceptIf: z.array(z.object({ scope: scopeSchema, when: conditionSchema }).strict()).min(1).optional(),
      closedOnly: z.boolean().default(false),
      /** A platform line of this kind satisfies the rule (the agent's joined line names them). */
      satisfiedBySystem: z.enum(['joined', 'welcome_after_joined']).optional(),
    })
    .strict(),
  /** 服务禁语 found by the NLP core's detector (the composer's warning), one finding per agent message. */
  z.object({ ...base, kind: z.literal('forbidden'), category: z.enum(FORBIDDEN_CATEGORIES) }).strict(),
  /** Built-in checks with parameters (docs/quality-inspection.md names each). */
  z
    .object({
      ...base,
      kind: z.literal('builtin'),
      check: z.enum([
        'first_response',
        'reply_gap',
        'wait_apology',
        'unanswered_at_close',
        'identity_refused',
        'empathy_first',
        'complaint_steps',
        'order_confirm',
        'closed_question',
        'unrelated_handling',
      ]),
      seconds: z.number().int().min(1).optional(),
    })
    .strict(),
]);
export type QaRule = z.infer<typeof ruleSchema>;
export type BuiltinCheck = Extract<QaRule, { kind: 'builtin' }>['check'];

/** The phrase lists each built-in check reads: a pack that enables the check must define them. */
export const BUILTIN_PHRASES: Record<BuiltinCheck, string[]> = {
  first_response: [],
  reply_gap: [],
  wait_apology: ['wait_apology'],
  unanswered_at_close: ['customer_done'],
  identity_refused: ['asks_identity', 'identify'],
  empathy_first: ['upset', 'empathy'],
  complaint_steps: ['complaint', 'empathy', 'fact_question', 'remedy', 'thanks_end'],
  order_confirm: ['order_request', 'confirm_details'],
  closed_question: ['question', 'closed_question'],
  unrelated_handling: ['customer_hello', 'unrelated', 'ask_purpose', 'anything_else', 'farewell'],
};

export const qaPackSchema = z
  .object({
    $comment: z.string().optional(),
    locale: z.string(),
    version: z.string(),
    concepts: z.record(z.string(), z.array(z.string())).default({}),
    /** Named lists of patterns the rules refer to ({phrases: "greeting"}). */
    phrases: z.record(z.string(), z.array(z.string().min(1)).min(1)),
    rules: z.array(ruleSchema),
    /** The scoring sheets (评分表); the first is the one used when no choice matches. */
    sheets: z.array(scoreSheetSchema).min(1).default([DEFAULT_SHEET]),
    /** Which sheet a conversation is scored on (first match); none matching: the first sheet. */
    sheetFor: z.array(sheetChoiceSchema).default([]),
  })
  .strict()
  .superRefine((pack, ctx) => {
    const ids = new Set<string>();
    for (const r of pack.rules) {
      if (ids.has(r.id)) ctx.addIssue({ code: 'custom', message: `two rules are named ${r.id}` });
      ids.add(r.id);
    }
    const sheets = new Set<string>();
    for (const sheet of pack.sheets) {
      if (sheets.has(sheet.id)) ctx.addIssue({ code: 'custom', message: `two sheets are named ${sheet.id}` });
      sheets.add(sheet.id);
      for (const rule of Object.keys(sheet.byRule ?? {})) {
        if (!ids.has(rule)) ctx.addIssue({ code: 'custom', message: `sheet ${sheet.id} gives points to ${rule}, which is not a rule of this pack` });
      }
    }
    for (const c of pack.sheetFor) if (!sheets.has(c.sheet)) ctx.addIssue({ code: 'custom', message: `sheetFor names ${c.sheet}, which is not one of the sheets` });
  });
export type QaPack = z.infer<typeof qaPackSchema>;

/** A pack with its patterns compiled (once per version). */
export interface CompiledQaPack {
  pack: QaPack;
  phrases: Map<string, RegExp[]>;
  /** Inline patterns of conditions, by source. */
  patterns: Map<string, RegExp>;
}

/**
 * `safe` (given by the adapter) refuses a pattern whose matching time could explode on some
 * text (nested repetition): the patterns run on every customer and agent line.
 */
export function compileQaPack(input: unknown, opts: { safe?: (source: string) => boolean } = {}): CompiledQaPack {
  const pack = qaPackSchema.parse(input);
  const compile = (source: string, where: string): RegExp => {
    let re: RegExp;
    try {
      re = new RegExp(expandPattern(source, pack.concepts), 'g');
    } catch (err) {
      throw new Error(`质检 pack ${where}: pattern "${source}": ${(err as Error).message}`);
    }
    if (opts.safe && !opts.safe(re.source)) throw new Error(`质检 pack ${where}: pattern "${source}" repeats a repetition (like (a+)+); its matching time could explode: write it without the nesting`);
    return re;
  };
  const phrases = new Map<string, RegExp[]>();
  for (const [name, list] of Object.entries(pack.phrases)) phrases.set(name, list.map((p) => compile(p, `phrases.${name}`)));
  const patterns = new Map<string, RegExp>();
  const visit = (c: Condition, where: string): void => {
    if ('phrases' in c && !phrases.has(c.phrases)) throw new Error(`质检 pack ${where}: no phrase list named "${c.phrases}"`);
    if ('pattern' in c && !patterns.has(c.pattern)) patterns.set(c.pattern, compile(c.pattern, where));
    if ('allOf' in c) c.allOf.forEach((x) => visit(x, where));
    if ('anyOf' in c) c.anyOf.forEach((x) => visit(x, where));
    if ('of' in c) c.of.forEach((x) => visit(x, where));
    if ('not' in c) visit(c.not, where);
  };
  for (const r of pack.rules) {
    if (r.kind === 'message' || r.kind === 'absence') {
      visit(r.when, r.id);
      if (r.scope.after) visit(r.scope.after, r.id);
    }
    if (r.kind === 'absence') for (const a of [...(r.appliesIf ?? []), ...(r.exceptIf ?? [])]) visit(a.when, r.id);
    if (r.kind === 'builtin') {
      for (const name of BUILTIN_PHRASES[r.check]) if (!phrases.has(name)) throw new Error(`质检 pack ${r.id}: the ${r.check} check needs a phrase list named "${name}"`);
    }
  }
  return { pack, phrases, patterns };
}
