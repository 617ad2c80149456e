import { businessMinutesBetween, type BusinessCalendar } from '../calendar/business-hours.js';
import type { Actor } from '../model.js';

/**
 * What a conversation amounts to for the reports, folded from its events in log order. Pure:
 * the rollup consumer (src/reports/rollup.ts) stores it per conversation, and a test folds the
 * same raw events again to check the stored rollups. Every definition is in docs/reports.md.
 */

/** The events the facts read; any other type passes through unchanged. */
export const FACT_EVENT_TYPES = [
  'conversation.created',
  'message.created',
  'conversation.assigned',
  'conversation.status_changed',
  'conversation.handler_changed',
  'conversation.queued',
  'conversation.transferred',
  'conversation.abandoned',
  'message.analyzed',
  'csat.rated',
  'conversation.inspected',
  'qa.inspection_adjusted',
] as const;

/** A logged event as the fold reads it. `data` is the log's, by type (src/core/events.ts). */
export interface FactEvent {
  id: number;
  /** The conversation it belongs to (the fold itself does not look). */
  conversationId?: number;
  type: string;
  /** ISO time the event was committed (the server's clock). */
  at: string;
  actorType: Actor['type'];
  actorId: number | null;
  data: Record<string, unknown>;
}

/** The conversation's record the events do not repeat. */
export interface FactBase {
  conversationId: number;
  workspaceId: number;
  inboxId: number;
  contactId: number;
  channel: string;
  groupId: number | null;
  /** The inbox's 工作时间; null: always open (business seconds equal wall seconds). */
  calendar: BusinessCalendar | null;
}

export interface AgentSpan {
  agentId: number;
  /** Assigned (or reopened while assigned) at. */
  from: string;
  /** Released, transferred away, or the conversation ended; null while it goes on. */
  to: string | null;
  /** Public messages this agent wrote in the span. */
  messages: number;
}

export interface ConversationFacts {
  conversationId: number;
  workspaceId: number;
  inboxId: number;
  contactId: number;
  channel: string;
  groupId: number | null;
  /** When the conversation was created. */
  startedAt: string;
  /** The customer's first message; null: they never wrote (an empty widget open: not counted as a conversation). */
  firstCustomerAt: string | null;
  /** When the customer first waited for a person: their first message while people (or 留言) handled it, or the handoff from the bot. */
  humanWaitAt: string | null;
  /** The first public agent message after that. */
  firstResponseAt: string | null;
  firstResponseSeconds: number | null;
  /** The same, counting only the inbox's opening hours. */
  firstResponseBusinessSeconds: number | null;
  firstResponderId: number | null;
  /** Customer turns answered by an agent (first response included) and the seconds they waited in all. */
  responses: number;
  responseSeconds: number;
  /** The last time it ended, if it is ended now. */
  resolvedAt: string | null;
  /** From the customer's first message (else the start) to that end. */
  resolutionSeconds: number | null;
  resolutionBusinessSeconds: number | null;
  /** Ended, then opened again (by the customer writing, or an agent). */
  reopens: number;
  transfers: number;
  /** The customer left the queue before anyone took it (放弃排队). */
  abandoned: boolean;
  queued: boolean;
  /** The bot received the customer first. */
  botHandled: boolean;
  /** People took over from the bot (转人工). */
  handedToHuman: boolean;
  /** The bot alone served it: the customer wrote, it ended, nobody took over, nobody abandoned. */
  botResolved: boolean;
  customerMessages: number;
  agentMessages: number;
  botMessages: number;
  /** The agent it counts for: the last who wrote publicly, else the last assignee. */
  agentId: number | null;
  /** The customer was angry at least once (message analysis). */
  hostile: boolean;
  /** The latest 满意度 score. */
  csatScore: number | null;
  /** The latest inspection's score (after 复核 or 申诉 when adjusted). */
  qaScore: number | null;
  /** The latest inspection's 禁语 rules (forbidden.*). */
  forbiddenRules: string[];
  agentSpans: AgentSpan[];
  /** The newest event folded in (a rollup never goes back to an older fold). */
  lastEventId: number;
}

const seconds = (from: string, to: string) => Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
const businessSeconds = (cal: BusinessCalendar | null, from: string, to: string) =>
  cal === null ? seconds(from, to) : Math.round(businessMinutesBetween(cal, new Date(from), new Date(to)) * 60 * 1000) / 1000;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * The fold in progress: the facts so far and what the next event needs to know. Plain JSON, so
 * the rollup stores it beside the facts and goes on from it with the next events (src/reports/
 * rollup.ts) instead of reading a long conversation's whole log again.
 */
export interface FoldState {
  facts: ConversationFacts;
  startedAt: string | null;
  /** The group the last queue or transfer sent it to (else the conversation's own). */
  group: number | null;
  handler: string | null;
  /** The customer's oldest message no agent has answered yet, while people handle it. */
  waitingSince: string | null;
  /** The customer wrote to the bot and nobody answered since: a handoff starts their wait. */
  unansweredByPeople: string | null;
  assignee: number | null;
  lastWriter: number | null;
  latestInspection: { id: number; version: number } | null;
}

/** A fold before its first event. */
export function startFold(base: FactBase): FoldState {
  return {
    facts: {
      conversationId: base.conversationId,
      workspaceId: base.workspaceId,
      inboxId: base.inboxId,
      contactId: base.contactId,
      channel: base.channel,
      groupId: base.groupId,
      startedAt: new Date(0).toISOString(),
      firstCustomerAt: null,
      humanWaitAt: null,
      firstResponseAt: null,
      firstResponseSeconds: null,
      firstResponseBusinessSeconds: null,
      firstResponderId: null,
      responses: 0,
      responseSeconds: 0,
      resolvedAt: null,
      resolutionSeconds: null,
      resolutionBusinessSeconds: null,
      reopens: 0,
      transfers: 0,
      abandoned: false,
      queued: false,
      botHandled: false,
      handedToHuman: false,
      botResolved: false,
      customerMessages: 0,
      agentMessages: 0,
      botMessages: 0,
      agentId: null,
      hostile: false,
      csatScore: null,
      qaScore: null,
      forbiddenRules: [],
      agentSpans: [],
      lastEventId: 0,
    },
    startedAt: null,
    group: null,
    handler: null,
    waitingSince: null,
    unansweredByPeople: null,
    assignee: null,
    lastWriter: null,
    latestInspection: null,
  };
}

/** Folds the next event (in log order) into the state. */
export function applyEvent(st: FoldState, base: FactBase, e: FactEvent): void {
  const f = st.facts;
  const d = e.data;
  const open = (agentId: number, at: string) => f.agentSpans.push({ agentId, from: at, to: null, messages: 0 });
  const close = (at: string) => {
    for (const s of f.agentSpans) if (s.to === null) s.to = at;
  };
  const startWait = (at: string) => {
    if (st.waitingSince === null) st.waitingSince = at;
    if (f.humanWaitAt === null) f.humanWaitAt = at;
  };
  st.startedAt ??= e.at;
  f.lastEventId = Math.max(f.lastEventId, e.id);
  switch (e.type) {
    case 'conversation.created': {
      st.startedAt = e.at;
      st.handler = typeof d.handler === 'string' ? d.handler : st.handler;
      const assignee = num(d.assigneeId);
      if (assignee !== null && st.assignee === null) {
        st.assignee = assignee;
        open(assignee, e.at);
      }
      break;
    }
    case 'message.created': {
      if (d.private === true) break;
      const sender = d.senderType;
      const h = typeof d.handler === 'string' ? d.handler : st.handler;
      if (sender === 'customer') {
        f.customerMessages++;
        f.firstCustomerAt ??= e.at;
        if (f.customerMessages === 1 && h === 'bot') f.botHandled = true;
        if (h === 'bot') st.unansweredByPeople ??= e.at;
        else startWait(e.at);
      } else if (sender === 'agent') {
        f.agentMessages++;
        const agent = e.actorId;
        if (agent !== null) {
          st.lastWriter = agent;
          const span = [...f.agentSpans].reverse().find((s) => s.agentId === agent && s.to === null);
          if (span) span.messages++;
        }
        if (st.waitingSince !== null) {
          const waited = seconds(st.waitingSince, e.at);
          if (f.firstResponseAt === null) {
            f.firstResponseAt = e.at;
            f.firstResponseSeconds = waited;
            f.firstResponseBusinessSeconds = businessSeconds(base.calendar, st.waitingSince, e.at);
            f.firstResponderId = agent;
          }
          f.responses++;
          f.responseSeconds += waited;
          st.waitingSince = null;
        }
        st.unansweredByPeople = null;
      } else if (sender === 'bot') {
        f.botMessages++;
      }
      break;
    }
    case 'conversation.handler_changed': {
      if (d.from === 'bot' && d.to !== 'bot') {
        f.handedToHuman = true;
        // they asked for a person: the wait starts now (or at their first unanswered message, if later)
        if (f.customerMessages > 0) startWait(e.at);
      }
      st.handler = typeof d.to === 'string' ? d.to : st.handler;
      st.unansweredByPeople = null;
      break;
    }
    case 'conversation.assigned': {
      const to = num(d.to);
      close(e.at);
      st.assignee = to;
      if (to !== null && f.resolvedAt === null) open(to, e.at);
      break;
    }
    case 'conversation.queued':
      f.queued = true;
      if (num(d.groupId) !== null) st.group = num(d.groupId);
      break;
    case 'conversation.transferred':
      f.transfers++;
      if (num(d.toGroupId) !== null) st.group = num(d.toGroupId);
      break;
    case 'conversation.abandoned':
      f.abandoned = true;
      break;
    case 'conversation.status_changed': {
      if (d.to === 'resolved') {
        f.resolvedAt = e.at;
        close(e.at);
        st.waitingSince = null;
      } else if (d.from === 'resolved') {
        f.reopens++;
        f.resolvedAt = null;
        if (st.assignee !== null) open(st.assignee, e.at);
      }
      break;
    }
    case 'message.analyzed':
      if (d.emotion === 'anger') f.hostile = true;
      break;
    case 'csat.rated':
      f.csatScore = num(d.score);
      break;
    case 'conversation.inspected': {
      const version = num(d.version) ?? 0;
      if (st.latestInspection === null || version >= st.latestInspection.version) {
        st.latestInspection = { id: num(d.inspectionId) ?? 0, version };
        f.qaScore = num(d.score);
        f.forbiddenRules = Array.isArray(d.rules) ? [...new Set((d.rules as string[]).filter((r) => r.startsWith('forbidden.')))].sort() : [];
      }
      break;
    }
    case 'qa.inspection_adjusted':
      if (st.latestInspection !== null && num(d.inspectionId) === st.latestInspection.id) f.qaScore = num(d.adjustedScore);
      break;
  }
}

/** The facts as they stand: the fold's figures and the conversation's record now. */
export function finishFold(st: FoldState, base: FactBase): ConversationFacts {
  const f: ConversationFacts = { ...st.facts, agentSpans: st.facts.agentSpans.map((s) => ({ ...s })) };
  f.conversationId = base.conversationId;
  f.workspaceId = base.workspaceId;
  f.inboxId = base.inboxId;
  f.contactId = base.contactId;
  f.channel = base.channel;
  f.groupId = st.group ?? base.groupId;
  f.startedAt = st.startedAt ?? new Date(0).toISOString();
  if (f.resolvedAt !== null) {
    const from = f.firstCustomerAt ?? f.startedAt;
    f.resolutionSeconds = seconds(from, f.resolvedAt);
    f.resolutionBusinessSeconds = businessSeconds(base.calendar, from, f.resolvedAt);
  } else {
    f.resolutionSeconds = null;
    f.resolutionBusinessSeconds = null;
  }
  f.agentId = st.lastWriter ?? st.assignee ?? f.agentSpans.at(-1)?.agentId ?? null;
  f.botResolved = f.botHandled && !f.handedToHuman && !f.abandoned && f.agentMessages === 0 && f.resolvedAt !== null;
  return f;
}

/** Folds a conversation's events (any order in; sorted by id here) into its facts. */
export function conversationFacts(base: FactBase, events: readonly FactEvent[]): ConversationFacts {
  const st = startFold(base);
  for (const e of [...events].sort((a, b) => a.id - b.id)) applyEvent(st, base, e);
  return finishFold(st, base);
}
