import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { canAssign, canChangeStatus, canReply, canReview, canTransfer, servesCustomers } from '../permissions.js';
import { adjustedScore, afterDecision, canDecide, checkAppeal, decide, escalate, NO_ADJUSTMENTS, review, standingFindings, type Appeal } from './review.js';
import type { QaFinding } from './types.js';

const finding = (rule: string, severity: QaFinding['severity'], messageIndex: number | null = 1): QaFinding => ({
  rule,
  category: rule.split('.')[0]!,
  severity,
  messageIndex,
  excerpt: '',
  span: null,
  suggestion: null,
});
const auto = [finding('forbidden.blame', 'major'), finding('closing.farewell', 'minor', null), finding('forbidden.insult', 'critical')];
const inspection = { findings: auto, messageCount: 4 };
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as DomainError).code;
  }
  return null;
};

describe('质检 review (复核)', () => {
  it('verdicts and manual findings change the adjusted score; the automatic findings stay as they were', () => {
    expect(adjustedScore(auto, NO_ADJUSTMENTS)).toMatchObject({ score: 0, vetoed: true });
    const adj = review(inspection, NO_ADJUSTMENTS, { verdicts: { a2: 'wrong', a1: 'correct' }, manual: [{ category: 'service', severity: 'minor', messageIndex: 3, note: '未主动核实' }] });
    expect(standingFindings(auto, adj).map((f) => f.key)).toEqual(['a0', 'a1', 'm0']);
    expect(adjustedScore(auto, adj)).toMatchObject({ score: 100 - 5 - 2 - 2, vetoed: false });
    expect(auto).toHaveLength(3);
  });

  it('a manual finding keeps its key across reviews; a new one never reuses a dropped key', () => {
    const first = review(inspection, NO_ADJUSTMENTS, { verdicts: {}, manual: [{ category: 'service', severity: 'minor', messageIndex: null, note: 'a' }, { category: 'opening', severity: 'minor', messageIndex: 0, note: 'b' }] });
    expect(first.manual.map((m) => m.key)).toEqual(['m0', 'm1']);
    const second = review(inspection, first, { verdicts: { m1: 'correct' }, manual: [{ key: 'm1', category: 'opening', severity: 'major', messageIndex: 0, note: 'b, worse' }, { category: 'closing', severity: 'minor', messageIndex: null, note: 'c' }] });
    expect(second.manual.map((m) => [m.key, m.severity])).toEqual([
      ['m1', 'major'],
      ['m2', 'minor'],
    ]);
    expect(codeOf(() => review(inspection, second, { verdicts: { m0: 'wrong' }, manual: [] }))).toBe('unknown_finding');
    expect(codeOf(() => review(inspection, second, { verdicts: {}, manual: [{ key: 'm7', category: 'x', severity: 'minor', messageIndex: null, note: 'x' }] }))).toBe('unknown_finding');
    expect(codeOf(() => review(inspection, second, { verdicts: {}, manual: [{ category: 'x', severity: 'minor', messageIndex: 4, note: 'x' }] }))).toBe('invalid_message_index');
  });
});

describe('质检 appeals (申诉)', () => {
  const now = new Date('2026-11-30T12:00:00Z');
  const target = { agentId: 7, findings: auto, adjustments: NO_ADJUSTMENTS, since: '2026-11-25T12:00:00Z' };
  const filed: Appeal = {
    id: 1,
    inspectionId: 9,
    conversationId: 42,
    findingKey: 'a0',
    agentId: 7,
    reason: '上下文里已经给了方案',
    stage: 'supervisor',
    status: 'pending',
    final: false,
    history: [{ at: now.toISOString(), by: 7, action: 'filed', note: null }],
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };

  it('only the served agent, on a standing finding, once, within the window', () => {
    expect(codeOf(() => checkAppeal({ agentId: 7, role: 'agent' }, target, 'a0', null, now, 7))).toBeNull();
    expect(codeOf(() => checkAppeal({ agentId: 8, role: 'qa' }, target, 'a0', null, now, 7))).toBe('forbidden');
    expect(codeOf(() => checkAppeal({ agentId: 7, role: 'agent' }, target, 'a5', null, now, 7))).toBe('unknown_finding');
    expect(codeOf(() => checkAppeal({ agentId: 7, role: 'agent' }, target, 'a0', filed, now, 7))).toBe('appeal_exists');
    expect(codeOf(() => checkAppeal({ agentId: 7, role: 'agent' }, target, 'a0', null, now, 4))).toBe('appeal_too_late');
    const wrong = review(inspection, NO_ADJUSTMENTS, { verdicts: { a0: 'wrong' }, manual: [] });
    expect(codeOf(() => checkAppeal({ agentId: 7, role: 'agent' }, { ...target, adjustments: wrong }, 'a0', null, now, 7))).toBe('unknown_finding');
  });

  it('supervisor or group leader first, then once to a 质检主管 whose decision is final; never one’s own', () => {
    expect(canDecide({ agentId: 2, role: 'supervisor' }, filed, null)).toBe(true);
    expect(canDecide({ agentId: 3, role: 'agent' }, filed, 3)).toBe(true); // the group's leader (组长)
    expect(canDecide({ agentId: 3, role: 'agent' }, filed, 4)).toBe(false);
    expect(canDecide({ agentId: 5, role: 'qa' }, filed, null)).toBe(false);
    expect(canDecide({ agentId: 7, role: 'supervisor' }, filed, null)).toBe(false);

    const rejected = decide(filed, { agentId: 2, role: 'supervisor' }, null, false, '不成立', now);
    expect(rejected).toMatchObject({ status: 'rejected', stage: 'supervisor', final: false });
    expect(afterDecision(NO_ADJUSTMENTS, rejected)).toBe(NO_ADJUSTMENTS);
    expect(codeOf(() => decide(rejected, { agentId: 2, role: 'supervisor' }, null, true, null, now))).toBe('appeal_decided');
    expect(codeOf(() => escalate(rejected, { agentId: 8 }, null, now, 7))).toBe('forbidden');
    expect(codeOf(() => escalate(rejected, { agentId: 7 }, null, new Date(now.getTime() + 8 * 86_400_000), 7))).toBe('appeal_too_late');

    const escalated = escalate(rejected, { agentId: 7 }, '请终审', now, 7);
    expect(escalated).toMatchObject({ stage: 'lead', status: 'pending' });
    expect(canDecide({ agentId: 2, role: 'supervisor' }, escalated, null)).toBe(false);
    expect(canDecide({ agentId: 6, role: 'qa_lead' }, escalated, null)).toBe(true);
    const accepted = decide(escalated, { agentId: 6, role: 'qa_lead' }, null, true, null, now);
    expect(accepted).toMatchObject({ status: 'accepted', final: true });
    expect(accepted.history.map((h) => h.action)).toEqual(['filed', 'rejected', 'escalated', 'accepted']);
    expect(afterDecision(NO_ADJUSTMENTS, accepted).removed).toEqual(['a0']);
    expect(codeOf(() => escalate(accepted, { agentId: 7 }, null, now, 7))).toBe('appeal_not_escalable');
  });
});

describe('质检 roles', () => {
  it('质检员 and 质检主管 review but never serve: no taking, assigning, transferring, status or public replies', () => {
    const conv = { assigneeId: null };
    for (const role of ['qa', 'qa_lead'] as const) {
      const who = { agentId: 5, role };
      expect(servesCustomers(role)).toBe(false);
      expect(canReview(role)).toBe(true);
      expect(canAssign(who, conv, 5)).toBe(false);
      expect(canTransfer(who, { assigneeId: 5 })).toBe(false);
      expect(canChangeStatus(who, conv)).toBe(false);
      expect(canReply(who, conv)).toBe(false);
      expect(canReply(who, conv, true)).toBe(true);
    }
    expect(canReview('agent')).toBe(false);
    expect(canReview('supervisor')).toBe(true);
  });
});
