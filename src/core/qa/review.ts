import { DomainError, forbidden } from '../errors.js';
import type { Role } from '../model.js';
import { isLead } from '../permissions.js';
import { scoreFindings, type Score, type ScoreSheet } from './score.js';
import type { Inspection, QaFinding, Severity } from './types.js';

/**
 * 复核 and 申诉 (docs/quality-inspection.md, "Review and appeals"). Pure: who may do
 * what, and what a conversation's score becomes. The automatic findings and score are
 * never changed; a review marks each finding correct or wrong and may add manual ones,
 * an accepted appeal removes one, and the adjusted score is computed from what is left.
 *
 * Findings are named by key: `a3` is the inspection's automatic finding at index 3,
 * `m0` the first manual finding of the review.
 */

export const VERDICTS = ['correct', 'wrong'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** A finding a reviewer adds by hand (人工补充): about one message, or the conversation as a whole. */
export interface ManualFinding {
  category: string;
  severity: Severity;
  messageIndex: number | null;
  note: string;
}

/** What review and appeals changed on an inspection; empty until someone reviews or an appeal is accepted. */
export interface Adjustments {
  verdicts: Record<string, Verdict>;
  /** Manual findings with their keys (m0, m1…: never reused, so an appeal's key keeps its meaning). */
  manual: (ManualFinding & { key: string })[];
  /** The next manual finding's number. */
  nextManual: number;
  /** Keys of findings an accepted appeal removed. */
  removed: string[];
}

export const NO_ADJUSTMENTS: Adjustments = { verdicts: {}, manual: [], nextManual: 0, removed: [] };

export type KeyedFinding = QaFinding & { key: string; source: 'auto' | 'manual' };

export const manualFinding = (m: ManualFinding): QaFinding => ({
  rule: `manual.${m.category}`,
  category: m.category,
  severity: m.severity,
  messageIndex: m.messageIndex,
  excerpt: '',
  span: null,
  suggestion: null,
  detail: m.note,
});

/** Every finding with its key, automatic then manual, whatever review and appeals said of it. */
export function keyedFindings(auto: QaFinding[], adj: Adjustments): KeyedFinding[] {
  return [
    ...auto.map((f, i) => ({ ...f, key: `a${i}`, source: 'auto' as const })),
    ...adj.manual.map((m) => ({ ...manualFinding(m), key: m.key, source: 'manual' as const })),
  ];
}

/** The findings that count now: not marked wrong in review, not removed by an accepted appeal. */
export function standingFindings(auto: QaFinding[], adj: Adjustments): KeyedFinding[] {
  const removed = new Set(adj.removed);
  return keyedFindings(auto, adj).filter((f) => adj.verdicts[f.key] !== 'wrong' && !removed.has(f.key));
}

/** The score after review and appeals, on the sheet the inspection was scored on. */
export const adjustedScore = (auto: QaFinding[], adj: Adjustments, sheet?: ScoreSheet): Score => scoreFindings(standingFindings(auto, adj), sheet);

/**
 * A review replaces the previous one's verdicts and manual findings: a manual finding sent
 * with its `key` is kept (and may be edited), one without gets a new key, one left out is
 * dropped. Every verdict must name a finding; a manual finding's message must exist.
 * Findings an accepted appeal removed stay removed.
 */
export function review(
  inspection: Pick<Inspection, 'findings' | 'messageCount'>,
  current: Adjustments,
  input: { verdicts: Record<string, Verdict>; manual: (ManualFinding & { key?: string })[] },
): Adjustments {
  const known = new Set(current.manual.map((m) => m.key));
  const stray = input.manual.filter((m) => m.key !== undefined && !known.has(m.key)).map((m) => m.key as string);
  if (stray.length) throw new DomainError('unknown_finding', `no manual finding ${stray.join(', ')} in this inspection`, 400, { keys: stray });
  const outside = input.manual.findIndex((m) => m.messageIndex !== null && m.messageIndex >= inspection.messageCount);
  if (outside >= 0) throw new DomainError('invalid_message_index', `manual finding ${outside}: the conversation has ${inspection.messageCount} messages`, 400);
  let nextManual = current.nextManual;
  const manual = input.manual.map(({ key, ...m }) => ({ ...m, key: key ?? `m${nextManual++}` }));
  const next: Adjustments = { verdicts: { ...input.verdicts }, manual, nextManual, removed: current.removed };
  const keys = new Set(keyedFindings(inspection.findings, next).map((f) => f.key));
  const unknown = Object.keys(input.verdicts).filter((k) => !keys.has(k));
  if (unknown.length) throw new DomainError('unknown_finding', `no finding ${unknown.join(', ')} in this inspection (automatic ones are a0…, manual ones m0…)`, 400, { keys: unknown });
  return next;
}

// ── appeals (申诉) ─────────────────────────────────────────────────────────

/** First the group's supervisor decides; a rejected appeal may go once to a 质检主管, whose decision is final (终审). */
export type AppealStage = 'supervisor' | 'lead';
export type AppealStatus = 'pending' | 'accepted' | 'rejected';
export type AppealAction = 'filed' | 'accepted' | 'rejected' | 'escalated';

export interface AppealStep {
  at: string;
  by: number;
  action: AppealAction;
  note: string | null;
}

export interface Appeal {
  id: number;
  inspectionId: number;
  conversationId: number;
  findingKey: string;
  agentId: number;
  reason: string;
  stage: AppealStage;
  status: AppealStatus;
  /** Decided by a 质检主管: nothing more can happen to it. */
  final: boolean;
  history: AppealStep[];
  createdAt: string;
  updatedAt: string;
}

export const DEFAULT_APPEAL_DAYS = 7;
const DAY_MS = 86_400_000;

const late = (since: string, now: Date, days: number) => now.getTime() - Date.parse(since) > days * DAY_MS;

/** When an inspection's appeal window opens: when it was made, or last reviewed (a review may add findings). */
export const appealSince = (i: { inspectedAt: string; reviewedAt: string | null }): string => (i.reviewedAt && i.reviewedAt > i.inspectedAt ? i.reviewedAt : i.inspectedAt);

/** The last moment an inspection's findings can be appealed. */
export const appealDeadline = (i: { inspectedAt: string; reviewedAt: string | null }, days: number): string => new Date(Date.parse(appealSince(i)) + days * DAY_MS).toISOString();

/**
 * An agent contests one finding of a conversation they served, with a reason, within
 * `days` of the inspection (or of its last review, which may have added findings).
 * One appeal per finding; reviewers and supervisors cannot appeal for someone else.
 */
export function checkAppeal(
  who: { agentId: number; role: Role },
  target: { agentId: number | null; findings: QaFinding[]; adjustments: Adjustments; since: string },
  findingKey: string,
  existing: Appeal | null,
  now: Date,
  days: number,
): void {
  if (target.agentId !== who.agentId) throw forbidden('only the agent who served the conversation can appeal its findings');
  const finding = standingFindings(target.findings, target.adjustments).find((f) => f.key === findingKey);
  if (!finding) throw new DomainError('unknown_finding', `no standing finding ${findingKey} in this inspection (marked wrong or removed ones need no appeal)`, 400);
  if (existing) throw new DomainError('appeal_exists', `finding ${findingKey} was appealed already (appeal ${existing.id}, ${existing.status})`, 409, { appealId: existing.id });
  if (late(target.since, now, days)) throw new DomainError('appeal_too_late', `appeals are taken within ${days} days of the inspection`, 409, { days });
}

/**
 * Who decides: at the first stage the conversation's group leader (组长), a supervisor or an
 * administrator; at the second a 质检主管 or an administrator. Never the appellant.
 */
export function canDecide(who: { agentId: number; role: Role }, appeal: Pick<Appeal, 'stage' | 'agentId'>, groupLeaderId: number | null): boolean {
  if (who.agentId === appeal.agentId) return false;
  if (appeal.stage === 'supervisor') return isLead(who.role) || who.agentId === groupLeaderId;
  return who.role === 'qa_lead' || who.role === 'admin';
}

export function decide(appeal: Appeal, who: { agentId: number; role: Role }, groupLeaderId: number | null, accept: boolean, note: string | null, now: Date): Appeal {
  if (appeal.status !== 'pending') throw new DomainError('appeal_decided', `appeal ${appeal.id} was ${appeal.status} already`, 409);
  if (!canDecide(who, appeal, groupLeaderId)) {
    throw forbidden(
      who.agentId === appeal.agentId
        ? 'nobody decides their own appeal'
        : appeal.stage === 'supervisor'
          ? 'the group’s leader, a supervisor or an administrator decides this appeal'
          : 'a 质检主管 or an administrator decides an escalated appeal (终审)',
    );
  }
  const action: AppealAction = accept ? 'accepted' : 'rejected';
  return {
    ...appeal,
    status: action,
    final: appeal.stage === 'lead',
    history: [...appeal.history, { at: now.toISOString(), by: who.agentId, action, note }],
    updatedAt: now.toISOString(),
  };
}

/** Once rejected by the supervisor, the appellant may take it to a 质检主管, once, within `days` of that rejection. */
export function escalate(appeal: Appeal, who: { agentId: number }, note: string | null, now: Date, days: number): Appeal {
  if (who.agentId !== appeal.agentId) throw forbidden('only the agent who appealed can take it further');
  if (appeal.stage !== 'supervisor' || appeal.status !== 'rejected') {
    throw new DomainError('appeal_not_escalable', appeal.final ? 'a 质检主管 decided this appeal: the decision is final (终审)' : 'only an appeal the supervisor rejected can be taken further', 409);
  }
  if (late(appeal.updatedAt, now, days)) throw new DomainError('appeal_too_late', `an appeal is taken further within ${days} days of its rejection`, 409, { days });
  return {
    ...appeal,
    stage: 'lead',
    status: 'pending',
    history: [...appeal.history, { at: now.toISOString(), by: who.agentId, action: 'escalated', note }],
    updatedAt: now.toISOString(),
  };
}

/** Adjustments after a decision: an accepted appeal removes its finding. */
export const afterDecision = (adj: Adjustments, appeal: Appeal): Adjustments =>
  appeal.status === 'accepted' && !adj.removed.includes(appeal.findingKey) ? { ...adj, removed: [...adj.removed, appeal.findingKey] } : adj;
