import type { CommandContext } from '../commands/context.js';
import type { BusinessCalendar } from '../core/calendar/business-hours.js';
import { receptionSettings } from '../core/reception/settings.js';
import type { StoredEventOf } from '../core/events.js';
import { applyEvent, FACT_EVENT_TYPES, finishFold, startFold, type ConversationFacts, type FactBase, type FactEvent, type FoldState } from '../core/reports/facts.js';
import { defineConsumer } from '../events/consumers.js';
import type { Sql } from '../storage/db.js';
import { notePresence, rebuildPresence } from './presence.js';

/**
 * The name carries the definitions' version: when docs/reports.md changes what a figure
 * means, a new name replays the whole log (startFrom 'beginning') and rebuilds every rollup.
 */
export const ROLLUP_CONSUMER = 'reports.rollup.v1';

type RollupEvent = StoredEventOf<(typeof FACT_EVENT_TYPES)[number] | 'agent.presence_changed' | 'visit.started' | 'contact.merged' | 'contact.merge_undone'>;
type ConversationEvent = StoredEventOf<(typeof FACT_EVENT_TYPES)[number]>;
const isConversationEvent = (e: RollupEvent): e is ConversationEvent => (FACT_EVENT_TYPES as readonly string[]).includes(e.type);

/**
 * 报表's rollups as a durable consumer (docs/reports.md): whenever something happens in a
 * conversation, its facts are folded again from its own events (core/reports/facts.ts) and
 * stored, so a rollup always equals a recomputation from the log, whatever the order or the
 * number of deliveries. Batched: one read of the log and one write per batch, however many
 * events of a conversation the batch holds. The agents' online time comes from their
 * presence changes.
 */
export function reportRollupConsumer(ctx: Pick<CommandContext, 'db'>) {
  const roll = async (events: RollupEvent[]): Promise<void> => {
    const presence = events.filter((e): e is StoredEventOf<'agent.presence_changed'> => e.type === 'agent.presence_changed');
    const facts = events.filter(isConversationEvent);
    const conversations = [...new Set(facts.flatMap((e) => (e.conversationId !== null ? [e.conversationId] : [])))];
    const visits = events.flatMap((e) => (e.type === 'visit.started' ? [e.data.visitId] : []));
    const merged = [...new Set(events.flatMap((e) => (e.type === 'contact.merged' || e.type === 'contact.merge_undone' ? [e.data.contactId, e.data.into] : [])))];
    await ctx.db.tx(async (sql) => {
      for (const e of presence) await recordPresence(sql, e);
      if (conversations.length > 0) await rollUp(sql, conversations, facts.map(deliveredEvent));
      await notePresence(sql, { visits });
      // last: both contacts as they are now, whatever the batch noted under either before
      await rebuildPresence(sql, merged);
    });
  };
  return defineConsumer({
    name: ROLLUP_CONSUMER,
    events: [...FACT_EVENT_TYPES, 'agent.presence_changed', 'visit.started', 'contact.merged', 'contact.merge_undone'],
    startFrom: 'beginning',
    // a report a second behind is current enough: fewer, bigger batches beside the customers' messages
    // (its cost is per conversation in a batch, so a conversation's several events cost about one)
    readEveryMs: 1000,
    batchSize: 2000,
    manyMax: 2000,
    handle: (e) => roll([e]),
    handleMany: roll,
  });
}

/** A delivered event as the fold reads it. */
function deliveredEvent(e: ConversationEvent): FactEvent {
  return {
    id: e.id,
    conversationId: e.conversationId ?? undefined,
    type: e.type,
    at: new Date(e.createdAt).toISOString(),
    actorType: e.actor.type,
    actorId: e.actor.id,
    data: e.data as unknown as Record<string, unknown>,
  };
}

/** An agent's time online or away: a presence change ends the running span and may start the next. */
async function recordPresence(sql: Sql, e: StoredEventOf<'agent.presence_changed'>): Promise<void> {
  const agentId = e.data.agentId;
  // spans started by earlier events only: a redelivered change must not end the span it started itself
  await sql.query(
    `UPDATE report_agent_presence SET ended_at = $4 WHERE workspace_id = $1 AND agent_id = $2 AND ended_at IS NULL AND source_event_id < $3`,
    [e.workspaceId, agentId, e.id, e.createdAt],
  );
  if (e.data.to !== 'offline') {
    await sql.query(
      `INSERT INTO report_agent_presence (workspace_id, agent_id, started_at, source_event_id) VALUES ($1, $2, $3, $4) ON CONFLICT (source_event_id) DO NOTHING`,
      [e.workspaceId, agentId, e.createdAt, e.id],
    );
  }
}

export interface BaseRow {
  id: number;
  workspace_id: number;
  inbox_id: number;
  contact_id: number;
  channel: string;
  group_id: number | null;
}

/**
 * Folds the conversations and writes their facts, spans and fold states. A conversation goes on
 * from its stored fold with the events delivered for it (`delivered`) when they all come after
 * what was folded; otherwise (nothing stored, a redelivery, an event that committed after a
 * later one) it is folded again from its whole log. Either way the result is the whole log's fold.
 */
export async function rollUp(sql: Sql, conversationIds: number[], delivered: FactEvent[] = []): Promise<ConversationFacts[]> {
  const bases = await sql.query<BaseRow>(`SELECT id, workspace_id, inbox_id, contact_id, channel, group_id FROM conversations WHERE id = ANY($1::bigint[])`, [conversationIds]);
  if (bases.length === 0) return [];
  const news = new Map<number, FactEvent[]>();
  for (const e of delivered) {
    if (e.conversationId === undefined) continue;
    const list = news.get(e.conversationId) ?? [];
    list.push(e);
    news.set(e.conversationId, list);
  }
  const stored = new Map<number, FoldState>();
  if (news.size > 0) {
    const rows = await sql.query<{ conversation_id: number; fold_state: FoldState | null }>(
      `SELECT conversation_id, state AS fold_state FROM report_folds WHERE conversation_id = ANY($1::bigint[])`,
      [[...news.keys()]],
    );
    for (const r of rows) if (r.fold_state) stored.set(Number(r.conversation_id), r.fold_state);
  }
  // which go on from their stored fold, and which are folded again from the log
  const resumed = new Map<number, { state: FoldState; events: FactEvent[] }>();
  for (const b of bases) {
    const state = stored.get(Number(b.id));
    const events = (news.get(Number(b.id)) ?? []).sort((x, y) => x.id - y.id);
    if (state && events.length > 0 && events[0].id > state.facts.lastEventId) resumed.set(Number(b.id), { state, events });
  }
  const again = bases.filter((b) => !resumed.has(Number(b.id))).map((b) => Number(b.id));
  const byConversation = new Map<number, FactEvent[]>();
  if (again.length > 0) {
    const rows = await sql.query<{ id: number; type: string; conversation_id: number; created_at: Date; actor_type: string; actor_id: number | null; data: Record<string, unknown> }>(
      `SELECT id, type, conversation_id, created_at, actor_type, actor_id, data FROM events
       WHERE conversation_id = ANY($1::bigint[]) AND type = ANY($2::text[]) ORDER BY id`,
      [again, FACT_EVENT_TYPES],
    );
    for (const r of rows) {
      const list = byConversation.get(Number(r.conversation_id)) ?? [];
      list.push(factEvent(r));
      byConversation.set(Number(r.conversation_id), list);
    }
  }
  const calendars = new Map<number, BusinessCalendar | null>();
  const folds: { facts: ConversationFacts; state: FoldState }[] = [];
  // conversations whose customer may have written for the first time: their contact was there (presence.ts)
  const present: number[] = [];
  for (const b of bases) {
    const base = await factBase(sql, b, calendars);
    const go = resumed.get(Number(b.id));
    const state = go ? go.state : startFold(base);
    const wroteBefore = go ? go.state.facts.customerMessages > 0 : false;
    const events = go ? go.events : (byConversation.get(Number(b.id)) ?? []);
    if (events.length === 0) continue;
    for (const e of events) applyEvent(state, base, e);
    const facts = finishFold(state, base);
    folds.push({ facts, state });
    if (facts.customerMessages > 0 && !wroteBefore) present.push(facts.conversationId);
  }
  if (folds.length === 0) return [];
  const kept = await writeFacts(sql, folds);
  await notePresence(sql, { conversations: present.filter((id) => kept.has(id)) });
  return folds.map((f) => f.facts);
}

export function factEvent(r: { id: number; type: string; created_at: Date | string; actor_type: string; actor_id: number | null; data: Record<string, unknown>; conversation_id?: number | null }): FactEvent {
  return {
    id: Number(r.id),
    conversationId: r.conversation_id === null || r.conversation_id === undefined ? undefined : Number(r.conversation_id),
    type: r.type,
    at: new Date(r.created_at).toISOString(),
    actorType: r.actor_type as FactEvent['actorType'],
    actorId: r.actor_id === null ? null : Number(r.actor_id),
    data: r.data,
  };
}

/**
 * The conversation's record and its inbox's 工作时间 (null: always open), read through `sql`
 * (inside the rollup's transaction: never through the shared settings cache, whose pending read
 * outside the transaction would wait for PGlite's one connection while the transaction waits
 * for it). `calendars`: by inbox, for one batch.
 */
export async function factBase(sql: Sql, b: BaseRow, calendars: Map<number, BusinessCalendar | null>): Promise<FactBase> {
  const inboxId = Number(b.inbox_id);
  if (!calendars.has(inboxId)) {
    const [inbox] = await sql.query<{ reception: unknown; greeting: string | null }>(`SELECT reception, settings->>'greeting' AS greeting FROM inboxes WHERE id = $1`, [inboxId]);
    const calendarId = inbox ? receptionSettings(inbox.reception as never, inbox.greeting).calendarId : null;
    const [c] =
      calendarId === null
        ? []
        : await sql.query<{ timezone: string; weekly: BusinessCalendar['weekly']; holidays: BusinessCalendar['holidays'] }>(
            'SELECT timezone, weekly, holidays FROM business_calendars WHERE id = $1',
            [calendarId],
          );
    calendars.set(inboxId, c ? { timezone: c.timezone, weekly: c.weekly, holidays: c.holidays } : null);
  }
  return {
    conversationId: Number(b.id),
    workspaceId: Number(b.workspace_id),
    inboxId,
    contactId: Number(b.contact_id),
    channel: b.channel,
    groupId: b.group_id === null ? null : Number(b.group_id),
    calendar: calendars.get(inboxId) ?? null,
  };
}

/** Writes the folds (a fold older than the stored one is passed over); the conversations written. */
async function writeFacts(sql: Sql, folds: { facts: ConversationFacts; state: FoldState }[]): Promise<Set<number>> {
  const facts = folds.map((f) => f.facts);
  const states = new Map(folds.map((f) => [f.facts.conversationId, f.state]));
  const cols = [
    ['conversation_id', 'bigint', (f: ConversationFacts) => f.conversationId],
    ['workspace_id', 'bigint', (f: ConversationFacts) => f.workspaceId],
    ['inbox_id', 'bigint', (f: ConversationFacts) => f.inboxId],
    ['contact_id', 'bigint', (f: ConversationFacts) => f.contactId],
    ['channel', 'text', (f: ConversationFacts) => f.channel],
    ['group_id', 'bigint', (f: ConversationFacts) => f.groupId],
    ['agent_id', 'bigint', (f: ConversationFacts) => f.agentId],
    ['first_responder_id', 'bigint', (f: ConversationFacts) => f.firstResponderId],
    ['started_at', 'timestamptz', (f: ConversationFacts) => f.startedAt],
    ['first_customer_at', 'timestamptz', (f: ConversationFacts) => f.firstCustomerAt],
    ['human_wait_at', 'timestamptz', (f: ConversationFacts) => f.humanWaitAt],
    ['first_response_seconds', 'double precision', (f: ConversationFacts) => f.firstResponseSeconds],
    ['first_response_business_seconds', 'double precision', (f: ConversationFacts) => f.firstResponseBusinessSeconds],
    ['responses', 'integer', (f: ConversationFacts) => f.responses],
    ['response_seconds', 'double precision', (f: ConversationFacts) => f.responseSeconds],
    ['resolved_at', 'timestamptz', (f: ConversationFacts) => f.resolvedAt],
    ['resolution_seconds', 'double precision', (f: ConversationFacts) => f.resolutionSeconds],
    ['resolution_business_seconds', 'double precision', (f: ConversationFacts) => f.resolutionBusinessSeconds],
    ['reopens', 'integer', (f: ConversationFacts) => f.reopens],
    ['transfers', 'integer', (f: ConversationFacts) => f.transfers],
    ['abandoned', 'boolean', (f: ConversationFacts) => f.abandoned],
    ['queued', 'boolean', (f: ConversationFacts) => f.queued],
    ['bot_handled', 'boolean', (f: ConversationFacts) => f.botHandled],
    ['handed_to_human', 'boolean', (f: ConversationFacts) => f.handedToHuman],
    ['bot_resolved', 'boolean', (f: ConversationFacts) => f.botResolved],
    ['customer_messages', 'integer', (f: ConversationFacts) => f.customerMessages],
    ['agent_messages', 'integer', (f: ConversationFacts) => f.agentMessages],
    ['bot_messages', 'integer', (f: ConversationFacts) => f.botMessages],
    ['hostile', 'boolean', (f: ConversationFacts) => f.hostile],
    ['csat_score', 'smallint', (f: ConversationFacts) => f.csatScore],
    ['qa_score', 'integer', (f: ConversationFacts) => f.qaScore],
    ['forbidden_rules', 'jsonb', (f: ConversationFacts) => f.forbiddenRules],
    ['last_event_id', 'bigint', (f: ConversationFacts) => f.lastEventId],
  ] as const;
  const names = cols.map(([n]) => n);
  const select = cols.map(([n, t]) => (n === 'forbidden_rules' ? `ARRAY(SELECT jsonb_array_elements_text(x.${n}))` : `x.${n}`)).join(', ');
  const record = cols.map(([n, t]) => `${n} ${t}`).join(', ');
  const data = facts.map((f) => Object.fromEntries(cols.map(([n, , get]) => [n, get(f)])));
  const written = await sql.query<{ conversation_id: number }>(
    `INSERT INTO report_conversations (${names.join(', ')})
     SELECT ${select} FROM jsonb_to_recordset($1::jsonb) AS x(${record})
     ON CONFLICT (conversation_id) DO UPDATE SET ${names
       .slice(1)
       .map((n) => `${n} = EXCLUDED.${n}`)
       .join(', ')}, rolled_at = now()
     WHERE report_conversations.last_event_id <= EXCLUDED.last_event_id
     RETURNING conversation_id`,
    [JSON.stringify(data)],
  );
  const fresh = new Set(written.map((r) => Number(r.conversation_id)));
  const kept = facts.filter((f) => fresh.has(f.conversationId));
  if (kept.length === 0) return fresh;
  await sql.query(
    `INSERT INTO report_folds (conversation_id, state) SELECT x.c, x.s FROM jsonb_to_recordset($1::jsonb) AS x(c bigint, s jsonb)
     ON CONFLICT (conversation_id) DO UPDATE SET state = EXCLUDED.state`,
    [JSON.stringify(kept.map((f) => ({ c: f.conversationId, s: states.get(f.conversationId) })))],
  );
  await sql.query(`DELETE FROM report_agent_spans WHERE conversation_id = ANY($1::bigint[])`, [kept.map((f) => f.conversationId)]);
  const spans = kept.flatMap((f) => f.agentSpans.map((s) => ({ c: f.conversationId, w: f.workspaceId, a: s.agentId, s: s.from, e: s.to, m: s.messages })));
  if (spans.length === 0) return fresh;
  await sql.query(
    `INSERT INTO report_agent_spans (conversation_id, workspace_id, agent_id, started_at, ended_at, messages)
     SELECT x.c, x.w, x.a, x.s, x.e, x.m FROM jsonb_to_recordset($1::jsonb) AS x(c bigint, w bigint, a bigint, s timestamptz, e timestamptz, m integer)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(spans)],
  );
  return fresh;
}

