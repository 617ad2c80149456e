import WebSocket from 'ws';

/** A real WebSocket client that records frames and can wait for one. */
export class WsClient {
  readonly frames: any[] = [];
  private waiters: { pred: (f: any) => boolean; resolve: (f: any) => void }[] = [];
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
  }

  static async connect(baseUrl: string, headers: Record<string, string> = {}): Promise<WsClient> {
    const ws = new WebSocket(baseUrl.replace(/^http/, 'ws') + '/api/v1/ws', { headers });
    const c = new WsClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return c;
  }

  send(frame: object | string): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Resolves with the first frame (already received or future) matching `pred`. */
  waitFor(pred: (f: any) => boolean, timeoutMs = 5000): Promise<any> {
    const seen = this.frames.find(pred);
    if (seen) return Promise.resolve(seen);
    return this.next(pred, timeoutMs);
  }

  /** Resolves with the next future frame matching `pred`. */
  next(pred: (f: any) => boolean, timeoutMs = 5000): Promise<any> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for a frame; got ${JSON.stringify(this.frames.slice(-5))}`)), timeoutMs);
      this.waiters.push({
        pred,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  }

  async hello(frame: object): Promise<any> {
    this.send({ type: 'hello', ...frame });
    return this.next((f) => f.type === 'ready' || f.type === 'error');
  }

  /** Messages received as `message` frames, in arrival order. */
  messages(conversationId?: number): any[] {
    return this.frames.filter((f) => f.type === 'message' && (conversationId === undefined || f.message.conversationId === conversationId)).map((f) => f.message);
  }

  /** Everything this client holds of a conversation: received messages plus its own, acknowledged ones (which come back only in the ack). */
  held(conversationId: number): any[] {
    return this.frames
      .filter((f) => (f.type === 'message' || f.type === 'ack') && f.message.conversationId === conversationId)
      .map((f) => f.message);
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
