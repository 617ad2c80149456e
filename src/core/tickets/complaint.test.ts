import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import {
  approveCompensation,
  classify,
  complaintAlerts,
  compensationLimit,
  DEFAULT_COMPENSATION_LIMITS,
  newComplaint,
  nextStep,
  recordStep,
  requestCompensation,
  STEP_GUIDES,
  suggestClassification,
  type Compensation,
  type SuggestionInput,
} from './complaint.js';
import { COMPLAINT_STEP_IDS, TICKET_LABELS, type Complaint } from './model.js';

const at = new Date('2026-11-23T02:00:00Z');
const fresh = () => newComplaint('consumer', null, 'Asia/Shanghai') as Complaint;
const must = <T>(r: T | DomainError): T => {
  if (r instanceof DomainError) throw new Error(`refused: ${r.code}`);
  return r;
};
const codeOf = (r: unknown) => (r instanceof DomainError ? r.code : null);

describe('the six steps', () => {
  it('are walked in order, each recorded with who and when', () => {
    let c = fresh();
    expect(nextStep(c)).toBe('accept');
    for (const step of COMPLAINT_STEP_IDS) c = must(recordStep(c, { step, note: ` ${step} ` }, 7, at));
    expect(c.steps.map((s) => [s.step, s.by, s.at, s.note])).toEqual(COMPLAINT_STEP_IDS.map((s) => [s, 7, at.toISOString(), s]));
    expect(nextStep(c)).toBeNull();
  });

  it('a later step waits for the earlier ones; a recorded step is not recorded again', () => {
    const c = must(recordStep(fresh(), { step: 'accept' }, 7, at));
    const early = recordStep(c, { step: 'explore' }, 7, at);
    expect(codeOf(early)).toBe('complaint_step_out_of_order');
    expect((early as DomainError).details).toEqual({ expected: 'calm', step: 'explore' });
    expect(codeOf(recordStep(c, { step: 'accept' }, 7, at))).toBe('complaint_step_recorded');
  });

  it('skipping a step needs a reason', () => {
    const c = must(recordStep(fresh(), { step: 'accept' }, 7, at));
    expect(codeOf(recordStep(c, { step: 'calm', skippedReason: '  ' }, 7, at))).toBe('skip_reason_required');
    const skipped = must(recordStep(c, { step: 'calm', skippedReason: '客户情绪平稳，无需安抚' }, 7, at));
    expect(skipped.steps[1]).toMatchObject({ step: 'calm', skippedReason: '客户情绪平稳，无需安抚', note: null });
    expect(nextStep(skipped)).toBe('clarify');
  });

  it('each step has a goal, a checklist and coaching; 3F, CLEAR and LSCIA all appear', () => {
    for (const id of COMPLAINT_STEP_IDS) {
      expect(STEP_GUIDES[id].goal.zh).not.toBe('');
      expect(STEP_GUIDES[id].checklist.length).toBeGreaterThan(0);
      expect(STEP_GUIDES[id].coaching.length).toBeGreaterThan(0);
    }
    const models = new Set(Object.values(STEP_GUIDES).flatMap((g) => g.coaching.map((c) => c.model)));
    expect([...models].sort()).toEqual(['3F', 'CLEAR', 'LSCIA']);
    expect(TICKET_LABELS.step.calm).toEqual({ zh: '平息怒气', en: 'Calm the anger' });
  });
});

describe('classification', () => {
  const insight = (over: Partial<SuggestionInput['insight']> = {}): SuggestionInput['insight'] => ({
    intent: { label: 'complaint', confidence: 0.9 },
    emotion: { label: 'neutral', intensity: 0 },
    signals: [],
    maxAnger: 0,
    ...over,
  });
  const suggest = (over: Partial<SuggestionInput['insight']> = {}, rest: Partial<Omit<SuggestionInput, 'insight'>> = {}) =>
    suggestClassification({ insight: insight(over), earlierComplaints: 0, demand: null, ...rest });

  it('reads the behaviour type from signals, demands and the anger’s course', () => {
    expect(suggest({ signals: ['media'] }).classification.behaviour).toBe('threatening');
    expect(suggest({ signals: ['lawyer', 'regulator'] }).classification.behaviour).toBe('threatening');
    expect(suggest({ signals: ['regulator'] }).classification.behaviour).toBe('appealing');
    expect(suggest({}, { demand: { amount: 50, policyAmount: 50 } }).classification).toMatchObject({ behaviour: 'compensation', motive: 'compensation' });
    expect(suggest({ emotion: { label: 'anger', intensity: 0.9 }, maxAnger: 0.9 }).classification).toMatchObject({ behaviour: 'noisy', motive: 'venting' });
    expect(suggest({ emotion: { label: 'anger', intensity: 0.3 }, maxAnger: 0.3 }).classification.behaviour).toBe('venting');
    expect(suggest({ emotion: { label: 'neutral', intensity: 0 }, maxAnger: 0.8 }).classification.behaviour).toBe('cooled');
    expect(suggest({ emotion: { label: 'dissatisfaction', intensity: 0.5 } }).classification.behaviour).toBe('argumentative');
    expect(suggest().classification).toEqual({ reason: null, topic: null, motive: null, behaviour: null, source: 'consumer' });
    expect(suggest({ intent: { label: 'fault', confidence: 0.8 } }).classification.reason).toBe('quality');
  });

  it('suggests 非正常投诉 from repeated claims, threats and demands far above policy', () => {
    expect(suggest().abnormal).toEqual([]);
    expect(suggest({ signals: ['cancel'] }).abnormal).toEqual([]);
    expect(suggest({ signals: ['regulator'] }, { earlierComplaints: 2 }).abnormal).toEqual(['repeated', 'threat']);
    expect(suggest({}, { earlierComplaints: 1, demand: { amount: 1000, policyAmount: 200 } }).abnormal).toEqual(['excessive_demand']);
    expect(suggest({}, { demand: { amount: 500, policyAmount: 200 } }).abnormal).toEqual([]);
  });

  it('a regulator source needs the notice date and gets the deadline; another source drops it', () => {
    expect(codeOf(classify(fresh(), { source: 'regulator' }, 'Asia/Shanghai'))).toBe('notice_date_required');
    expect(codeOf(classify(fresh(), { source: 'regulator', noticeDate: '2026-02-30' }, 'Asia/Shanghai'))).toBe('invalid_notice_date');
    expect(codeOf(classify(fresh(), { noticeDate: '2026-02-03' }, 'Asia/Shanghai'))).toBe('notice_date_not_regulator');
    const regulator = must(classify(fresh(), { source: 'regulator', noticeDate: '2026-01-20' }, 'Asia/Shanghai'));
    expect(regulator.deadline?.dueAt).toBe('2026-02-04T15:59:59.999Z');
    expect(must(classify(regulator, { topic: 'attitude' }, 'Asia/Shanghai')).deadline).toEqual(regulator.deadline);
    expect(must(classify(regulator, { source: 'consumer' }, 'Asia/Shanghai')).deadline).toBeNull();
  });

  it('alerts once when a complaint becomes a media one or 非正常', () => {
    const media = must(classify(fresh(), { source: 'media' }, 'UTC'));
    expect(complaintAlerts(1, fresh(), media).map((e) => e.data)).toEqual([{ ticketId: 1, reason: 'media', audiences: ['supervisors', 'pr'] }]);
    expect(complaintAlerts(1, media, must(classify(media, { topic: 'attitude' }, 'UTC')))).toEqual([]);
  });
});

describe('服务补偿', () => {
  const ticket = { id: 1, status: 'open' as const, assigneeId: 7 };
  const agent = { agentId: 7, role: 'agent' as const };
  const supervisor = { agentId: 2, role: 'supervisor' as const };
  const request = (amount: number, who: { agentId: number; role: 'agent' | 'supervisor' } = agent) =>
    requestCompensation(ticket, { id: 30, kind: ' 优惠券 ', amount }, who, DEFAULT_COMPENSATION_LIMITS, at);

  it('within the requester’s limit it is approved at once', () => {
    const r = must(request(100));
    expect(r.compensation).toMatchObject({ kind: '优惠券', amount: 100, status: 'approved', approvedBy: 7, approvedAt: at.toISOString() });
    expect(r.events).toEqual([
      { type: 'compensation.requested', data: { ticketId: 1, compensationId: 30, kind: '优惠券', amount: 100, requestedBy: 7, status: 'approved' } },
    ]);
  });

  it('above it, it waits for a supervisor, who approves any amount', () => {
    const pending = must(request(100.01)).compensation;
    expect(pending).toMatchObject({ status: 'pending_approval', approvedBy: null });
    expect(codeOf(approveCompensation(pending, agent, at))).toBe('forbidden');
    const approved = must(approveCompensation(pending, supervisor, at));
    expect(approved.compensation).toMatchObject({ status: 'approved', approvedBy: 2 });
    expect(approved.events[0]).toEqual({ type: 'compensation.approved', data: { ticketId: 1, compensationId: 30, approvedBy: 2 } });
    expect(codeOf(approveCompensation(approved.compensation as Compensation, supervisor, at))).toBe('compensation_approved');
    expect(must(request(5000, supervisor)).compensation.status).toBe('approved');
  });

  it('limits per role: leads unlimited, a role without one approves nothing alone', () => {
    expect(compensationLimit('agent', { agent: 50 })).toBe(50);
    expect(compensationLimit('admin', {})).toBe(Infinity);
    expect(compensationLimit('agent', {})).toBe(0);
  });

  it('refuses bad amounts, no kind, closed tickets and other agents’ tickets', () => {
    expect(codeOf(request(-1))).toBe('invalid_amount');
    expect(codeOf(request(1.005))).toBe('invalid_amount');
    expect(codeOf(request(Number.NaN))).toBe('invalid_amount');
    expect(must(request(0.29)).compensation.amount).toBe(0.29);
    expect(codeOf(requestCompensation(ticket, { id: 1, kind: ' ', amount: 1 }, agent, {}, at))).toBe('compensation_kind_required');
    expect(codeOf(requestCompensation({ ...ticket, status: 'closed' }, { id: 1, kind: 'x', amount: 1 }, agent, {}, at))).toBe('ticket_closed');
    expect(codeOf(requestCompensation(ticket, { id: 1, kind: 'x', amount: 1 }, { agentId: 8, role: 'agent' }, {}, at))).toBe('forbidden');
  });
});
