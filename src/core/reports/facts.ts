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

/** Folds a conversation's events (any order in; sorted by id here) into its facts. */
export function conversationFacts(base: FactBase, events: readonly FactEvent[]): ConversationFacts {
  const log = [...events].sort((a, b) => a.id - b.id);
  const created = log.find((e) => e.type === 'conversation.created');
  const f: ConversationFacts = {
    conversationId: base.conversationId,
    workspaceId: base.workspaceId,
    inboxId: base.inboxId,
    contactId: base.contactId,
    channel: base.channel,
    groupId: base.groupId,
    startedAt: created?.at ?? log[0]?.at ?? new Date(0).toISOString(),
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
    lastEventId: log.at(-1)?.id ?? 0,
  };
  let handler = typeof created?.data.handler === 'string' ? (created.data.handler as string) : null;
  /** The customer's oldest message no agent has answered yet, while people handle it. */
  let waitingSince: string | null = null;
  /** The customer wrote to the bot and nobody answered since: a handoff starts their wait. */
  let unansweredByPeople: string | null = null;
  let assignee: number | null = num(created?.data.assigneeId);
  let lastWriter: number | null = null;
  let latestInspection: { id: number; version: number } | null = null;
  const open = (agentId: number, at: string) => f.agentSpans.push({ agentId, from: at, to: null, messages: 0 });
  const close = (at: string) => {
    for (const s of f.agentSpans) if (s.to === null) s.to = at;
  };
  if (assignee !== null) open(assignee, f.startedAt);
  const startWait = (at: string) => {
    if (waitingSince === null) waitingSince = at;
    if (f.humanWaitAt === null) f.humanWaitAt = at;
  };

  for (const e of log) {
    const d = e.data;
    switch (e.type) {
      case 'message.created': {
        if (d.private === true) break;
        const sender = d.senderType;
        const h = typeof d.handler === 'string' ? d.handler : handler;
        if (sender === 'customer') {
          f.customerMessages++;
          f.firstCustomerAt ??= e.at;
          if (f.customerMessages === 1 && h === 'bot') f.botHandled = true;
          if (h === 'bot') unansweredByPeople ??= e.at;
          else startWait(e.at);
        } else if (sender === 'agent') {
          f.agentMessages++;
          const agent = e.actorId;
          if (agent !== null) {
            lastWriter = agent;
            const span = [...f.agentSpans].reverse().find((s) => s.agentId === agent && s.to === null);
            if (span) span.messages++;
          }
          if (waitingSince !== null) {
            const waited = seconds(waitingSince, e.at);
            if (f.firstResponseAt === null) {
              f.firstResponseAt = e.at;
              f.firstResponseSeconds = waited;
              f.firstResponseBusinessSeconds = businessSeconds(base.calendar, waitingSince, e.at);
              f.firstResponderId = agent;
            }
            f.responses++;
            f.responseSeconds += waited;
            waitingSince = null;
          }
          unansweredByPeople = null;
        } else if (sender === 'bot') {
          f.botMessages++;
        }
        break;
      }
      case 'conversation.handler_changed': {
        const to = d.to as string;
        if (d.from === 'bot' && to !== 'bot') {
          f.handedToHuman = true;
          // they asked for a person: the wait starts now (or at their first unanswered message, if later)
          if (f.customerMessages > 0) startWait(e.at);
        }
        handler = to;
        unansweredByPeople = null;
        break;
      }
      case 'conversation.assigned': {
        const to = num(d.to);
        close(e.at);
        assignee = to;
        if (to !== null && f.resolvedAt === null) open(to, e.at);
        break;
      }
      case 'conversation.queued':
        f.queued = true;
        if (num(d.groupId) !== null) f.groupId = num(d.groupId);
        break;
      case 'conversation.transferred':
        f.transfers++;
        if (num(d.toGroupId) !== null) f.groupId = num(d.toGroupId);
        break;
      case 'conversation.abandoned':
        f.abandoned = true;
        break;
      case 'conversation.status_changed': {
        if (d.to === 'resolved') {
          f.resolvedAt = e.at;
          close(e.at);
          waitingSince = null;
        } else if (d.from === 'resolved') {
          f.reopens++;
          f.resolvedAt = null;
          if (assignee !== null) open(assignee, e.at);
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
        if (latestInspection === null || version >= latestInspection.version) {
          latestInspection = { id: num(d.inspectionId) ?? 0, version };
          f.qaScore = num(d.score);
          f.forbiddenRules = Array.isArray(d.rules) ? [...new Set((d.rules as string[]).filter((r) => r.startsWith('forbidden.')))].sort() : [];
        }
        break;
      }
      case 'qa.inspection_adjusted':
        if (latestInspection !== null && num(d.inspectionId) === latestInspection.id) f.qaScore = num(d.adjustedScore);
        break;
    }
  }

  if (f.resolvedAt !== null) {
    const from = f.firstCustomerAt ?? f.startedAt;
    f.resolutionSeconds = seconds(from, f.resolvedAt);
    f.resolutionBusinessSeconds = businessSeconds(base.calendar, from, f.resolvedAt);
  }
  f.agentId = lastWriter ?? assignee ?? f.agentSpans.at(-1)?.agentId ?? null;
  f.botResolved = f.botHandled && !f.handedToHuman && !f.abandoned && f.agentMessages === 0 && f.resolvedAt !== null;
  return f;
}
