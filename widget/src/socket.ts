import type { ClientFrame, ServerFrame } from './types';

export type SocketState = 'idle' | 'connecting' | 'ready' | 'down';

const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 15_000;
/** Our own liveness check: a half-open TCP connection (laptop sleep, Wi-Fi switch) never fires `close`. */
const PING_EVERY_MS = 25_000;
const PONG_WITHIN_MS = 10_000;

export interface SocketHandlers {
  /** Built at every (re)connect, so it carries the seqs held at that moment. */
  hello(): ClientFrame;
  frame(f: ServerFrame): void;
  /** `code` is the close code when the server refused us for good (4003 unauthorized). */
  state(s: SocketState, code?: number): void;
  /**
   * Nothing is waiting on this connection (no conversation open, panel closed): skip
   * our own watchdog ping; the server's protocol-level pings keep it alive and
   * `kick()` checks it the moment it matters.
   */
  quiet?(): boolean;
}

/**
 * One WebSocket to /api/v1/ws that keeps itself connected: hello on open,
 * exponential backoff with jitter on failure, a ping/pong watchdog. The owner
 * re-sends nothing itself: the hello's `resume` makes the server replay what was missed.
 */
export class Socket {
  state: SocketState = 'idle';
  private ws: WebSocket | null = null;
  private attempt = 0;
  private retryTimer = 0;
  private pingTimer = 0;
  private pongTimer = 0;

  constructor(
    private readonly url: string,
    private readonly on: SocketHandlers,
  ) {}

  start(): void {
    if (this.state === 'idle') this.open();
  }

  /** The page is back (online / visible): reconnect now instead of waiting out the backoff, or check a live one. */
  kick(): void {
    if (this.state === 'down') {
      clearTimeout(this.retryTimer);
      this.open();
    } else if (this.state === 'ready') {
      this.ping(3_000);
    }
  }

  /** Drops the connection and stops reconnecting (e.g. the contact became unknown). */
  stop(): void {
    clearTimeout(this.retryTimer);
    this.detach();
    this.set('idle');
  }

  /** Sends a frame if the connection is ready; false tells the caller to use HTTP instead. */
  send(frame: ClientFrame): boolean {
    const ws = this.ws;
    if (this.state !== 'ready' || !ws || ws.readyState !== 1) return false;
    ws.send(JSON.stringify(frame));
    return true;
  }

  private open(): void {
    this.detach();
    this.set('connecting');
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.fail();
      return;
    }
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify(this.on.hello()));
    ws.onmessage = (e: MessageEvent) => {
      clearTimeout(this.pongTimer);
      let f: ServerFrame;
      try {
        f = JSON.parse(String(e.data)) as ServerFrame;
      } catch {
        return;
      }
      if (f.type === 'ready') {
        this.attempt = 0;
        clearInterval(this.pingTimer);
        this.pingTimer = window.setInterval(() => this.on.quiet?.() || this.ping(PONG_WITHIN_MS), PING_EVERY_MS);
        this.set('ready');
      }
      this.on.frame(f);
    };
    ws.onclose = (e: CloseEvent) => {
      if (this.ws === ws) this.fail(e.code);
    };
  }

  private ping(within: number): void {
    if (!this.send({ type: 'ping' })) return;
    clearTimeout(this.pongTimer);
    // Any frame counts as an answer; none in time means the connection is dead.
    this.pongTimer = window.setTimeout(() => this.fail(), within);
  }

  private fail(code?: number): void {
    this.detach();
    if (code === 4003) {
      // unauthorized: retrying with the same tokens cannot help; the owner decides
      this.set('idle', code);
      return;
    }
    const base = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** this.attempt++);
    // "equal jitter": never immediate, and clients dropped together do not come back together
    this.retryTimer = window.setTimeout(() => this.open(), base / 2 + (Math.random() * base) / 2);
    this.set('down');
  }

  /** Forgets the current WebSocket without waiting for a close handshake that may never come. */
  private detach(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    try {
      ws.close(1000);
    } catch {
      /* already closed */
    }
  }

  private set(s: SocketState, code?: number): void {
    if (s === this.state && code === undefined) return;
    this.state = s;
    this.on.state(s, code);
  }
}
