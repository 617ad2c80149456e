import { Redis } from 'ioredis';
import type { BusHandler, BusMessage, RealtimeBus } from './bus.js';

const CHANNEL = 'zhike:realtime';

/**
 * Cross-instance bus over Redis pub/sub. Local subscribers are served at once
 * (no round trip through Redis); other instances receive the message from Redis
 * and skip their own by instance id. Pub/sub is fire-and-forget: a client that
 * misses a message while an instance or Redis hiccups catches up by `seq` from the
 * database, which is the system of record.
 */
export class RedisBus implements RealtimeBus {
  readonly kind = 'redis' as const;
  private handlers: BusHandler[] = [];

  private constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly instanceId: string,
  ) {}

  static async connect(url: string, instanceId: string, onError: (err: unknown) => void): Promise<RedisBus> {
    const opts = { lazyConnect: true, maxRetriesPerRequest: 3 };
    const pub = new Redis(url, opts);
    const sub = new Redis(url, opts);
    pub.on('error', onError);
    sub.on('error', onError);
    await Promise.all([pub.connect(), sub.connect()]);
    const bus = new RedisBus(pub, sub, instanceId);
    await sub.subscribe(CHANNEL);
    sub.on('message', (_channel: string, raw: string) => {
      let envelope: { from: string; msg: BusMessage };
      try {
        envelope = JSON.parse(raw);
      } catch (err) {
        onError(err);
        return;
      }
      if (envelope.from === instanceId) return;
      for (const h of bus.handlers) h(envelope.msg);
    });
    return bus;
  }

  async publish(msg: BusMessage): Promise<void> {
    for (const h of this.handlers) h(msg);
    await this.pub.publish(CHANNEL, JSON.stringify({ from: this.instanceId, msg }));
  }

  subscribe(handler: BusHandler): void {
    this.handlers.push(handler);
  }

  async close(): Promise<void> {
    this.handlers = [];
    await Promise.allSettled([this.sub.quit(), this.pub.quit()]);
  }
}
