import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { authenticate } from '../commands/auth.js';
import type { CommandContext } from '../commands/context.js';
import { MAX_WS_FRAME_BYTES } from '../core/limits.js';
import type { ClientFrame } from '../core/realtime/client-frames.js';
import { findContactByToken, findInboxByToken } from '../storage/contacts.js';
import type { Metrics } from '../observability/metrics.js';
import type { ClientLimiter } from '../ratelimit/limiter.js';
import type { RealtimeBus } from '../bus/bus.js';
import { heartbeatPages, PageTracking } from '../visitors/page-tracking.js';
import type { VisitorTracker } from '../visitors/tracker.js';
import { clientIp, ConnectionsPerIp, cookieOriginAllowed } from './admission.js';
import { AgentConn, agentFrame, customerFrame, CustomerConn, FrameWriter, type Conn, type Log, type QueueLimits } from './connection.js';
import { FrameBudget } from './frame-budget.js';
import { ConversationContacts, Delivery } from './delivery.js';
import { Inbound, refOf } from './inbound.js';

export const WS_PATH = '/api/v1/ws';
const HELLO_TIMEOUT_MS = 10_000;
const PING_INTERVAL_MS = 30_000;
const PRESENCE_HEARTBEAT_MS = 20_000;
/** Before hello a client has nothing to say but hello: a few frames, none large. */
const PRE_HELLO_MAX_FRAMES = 10;
const PRE_HELLO_MAX_BYTES = 16 * 1024;
/** What a refused upgrade tells the client to wait before trying again (seconds). */
const PER_IP_RETRY_AFTER_S = 10;

/** The WebSocket's limits (ZHIKE_WS_*, ZHIKE_TRUST_PROXY, ZHIKE_ALLOWED_ORIGINS; see the README). */
export interface GatewayLimits {
  maxConnectionsPerIp: number;
  queue: QueueLimits;
  frameRate: number;
  frameBurst: number;
  trustProxy: boolean | number;
  allowedOrigins: readonly string[];
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
  /** The client API's per-IP and per-contact limits, for customers' frames too. */
  limiter?: ClientLimiter;
  /** Where the contact's queued conversations stand (sent after `ready`, so a reconnect shows it at once). */
  queuePositions?: (workspaceId: number, contactId: number) => Promise<{ conversationId: number; position: number; etaSeconds: number }[]>;
  limits: GatewayLimits;
}

/**
 * The WebSocket gateway. One endpoint for agents and customers: it accepts
 * connections, authenticates them (hello), keeps them alive and closes them.
 * Frames from clients are handled in inbound.ts; what each connection receives,
 * exactly once and in order, is decided in delivery.ts.
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
  private readonly writer: FrameWriter;
  private readonly perIp: ConnectionsPerIp;
  private readonly delivery: Delivery;
  private readonly inbound: Inbound;
  private readonly pingTimer: NodeJS.Timeout;
  private readonly presenceTimer: NodeJS.Timeout;
  private closing = false;

  constructor(private readonly deps: GatewayDeps) {
    this.writer = new FrameWriter(deps.limits.queue, (reason) => deps.metrics.wsDropped.inc({ reason }));
    this.perIp = new ConnectionsPerIp(deps.limits.maxConnectionsPerIp);
    const contacts = new ConversationContacts();
    this.delivery = new Delivery(deps, { agents: this.agents, customers: this.customers }, this.writer, contacts);
    this.inbound = new Inbound(deps, this.writer, this.delivery, contacts);
    deps.bus.subscribe((msg) => this.delivery.onBus(msg));
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
      const ip = clientIp(req, this.deps.limits.trustProxy);
      if (!this.perIp.tryAdd(ip)) {
        // refused before any WebSocket state exists: the cheapest answer there is
        this.deps.metrics.wsRefused.inc({ reason: 'per_ip' });
        const body = JSON.stringify({
          error: {
            code: 'rate_limited',
            message: `too many WebSocket connections from this address (at most ${this.deps.limits.maxConnectionsPerIp})`,
            limit: 'ws.connections_per_ip',
          },
        });
        socket.end(
          `HTTP/1.1 429 Too Many Requests\r\nRetry-After: ${PER_IP_RETRY_AFTER_S}\r\nContent-Type: application/json\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
        return;
      }
      let counted = true;
      const release = () => {
        if (counted) this.perIp.remove(ip);
        counted = false;
      };
      // a handshake ws refuses (bad key, version…) never reaches the callback: the socket's end gives the place back
      socket.once('close', release);
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req, release));
    });
  }

  get connectionCount(): number {
    let n = this.unauthenticated.size;
    for (const set of this.agents.values()) n += set.size;
    for (const set of this.customers.values()) n += set.size;
    return n;
  }

  /** Authenticated sockets of one contact on this instance. */
  customerSockets(contactId: number): number {
    return this.customers.get(contactId)?.size ?? 0;
  }

  /** Authenticated agent sockets on this instance. */
  agentSockets(): number {
    let n = 0;
    for (const set of this.agents.values()) n += set.size;
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

  private onConnection(ws: WebSocket, req: http.IncomingMessage, release: () => void): void {
    const { limits, metrics } = this.deps;
    const cookie = readCookie(req.headers.cookie, this.deps.cookieName);
    const origin = cookie ? cookieOriginAllowed(req, limits.trustProxy, limits.allowedOrigins) : { ok: true, origin: '' };
    const cookieToken = origin.ok ? cookie : null;
    const budget = new FrameBudget(limits.frameRate, limits.frameBurst);
    let preHelloFrames = 0;
    this.deps.limiter?.connected(ws, req);
    this.unauthenticated.add(ws);
    const helloTimer = setTimeout(() => {
      this.writer.sendError(ws, undefined, 'hello_timeout', 'send a hello frame within 10 seconds of connecting');
      ws.close(4001, 'hello timeout');
    }, HELLO_TIMEOUT_MS);
    let conn: Conn | null = null;
    let authenticating = false;
    ws.on('pong', () => {
      if (conn) conn.alive = true;
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      release();
      clearTimeout(helloTimer);
      this.unauthenticated.delete(ws);
      if (conn) this.unregister(conn);
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (ws.readyState !== ws.OPEN) return; // closing: nothing more is read
      // Every frame takes a token before anything else is done with it.
      switch (budget.take()) {
        case 'ok':
          break;
        case 'refuse':
          metrics.wsFrames.inc({ outcome: 'rate_limited' });
          this.writer.sendError(ws, undefined, 'rate_limited', `too many frames: at most ${budget.rate} per second`);
          return;
        case 'drop':
          metrics.wsFrames.inc({ outcome: 'rate_limited' });
          return;
        case 'close':
          metrics.wsFrames.inc({ outcome: 'rate_limited' });
          if (ws.readyState === ws.OPEN) {
            metrics.wsDropped.inc({ reason: 'flood' });
            closeSoon(ws, 1008, 'too many frames');
          }
          return;
      }
      if (!conn) {
        const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
        if (++preHelloFrames > PRE_HELLO_MAX_FRAMES || size > PRE_HELLO_MAX_BYTES) {
          if (ws.readyState === ws.OPEN) {
            metrics.wsDropped.inc({ reason: 'pre_hello' });
            this.writer.sendError(ws, undefined, 'hello_required', `send one hello frame (at most ${PRE_HELLO_MAX_BYTES} bytes) and wait for ready`);
            closeSoon(ws, 1008, 'hello first');
          }
          return;
        }
      }
      const frame = this.inbound.parse(ws, data, isBinary);
      if (!frame) return;
      if (conn) {
        this.inbound.receive(conn, frame);
        return;
      }
      if (frame.type !== 'hello') {
        this.writer.sendError(ws, refOf(frame), 'hello_required', 'the first frame must be {"type":"hello", ...}');
        return;
      }
      if (authenticating) return;
      authenticating = true;
      void this.authenticate(ws, frame, cookieToken, cookie && !origin.ok ? origin.origin : null)
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
            if (page) c.queue = c.queue.then(() => c.page?.track(page));
            void this.sendQueuePositions(c);
          }
        })
        .catch((err) => {
          authenticating = false;
          this.deps.log.error({ err }, 'websocket hello failed');
          this.writer.sendError(ws, undefined, 'internal_error', 'could not authenticate; try again');
        });
    });
  }

  /** `refusedOrigin`: a session cookie came from this page's origin, which may not use it. */
  private async authenticate(
    ws: WebSocket,
    hello: Extract<ClientFrame, { type: 'hello' }>,
    cookieToken: string | null,
    refusedOrigin: string | null,
  ): Promise<Conn | null> {
    const { db } = this.deps;
    if (hello.inboxToken || hello.contactToken) {
      const inbox = hello.inboxToken ? await findInboxByToken(db, hello.inboxToken) : null;
      const contact = inbox && hello.contactToken ? await findContactByToken(db, inbox.id, hello.contactToken) : null;
      if (!inbox || !contact) {
        this.writer.sendError(ws, undefined, 'unauthorized', 'unknown inbox token or contact token; create a contact first');
        ws.close(4003, 'unauthorized');
        return null;
      }
      const rows = await db.query<{ id: number }>('SELECT id FROM conversations WHERE contact_id = $1', [contact.id]);
      const conn = new CustomerConn(ws, inbox, contact, new Set(rows.map((r) => r.id)));
      conn.page = this.pageTracking(conn);
      return conn;
    }
    const token = hello.token ?? cookieToken;
    if (!token && refusedOrigin !== null) {
      this.writer.sendError(
        ws,
        undefined,
        'unauthorized',
        `the session cookie is not accepted from the page at ${refusedOrigin.slice(0, 200)}: open the console from its own address, or add the origin to ZHIKE_ALLOWED_ORIGINS`,
      );
      ws.close(4003, 'origin not allowed');
      return null;
    }
    const session = token ? await authenticate(db, token) : null;
    if (!session) {
      this.writer.sendError(ws, undefined, 'unauthorized', 'log in again: the session token is missing, expired or revoked');
      ws.close(4003, 'unauthorized');
      return null;
    }
    return new AgentConn(ws, session);
  }

  private register(conn: Conn): void {
    this.writer.setRole(conn.ws, conn.role);
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
      conn.page?.closed(this.closing);
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
    this.writer.send(
      conn.ws,
      conn instanceof AgentConn
        ? agentFrame({ type: 'ready', role: 'agent', agent: conn.session.agent, serverTime })
        : customerFrame({ type: 'ready', role: 'customer', contact: { id: (conn as CustomerConn).contact.id, name: (conn as CustomerConn).contact.name }, serverTime }),
    );
    // Resume only what the caller may see: the same check as a `sync` frame.
    for (const [id, seq] of Object.entries(resume ?? {}).slice(0, 200)) {
      const conversationId = Number(id);
      void this.inbound.mayAccess(conn, conversationId)
        .then((ok) => {
          if (ok) this.delivery.sync(conn, conversationId, seq);
          else this.writer.sendError(conn.ws, undefined, 'conversation_not_found', `cannot resume conversation ${conversationId}: not found (or not yours)`);
        })
        .catch((err) => this.deps.log.warn({ err }, 'resume check failed'));
    }
  }

  private async sendQueuePositions(conn: CustomerConn): Promise<void> {
    try {
      for (const q of (await this.deps.queuePositions?.(conn.workspaceId, conn.contact.id)) ?? []) {
        this.writer.send(conn.ws, customerFrame({ type: 'queue', ...q }));
      }
    } catch (err) {
      this.deps.log.warn({ err }, 'queue position lookup failed');
    }
  }

  // ── visitors ────────────────────────────────────────────────────────────

  /** Page tracking for a widget's connection (none without visitor tracking). */
  private pageTracking(conn: CustomerConn): PageTracking | null {
    const visitors = this.deps.visitors;
    if (!visitors) return null;
    const ws = conn.ws;
    return new PageTracking(
      visitors,
      {
        inbox: conn.inbox,
        contact: conn.contact,
        isOpen: () => ws.readyState === ws.OPEN,
        invite: (inv) =>
          this.writer.send(ws, customerFrame({ type: 'invite', invitationId: inv.id, kind: inv.kind, message: inv.message, agent: null })),
      },
      this.deps.log,
    );
  }

  // ── housekeeping ────────────────────────────────────────────────────────

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
    const pages: PageTracking[] = [];
    for (const set of this.customers.values()) for (const c of set) if (c.page) pages.push(c.page);
    if (this.deps.visitors) await heartbeatPages(this.deps.visitors, pages).catch(warn);
  }
}

/** Closes with a reason, and ends the socket soon whether or not the client answers the close. */
function closeSoon(ws: WebSocket, code: number, reason: string): void {
  ws.close(code, reason);
  setTimeout(() => ws.terminate(), 1000).unref();
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}
