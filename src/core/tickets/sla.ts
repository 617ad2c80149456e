import { addBusinessMinutes, businessMinutesBetween, type BusinessCalendar } from '../calendar/business-hours.js';
import { ticketEvent, type TicketEvent } from './events.js';
import { SLA_METRICS, type SlaMetric, type Ticket, type TicketPriority, type TicketStatus, type TicketType } from './model.js';

/**
 * 服务时效 (SLA): policies, the clocks of a ticket, and what their durable timers do.
 * Pure: clocks are computed from the ticket's history and an instant `now`, so the same
 * history always gives the same clocks, on any instance, after any restart.
 *
 * - first_reply runs from creation to the first public agent reply;
 * - next_reply runs from a customer reply (after the first agent reply) to the next agent reply;
 * - resolution runs from creation to 已解决 and on again after a reopen.
 * Every clock pauses while the ticket waits on the customer (pending) and resumes when
 * it leaves pending (the customer's reply does that); 等待内部 (on_hold) does not pause.
 * Solving stops every clock.
 */

/** A target: minutes of the policy's 工作时间 calendar (business) or of the wall clock. */
export interface SlaTarget {
  minutes: number;
  business: boolean;
}

/** Which tickets a policy takes: every condition given must hold, any one value of each. An empty match takes every ticket. */
export interface SlaMatch {
  types?: TicketType[];
  priorities?: TicketPriority[];
  groupIds?: number[];
  tags?: string[];
}

export interface SlaPolicy {
  name: string;
  match: SlaMatch;
  targets: Partial<Record<SlaMetric, SlaTarget>>;
  /** The calendar of its business targets; null: the workspace's default. */
  calendarId: number | null;
  /** Warn when this share of a target has run (percent, below 100). */
  warnPercent: number;
  /** After a breach: the group's 组长 is told after `leaderAfterMinutes`, the supervisors after `supervisorAfterMinutes` (in the target's time). */
  escalation: { leaderAfterMinutes: number; supervisorAfterMinutes: number };
}

/** A business day of the default calendar (09:00–18:00): what "2 business days" means in the defaults. */
const BUSINESS_DAY_MINUTES = 9 * 60;
const business = (minutes: number): SlaTarget => ({ minutes, business: true });
const ESCALATION = { leaderAfterMinutes: 0, supervisorAfterMinutes: 60 };

/**
 * What a fresh install ships (editable): complaints first, then every other ticket.
 * Targets count business time, so a complaint left at night is not breached by morning.
 */
export const DEFAULT_SLA_POLICIES: SlaPolicy[] = [
  {
    name: '投诉',
    match: { types: ['complaint'] },
    targets: { first_reply: business(30), resolution: business(2 * BUSINESS_DAY_MINUTES) },
    calendarId: null,
    warnPercent: 80,
    escalation: ESCALATION,
  },
  {
    name: '其他工单',
    match: {},
    targets: { first_reply: business(120), resolution: business(3 * BUSINESS_DAY_MINUTES) },
    calendarId: null,
    warnPercent: 80,
    escalation: ESCALATION,
  },
];

/** The first policy, in the admin's order, whose match the ticket meets. */
export function matchSlaPolicy<P extends SlaPolicy>(policies: readonly P[], ticket: Pick<Ticket, 'type' | 'priority' | 'groupId' | 'tags'>): P | null {
  const meets = ({ types, priorities, groupIds, tags }: SlaMatch) =>
    (!types?.length || types.includes(ticket.type)) &&
    (!priorities?.length || priorities.includes(ticket.priority)) &&
    (!groupIds?.length || (ticket.groupId !== null && groupIds.includes(ticket.groupId))) &&
    (!tags?.length || tags.some((t) => ticket.tags.includes(t)));
  return policies.find((p) => meets(p.match)) ?? null;
}

// ── clocks ──────────────────────────────────────────────────────────────────

/**
 * What the clocks are computed from, in the order it happened: the ticket's creation
 * (its first status), its status changes, and public replies (internal comments do not count).
 */
export type SlaActivity = { kind: 'status'; at: string; to: TicketStatus } | { kind: 'reply'; at: string; from: 'agent' | 'customer' };

export interface SlaClock {
  metric: SlaMetric;
  target: SlaTarget;
  /** When this clock started (for next_reply: the customer reply now waiting). */
  startedAt: string;
  /** Target time used so far, up to `now` or to when it stopped. */
  elapsedMinutes: number;
  /** When the target is (or was) reached: null while paused or stopped short of it. */
  dueAt: string | null;
  warnAt: string | null;
  escalateLeaderAt: string | null;
  escalateSupervisorAt: string | null;
  /** Running since then; null while paused or stopped. */
  runningSince: string | null;
  /** Waiting on the customer since then. */
  pausedAt: string | null;
  /** Met, or no longer owed (solved). */
  stoppedAt: string | null;
  /** When the target was missed; null while it is not (yet). */
  breachedAt: string | null;
}

/** Time measured in the target's clock: business minutes of a calendar, or wall-clock minutes. */
interface Meter {
  between(from: Date, to: Date): number;
  add(from: Date, minutes: number): Date | null;
}

const wallClock: Meter = {
  between: (from, to) => Math.max(0, to.getTime() - from.getTime()) / 60_000,
  add: (from, minutes) => new Date(from.getTime() + minutes * 60_000),
};

const businessClock = (cal: BusinessCalendar): Meter => ({
  between: (from, to) => businessMinutesBetween(cal, from, to),
  add: (from, minutes) => addBusinessMinutes(cal, from, minutes),
});

/** The ticket's clocks under `policy`, for the metrics it targets that have started. */
export function slaClocks(policy: SlaPolicy, history: readonly SlaActivity[], calendar: BusinessCalendar, now: Date): SlaClock[] {
  return SLA_METRICS.flatMap((metric) => {
    const target = policy.targets[metric];
    const run = target ? track(metric, history) : null;
    return target && run ? [clockOf(metric, target, run, policy, target.business ? businessClock(calendar) : wallClock, now)] : [];
  });
}

interface Span {
  start: Date;
  end: Date | null;
}

/** One run of a clock: when it started, the spans it counted, and where it stands. */
interface Run {
  startedAt: Date;
  spans: Span[];
  owed: boolean;
  counting: boolean;
  /** When `owed` or `counting` last changed. */
  since: Date;
}

/** Statuses in which an owed clock counts; `pending` pauses it, solved and closed stop it. */
const COUNTING: ReadonlySet<TicketStatus> = new Set(['new', 'open', 'on_hold']);
const FINISHED: ReadonlySet<TicketStatus> = new Set(['solved', 'closed']);

/** Walks the history for one metric: its latest run (next_reply starts a new one per question), or null before it starts. */
function track(metric: SlaMetric, history: readonly SlaActivity[]): Run | null {
  let run = null as Run | null;
  let status: TicketStatus = 'new';
  let firstReplyOver = false;
  for (const [i, a] of history.entries()) {
    if (a.kind === 'status') status = a.to;
    const { owed, restart } = owedAfter(metric, a, { first: i === 0, status, wasOwed: run?.owed ?? false, firstReplyOver });
    if (i > 0 && answers(a)) firstReplyOver = true;
    const at = new Date(a.at);
    if (restart) run = { startedAt: at, spans: [], owed, counting: false, since: at };
    if (run) advance(run, owed, owed && COUNTING.has(status), at);
  }
  return run;
}

/** An agent's public reply, or solving, answers what the customer waits for. */
const answers = (a: SlaActivity) => (a.kind === 'reply' && a.from === 'agent') || (a.kind === 'status' && FINISHED.has(a.to));

/** Whether the metric is owed after an activity, and whether the activity starts a new run of it. */
function owedAfter(metric: SlaMetric, a: SlaActivity, s: { first: boolean; status: TicketStatus; wasOwed: boolean; firstReplyOver: boolean }): { owed: boolean; restart: boolean } {
  switch (metric) {
    case 'first_reply':
      return { owed: s.first || (s.wasOwed && !answers(a)), restart: s.first };
    case 'resolution':
      return { owed: !FINISHED.has(s.status), restart: s.first };
    case 'next_reply': {
      const asks = a.kind === 'reply' && a.from === 'customer' && !s.wasOwed && s.firstReplyOver;
      return { owed: asks || (s.wasOwed && !answers(a)), restart: asks };
    }
  }
}

function advance(run: Run, owed: boolean, counting: boolean, at: Date): void {
  if (counting !== run.counting) {
    if (counting) run.spans.push({ start: at, end: null });
    else run.spans[run.spans.length - 1].end = at;
  }
  if (owed !== run.owed || counting !== run.counting) run.since = at;
  run.owed = owed;
  run.counting = counting;
}

/**
 * The instant the clock reaches `minutes`: inside a finished span (strictly: a reply
 * exactly at the target is in time), or ahead in the running one. Null when not reached.
 */
function reaches(spans: readonly Span[], meter: Meter, minutes: number): Date | null {
  let before = 0;
  for (const span of spans) {
    if (!span.end) return meter.add(span.start, minutes - before);
    const length = meter.between(span.start, span.end);
    if (before + length > minutes) return meter.add(span.start, minutes - before);
    before += length;
  }
  return null;
}

function clockOf(metric: SlaMetric, target: SlaTarget, run: Run, policy: SlaPolicy, meter: Meter, now: Date): SlaClock {
  const at = (minutes: number) => reaches(run.spans, meter, minutes)?.toISOString() ?? null;
  const dueAt = at(target.minutes);
  const running = run.counting ? run.spans[run.spans.length - 1].start : null;
  return {
    metric,
    target,
    startedAt: run.startedAt.toISOString(),
    elapsedMinutes: run.spans.reduce((sum, s) => sum + meter.between(s.start, s.end ?? now), 0),
    dueAt,
    warnAt: at((target.minutes * policy.warnPercent) / 100),
    escalateLeaderAt: at(target.minutes + policy.escalation.leaderAfterMinutes),
    escalateSupervisorAt: at(target.minutes + policy.escalation.supervisorAfterMinutes),
    runningSince: running?.toISOString() ?? null,
    pausedAt: run.owed && !run.counting ? run.since.toISOString() : null,
    stoppedAt: run.owed ? null : run.since.toISOString(),
    breachedAt: dueAt && Date.parse(dueAt) <= now.getTime() ? dueAt : null,
  };
}

// ── durable timers ──────────────────────────────────────────────────────────

/** What happens to a clock, in order: warn, breach, then escalate to the group's 组长 and to the supervisors. */
export const SLA_STAGES = ['warning', 'breach', 'escalate_leader', 'escalate_supervisor'] as const;
export type SlaStage = (typeof SLA_STAGES)[number];

/** The timer's memory: the clock's run, and up to when its stages were handled. */
export interface SlaTimerPayload {
  ticketId: number;
  metric: SlaMetric;
  startedAt: string;
  handledUntil: string;
}

export interface SlaTimer {
  kind: 'sla';
  key: string;
  dueAt: Date;
  payload: SlaTimerPayload;
}

/** Who is told on escalation; a group without a 组长 goes straight to the supervisors. */
export interface EscalationPeople {
  leaderId: number | null;
  supervisorIds: number[];
}

const stageAt = (c: SlaClock): Record<SlaStage, string | null> => ({
  warning: c.warnAt,
  breach: c.dueAt,
  escalate_leader: c.escalateLeaderAt,
  escalate_supervisor: c.escalateSupervisorAt,
});

/**
 * One step of a clock's single durable timer (key `sla:{ticketId}:{metric}`): storage
 * calls it when the timer fires (with its payload) and after every change of the ticket
 * (with the payload of the timer it has, or null), then sets the returned timer in place
 * of the old one or cancels it (null). It returns the events of every stage reached
 * since the last step (several when a timer fires late) and the timer for the next one.
 * A stage reached before the current run began was handled then: the step at the pause
 * emitted it, so a resumed clock without a timer starts from its resumption.
 */
export function slaTimerStep(ticketId: number, clock: SlaClock, previous: SlaTimerPayload | null, now: Date, people: EscalationPeople): { events: TicketEvent[]; timer: SlaTimer | null } {
  const handled = previous?.startedAt === clock.startedAt ? Date.parse(previous.handledUntil) : clock.runningSince ? Date.parse(clock.runningSince) - 1 : Infinity;
  const times = stageAt(clock);
  const reached = SLA_STAGES.filter((s) => times[s] !== null && Date.parse(times[s]!) > handled && Date.parse(times[s]!) <= now.getTime());
  const events = reached.map((stage) => stageEvent(ticketId, clock, stage, people));
  const upcoming = clock.runningSince ? SLA_STAGES.find((s) => times[s] !== null && Date.parse(times[s]!) > now.getTime()) : undefined;
  const timer: SlaTimer | null = upcoming
    ? {
        kind: 'sla',
        key: `sla:${ticketId}:${clock.metric}`,
        dueAt: new Date(times[upcoming]!),
        payload: { ticketId, metric: clock.metric, startedAt: clock.startedAt, handledUntil: now.toISOString() },
      }
    : null;
  return { events, timer };
}

function stageEvent(ticketId: number, clock: SlaClock, stage: SlaStage, people: EscalationPeople): TicketEvent {
  const { metric, dueAt } = clock;
  switch (stage) {
    case 'warning':
      return ticketEvent('sla.warning', { ticketId, metric, dueAt });
    case 'breach':
      return ticketEvent('sla.breached', { ticketId, metric, dueAt: dueAt! });
    case 'escalate_leader':
      return ticketEvent('sla.escalated', { ticketId, metric, level: 'leader', notify: people.leaderId !== null ? [people.leaderId] : people.supervisorIds });
    case 'escalate_supervisor':
      return ticketEvent('sla.escalated', { ticketId, metric, level: 'supervisor', notify: people.supervisorIds });
  }
}
