import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { Session } from '../commands/auth.js';
import type { Contact, Inbox } from '../core/model.js';
import type { AgentFrame, CustomerFrame, ServerFrame } from '../core/realtime/frames.js';
import type { PageTracking } from '../visitors/page-tracking.js';

export interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Per-conversation delivery state of one connection: the highest seq sent, and a queue while a gap is filled. */
export interface Stream {
  seq: number;
  busy: Promise<void> | null;
}

/** One authenticated WebSocket: who is on it, and the state the gateway keeps for it. */
export abstract class Conn {
  alive = true;
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

export class AgentConn extends Conn {
  readonly role = 'agent' as const;
  readonly includePrivate = true;
  constructor(ws: WebSocket, readonly session: Session) {
    super(ws);
  }
  get workspaceId() {
    return this.session.caller.workspaceId;
  }
}

export class CustomerConn extends Conn {
  readonly role = 'customer' as const;
  readonly includePrivate = false;
  /** The page this widget is on (visitor tracking) and an armed automatic invitation; null without visitor tracking. */
  page: PageTracking | null = null;
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

/** The connections of one instance, by audience: agents by workspace, customers by contact. */
export interface Audiences {
  readonly agents: Map<number, Set<AgentConn>>;
  readonly customers: Map<number, Set<CustomerConn>>;
}

/**
 * Every frame is serialized through one of these, so the compiler checks what the
 * server sends against the protocol (src/core/realtime/frames.ts), per audience.
 */
export const serverFrame = (f: ServerFrame): string => JSON.stringify(f);
export const agentFrame: (f: AgentFrame) => string = serverFrame;
export const customerFrame: (f: CustomerFrame) => string = serverFrame;
export const PONG = serverFrame({ type: 'pong' });

export { forCustomer } from '../core/realtime/frames.js';

/** How many bytes may wait in sockets' send queues (ZHIKE_WS_MAX_QUEUED_BYTES…). */
export interface QueueLimits {
  /** Per customer socket (and any socket before hello). */
  customer: number;
  /** Per agent socket: a console receives the whole workspace's traffic. */
  agent: number;
  /** All sockets of this instance together. */
  total: number;
}

/** Why the writer dropped a socket: its own queue passed its cap, or the instance's total did and it was among the most backed up. */
export type DropReason = 'slow' | 'instance_queue';

/** How long in all one resync waits for a client to read its queue down before dropping it. */
const DRAIN_TIMEOUT_MS = 10_000;

/** Sockets with less than this queued are not looked at by the instance-wide sweep. */
const BACKLOG_MIN = 16 * 1024;

/**
 * Writes frames to sockets: batches what one socket gets in a tick, and drops
 * clients that fall too far behind (they reconnect and resync from their last seq).
 * A dropped socket is terminated at once, without a closing handshake: its queue is
 * what we want back, and a client that does not read would not see the close frame.
 */
export class FrameWriter {
  /** Sockets with a backlog, for the instance-wide total. */
  private readonly backlogged = new Set<WebSocket>();
  private readonly caps = new WeakMap<WebSocket, number>();
  private sweepPending = false;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly limits: QueueLimits,
    private readonly onDrop: (reason: DropReason) => void = () => {},
  ) {}

  /** The socket authenticated as `role`: its queue cap from now on. */
  setRole(ws: WebSocket, role: 'agent' | 'customer'): void {
    this.caps.set(ws, role === 'agent' ? this.limits.agent : this.limits.customer);
  }

  private capOf(ws: WebSocket): number {
    return this.caps.get(ws) ?? this.limits.customer;
  }

  send(ws: WebSocket, frame: string): void {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > this.capOf(ws)) {
      this.drop(ws, 'slow');
      return;
    }
    // Frames sent to one socket in the same tick leave in one write: under load an
    // agent's console receives many messages at once, and each write is a syscall.
    const socket = (ws as unknown as { _socket?: Socket })._socket;
    if (socket && !this.corked.has(socket)) {
      this.corked.add(socket);
      socket.cork();
      if (this.corked.size === 1) process.nextTick(this.uncorkAll);
    }
    ws.send(frame);
    if (ws.bufferedAmount > BACKLOG_MIN && !this.backlogged.has(ws)) {
      this.backlogged.add(ws);
      this.scheduleSweep();
    }
  }

  /**
   * Resolves once the socket's queue is below half its cap (or the socket closed):
   * bulk senders (a resync of hundreds of messages) wait here instead of filling
   * the queue past the cap of a client that reads, only more slowly than we write.
   * `waited` adds up one bulk send's waits: past DRAIN_TIMEOUT_MS in all the client
   * is dropped as too slow (it resumes from the last seq it read when it reconnects).
   */
  async drained(ws: WebSocket, waited: { ms: number }): Promise<void> {
    const low = this.capOf(ws) / 2;
    while (ws.readyState === ws.OPEN && ws.bufferedAmount > low) {
      if (waited.ms >= DRAIN_TIMEOUT_MS) {
        this.drop(ws, 'slow');
        return;
      }
      const socket = (ws as unknown as { _socket?: Socket })._socket;
      const started = Date.now();
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          socket?.off('drain', done);
          ws.off('close', done);
          resolve();
        };
        // 'drain' comes when the socket's buffer empties; look again now and then anyway
        const timer = setTimeout(done, 250);
        socket?.once('drain', done);
        ws.once('close', done);
      });
      waited.ms += Date.now() - started;
    }
  }

  private drop(ws: WebSocket, reason: DropReason): void {
    this.backlogged.delete(ws);
    if (ws.readyState === ws.CLOSED) return;
    this.onDrop(reason);
    ws.terminate();
  }

  /**
   * The instance-wide cap: at most once per tick-ish, sum what the backed-up sockets
   * hold and, past the cap, drop the most backed-up ones until under it. Cheap: only
   * sockets with a backlog are looked at, and nothing ever waits for a socket.
   */
  private scheduleSweep(): void {
    if (this.sweepPending) return;
    this.sweepPending = true;
    setImmediate(() => {
      this.sweepPending = false;
      let total = 0;
      const queued: [WebSocket, number][] = [];
      for (const ws of this.backlogged) {
        const n = ws.readyState === ws.OPEN ? ws.bufferedAmount : 0;
        if (n <= BACKLOG_MIN) {
          this.backlogged.delete(ws);
          continue;
        }
        total += n;
        queued.push([ws, n]);
      }
      if (total > this.limits.total) {
        queued.sort((a, b) => b[1] - a[1]);
        for (const [ws, n] of queued) {
          if (total <= this.limits.total) break;
          this.drop(ws, 'instance_queue');
          total -= n;
        }
      }
      // backlogs that neither grow nor drain are looked at again (a socket whose queue
      // grows gets here through send)
      if (this.backlogged.size && !this.sweepTimer) {
        this.sweepTimer = setTimeout(() => {
          this.sweepTimer = null;
          this.scheduleSweep();
        }, 100);
        this.sweepTimer.unref();
      }
    });
  }

  private readonly corked = new Set<Socket>();
  private readonly uncorkAll = () => {
    for (const socket of this.corked) socket.uncork();
    this.corked.clear();
  };

  sendError(ws: WebSocket, ref: string | undefined, code: string, message: string, details?: Record<string, unknown>): void {
    this.send(ws, serverFrame({ type: 'error', ref, code, message, ...(details ? { details } : {}) }));
  }
}
