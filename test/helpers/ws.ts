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

  /**
   * Resolves with the first frame (already received or future) matching `pred`. Many frames come
   * from durable consumers (routing, reception), which a test machine running the whole suite on
   * two cores can hold up for seconds: the bound is generous, and a frame that comes resolves at once.
   */
  waitFor(pred: (f: any) => boolean, timeoutMs = 15_000): Promise<any> {
    const seen = this.frames.find(pred);
    if (seen) return Promise.resolve(seen);
    return this.next(pred, timeoutMs);
  }

  /** Resolves with the next future frame matching `pred`. */
  next(pred: (f: any) => boolean, timeoutMs = 15_000): Promise<any> {
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

/**
 * A WebSocket client on a bare TCP socket that reads nothing once open: what a slow
 * or hostile client looks like to the server (its frames pile up in the server's
 * send queue). Also shows what a refused upgrade answers.
 */
export class RawWs {
  closed = false;
  private constructor(
    readonly socket: import('node:net').Socket,
    /** The HTTP status of the upgrade's answer (101 when open). */
    readonly status: number,
    /** The answer's head and whatever came with it. */
    readonly response: string,
  ) {
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }

  static async connect(baseUrl: string, headers: Record<string, string> = {}): Promise<RawWs> {
    const net = await import('node:net');
    const url = new URL(baseUrl);
    const socket = net.connect(Number(url.port), url.hostname);
    socket.on('error', () => {});
    const lines = [
      'GET /api/v1/ws HTTP/1.1',
      `Host: ${url.host}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${Buffer.from('zhike-raw-socket').toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    socket.write(lines.join('\r\n') + '\r\n\r\n');
    const response = await new Promise<string>((resolve, reject) => {
      let got = '';
      const onData = (d: Buffer) => {
        got += d.toString('latin1');
        const end = got.indexOf('\r\n\r\n');
        if (end < 0) return;
        const status = Number(got.slice(9, 12));
        // a refusal comes with a body: read it to the end of the connection
        if (status === 101) done(got);
        else socket.once('end', () => done(got));
      };
      const done = (text: string) => {
        socket.off('data', onData);
        resolve(text);
      };
      socket.on('data', onData);
      socket.once('error', reject);
    });
    const raw = new RawWs(socket, Number(response.slice(9, 12)), response);
    if (raw.status === 101) socket.pause(); // from now on nothing is read
    return raw;
  }

  /** Sends a text frame (masked, as a client must). */
  send(frame: object | string): void {
    const payload = Buffer.from(typeof frame === 'string' ? frame : JSON.stringify(frame));
    const n = payload.length;
    const head = n < 126 ? Buffer.from([0x81, 0x80 | n]) : n < 65536 ? Buffer.from([0x81, 0x80 | 126, n >> 8, n & 255]) : Buffer.alloc(10);
    if (n >= 65536) {
      head[0] = 0x81;
      head[1] = 0x80 | 127;
      head.writeBigUInt64BE(BigInt(n), 2);
    }
    // an all-zero mask leaves the payload as it is
    this.socket.write(Buffer.concat([head, Buffer.alloc(4), payload]));
  }

  /** Reads again (all the server queued) and resolves once the server ended the connection. */
  whenClosed(timeoutMs = 10_000): Promise<void> {
    if (this.closed || this.socket.destroyed) return Promise.resolve();
    this.socket.on('data', () => {});
    this.socket.resume();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the server did not close the raw socket')), timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  destroy(): void {
    this.socket.destroy();
  }
}
