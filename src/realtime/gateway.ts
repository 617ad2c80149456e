import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { setAvailability } from '../commands/agents.js';
import { authenticate, type Session } from '../commands/auth.js';
import type { CommandContext } from '../commands/context.js';
import { createMessage } from '../commands/messages.js';
import { DomainError } from '../core/errors.js';
import { MAX_WS_FRAME_BYTES } from '../core/limits.js';
import type { Availability, Contact, Inbox, Message } from '../core/model.js';
import { assertCanReply } from '../core/permissions.js';
import { findContactByToken, findInboxByToken } from '../storage/contacts.js';
import { getConversation, listMessages } from '../storage/conversations.js';
import type { Metrics } from '../observability/metrics.js';
import type { BusMessage, RealtimeBus } from '../bus/bus.js';
import { clientFrame, type ClientFrame } from '../core/realtime/client-frames.js';
import type { AgentFrame, CustomerFrame, CustomerMessage, ServerFrame } from '../core/realtime/frames.js';
import type { PageReport, VisitorTracker } from '../visitors/tracker.js';

export const WS_PATH = '/api/v1/ws';
const HELLO_TIMEOUT_MS = 10_000;
const PING_INTERVAL_MS = 30_000;
const PRESENCE_HEARTBEAT_MS = 20_000;
/** A client this far behind is dropped; it reconnects and resyncs from its last seq. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Frames per second a connection may send, with a burst allowance. */
const FRAME_RATE = 20;
const FRAME_BURST = 60;
const RESYNC_PAGE = 500;
const MAX_STREAMS_PER_CONNECTION = 2000;

interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface GatewayDeps extends CommandContext {
  bus: RealtimeBus;
  log: Log;
  metrics: Metrics;
  cookieName: string;
  /** The customer's last connection on this instance closed (queued conversations may be abandoned). */
  onCustomerGone?: (contactId: number) => Promise<void>;
  /** Visitor tracking and invitations. */
  visitors?: VisitorTracker;
  /** Where the contact's queued conversations stand (sent after `ready`, so a reconnect shows it at once). */
  queuePositions?: (workspaceId: number, contactId: number) => Promise<{ conversationId: number; position: number; etaSeconds: number }[]>;
}

/** Per-conversation delivery state of one connection: the highest seq sent, and a queue while a gap is filled. */
interface Stream {
  seq: number;
  busy: Promise<void> | null;
}

abstract class Conn {
  alive = true;
  tokens = FRAME_BURST;
  lastRefill = Date.now();
  streams: Map<number, Stream> | null = null;
  /** Frames that change state are handled in arrival order. */
  queue: Promise<void> = Promise.resolve();
  /** clientMessageIds this connection is sending right now: they come back in the ack. */
  sending: Set<string> | null = null;
  constructor(readonly ws: WebSocket) {}
  abstract readonly role: 'agent' | 'customer';
  abstract readonly workspaceId: number;
  abstract readonly includePrivate: boolean;
}

class AgentConn extends Conn {
  readonly role = 'agent' as const;
  readonly includePrivate = true;
  constructor(ws: WebSocket, readonly session: Session) {
    super(ws);
  }
  get workspaceId() {
    return this.session.caller.workspaceId;
  }
}

class CustomerConn extends Conn {
  readonly role = 'customer' as const;
  readonly includePrivate = false;
  /** The page this widget is on (visitor tracking), and an armed automatic invitation. */
  pageViewId: number | null = null;
  inviteTimer: NodeJS.Timeout | null = null;
  constructor(
    ws: WebSocket,
    readonly inbox: Inbox,
    readonly contact: Contact,
    /** Conversations of this contact: typing and sync are accepted only for these. */
    readonly owned: Set<number>,
  ) {
    super(ws);
  }
  get workspaceId() {
    return this.inbox.workspaceId;
  }
}

/**
 * The WebSocket gateway. One endpoint for agents and customers. Each instance
 * keeps its own connections and receives every bus message; it sends each
 * connection what its audience may see. Per connection and conversation, messages
 * go out exactly once and in seq order: a gap (a message arrived before an earlier
 * one, or frames were missed) is filled from the database before going on.
 */
export class Gateway {
  private readonly wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    clientTracking: false,
    // Frames over MAX_WS_FRAME_BYTES get an error frame; only absurd ones close the socket.
    maxPayload: 16 * MAX_WS_FRAME_BYTES,
  });
  private readonly agents = new Map<number, Set<AgentConn>>();
  private readonly customers = new Map<number, Set<CustomerConn>>();
  private readonly unauthenticated = new Set<WebSocket>();
  /** conversation id → contact id, for routing agents' typing to the right customer. */
  private readonly conversationContact = new Map<number, number>();
  private readonly pingTimer: NodeJS.Timeout;
  private readonly presenceTimer: NodeJS.Timeout;
  private closing = false;

  constructor(private readonly deps: GatewayDeps) {
    deps.bus.subscribe((msg) => this.onBus(msg));
    this.pingTimer = setInterval(() => this.pingAll(), PING_INTERVAL_MS);
    this.pingTimer.unref();
    this.presenceTimer = setInterval(() => void this.heartbeatPresence(), PRESENCE_HEARTBEAT_MS);
    this.presenceTimer.unref();
  }

  attach(server: http.Server): void {
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== WS_PATH || this.closing) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req));
    });
  }

  get connectionCount(): number {
    let n = this.unauthenticated.size;
    for (const set of this.agents.values()) n += set.size;
    for (const set of this.customers.values()) n += set.size;
    return n;
  }

  /** Graceful shutdown: tell every client to reconnect elsewhere (1012 service restart). */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.pingTimer);
    clearInterval(this.presenceTimer);
    const all: WebSocket[] = [...this.unauthenticated];
    for (const set of this.agents.values()) for (const c of set) all.push(c.ws);
    for (const set of this.customers.values()) for (const c of set) all.push(c.ws);
    for (const ws of all) ws.close(1012, 'server restarting');
    await new Promise((r) => setTimeout(r, all.length ? 50 : 0));
    for (const ws of all) ws.terminate();
    this.wss.close();
  }

  // ── connection lifecycle ────────────────────────────────────────────────

  private onConnection(ws: WebSocket, req: http.IncomingMessage): void {
    const cookieToken = readCookie(req.headers.cookie, this.deps.cookieName);
    this.unauthenticated.add(ws);
    const helloTimer = setTimeout(() => {
      this.sendError(ws, undefined, 'hello_timeout', 'send a hello frame within 10 seconds of connecting');
      ws.close(4001, 'hello timeout');
    }, HELLO_TIMEOUT_MS);
    let conn: Conn | null = null;
    let authenticating = false;
    ws.on('pong', () => {
      if (conn) conn.alive = true;
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      clearTimeout(helloTimer);
      this.unauthenticated.delete(ws);
      if (conn) this.unregister(conn);
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const frame = this.parse(ws, data, isBinary);
      if (!frame) return;
      if (conn) {
        if (!this.takeToken(conn)) {
          this.deps.metrics.wsFrames.inc({ outcome: 'rate_limited' });
          this.sendError(ws, refOf(frame), 'rate_limited', `too many frames: at most ${FRAME_RATE} per second`);
          return;
        }
        this.deps.metrics.wsFrames.inc({ outcome: 'ok' });
        if (frame.type === 'ping' || frame.type === 'typing') {
          void this.handle(conn, frame);
          return;
        }
        // One frame at a time per connection: two quick messages are stored in the order they were sent.
        const c = conn;
        c.queue = c.queue.then(() => this.handle(c, frame));
        return;
      }
      if (frame.type !== 'hello') {
        this.sendError(ws, refOf(frame), 'hello_required', 'the first frame must be {"type":"hello", ...}');
        return;
      }
      if (authenticating) return;
      authenticating = true;
      void this.authenticate(ws, frame, cookieToken)
        .then((c) => {
          authenticating = false;
          if (!c) return;
          clearTimeout(helloTimer);
          this.unauthenticated.delete(ws);
          if (ws.readyState !== ws.OPEN) return;
          conn = c;
          this.register(c);
          this.ready(c, frame.resume);
          if (c instanceof CustomerConn) {
            // in the connection's queue: a `page` frame right after must see this page view
            const page = frame.page;
            if (page) c.queue = c.queue.then(() => this.trackPage(c, page));
            void this.sendQueuePositions(c);
          }
        })
        .catch((err) => {
          authenticating = false;
          this.deps.log.error({ err }, 'websocket hello failed');
          this.sendError(ws, undefined, 'internal_error', 'could not authenticate; try again');
        });
    });
  }

  private parse(ws: WebSocket, data: RawData, isBinary: boolean): ClientFrame | null {
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
    if (isBinary) {
      this.deps.metrics.wsFrames.inc({ outcome: 'invalid' });
      this.sendError(ws, undefined, 'invalid_frame', 'frames must be JSON text, not binary');
      return null;
    }
    if (size > MAX_WS_FRAME_BYTES) {
      this.deps.metrics.wsFrames.inc({ outcome: 'invalid' });
      this.sendError(ws, undefined, 'frame_too_large', `a frame may be at most ${MAX_WS_FRAME_BYTES} bytes`, {
        limit: MAX_WS_FRAME_BYTES,
      });
      return null;
    }
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      this.deps.metrics.wsFrames.inc({ outcome: 'invalid' });
      this.sendError(ws, undefined, 'invalid_json', 'the frame is not valid JSON');
      return null;
    }
    const parsed = clientFrame.safeParse(json);
    if (!parsed.success) {
      this.deps.metrics.wsFrames.inc({ outcome: 'invalid' });
      const ref = typeof (json as { ref?: unknown })?.ref === 'string' ? ((json as { ref: string }).ref).slice(0, 100) : undefined;
      const issue = parsed.error.issues[0];
      this.sendError(ws, ref, 'invalid_frame', `${issue.path.join('.') || 'frame'}: ${issue.message}`);
      return null;
    }
    return parsed.data;
  }

  private async authenticate(ws: WebSocket, hello: Extract<ClientFrame, { type: 'hello' }>, cookieToken: string | null): Promise<Conn | null> {
    const { db } = this.deps;
    if (hello.inboxToken || hello.contactToken) {
      const inbox = hello.inboxToken ? await findInboxByToken(db, hello.inboxToken) : null;
      const contact = inbox && hello.contactToken ? await findContactByToken(db, inbox.workspaceId, hello.contactToken) : null;
      if (!inbox || !contact) {
        this.sendError(ws, undefined, 'unauthorized', 'unknown inbox token or contact token; create a contact first');
        ws.close(4003, 'unauthorized');
        return null;
      }
      const rows = await db.query<{ id: number }>('SELECT id FROM conversations WHERE contact_id = $1', [contact.id]);
      return new CustomerConn(ws, inbox, contact, new Set(rows.map((r) => r.id)));
    }
    const token = hello.token ?? cookieToken;
    const session = token ? await authenticate(db, token) : null;
    if (!session) {
      this.sendError(ws, undefined, 'unauthorized', 'log in again: the session token is missing, expired or revoked');
      ws.close(4003, 'unauthorized');
      return null;
    }
    return new AgentConn(ws, session);
  }

  private register(conn: Conn): void {
    if (conn instanceof AgentConn) {
      const set = this.agents.get(conn.workspaceId) ?? new Set();
      set.add(conn);
      this.agents.set(conn.workspaceId, set);
      void this.deps.db.query('UPDATE agents SET last_seen_at = now() WHERE id = $1', [conn.session.agent.id]).catch(() => {});
    } else if (conn instanceof CustomerConn) {
      const set = this.customers.get(conn.contact.id) ?? new Set();
      set.add(conn);
      this.customers.set(conn.contact.id, set);
      void this.deps.db.query('UPDATE contacts SET last_seen_at = now() WHERE id = $1', [conn.contact.id]).catch(() => {});
    }
    this.deps.metrics.wsConnections.inc({ role: conn.role });
  }

  private unregister(conn: Conn): void {
    if (conn instanceof AgentConn) {
      const set = this.agents.get(conn.workspaceId);
      set?.delete(conn);
      if (set?.size === 0) this.agents.delete(conn.workspaceId);
      const agentId = conn.session.agent.id;
      const stillHere = [...(set ?? [])].some((c) => c.session.agent.id === agentId);
      if (!stillHere && !this.closing) {
        // their last console here closed: off duty for routing now, not in 60 s (another
        // instance holding a console of theirs restores it with its next heartbeat)
        void this.deps.db.query(`UPDATE agents SET last_seen_at = now() - interval '1 hour' WHERE id = $1`, [agentId]).catch(() => {});
      }
    } else if (conn instanceof CustomerConn) {
      if (conn.inviteTimer) clearTimeout(conn.inviteTimer);
      if (conn.pageViewId !== null && !this.closing) {
        void this.deps.visitors?.endPageView(conn.workspaceId, conn.contact.id, conn.pageViewId).catch(() => {});
      }
      const set = this.customers.get(conn.contact.id);
      set?.delete(conn);
      if (set?.size === 0) {
        this.customers.delete(conn.contact.id);
        if (!this.closing) void this.deps.onCustomerGone?.(conn.contact.id).catch((err) => this.deps.log.warn({ err }, 'customer-gone hook failed'));
      }
    }
    this.deps.metrics.wsConnections.dec({ role: conn.role });
  }

  private ready(conn: Conn, resume: Record<string, number> | undefined): void {
    const serverTime = new Date().toISOString();
    this.send(
      conn.ws,
      conn instanceof AgentConn
        ? agentFrame({ type: 'ready', role: 'agent', agent: conn.session.agent, serverTime })
        : customerFrame({ type: 'ready', role: 'customer', contact: { id: (conn as CustomerConn).contact.id, name: (conn as CustomerConn).contact.name }, serverTime }),
    );
    // Resume only what the caller may see: the same check as a `sync` frame.
    for (const [id, seq] of Object.entries(resume ?? {}).slice(0, 200)) {
      const conversationId = Number(id);
      void this.mayAccess(conn, conversationId)
        .then((ok) => {
          if (ok) this.sync(conn, conversationId, seq);
          else this.sendError(conn.ws, undefined, 'conversation_not_found', `cannot resume conversation ${conversationId}: not found (or not yours)`);
        })
        .catch((err) => this.deps.log.warn({ err }, 'resume check failed'));
    }
  }

  // ── frames from clients ─────────────────────────────────────────────────

  private async handle(conn: Conn, frame: ClientFrame): Promise<void> {
    try {
      switch (frame.type) {
        case 'hello':
          this.sendError(conn.ws, undefined, 'already_authenticated', 'this connection is already authenticated');
          return;
        case 'ping':
          this.send(conn.ws, PONG);
          return;
        case 'sync':
          if (!(await this.mayAccess(conn, frame.conversationId))) throw notFoundConversation();
          this.sync(conn, frame.conversationId, frame.afterSeq);
          return;
        case 'send':
          return await this.handleSend(conn, frame);
        case 'typing':
          return await this.handleTyping(conn, frame.conversationId, frame.on);
        case 'presence':
          if (!(conn instanceof AgentConn)) throw new DomainError('forbidden', 'only agents have a presence status', 403);
          await setAvailability(this.deps, conn.session.caller, frame.availability as Availability);
          return;
        case 'page':
          if (!(conn instanceof CustomerConn)) throw new DomainError('forbidden', 'only widgets report pages', 403);
          await this.trackPage(conn, frame.page);
          return;
        case 'invite_reply': {
          if (!(conn instanceof CustomerConn) || !this.deps.visitors) throw new DomainError('forbidden', 'only visitors answer invitations', 403);
          const { conversationId } = await this.deps.visitors.reply(conn.workspaceId, conn.inbox.id, conn.contact.id, frame.invitationId, frame.accept);
          if (conversationId) conn.owned.add(conversationId);
          this.send(conn.ws, customerFrame({ type: 'invite_result', ref: frame.ref, invitationId: frame.invitationId, accepted: frame.accept, conversationId }));
          return;
        }
      }
    } catch (err) {
      const ref = refOf(frame);
      if (err instanceof DomainError) {
        this.sendError(conn.ws, ref, err.code, err.message, err.details);
      } else {
        this.deps.log.error({ err, frame: frame.type }, 'websocket frame failed');
        this.sendError(conn.ws, ref, 'internal_error', 'the server could not handle this frame; retry it');
      }
    }
  }

  private async handleSend(conn: Conn, frame: Extract<ClientFrame, { type: 'send' }>): Promise<void> {
    (conn.sending ??= new Set()).add(frame.clientMessageId);
    try {
      const result = await this.store(conn, frame);
      this.send(conn.ws, serverFrame({ type: 'ack', ref: frame.ref, message: result.message, duplicate: result.duplicate }));
    } finally {
      conn.sending.delete(frame.clientMessageId);
    }
  }

  private async store(conn: Conn, frame: Extract<ClientFrame, { type: 'send' }>) {
    let result;
    if (conn instanceof AgentConn) {
      const conv = await getConversation(this.deps.db, conn.workspaceId, frame.conversationId);
      if (!conv) throw notFoundConversation();
      assertCanReply(conn.session.caller, conv, frame.private ?? false);
      result = await createMessage(this.deps, {
        workspaceId: conn.workspaceId,
        conversationId: frame.conversationId,
        senderType: 'agent',
        senderId: conn.session.agent.id,
        senderName: conn.session.agent.name,
        content: frame.content,
        private: frame.private,
        attachmentIds: frame.attachmentIds,
        clientMessageId: frame.clientMessageId,
      });
    } else {
      const c = conn as CustomerConn;
      if (frame.private) throw new DomainError('forbidden', 'customers cannot write private notes', 403);
      result = await createMessage(this.deps, {
        workspaceId: c.workspaceId,
        conversationId: frame.conversationId,
        contactId: c.contact.id,
        senderType: 'customer',
        senderId: c.contact.id,
        senderName: c.contact.name,
        content: frame.content,
        attachmentIds: frame.attachmentIds,
        clientMessageId: frame.clientMessageId,
        channel: 'web',
      });
    }
    return result;
  }

  private async handleTyping(conn: Conn, conversationId: number, on: boolean): Promise<void> {
    if (conn instanceof CustomerConn) {
      if (!(await this.mayAccess(conn, conversationId))) throw notFoundConversation();
      await this.deps.bus.publish({
        t: 'typing',
        workspaceId: conn.workspaceId,
        contactId: conn.contact.id,
        conversationId,
        from: 'customer',
        senderId: conn.contact.id,
        name: conn.contact.name,
        on,
      });
      return;
    }
    const agent = (conn as AgentConn).session.agent;
    let contactId = this.conversationContact.get(conversationId);
    if (contactId === undefined) {
      const conv = await getConversation(this.deps.db, conn.workspaceId, conversationId);
      if (!conv) throw notFoundConversation();
      contactId = conv.contactId;
      this.rememberContact(conversationId, contactId);
    }
    await this.deps.bus.publish({
      t: 'typing',
      workspaceId: conn.workspaceId,
      contactId,
      conversationId,
      from: 'agent',
      senderId: agent.id,
      name: agent.name,
      on,
    });
  }

  private async mayAccess(conn: Conn, conversationId: number): Promise<boolean> {
    if (conn instanceof CustomerConn) {
      if (conn.owned.has(conversationId)) return true;
      // created a moment ago (the 'created' event may still be on its way): ask the database
      const conv = await getConversation(this.deps.db, conn.workspaceId, conversationId, conn.contact.id);
      if (conv) conn.owned.add(conversationId);
      return conv !== null;
    }
    return (await getConversation(this.deps.db, conn.workspaceId, conversationId)) !== null;
  }

  // ── fan-out of bus messages ─────────────────────────────────────────────

  private onBus(msg: BusMessage): void {
    switch (msg.t) {
      case 'message': {
        const { message, conversation } = msg;
        this.rememberContact(conversation.id, msg.contactId);
        const toAgents = agentFrame({ type: 'message', message, conversation });
        for (const c of this.agents.get(msg.workspaceId) ?? []) this.deliver(c, message, toAgents);
        if (!message.private) {
          const toCustomer = customerFrame({ type: 'message', message: forCustomer(message) });
          for (const c of this.customers.get(msg.contactId) ?? []) {
            if (c.workspaceId === msg.workspaceId) this.deliver(c, message, toCustomer);
          }
        }
        return;
      }
      case 'conversation': {
        this.rememberContact(msg.conversation.id, msg.contactId);
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
          this.send(c.ws, toCustomer);
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
          if (!(msg.from === 'agent' && c.session.agent.id === msg.senderId)) this.send(c.ws, typing);
        }
        if (msg.from === 'agent') {
          for (const c of this.customers.get(msg.contactId) ?? []) if (c.workspaceId === msg.workspaceId) this.send(c.ws, typing);
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
      case 'contact':
        this.broadcastAgents(msg.workspaceId, { type: 'contact', contact: msg.contact });
        return;
      case 'queue': {
        for (const e of msg.entries) {
          const set = this.customers.get(e.contactId);
          if (!set) continue;
          const position = customerFrame({ type: 'queue', conversationId: e.conversationId, position: e.position, etaSeconds: e.etaSeconds });
          for (const c of set) if (c.workspaceId === msg.workspaceId) this.send(c.ws, position);
        }
        this.broadcastAgents(msg.workspaceId, { type: 'queue', groupId: msg.groupId, length: msg.entries.length });
        return;
      }
      case 'invite': {
        const inv = msg.invitation;
        const invite = customerFrame({ type: 'invite', invitationId: inv.id, kind: inv.kind, message: inv.message, agent: inv.agent });
        for (const c of this.customers.get(msg.contactId) ?? []) if (c.workspaceId === msg.workspaceId) this.send(c.ws, invite);
        return;
      }
      case 'visitor':
        this.broadcastAgents(msg.workspaceId, { type: 'visitor', contactId: msg.contactId, visitor: msg.visitor });
        return;
      case 'alert': {
        const alert = agentFrame({ type: 'alert', ...msg.alert });
        for (const c of this.agents.get(msg.workspaceId) ?? []) if (c.session.agent.id === msg.agentId) this.send(c.ws, alert);
        return;
      }
    }
  }

  private broadcastAgents(workspaceId: number, payload: AgentFrame): void {
    const set = this.agents.get(workspaceId);
    if (!set || set.size === 0) return;
    const f = agentFrame(payload);
    for (const c of set) this.send(c.ws, f);
  }

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
      if (out) this.send(conn.ws, out);
      return;
    }
    if (st.busy || message.seq > st.seq + 1) {
      this.enqueue(conn, message.conversationId, st, () => this.deliverNow(conn, st, message, out));
      return;
    }
    if (message.seq <= st.seq) return;
    st.seq = message.seq;
    if (out) this.send(conn.ws, out);
  }

  private deliverNow(conn: Conn, st: Stream, message: Message, frame: string | null): void | Promise<void> {
    if (message.seq <= st.seq) return;
    if (message.seq === st.seq + 1) {
      st.seq = message.seq;
      if (frame) this.send(conn.ws, frame);
      return;
    }
    // A gap: fetch what is missing (never more than exists), then send this one.
    const from = st.seq;
    return this.fill(conn, st, message.conversationId, from, message.seq - 1).then(() => {
      if (message.seq > st.seq) {
        st.seq = message.seq;
        if (frame) this.send(conn.ws, frame);
      }
    });
  }

  /** Client asks for everything after `afterSeq` (reconnect, or opening a conversation). */
  private sync(conn: Conn, conversationId: number, afterSeq: number): void {
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
    for (;;) {
      const page = await listMessages(this.deps.db, {
        conversationId,
        after: cursor,
        upTo,
        includePrivate: conn.includePrivate,
        limit: RESYNC_PAGE,
      });
      for (const m of page) {
        this.send(conn.ws, conn.includePrivate ? agentFrame({ type: 'message', message: m }) : customerFrame({ type: 'message', message: forCustomer(m) }));
        cursor = m.seq;
      }
      if (advance) st.seq = Math.max(st.seq, upTo ?? cursor);
      if (page.length < RESYNC_PAGE) return;
    }
  }

  private async sendQueuePositions(conn: CustomerConn): Promise<void> {
    try {
      for (const q of (await this.deps.queuePositions?.(conn.workspaceId, conn.contact.id)) ?? []) {
        this.send(conn.ws, customerFrame({ type: 'queue', ...q }));
      }
    } catch (err) {
      this.deps.log.warn({ err }, 'queue position lookup failed');
    }
  }

  // ── visitors ────────────────────────────────────────────────────────────

  /** Records the page a widget is on, ends the previous one, and arms an automatic invitation if a rule matches. */
  private async trackPage(conn: CustomerConn, page: PageReport): Promise<void> {
    const visitors = this.deps.visitors;
    if (!visitors) return;
    if (conn.inviteTimer) clearTimeout(conn.inviteTimer);
    conn.inviteTimer = null;
    try {
      if (conn.pageViewId !== null) await visitors.endPageView(conn.workspaceId, conn.contact.id, conn.pageViewId);
      const view = await visitors.pageView(conn.contact, conn.inbox, page);
      conn.pageViewId = view.pageViewId;
      const armed = await visitors.ruleFor(conn.inbox, conn.contact.id, view);
      if (!armed || conn.ws.readyState !== conn.ws.OPEN) return;
      conn.inviteTimer = setTimeout(() => {
        conn.inviteTimer = null;
        void visitors
          .autoInvite(conn.inbox, conn.contact.id, view.visitId, armed.rule)
          .then((inv) => {
            if (inv) this.send(conn.ws, customerFrame({ type: 'invite', invitationId: inv.id, kind: inv.kind, message: inv.message, agent: null }));
          })
          .catch((err) => this.deps.log.warn({ err }, 'automatic invitation failed'));
      }, armed.delayMs);
      conn.inviteTimer.unref();
    } catch (err) {
      this.deps.log.warn({ err }, 'visitor tracking failed');
    }
  }

  // ── housekeeping ────────────────────────────────────────────────────────

  private send(ws: WebSocket, frame: string): void {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.close(1013, 'too slow: reconnect and resync');
      return;
    }
    // Frames sent to one socket in the same tick leave in one write: under load an
    // agent's console receives many messages at once, and each write is a syscall.
    const socket = (ws as unknown as { _socket?: import('node:net').Socket })._socket;
    if (socket && !this.corked.has(socket)) {
      this.corked.add(socket);
      socket.cork();
      if (this.corked.size === 1) process.nextTick(this.uncorkAll);
    }
    ws.send(frame);
  }

  private readonly corked = new Set<import('node:net').Socket>();
  private readonly uncorkAll = () => {
    for (const socket of this.corked) socket.uncork();
    this.corked.clear();
  };

  private sendError(ws: WebSocket, ref: string | undefined, code: string, message: string, details?: Record<string, unknown>): void {
    this.send(ws, serverFrame({ type: 'error', ref, code, message, ...(details ? { details } : {}) }));
  }

  private takeToken(conn: Conn): boolean {
    const now = Date.now();
    conn.tokens = Math.min(FRAME_BURST, conn.tokens + ((now - conn.lastRefill) / 1000) * FRAME_RATE);
    conn.lastRefill = now;
    if (conn.tokens < 1) return false;
    conn.tokens -= 1;
    return true;
  }

  private rememberContact(conversationId: number, contactId: number): void {
    if (this.conversationContact.size > 50_000) this.conversationContact.clear();
    this.conversationContact.set(conversationId, contactId);
  }

  private pingAll(): void {
    const check = (c: Conn) => {
      if (!c.alive) {
        c.ws.terminate();
        return;
      }
      c.alive = false;
      c.ws.ping();
    };
    for (const set of this.agents.values()) set.forEach(check);
    for (const set of this.customers.values()) set.forEach(check);
  }

  /**
   * Agents with an open console anywhere count as connected (routing reads
   * last_seen_at); customers with a widget open count as present (queue abandonment).
   */
  private async heartbeatPresence(): Promise<void> {
    const agentIds = new Set<number>();
    for (const set of this.agents.values()) for (const c of set) agentIds.add(c.session.agent.id);
    const contactIds = [...this.customers.keys()];
    const warn = (err: unknown) => this.deps.log.warn({ err }, 'presence heartbeat failed');
    if (agentIds.size) await this.deps.db.query('UPDATE agents SET last_seen_at = now() WHERE id = ANY($1::bigint[])', [[...agentIds]]).catch(warn);
    for (let i = 0; i < contactIds.length; i += 1000) {
      await this.deps.db.query('UPDATE contacts SET last_seen_at = now() WHERE id = ANY($1::bigint[])', [contactIds.slice(i, i + 1000)]).catch(warn);
    }
    const pages: number[] = [];
    for (const set of this.customers.values()) for (const c of set) if (c.pageViewId !== null) pages.push(c.pageViewId);
    if (pages.length) await this.deps.visitors?.heartbeat(pages).catch(warn);
  }
}

/**
 * Every frame is serialized through one of these, so the compiler checks what the
 * server sends against the protocol (src/core/realtime/frames.ts), per audience.
 */
const serverFrame = (f: ServerFrame): string => JSON.stringify(f);
const agentFrame: (f: AgentFrame) => string = serverFrame;
const customerFrame: (f: CustomerFrame) => string = serverFrame;
const PONG = serverFrame({ type: 'pong' });

/** Customers see who answered, never internal ids beyond what they need. */
function forCustomer(m: Message): CustomerMessage {
  const { private: _p, ...rest } = m;
  return rest;
}

function refOf(frame: unknown): string | undefined {
  const ref = (frame as { ref?: unknown })?.ref;
  return typeof ref === 'string' ? ref : undefined;
}

const notFoundConversation = () => new DomainError('conversation_not_found', 'conversation not found (or not yours)', 404);

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}
