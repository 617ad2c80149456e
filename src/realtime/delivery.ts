import type { BusMessage } from '../bus/bus.js';
import type { Message } from '../core/model.js';
import type { AgentFrame } from '../core/realtime/frames.js';
import type { Db } from '../storage/db.js';
import { listMessages } from '../storage/conversations.js';
import { agentFrame, customerFrame, forCustomer, serverFrame, type AgentConn, type Audiences, type Conn, type CustomerConn, type FrameWriter, type Log, type Stream } from './connection.js';

const RESYNC_PAGE = 500;
const MAX_STREAMS_PER_CONNECTION = 2000;

/** conversation id → contact id, for routing agents' typing to the right customer. */
export class ConversationContacts {
  private readonly map = new Map<number, number>();

  get(conversationId: number): number | undefined {
    return this.map.get(conversationId);
  }

  remember(conversationId: number, contactId: number): void {
    if (this.map.size > 50_000) this.map.clear();
    this.map.set(conversationId, contactId);
  }
}

/**
 * Delivery to this instance's connections. Every instance receives every bus
 * message and sends each connection what its audience may see. Per connection and
 * conversation, messages go out exactly once and in seq order: a gap (a message
 * arrived before an earlier one, or frames were missed) is filled from the
 * database before going on.
 */
export class Delivery {
  private readonly agents: Map<number, Set<AgentConn>>;
  private readonly customers: Map<number, Set<CustomerConn>>;

  constructor(
    private readonly deps: { db: Db; log: Log },
    audiences: Audiences,
    private readonly writer: FrameWriter,
    private readonly contacts: ConversationContacts,
  ) {
    this.agents = audiences.agents;
    this.customers = audiences.customers;
  }

  // ── fan-out of bus messages ─────────────────────────────────────────────

  /** Sends a bus message to the connections here whose audience may see it. */
  onBus(msg: BusMessage): void {
    switch (msg.t) {
      case 'message': {
        const { message, conversation } = msg;
        this.contacts.remember(conversation.id, msg.contactId);
        // frames are built only for an audience connected here (an instance often has nobody for a message)
        const agents = this.agents.get(msg.workspaceId);
        if (agents?.size) {
          const toAgents = agentFrame({ type: 'message', message, conversation });
          for (const c of agents) this.deliver(c, message, toAgents);
        }
        const customers = message.private ? undefined : this.customers.get(msg.contactId);
        if (customers?.size) {
          const toCustomer = customerFrame({ type: 'message', message: forCustomer(message) });
          for (const c of customers) if (c.workspaceId === msg.workspaceId) this.deliver(c, message, toCustomer);
        }
        return;
      }
      case 'conversation': {
        this.contacts.remember(msg.conversation.id, msg.contactId);
        this.broadcastAgents(msg.workspaceId, { type: 'conversation', change: msg.change, conversation: msg.conversation });
        if (msg.change === 'read') return; // agents' read state is not the customer's business
        const toCustomer = customerFrame({
          type: 'conversation',
          change: msg.change,
          conversation: { id: msg.conversation.id, status: msg.conversation.status, handler: msg.conversation.handler, assignee: msg.assignee },
        });
        for (const c of this.customers.get(msg.contactId) ?? []) {
          if (c.workspaceId !== msg.workspaceId) continue;
          c.owned.add(msg.conversation.id);
          this.writer.send(c.ws, toCustomer);
        }
        return;
      }
      case 'typing': {
        const typing = serverFrame({
          type: 'typing',
          conversationId: msg.conversationId,
          from: msg.from,
          name: msg.name,
          on: msg.on,
        });
        for (const c of this.agents.get(msg.workspaceId) ?? []) {
          if (!(msg.from === 'agent' && c.session.agent.id === msg.senderId)) this.writer.send(c.ws, typing);
        }
        if (msg.from === 'agent') {
          for (const c of this.customers.get(msg.contactId) ?? []) if (c.workspaceId === msg.workspaceId) this.writer.send(c.ws, typing);
        }
        return;
      }
      case 'presence':
        this.broadcastAgents(msg.workspaceId, { type: 'presence', agentId: msg.agentId, availability: msg.availability });
        return;
      case 'agent':
        this.broadcastAgents(msg.workspaceId, { type: 'agent', agent: msg.agent });
        // a deactivated agent's open consoles are disconnected at once
        if (!msg.agent.active) {
          for (const c of this.agents.get(msg.workspaceId) ?? []) if (c.session.agent.id === msg.agent.id) c.ws.close(4003, 'deactivated');
        }
        return;
      case 'analysis':
        this.broadcastAgents(msg.workspaceId, { type: 'analysis', analysis: msg.analysis, insight: msg.insight });
        return;
      case 'contact':
        this.broadcastAgents(msg.workspaceId, { type: 'contact', contact: msg.contact });
        // an erased customer's open widgets are let go (their token no longer works): they start afresh
        if (msg.contact.erasedAt) {
          for (const c of this.customers.get(msg.contact.id) ?? []) if (c.workspaceId === msg.workspaceId) c.ws.close(4003, 'erased');
        }
        return;
      case 'rating':
        this.broadcastAgents(msg.workspaceId, { type: 'rating', rating: msg.rating });
        return;
      case 'queue': {
        for (const e of msg.entries) {
          const set = this.customers.get(e.contactId);
          if (!set) continue;
          const position = customerFrame({ type: 'queue', conversationId: e.conversationId, position: e.position, etaSeconds: e.etaSeconds });
          for (const c of set) if (c.workspaceId === msg.workspaceId) this.writer.send(c.ws, position);
        }
        this.broadcastAgents(msg.workspaceId, { type: 'queue', groupId: msg.groupId, length: msg.entries.length });
        return;
      }
      case 'invite': {
        const inv = msg.invitation;
        const invite = customerFrame({ type: 'invite', invitationId: inv.id, kind: inv.kind, message: inv.message, agent: inv.agent });
        for (const c of this.customers.get(msg.contactId) ?? []) if (c.workspaceId === msg.workspaceId) this.writer.send(c.ws, invite);
        return;
      }
      case 'visitor':
        this.broadcastAgents(msg.workspaceId, { type: 'visitor', contactId: msg.contactId, visitor: msg.visitor });
        return;
      case 'alert': {
        const alert = agentFrame({ type: 'alert', ...msg.alert });
        for (const c of this.agents.get(msg.workspaceId) ?? []) if (c.session.agent.id === msg.agentId) this.writer.send(c.ws, alert);
        return;
      }
    }
  }

  private broadcastAgents(workspaceId: number, payload: AgentFrame): void {
    const set = this.agents.get(workspaceId);
    if (!set || set.size === 0) return;
    const f = agentFrame(payload);
    for (const c of set) this.writer.send(c.ws, f);
  }

  // ── ordered, exactly-once delivery per connection ───────────────────────

  /**
   * Sends `message` to `conn` exactly once and in order. Without a known position
   * for the conversation (the client never synced it) the message starts the stream.
   */
  private deliver(conn: Conn, message: Message, frame: string): void {
    // The connection that sent this message gets it in its `ack`; sending it twice would only cost a write.
    const out = message.clientMessageId && conn.sending?.has(message.clientMessageId) ? null : frame;
    const streams = (conn.streams ??= new Map());
    const st = streams.get(message.conversationId);
    if (!st) {
      this.trimStreams(streams);
      streams.set(message.conversationId, { seq: message.seq, busy: null });
      if (out) this.writer.send(conn.ws, out);
      return;
    }
    if (st.busy || message.seq > st.seq + 1) {
      this.enqueue(conn, message.conversationId, st, () => this.deliverNow(conn, st, message, out));
      return;
    }
    if (message.seq <= st.seq) return;
    st.seq = message.seq;
    if (out) this.writer.send(conn.ws, out);
  }

  private deliverNow(conn: Conn, st: Stream, message: Message, frame: string | null): void | Promise<void> {
    if (message.seq <= st.seq) return;
    if (message.seq === st.seq + 1) {
      st.seq = message.seq;
      if (frame) this.writer.send(conn.ws, frame);
      return;
    }
    // A gap: fetch what is missing (never more than exists), then send this one.
    const from = st.seq;
    return this.fill(conn, st, message.conversationId, from, message.seq - 1).then(() => {
      if (message.seq > st.seq) {
        st.seq = message.seq;
        if (frame) this.writer.send(conn.ws, frame);
      }
    });
  }

  /** Client asks for everything after `afterSeq` (reconnect, or opening a conversation). */
  sync(conn: Conn, conversationId: number, afterSeq: number): void {
    const streams = (conn.streams ??= new Map());
    let st = streams.get(conversationId);
    if (!st) {
      this.trimStreams(streams);
      st = { seq: afterSeq, busy: null };
      streams.set(conversationId, st);
      const s = st;
      this.enqueue(conn, conversationId, s, () => this.fill(conn, s, conversationId, afterSeq, undefined));
      return;
    }
    const s = st;
    this.enqueue(conn, conversationId, s, () => {
      if (afterSeq >= s.seq) {
        // the client holds more than we sent on this connection: continue from there
        s.seq = afterSeq;
        return this.fill(conn, s, conversationId, afterSeq, undefined);
      }
      // the client missed some before our position: send just those
      return this.fill(conn, s, conversationId, afterSeq, s.seq, false);
    });
  }

  /**
   * An agent's console on a busy workspace sees messages of thousands of
   * conversations over a day: keep the positions of the most recent ones only.
   * Forgetting one is safe: the next message of that conversation starts afresh,
   * and the console resyncs what it shows by `sync`.
   */
  private trimStreams(streams: Map<number, Stream>): void {
    if (streams.size < MAX_STREAMS_PER_CONNECTION) return;
    for (const [id, st] of streams) {
      if (!st.busy) {
        streams.delete(id);
        return;
      }
    }
  }

  /** Runs `task` after whatever is queued for this conversation on this connection. */
  private enqueue(conn: Conn, conversationId: number, st: Stream, task: () => void | Promise<void>): void {
    const run = (st.busy ?? Promise.resolve()).then(task).catch((err) => {
      this.deps.log.warn({ err, conversationId }, 'resync failed; closing the connection so the client resyncs');
      conn.ws.close(1011, 'resync failed');
    });
    st.busy = run;
    void run.then(() => {
      if (st.busy === run) st.busy = null;
    });
  }

  /** Sends messages in (after, upTo] from the database, page by page, advancing the stream. */
  private async fill(conn: Conn, st: Stream, conversationId: number, after: number, upTo: number | undefined, advance = true): Promise<void> {
    let cursor = after;
    const waited = { ms: 0 };
    for (;;) {
      if (conn.ws.readyState !== conn.ws.OPEN) return; // gone: nothing to fill
      const page = await listMessages(this.deps.db, {
        conversationId,
        after: cursor,
        upTo,
        includePrivate: conn.includePrivate,
        limit: RESYNC_PAGE,
      });
      for (const m of page) {
        // a long history goes out no faster than the client reads it (its queue stays under its cap)
        await this.writer.drained(conn.ws, waited);
        this.writer.send(conn.ws, conn.includePrivate ? agentFrame({ type: 'message', message: m }) : customerFrame({ type: 'message', message: forCustomer(m) }));
        cursor = m.seq;
      }
      if (advance) st.seq = Math.max(st.seq, upTo ?? cursor);
      if (page.length < RESYNC_PAGE) return;
    }
  }
}

