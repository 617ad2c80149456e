import { COMPLAINT_STEPS } from '../assist/coaching.js';
import { STRONG_ANGER, type ConversationInsight } from '../assist/insight.js';
import { DomainError, forbidden } from '../errors.js';
import type { Role } from '../model.js';
import type { Signal } from '../nlp/types.js';
import { canChangeStatus, isLead } from '../permissions.js';
import { regulatorDeadline } from './deadlines.js';
import { ticketEvent, type TicketEvent } from './events.js';
import {
  COMPLAINT_STEP_IDS,
  stepNumber,
  type Classification,
  type Complaint,
  type ComplaintSource,
  type ComplaintStepId,
  type Label,
  type Ticket,
} from './model.js';

/**
 * 投诉处理 (METHOD.md §4): the six steps walked in order with their checklists and
 * coaching, the classification suggested from the conversation, 非正常投诉 and the alerts
 * they raise, and 服务补偿 within each role's approval limit. Pure.
 */

// ── the six steps ───────────────────────────────────────────────────────────

export interface CoachingLine extends Label {
  /** 3F (Feel, Felt, Found), CLEAR (Control, Listen, Empathize, Apologize, Resolve) or LSCIA (Listen, Share, Clarify, Illustrate, Ask). */
  model: '3F' | 'CLEAR' | 'LSCIA';
  part: string;
}

export interface StepGuide {
  goal: Label;
  checklist: Label[];
  coaching: CoachingLine[];
}

const goal = (id: ComplaintStepId): Label => ({ zh: COMPLAINT_STEPS[stepNumber(id)].goalZh, en: COMPLAINT_STEPS[stepNumber(id)].goalEn });

/** What each step asks of the agent, and how the coaching models say it. */
export const STEP_GUIDES: Record<ComplaintStepId, StepGuide> = {
  accept: {
    goal: goal('accept'),
    checklist: [
      { zh: '立即受理，不推诿、不拖延', en: 'Take it at once: no passing on, no delay' },
      { zh: '先致歉：道歉不等于认错', en: 'Apologise first: an apology is not an admission' },
      { zh: '报工号，说明由你负责跟进', en: 'Give your agent number and say you will follow it up' },
    ],
    coaching: [
      { model: 'CLEAR', part: 'Control', zh: '控制自己的情绪，不争辩、不辩解', en: 'Control your own emotions: do not argue or justify' },
      { model: 'CLEAR', part: 'Apologize', zh: '“非常抱歉给您带来了不好的体验，我马上为您处理。”', en: '"I am very sorry for the trouble; I am on it now."' },
    ],
  },
  calm: {
    goal: goal('calm'),
    checklist: [
      { zh: '让客户充分倾诉，不打断', en: 'Let the customer vent; do not interrupt' },
      { zh: '说出对客户感受的理解', en: 'Say that you understand how they feel' },
      { zh: '先处理情绪，再处理事情', en: 'Handle the emotion before the matter' },
    ],
    coaching: [
      { model: 'CLEAR', part: 'Listen', zh: '“您慢慢说，我都在听，每一点我都会记下来。”', en: '"Take your time; I am listening and noting every point."' },
      { model: 'LSCIA', part: 'Listen', zh: '专心倾听，不急于解释', en: 'Listen closely; do not rush to explain' },
      { model: 'LSCIA', part: 'Share', zh: '分享感受：“遇到这种情况，换作是我也会着急。”', en: 'Share the feeling: "In your place I would be upset too."' },
      { model: '3F', part: 'Feel', zh: '“我理解您现在的感受。”', en: '"I understand how you feel."' },
      { model: '3F', part: 'Felt', zh: '“其他客户遇到类似情况时也有同样的感受。”', en: '"Other customers felt the same when this happened to them."' },
      { model: 'CLEAR', part: 'Empathize', zh: '站在客户的角度复述他的处境', en: 'Restate their situation from their side' },
    ],
  },
  clarify: {
    goal: goal('clarify'),
    checklist: [
      { zh: '用开放式问题收集事实：时间、订单、经过', en: 'Collect the facts with open questions: when, which order, what happened' },
      { zh: '用封闭式问题确认关键点', en: 'Confirm the key point with a closed question' },
      { zh: '复述客户的诉求，得到确认', en: 'Restate what the customer asks for and get a yes' },
    ],
    coaching: [
      { model: 'LSCIA', part: 'Clarify', zh: '“为了尽快帮您解决，能具体说说当时的情况吗？”', en: '"So I can fix this quickly, could you tell me exactly what happened?"' },
      { model: 'LSCIA', part: 'Clarify', zh: '“我确认一下：您是说……，对吗？”', en: '"Let me check: you mean …, is that right?"' },
    ],
  },
  explore: {
    goal: goal('explore'),
    checklist: [
      { zh: '先问客户希望怎样解决', en: 'Ask first what would satisfy the customer' },
      { zh: '提出可行的方案：说能做什么，不说不能做什么', en: 'Propose what you can do, not what you cannot' },
      { zh: '要求不合理时礼貌重复可提供的方案；仍坚持，请主管决定', en: 'Unreasonable demands: politely repeat what you can do; if they persist, the supervisor decides' },
    ],
    coaching: [
      { model: '3F', part: 'Found', zh: '“后来我们发现，……的处理方式能最快解决这类问题。”', en: '"What we found is that … solves this fastest."' },
      { model: 'LSCIA', part: 'Illustrate', zh: '用实例说明方案的结果', en: 'Illustrate the proposal with what it will bring' },
      { model: 'LSCIA', part: 'Ask', zh: '“我可以为您……，您看这样可以吗？”', en: '"I can …; would that work for you?"' },
      { model: 'CLEAR', part: 'Resolve', zh: '和客户一起选定方案', en: 'Settle on the solution together' },
    ],
  },
  act: {
    goal: goal('act'),
    checklist: [
      { zh: '马上办理，不让客户等', en: 'Act at once; do not keep the customer waiting' },
      { zh: '给出明确的完成时间并记录承诺', en: 'Give a concrete time and record the promise' },
      { zh: '需要补偿时按权限申请', en: 'Request compensation within your limit when due' },
      { zh: '有坏消息先说', en: 'Report bad news first' },
    ],
    coaching: [{ model: 'CLEAR', part: 'Resolve', zh: '“我现在马上为您办理，会在……之前给您答复。”', en: '"I am doing it now and will get back to you by …"' }],
  },
  thank: {
    goal: goal('thank'),
    checklist: [
      { zh: '再次致歉', en: 'Apologise again' },
      { zh: '感谢客户的信任和反馈', en: 'Thank them for their trust and feedback' },
      { zh: '承诺改进', en: 'Commit to improve' },
      { zh: '请客户确认问题已解决，并安排回访', en: 'Ask the customer to confirm it is solved, and schedule the follow-up call' },
    ],
    coaching: [
      { model: 'CLEAR', part: 'Apologize', zh: '“再次为给您带来的麻烦说声抱歉，感谢您的理解和信任，我们会改进。”', en: '"Once more, sorry for the trouble; thank you for your trust. We will do better."' },
    ],
  },
};

/** The step to do next: the first neither done nor skipped; null when all six are. */
export function nextStep(complaint: Pick<Complaint, 'steps'>): ComplaintStepId | null {
  const recorded = new Set(complaint.steps.map((s) => s.step));
  return COMPLAINT_STEP_IDS.find((id) => !recorded.has(id)) ?? null;
}

export interface StepInput {
  step: ComplaintStepId;
  note?: string | null;
  skippedReason?: string | null;
}

/**
 * Records the next step, done or skipped. Steps go in order, so a later one waits until
 * the ones before it are done or skipped, and a skip says why (the archive shows it).
 */
export function recordStep(complaint: Complaint, input: StepInput, by: number, at: Date): Complaint | DomainError {
  const expected = nextStep(complaint);
  if (complaint.steps.some((s) => s.step === input.step)) {
    return new DomainError('complaint_step_recorded', `step ${input.step} was recorded already`, 409, { step: input.step });
  }
  if (input.step !== expected) {
    return new DomainError('complaint_step_out_of_order', `the next step is ${expected}: record or skip it (with a reason) before ${input.step}`, 409, { expected, step: input.step });
  }
  const skippedReason = input.skippedReason?.trim() || null;
  if (typeof input.skippedReason === 'string' && !skippedReason) {
    return new DomainError('skip_reason_required', `say why step ${input.step} is skipped`, 400, { step: input.step });
  }
  const record = { step: input.step, by, at: at.toISOString(), note: input.note?.trim() || null, skippedReason };
  return { ...complaint, steps: [...complaint.steps, record] };
}

// ── classification ──────────────────────────────────────────────────────────

const EMPTY: Complaint = {
  classification: { reason: null, topic: null, motive: null, behaviour: null, source: 'consumer' },
  abnormal: false,
  steps: [],
  deadline: null,
  unconfirmedReason: null,
};

export type ClassificationPatch = Partial<Classification> & { noticeDate?: string | null };

/**
 * The agent confirms or changes the classification. A regulator complaint needs the
 * notice's date, which sets its 15-day deadline; a notice date belongs to no other source.
 */
export function classify(complaint: Complaint, patch: ClassificationPatch, timezone: string): Complaint | DomainError {
  const { noticeDate, ...values } = patch;
  const classification = { ...complaint.classification, ...values };
  if (classification.source !== 'regulator') {
    if (noticeDate) return new DomainError('notice_date_not_regulator', 'a notice date belongs to a regulator complaint (source regulator)', 400);
    return { ...complaint, classification, deadline: null };
  }
  if (!noticeDate) {
    return complaint.deadline ? { ...complaint, classification } : new DomainError('notice_date_required', 'a regulator complaint needs noticeDate, the date of the regulator’s notice (YYYY-MM-DD)', 400);
  }
  const deadline = regulatorDeadline(noticeDate, timezone);
  return deadline instanceof DomainError ? deadline : { ...complaint, classification, deadline };
}

/** A new complaint from its source (and notice date for a regulator). */
export const newComplaint = (source: ComplaintSource, noticeDate: string | null | undefined, timezone: string): Complaint | DomainError =>
  classify(EMPTY, { source, noticeDate }, timezone);

/** Why a complaint looks 非正常 (abnormal): raised again and again, threats, demands far above policy. */
export type AbnormalSign = 'repeated' | 'threat' | 'excessive_demand';

/** The contact's earlier complaints from which one more counts as raised repeatedly. */
export const REPEATED_COMPLAINTS = 2;
/** A demand at least this many times what the policy allows is far above it. */
export const EXCESSIVE_DEMAND_FACTOR = 3;
const THREATS: readonly Signal[] = ['media', 'regulator', 'lawyer'];

export interface SuggestionInput {
  insight: Pick<ConversationInsight, 'intent' | 'emotion' | 'signals' | 'maxAnger'>;
  /** The contact's complaints before this one. */
  earlierComplaints: number;
  /** Money the customer asks for, and what the policy allows for the case; null when none is asked. */
  demand: { amount: number; policyAmount: number } | null;
}

export interface ClassificationSuggestion {
  /** What the evidence tells; the rest stays null for the agent to choose. */
  classification: Classification;
  /** Signs of 非正常投诉; any of them suggests it (a supervisor decides). */
  abnormal: AbnormalSign[];
}

/**
 * The classification the conversation suggests, for the agent to confirm. The topic
 * is not suggested (intent and emotion do not tell it), and the source is the consumer:
 * regulator and media complaints arrive by notice, not in the customer's conversation.
 */
export function suggestClassification({ insight, earlierComplaints, demand }: SuggestionInput): ClassificationSuggestion {
  const threat = insight.signals.some((s) => THREATS.includes(s));
  const abnormal: AbnormalSign[] = [];
  if (earlierComplaints >= REPEATED_COMPLAINTS) abnormal.push('repeated');
  if (threat) abnormal.push('threat');
  if (demand && demand.amount >= EXCESSIVE_DEMAND_FACTOR * demand.policyAmount && demand.amount > 0) abnormal.push('excessive_demand');
  const angry = insight.emotion.label === 'anger' || insight.maxAnger >= STRONG_ANGER;
  return {
    classification: {
      reason: insight.intent?.label === 'fault' ? 'quality' : null,
      topic: null,
      motive: demand ? 'compensation' : angry ? 'venting' : null,
      behaviour: behaviourOf(insight, demand !== null),
      source: 'consumer',
    },
    abnormal,
  };
}

/** The behaviour type, strongest evidence first: threats, appeals, demands, then the anger's course. */
function behaviourOf(insight: SuggestionInput['insight'], demanding: boolean): Classification['behaviour'] {
  const { signals, emotion } = insight;
  if (signals.includes('media') || signals.includes('lawyer')) return 'threatening';
  if (signals.includes('regulator')) return 'appealing';
  if (demanding) return 'compensation';
  if (emotion.label === 'anger') return emotion.intensity >= STRONG_ANGER ? 'noisy' : 'venting';
  if (insight.maxAnger >= STRONG_ANGER) return 'cooled';
  return emotion.label === 'dissatisfaction' ? 'argumentative' : null;
}

/** The alerts a change raises at once: a media complaint, a complaint set 非正常 (each only when it becomes so). */
export function complaintAlerts(ticketId: number, before: Complaint | null, after: Complaint): TicketEvent[] {
  const alerts: TicketEvent[] = [];
  if (after.classification.source === 'media' && before?.classification.source !== 'media') {
    alerts.push(ticketEvent('complaint.alert_raised', { ticketId, reason: 'media', audiences: ['supervisors', 'pr'] }));
  }
  if (after.abnormal && !before?.abnormal) alerts.push(ticketEvent('complaint.alert_raised', { ticketId, reason: 'abnormal', audiences: ['supervisors', 'legal'] }));
  return alerts;
}

// ── 服务补偿 ────────────────────────────────────────────────────────────────

/** A compensation offered on a ticket (服务补偿): within the requester's limit it is approved at once. */
export interface Compensation {
  id: number;
  ticketId: number;
  /** The workspace's own kinds: 优惠券, 退款, 积分, 礼品… */
  kind: string;
  /** In the workspace's currency (元), two decimals at most. */
  amount: number;
  status: 'approved' | 'pending_approval';
  requestedBy: number;
  requestedAt: string;
  approvedBy: number | null;
  approvedAt: string | null;
}

/** Per role, the largest amount its holder approves alone. */
export type CompensationLimits = Partial<Record<Role, number>>;
export const DEFAULT_COMPENSATION_LIMITS: CompensationLimits = { agent: 100 };

/** 主管 and 管理员 approve any amount; a role without a limit approves none alone. */
export const compensationLimit = (role: Role, limits: CompensationLimits): number => (isLead(role) ? Infinity : (limits[role] ?? 0));

type Who = { agentId: number; role: Role };
type Outcome = { compensation: Compensation; events: TicketEvent[] } | DomainError;

export function requestCompensation(
  ticket: Pick<Ticket, 'id' | 'status' | 'assigneeId'>,
  input: { id: number; kind: string; amount: number },
  who: Who,
  limits: CompensationLimits,
  now: Date,
): Outcome {
  if (ticket.status === 'closed') return new DomainError('ticket_closed', 'this ticket is closed (已关闭); compensation goes on an open ticket', 409);
  if (!canChangeStatus(who, ticket)) return forbidden('only the ticket’s assignee or a supervisor can offer compensation on it');
  const kind = input.kind.trim();
  if (!kind) return new DomainError('compensation_kind_required', 'say what the compensation is (优惠券, 退款…)', 400);
  if (!Number.isFinite(input.amount) || input.amount < 0 || Math.abs(Math.round(input.amount * 100) - input.amount * 100) > 1e-6) {
    return new DomainError('invalid_amount', 'amount must be zero or more, with two decimals at most', 400);
  }
  const approved = input.amount <= compensationLimit(who.role, limits);
  const at = now.toISOString();
  const compensation: Compensation = {
    id: input.id,
    ticketId: ticket.id,
    kind,
    amount: input.amount,
    status: approved ? 'approved' : 'pending_approval',
    requestedBy: who.agentId,
    requestedAt: at,
    approvedBy: approved ? who.agentId : null,
    approvedAt: approved ? at : null,
  };
  const data = { ticketId: ticket.id, compensationId: input.id, kind, amount: input.amount, requestedBy: who.agentId, status: compensation.status };
  return { compensation, events: [ticketEvent('compensation.requested', data)] };
}

/** A supervisor (or administrator) approves a compensation above its requester's limit. */
export function approveCompensation(c: Compensation, who: Who, now: Date): Outcome {
  if (c.status === 'approved') return new DomainError('compensation_approved', `this compensation was approved already at ${c.approvedAt}`, 409);
  if (!isLead(who.role)) return forbidden('a compensation above the agent’s limit is approved by a supervisor (主管) or administrator');
  const compensation: Compensation = { ...c, status: 'approved', approvedBy: who.agentId, approvedAt: now.toISOString() };
  return { compensation, events: [ticketEvent('compensation.approved', { ticketId: c.ticketId, compensationId: c.id, approvedBy: who.agentId })] };
}
