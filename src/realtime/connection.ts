import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { Session } from '../commands/auth.js';
import { WS_FRAME_BURST } from '../core/limits.js';
import type { Contact, Inbox, Message } from '../core/model.js';
import type { AgentFrame, CustomerFrame, CustomerMessage, ServerFrame } from '../core/realtime/frames.js';
import type { PageTracking } from '../visitors/page-tracking.js';

/** A client this far behind is dropped; it reconnects and resyncs from its last seq. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

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
  tokens = WS_FRAME_BURST;
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

/** Customers see who answered, never internal ids beyond what they need (nor the private flag). */
export function forCustomer(m: Message): CustomerMessage {
  const { private: _p, ...rest } = m;
  return rest;
}

/** Writes frames to sockets: drops clients that fall too far behind, and batches what one socket gets in a tick. */
export class FrameWriter {
  send(ws: WebSocket, frame: string): void {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.close(1013, 'too slow: reconnect and resync');
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
