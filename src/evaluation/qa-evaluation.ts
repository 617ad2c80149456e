import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config.js';
import type { QaMessage } from '../core/qa/index.js';
import { inspectMessages } from '../qa/inspector.js';

/**
 * 质检 evaluation (docs/quality-inspection.md): labelled conversations in qa/eval/zh-CN:
 * tune (the pack was adjusted on its errors), heldout (run once, then read: tuning data now),
 * dev1 to dev3 (three more writers' conversations, read to choose the 禁语 model's training lines), blind1 (run once before any change; its error categories were read), blind2 (written to be hard), blind3 to blind8
 * (a natural mix; never read). A finding counts as right when its rule and the message it points at
 * (null for the conversation as a whole) are both the label's.
 */
export const QA_HALVES = ['tune', 'heldout', 'dev1', 'dev2', 'dev3', 'blind1', 'blind2', 'blind3', 'blind4', 'blind5', 'blind6', 'blind7', 'blind8'] as const;
export type QaHalf = (typeof QA_HALVES)[number];

export interface LabelledConversation {
  id: string;
  domain: string;
  closed: boolean;
  messages: QaMessage[];
  expected: { rule: string; messageIndex: number | null }[];
  notes?: string;
}

export function loadQaHalf(half: QaHalf, dir = path.join(projectRoot(), 'qa', 'eval', 'zh-CN')): LabelledConversation[] {
  return JSON.parse(fs.readFileSync(path.join(dir, `${half}.json`), 'utf8'));
}

export interface RuleFigures {
  rule: string;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

export interface QaHalfReport {
  conversations: number;
  perRule: RuleFigures[];
  /** The groups the acceptance names: 禁语 (any forbidden category at the right message) and opening/closing/identity. */
  groups: Record<'forbidden' | 'opening_closing_identity', RuleFigures>;
  errors: { id: string; kind: 'missed' | 'false alarm'; rule: string; messageIndex: number | null; text: string }[];
}

const key = (rule: string, messageIndex: number | null) => `${rule}@${messageIndex ?? '-'}`;
const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);

function figures(rule: string, tp: number, fp: number, fn: number): RuleFigures {
  return { rule, tp, fp, fn, precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn) };
}

export function evaluateQa(conversations: LabelledConversation[]): QaHalfReport {
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  const group = { forbidden: { tp: 0, fp: 0, fn: 0 }, opening_closing_identity: { tp: 0, fp: 0, fn: 0 } };
  const errors: QaHalfReport['errors'] = [];
  const bump = (rule: string, field: 'tp' | 'fp' | 'fn') => {
    const c = counts.get(rule) ?? { tp: 0, fp: 0, fn: 0 };
    c[field]++;
    counts.set(rule, c);
    const g = rule.startsWith('forbidden.') ? null : /^(opening|closing|identity)\./.test(rule) ? group.opening_closing_identity : null;
    if (g) g[field]++;
  };
  for (const conv of conversations) {
    const { findings } = inspectMessages(conv.messages, { locale: 'zh-CN', closed: conv.closed });
    const got = new Set(findings.map((f) => key(f.rule, f.messageIndex)));
    const want = new Set(conv.expected.map((e) => key(e.rule, e.messageIndex)));
    const text = (i: number | null) => (i === null ? '(the conversation)' : `${conv.messages[i]?.role}: ${conv.messages[i]?.content}`);
    for (const f of findings) {
      if (want.has(key(f.rule, f.messageIndex))) bump(f.rule, 'tp');
      else {
        bump(f.rule, 'fp');
        errors.push({ id: conv.id, kind: 'false alarm', rule: f.rule, messageIndex: f.messageIndex, text: text(f.messageIndex) });
      }
    }
    for (const e of conv.expected) {
      if (got.has(key(e.rule, e.messageIndex))) continue;
      bump(e.rule, 'fn');
      errors.push({ id: conv.id, kind: 'missed', rule: e.rule, messageIndex: e.messageIndex, text: text(e.messageIndex) });
    }
    // 禁语 as the acceptance counts it: a forbidden finding at a message labelled forbidden, whatever the category
    const forbiddenAt = (list: { rule: string; messageIndex: number | null }[]) => new Set(list.filter((x) => x.rule.startsWith('forbidden.')).map((x) => x.messageIndex));
    const gotF = forbiddenAt(findings);
    const wantF = forbiddenAt(conv.expected);
    for (const i of gotF) group.forbidden[wantF.has(i) ? 'tp' : 'fp']++;
    for (const i of wantF) if (!gotF.has(i)) group.forbidden.fn++;
  }
  const perRule = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([rule, c]) => figures(rule, c.tp, c.fp, c.fn));
  return {
    conversations: conversations.length,
    perRule,
    groups: {
      forbidden: figures('禁语 (any category)', group.forbidden.tp, group.forbidden.fp, group.forbidden.fn),
      opening_closing_identity: figures('opening/closing/identity', group.opening_closing_identity.tp, group.opening_closing_identity.fp, group.opening_closing_identity.fn),
    },
    errors,
  };
}
