import { z } from 'zod';
import { INTENTS, type Intent } from '../nlp/types.js';
import type { QaFinding, Severity } from './types.js';

/**
 * A scoring sheet (评分表): points each finding takes off, by rule or else by severity;
 * a `critical` finding zeroes the sheet (一票否决). Dimensions are the rule categories.
 * A pack carries several (online chat, complaints, phone transcripts): `chooseSheet` picks
 * one per conversation by its inbox, channel or intents.
 */
export const scoreSheetSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a sheet id is lower case letters, digits and _'),
    name: z.string().min(1).max(60),
    bySeverity: z.object({ minor: z.number().int().min(0).max(100), major: z.number().int().min(0).max(100) }).strict(),
    /** Points for a rule on this sheet instead of its severity's (0: the rule does not count here). */
    byRule: z.record(z.string(), z.number().int().min(0).max(100)).optional(),
  })
  .strict();
export type ScoreSheet = z.infer<typeof scoreSheetSchema>;

/** Which sheet a conversation is scored on: the first entry that matches all it names. */
export const sheetChoiceSchema = z
  .object({
    sheet: z.string(),
    inboxIds: z.array(z.number().int().positive()).min(1).optional(),
    channels: z.array(z.string().min(1)).min(1).optional(),
    /** Any customer message read with one of these intents (confidence ≥ 0.7). */
    intents: z.array(z.enum(INTENTS)).min(1).optional(),
  })
  .strict();
export type SheetChoice = z.infer<typeof sheetChoiceSchema>;

export const DEFAULT_SHEET: ScoreSheet = { id: 'chat', name: '在线会话评分表', bySeverity: { minor: 2, major: 5 } };

/** What a sheet is chosen by. */
export interface SheetFacts {
  inboxId?: number | null;
  channel?: string | null;
  /** The intents the customer's messages were read with (confidence ≥ 0.7). */
  intents?: Intent[];
}

/** The sheet for a conversation: the first choice that matches, else the pack's first sheet. */
export function chooseSheet(sheets: ScoreSheet[], choices: SheetChoice[], facts: SheetFacts): ScoreSheet {
  const fallback = sheets[0] ?? DEFAULT_SHEET;
  for (const c of choices) {
    if (c.inboxIds && !(facts.inboxId != null && c.inboxIds.includes(facts.inboxId))) continue;
    if (c.channels && !(facts.channel != null && c.channels.includes(facts.channel))) continue;
    if (c.intents && !c.intents.some((i) => facts.intents?.includes(i))) continue;
    return sheets.find((s) => s.id === c.sheet) ?? fallback;
  }
  return fallback;
}

export interface ScoredDimension {
  category: string;
  deducted: number;
  findings: number;
}

export interface Score {
  score: number;
  /** True when a critical finding zeroed the sheet. */
  vetoed: boolean;
  dimensions: ScoredDimension[];
}

export function scoreFindings(findings: QaFinding[], sheet: ScoreSheet = DEFAULT_SHEET): Score {
  const dims = new Map<string, ScoredDimension>();
  let deducted = 0;
  let vetoed = false;
  for (const f of findings) {
    const d = dims.get(f.category) ?? { category: f.category, deducted: 0, findings: 0 };
    d.findings++;
    if (f.severity === 'critical') vetoed = true;
    else {
      const points = sheet.byRule?.[f.rule] ?? sheet.bySeverity[f.severity];
      d.deducted += points;
      deducted += points;
    }
    dims.set(f.category, d);
  }
  return { score: vetoed ? 0 : Math.max(0, 100 - deducted), vetoed, dimensions: [...dims.values()] };
}
