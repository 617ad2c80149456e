import type { ClientFrame, ServerFrame } from './frames';

export type ConnectionState =
  /** first connection attempt, nothing shown yet */
  | 'connecting'
  | 'open'
  /** lost (or never reached): reconnecting with backoff */
  | 'reconnecting'
  /** stopped on purpose (logout) */
  | 'closed';

export interface RealtimeOptions {
  url?: string;
  /** conversation id → the last seq held, sent in hello.resume on every (re)connect */
  resume: () => Record<string, number>;
  onFrame: (frame: ServerFrame) => void;
  /** `ready` received; `reconnected` is false on the very first connection */
  onReady: (info: { reconnected: boolean }) => void;
  onState: (state: ConnectionState, info: { retryAt: number | null; attempt: number }) => void;
  /** The server refused the session (close 4003): the caller checks /me and logs out if it is gone */
  onUnauthorized: () => void;
}

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;
const PING_EVERY_MS = 25_000;
/** No frame at all for this long (pongs included) → the connection is dead even if the browser has not noticed. */
const SILENCE_LIMIT_MS = 60_000;

/**
 * The console's one WebSocket. Authenticates with the session cookie (hello
 * without token), resumes open conversations, reconnects with exponential
 * backoff and full jitter, and detects dead connections with pings.
 */
export class RealtimeClient {
  private ws: WebSocket | null = null;
  private state: ConnectionState = 'connecting';
  private attempt = 0;
  private everReady = false;
  private stopped = false;
  private retryTimer: number | null = null;
  private pingTimer: number | null = null;
  private lastFrameAt = 0;
  private retryAt: number | null = null;

  constructor(private readonly opts: RealtimeOptions) {}

  get connectionState(): ConnectionState {
    return this.state;
  }

  get isOpen(): boolean {
    return this.state === 'open' && this.ws?.readyState === WebSocket.OPEN;
  }

  start(): void {
    this.stopped = false;
    // next tick: a start immediately undone by stop (React StrictMode) opens no socket
    this.retryTimer = window.setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, 0);
    window.addEventListener('online', this.onOnline);
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close(1000, 'bye');
      } catch {
        /* already closed */
      }
    }
    this.setState('closed');
  }

  /** Try now instead of waiting for the backoff timer ("立即重连"). */
  reconnectNow(): void {
    if (this.stopped || this.state === 'open') return;
    if (this.retryTimer !== null) window.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.attempt = 0;
    this.connect();
  }

  /** Sends when connected; returns false otherwise (callers fall back to HTTP or drop ephemeral frames). */
  send(frame: ClientFrame): boolean {
    if (!this.isOpen || !this.ws) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  private onOnline = () => this.reconnectNow();

  private connect(): void {
    if (this.stopped) return;
    const prev = this.ws;
    if (prev) {
      prev.onopen = prev.onmessage = prev.onclose = prev.onerror = null;
      try {
        prev.close();
      } catch {
        /* ignore */
      }
    }
    const url = this.opts.url ?? `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/api/v1/ws`;
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.lastFrameAt = Date.now();
      // The session cookie authenticated the upgrade: hello carries no token.
      ws.send(JSON.stringify({ type: 'hello', resume: this.opts.resume() } satisfies ClientFrame));
    };
    ws.onmessage = (ev) => {
      this.lastFrameAt = Date.now();
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(ev.data)) as ServerFrame;
      } catch {
        return;
      }
      if (frame.type === 'ready') {
        const reconnected = this.everReady;
        this.everReady = true;
        this.attempt = 0;
        this.retryAt = null;
        this.setState('open');
        this.startPing();
        this.opts.onReady({ reconnected });
        return;
      }
      if (frame.type === 'pong') return;
      this.opts.onFrame(frame);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopPing();
      if (this.stopped) return;
      if (ev.code === 4003) this.opts.onUnauthorized();
      this.scheduleRetry();
    };
    ws.onerror = () => {
      /* onclose follows */
    };
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    // exponential backoff with full jitter: random in [base, min(cap, base·2^n)]
    const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** this.attempt);
    const delay = BASE_DELAY_MS + Math.random() * Math.max(0, ceiling - BASE_DELAY_MS);
    this.attempt += 1;
    this.retryAt = Date.now() + delay;
    this.setState(this.everReady || this.attempt > 1 ? 'reconnecting' : 'connecting');
    if (this.retryTimer !== null) window.clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private startPing(): void {
    this.stopPing();
    this.pingTimer = window.setInterval(() => {
      if (Date.now() - this.lastFrameAt > SILENCE_LIMIT_MS) {
        // half-open connection (sleep, network change): drop it and reconnect
        const ws = this.ws;
        this.ws = null;
        this.stopPing();
        if (ws) {
          ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
          try {
            ws.close();
          } catch {
            /* ignore */
          }
        }
        this.scheduleRetry();
        return;
      }
      this.send({ type: 'ping' });
    }, PING_EVERY_MS);
  }

  private stopPing(): void {
    if (this.pingTimer !== null) window.clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  private clearTimers(): void {
    this.stopPing();
    if (this.retryTimer !== null) window.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    this.opts.onState(state, { retryAt: this.retryAt, attempt: this.attempt });
  }
}
