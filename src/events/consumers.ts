import { eventMatches, type EventMatch, type EventType, type StoredEvent, type StoredEventOf } from '../core/events.js';
import type { Db } from '../storage/db.js';
import {
  advanceConsumer,
  claimConsumer,
  consumerStatus,
  parkedEvents,
  parkEvent,
  readBatch,
  registerConsumer,
  releaseConsumer,
  unparkEvent,
  type ConsumerStatus,
  type EventSelector,
  positionEquals,
  type Position,
} from '../storage/consumers.js';

/**
 * A durable consumer: a feature that reacts to events from the log (docs/events.md).
 * It receives every event of the types it declares, in order per conversation, at
 * least once — after a crash or a lost lease an event may come again — so it must
 * be idempotent: deterministic clientMessageIds, upserts, unique keys, or a check of
 * the current state first. An event it keeps failing on is parked after
 * `maxAttempts` and the consumer goes on.
 */
export interface Consumer<T extends EventType = EventType> {
  /** Stable: the position in the log is kept under this name (a new name starts afresh). */
  name: string;
  events: readonly T[];
  /**
   * Of those, only events whose data match (per type, field → accepted values): the
   * others are passed over without a wake-up or a read. A consumer of customers'
   * messages in bot conversations is not woken by the thousands a second agents handle.
   */
  match?: EventMatch<T>;
  handle(event: StoredEventOf<T>): Promise<void>;
  /**
   * Optional: handles several events at once (in log order, so each conversation's in
   * order; up to `manyMax`), e.g. in one transaction where `handle` would take one per
   * event. When it throws, those events are handled one by one with `handle`, with the
   * usual retries and parking. It must be as idempotent as `handle`.
   */
  handleMany?(events: StoredEventOf<T>[]): Promise<void>;
  /** Events per `handleMany` call (default 100): one call holds its transaction that long. */
  manyMax?: number;
  /** Attempts before an event is parked (default 5), with doubling delays in between. */
  maxAttempts?: number;
  /** Conversations handled in parallel (default 32); one conversation's events always run in order. */
  concurrency?: number;
  /** Where a consumer seen for the first time starts: at the end of the log (default) or replaying all of it. */
  startFrom?: 'now' | 'beginning';
  /**
   * Its reads of the log are at least this far apart (default 15 ms). Background work that
   * may lag a little (the search index) reads less often, in bigger batches: fewer statements
   * on a database that also carries the customers' messages (PGlite runs one at a time).
   */
  readEveryMs?: number;
  /**
   * Events per read of the log (default the runner's, 500). A consumer whose cost is per
   * conversation rather than per event (the rollups) does more with bigger reads.
   */
  batchSize?: number;
}

/** Declares a consumer with its event types inferred (so `handle` narrows on `e.type`). */
export function defineConsumer<T extends EventType>(consumer: Consumer<T>): Consumer<T> {
  return consumer;
}

interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ConsumerMetrics {
  /** Seconds from an event's write to its first handling attempt. */
  observeDelay(consumer: string, seconds: number): void;
  handled(consumer: string, outcome: 'ok' | 'retried' | 'parked'): void;
}

export interface ConsumerRunnerOptions {
  /** Who this instance is (leases are held in its name). */
  instanceId: string;
  /** How long a lease lasts without renewal: a dead instance's consumers are taken over after it. */
  leaseMs?: number;
  /** Without wake-ups (another instance wrote, no Redis), look at the log this often. */
  pollMs?: number;
  /** First retry delay; it doubles per attempt up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Events read per batch. */
  batchSize?: number;
  metrics?: ConsumerMetrics;
}

const IDLE_CURSOR_WRITE_MS = 1000;
/** While events keep coming, the position is written this often. */
const CURSOR_WRITE_MS = 50;
/** Reads of one consumer are at least this far apart. */
const MIN_READ_INTERVAL_MS = 15;

/**
 * Runs this instance's share of the durable consumers. Each consumer runs on one
 * instance at a time (a lease in its `consumers` row, renewed as it goes; a dead
 * instance's lease runs out and another takes over). The instance that commits
 * events wakes its consumers at once; other instances hear through the bus, or
 * look every `pollMs`.
 */
export class ConsumerRunner {
  private readonly loops = new Map<string, ConsumerLoop>();
  private started = false;
  readonly leaseMs: number;
  readonly pollMs: number;

  constructor(
    private readonly db: Db,
    private readonly log: Log,
    readonly opts: ConsumerRunnerOptions,
  ) {
    this.leaseMs = opts.leaseMs ?? 15_000;
    this.pollMs = opts.pollMs ?? 1000;
  }

  register<T extends EventType>(consumer: Consumer<T>): void {
    if (this.started) throw new Error(`register consumer ${consumer.name} before the runner starts`);
    if (this.loops.has(consumer.name)) throw new Error(`two consumers are named ${consumer.name}`);
    if (!/^[a-z][a-z0-9_.-]{1,80}$/.test(consumer.name)) throw new Error(`consumer name ${consumer.name}: use lower-case letters, digits, . _ -`);
    if (consumer.events.length === 0) throw new Error(`consumer ${consumer.name} declares no event types`);
    this.loops.set(consumer.name, new ConsumerLoop(consumer as unknown as Consumer, this.db, this.log, this));
  }

  get names(): string[] {
    return [...this.loops.keys()];
  }

  has(name: string): boolean {
    return this.loops.has(name);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const loop of this.loops.values()) await registerConsumer(this.db, loop.consumer.name, loop.consumer.startFrom ?? 'now');
    for (const loop of this.loops.values()) loop.start();
  }

  /**
   * Events were committed here: the consumers that run here and take one of them look at once.
   * `types` only (another instance committed them): those that take one of these types.
   * Nothing: all of them.
   */
  wake(committed?: readonly Pick<StoredEvent, 'type' | 'data'>[] | ReadonlySet<string>): void {
    for (const loop of this.loops.values()) if (loop.wants(committed)) loop.wake();
  }

  /** Finishes the batches being handled, records the positions and hands the leases back. */
  async stop(): Promise<void> {
    await Promise.all([...this.loops.values()].map((l) => l.stop()));
  }

  /** Lag and parked events of every consumer, all workspaces (the Prometheus gauges). */
  async figures(): Promise<{ name: string; lagEvents: number; lagSeconds: number; parked: number }[]> {
    const out = [];
    for (const name of this.loops.keys()) {
      const s = await this.status(name, null);
      out.push({ name, lagEvents: s.lag.events, lagSeconds: s.lag.seconds, parked: s.parked });
    }
    return out;
  }

  async status(name: string, workspaceId: number | null): Promise<ConsumerStatus> {
    const loop = this.loopOf(name);
    return consumerStatus(this.db, name, loop.selector, workspaceId);
  }

  /**
   * Runs a consumer's parked events of one workspace again, oldest first, once each:
   * those that succeed leave the parking; the others stay with their new error.
   */
  async retryParked(name: string, workspaceId: number, limit = 1000): Promise<{ retried: number; succeeded: number; failed: number }> {
    const loop = this.loopOf(name);
    const parked = await parkedEvents(this.db, name, workspaceId, limit);
    let succeeded = 0;
    for (const { event } of parked) {
      try {
        await loop.consumer.handle(event as StoredEventOf<EventType>);
        await unparkEvent(this.db, name, event.id);
        succeeded++;
      } catch (err) {
        await parkEvent(this.db, name, event, 1, errorText(err));
      }
    }
    return { retried: parked.length, succeeded, failed: parked.length - succeeded };
  }

  private loopOf(name: string): ConsumerLoop {
    const loop = this.loops.get(name);
    if (!loop) throw new Error(`no consumer named ${name}`);
    return loop;
  }

  retryDelay(attempt: number): number {
    const base = this.opts.retryMs ?? 100;
    return Math.min(this.opts.maxRetryMs ?? 5000, base * 2 ** (attempt - 1));
  }
}

/** A batch read whose events are being handled: every event before `next` is handled once they all are. */
interface InFlight {
  next: Position;
  events: number;
  settled: boolean;
  /** Resolves when its events are handled or one of them broke the loop (never rejects). */
  done: Promise<void>;
}

/**
 * One consumer on this instance: claim the lease, read, hand each event to its
 * conversation's chain, read on. A batch's events are still being handled while the next
 * batch is read (a slow conversation holds up only itself); one conversation's events run
 * one after the other, across batches. The position written is the end of the last batch
 * whose events, and all before them, are handled.
 */
class ConsumerLoop {
  /** Every event before this is handled: what is written as the consumer's position. */
  private position: Position | null = null;
  /** Where the next read starts (after the batches read, handled or not). */
  private readAt: Position | null = null;
  private leader = false;
  private stopped = true;
  private dirty = false;
  private sleeping: { wake: () => void; stop: () => void } | null = null;
  private running: Promise<void> | null = null;
  private lastWrite = 0;
  private lastRead = 0;
  private written: Position | null = null;
  /** Batches read and not yet all handled, in log order. */
  private inFlight: InFlight[] = [];
  private inFlightEvents = 0;
  /** Per conversation (or workspace), its last event handed out: the next one waits for it. */
  private readonly tails = new Map<string, Promise<void>>();
  /** Handlers running, and those waiting for a turn (at most `concurrency` at once). */
  private active = 0;
  private readonly turns: (() => void)[] = [];
  /** Handling failed outside the consumer's own retries (the database, say): start again from the written position. */
  private broken: unknown = null;
  /** Everything handed out is handled: the loop writes the position without waiting for its poll. */
  private caughtUp = false;
  /** The last read filled its batch: read again at once. */
  private more = true;
  /** When the last claim or renewal that succeeded was sent: the lease runs at least `leaseMs` from then. */
  private leaseFrom = 0;

  /** What it reads from the log. */
  readonly selector: EventSelector;

  constructor(
    readonly consumer: Consumer,
    private readonly db: Db,
    private readonly log: Log,
    private readonly runner: ConsumerRunner,
  ) {
    this.selector = { types: consumer.events, match: consumer.match };
  }

  start(): void {
    this.stopped = false;
    this.running = this.loop().catch((err) => this.log.error({ err, consumer: this.consumer.name }, 'consumer loop ended'));
  }

  /** Is any of these events (or of these types) one it takes? */
  wants(committed?: readonly Pick<StoredEvent, 'type' | 'data'>[] | ReadonlySet<string>): boolean {
    const { events, match } = this.consumer;
    if (committed === undefined) return true;
    if (committed instanceof Set) return events.some((t) => committed.has(t));
    return (committed as readonly Pick<StoredEvent, 'type' | 'data'>[]).some((e) => events.includes(e.type) && eventMatches(match, e));
  }

  wake(): void {
    this.dirty = true;
    if (this.leader) this.sleeping?.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeping?.stop();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let wait: number;
      try {
        wait = await this.step();
      } catch (err) {
        this.log.error({ err, consumer: this.consumer.name }, 'consumer step failed; trying again');
        this.leader = false;
        wait = this.runner.pollMs;
      }
      if (this.stopped) break;
      if (wait > 0) await this.sleep(wait);
    }
    await this.drain();
    if (this.leader) {
      await this.persist().catch(() => {});
      await releaseConsumer(this.db, this.consumer.name, this.runner.opts.instanceId).catch(() => {});
      this.leader = false;
    }
  }

  /** One round; returns how long to wait before the next. */
  private async step(): Promise<number> {
    const { leaseMs, pollMs } = this.runner;
    const owner = this.runner.opts.instanceId;
    if (this.broken) {
      const err = this.broken;
      this.broken = null;
      this.leader = false;
      throw err;
    }
    if (!this.leader) {
      // what is still being handled finishes first: one conversation's events never run side by side
      await this.drain();
      const sent = Date.now();
      const at = await claimConsumer(this.db, this.consumer.name, owner, leaseMs);
      if (!at) return Math.max(50, Math.floor(leaseMs / 3)); // another instance runs it; look again later
      this.leader = true;
      this.leaseFrom = sent;
      this.position = this.readAt = this.written = at;
      this.more = true;
      this.lastWrite = Date.now();
      this.log.info({ consumer: this.consumer.name, position: at }, 'running consumer on this instance');
    }
    // the lease may be running out (this process was held up: a long synchronous job, a starved
    // CPU): renew it before handing out more, or stop if another instance has taken over
    if (!this.holdsLease() && !(await this.persist())) {
      this.log.warn({ consumer: this.consumer.name }, 'consumer lease lost to another instance');
      this.leader = false;
      return Math.floor(leaseMs / 3);
    }
    // woken only because its batches are handled (nothing new, nothing left to page): write the position, read nothing
    const onlyToWrite = this.caughtUp && !this.dirty && !this.more;
    this.caughtUp = false;
    if (!onlyToWrite) {
      const size = this.consumer.batchSize ?? this.runner.opts.batchSize ?? 500;
      // at most two batches' events in hand: a consumer that cannot keep up reads no further ahead
      while (this.inFlightEvents >= 2 * size && !this.stopped) await this.inFlight[0].done;
      if (this.broken || this.stopped) return 0;
      // under a flood of commits, read at most every 15 ms (or the consumer's own pace): bigger batches, fewer
      // queries. Not when the last read left events behind: a consumer that is behind catches up at full speed
      // (a pace of one batch per interval would cap it below the rate events arrive at)
      const since = Date.now() - this.lastRead;
      const every = this.consumer.readEveryMs ?? MIN_READ_INTERVAL_MS;
      if (since < every && !this.more) await this.sleep(every - since, false);
      this.dirty = false;
      this.lastRead = Date.now();
      const batch = await readBatch(this.db, this.readAt!, this.selector, size);
      this.readAt = batch.next;
      this.more = batch.more;
      if (batch.events.length > 0 && this.consumer.handleMany) await this.handleBatch(batch.events);
      if (batch.events.length > 0 && !this.consumer.handleMany) this.dispatch(batch.events, batch.next);
      else this.handled(batch.next);
    }
    if (this.stopped) return 0; // the loop records the position as it stops
    const more = this.more || this.dirty;
    const idle = !more && this.inFlight.length === 0;
    // The position is written when the consumer falls idle, every CURSOR_WRITE_MS while it
    // is busy (a restart repeats at most that much), and at least every second (the lease
    // needs renewing; the position follows the log's snapshots).
    const sinceWrite = Date.now() - this.lastWrite;
    const moved = !this.written || !positionEquals(this.written, this.position!);
    const due = (moved && (idle || sinceWrite >= CURSOR_WRITE_MS)) || sinceWrite > Math.min(IDLE_CURSOR_WRITE_MS, leaseMs / 3);
    if (due && !(await this.persist())) {
      this.log.warn({ consumer: this.consumer.name }, 'consumer lease lost to another instance');
      this.leader = false;
      return Math.floor(leaseMs / 3);
    }
    if (more) return 0;
    return Math.min(pollMs, Math.floor(leaseMs / 3));
  }

  /** Everything up to `next` is handled once the batches before it are. */
  private handled(next: Position): void {
    if (this.inFlight.length === 0) this.position = next;
    else this.inFlight.push({ next, events: 0, settled: true, done: Promise.resolve() });
  }

  /** Hands a batch's events to their chains; the position moves past it once they, and the batches before, are handled. */
  private dispatch(events: StoredEvent[], next: Position): void {
    const entry: InFlight = { next, events: events.length, settled: false, done: Promise.resolve() };
    this.inFlightEvents += events.length;
    entry.done = Promise.all(events.map((e) => this.chain(e))).then(
      () => {
        entry.settled = true;
        this.inFlightEvents -= entry.events;
        while (this.inFlight[0]?.settled) this.position = this.inFlight.shift()!.next;
        // idle with a position to write: the loop writes it now (a restart then repeats nothing)
        if (this.inFlight.length === 0) {
          this.caughtUp = true;
          this.sleeping?.wake();
        }
      },
      (err) => {
        this.inFlightEvents -= entry.events;
        this.broken ??= err;
        this.sleeping?.wake();
      },
    );
    this.inFlight.push(entry);
  }

  /** Runs after the event before it of the same conversation (events without one: of the same workspace). */
  private chain(event: StoredEvent): Promise<void> {
    const key = chainKey(event);
    const mine = (this.tails.get(key) ?? Promise.resolve()).then(() => this.inTurn(() => this.handleFenced(event)));
    this.tails.set(key, mine);
    const forget = () => {
      if (this.tails.get(key) === mine) this.tails.delete(key);
    };
    mine.then(forget, forget);
    return mine;
  }

  /**
   * Handles the event only while the lease is surely held: an instance held up past its lease
   * starts no more handlers (another may have taken over and be handling the same events);
   * the loop then starts again from the position written.
   */
  private async handleFenced(event: StoredEvent): Promise<void> {
    if (!this.holdsLease()) throw new Error(`consumer ${this.consumer.name}: lease not surely held; handing back event ${event.id}`);
    await this.handleOne(event);
  }

  /** At most `concurrency` handlers at once; a finishing one hands its turn to the next waiting. */
  private async inTurn(fn: () => Promise<void>): Promise<void> {
    if (this.active >= (this.consumer.concurrency ?? 32)) await new Promise<void>((resolve) => this.turns.push(resolve));
    else this.active++;
    try {
      await fn();
    } finally {
      const next = this.turns.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** Waits for every event handed out; then nothing is in hand. */
  private async drain(): Promise<void> {
    // (only the loop hands events out, and it is here: nothing is added meanwhile)
    await Promise.all(this.inFlight.map((f) => f.done));
    this.inFlight = [];
    this.inFlightEvents = 0;
    await Promise.allSettled([...this.tails.values()]);
    this.tails.clear();
  }

  private async persist(): Promise<boolean> {
    const to = this.position;
    if (!to) return true;
    const sent = Date.now();
    const ok = await advanceConsumer(this.db, this.consumer.name, this.runner.opts.instanceId, to, this.runner.leaseMs);
    if (ok) {
      this.written = to;
      this.lastWrite = Date.now();
      this.leaseFrom = sent;
    }
    return ok;
  }

  /**
   * Is the lease surely still this instance's? It runs `leaseMs` from the renewal's start;
   * a third of it is kept as margin (the clocks of this process and the database, a renewal
   * on its way). Renewed every third of it, so a process that keeps up never gets near.
   */
  private holdsLease(): boolean {
    return this.leader && Date.now() < this.leaseFrom + (this.runner.leaseMs * 2) / 3;
  }

  /**
   * A consumer with `handleMany` takes the batch in slices, one after the other; a slice
   * that fails is handled event by event.
   */
  private async handleBatch(events: StoredEvent[]): Promise<void> {
    if (!this.consumer.handleMany) return;
    const max = Math.max(1, this.consumer.manyMax ?? 100);
    for (let i = 0; i < events.length; i += max) {
      if (!this.holdsLease()) throw new Error(`consumer ${this.consumer.name}: lease not surely held; stopping before event ${events[i].id}`);
      const slice = events.slice(i, i + max);
      for (const e of slice) this.observeDelay(e);
      try {
        await this.consumer.handleMany(slice as StoredEventOf<EventType>[]);
        for (let n = 0; n < slice.length; n++) this.runner.opts.metrics?.handled(this.consumer.name, 'ok');
      } catch (err) {
        this.log.warn({ err, consumer: this.consumer.name, events: slice.length }, 'consumer failed on a batch; handling its events one by one');
        await this.handleEach(slice, false);
      }
    }
  }

  /** Seconds from an event's write to its first handling attempt. */
  private observeDelay(event: StoredEvent): void {
    this.runner.opts.metrics?.observeDelay(this.consumer.name, Math.max(0, (Date.now() - Date.parse(event.createdAt)) / 1000));
  }

  /** Conversations in parallel (up to `concurrency`), each conversation's events in order. */
  private async handleEach(events: StoredEvent[], observe = true): Promise<void> {
    const chains = new Map<string, StoredEvent[]>();
    for (const e of events) {
      const key = chainKey(e);
      const chain = chains.get(key);
      if (chain) chain.push(e);
      else chains.set(key, [e]);
    }
    const queue = [...chains.values()];
    const workers = Math.min(queue.length, this.consumer.concurrency ?? 32);
    await Promise.all(
      Array.from({ length: workers }, async () => {
        for (let chain = queue.shift(); chain; chain = queue.shift()) {
          for (const e of chain) await this.handleOne(e, observe);
        }
      }),
    );
  }

  private async handleOne(event: StoredEvent, observe = true): Promise<void> {
    const { metrics } = this.runner.opts;
    if (observe) this.observeDelay(event);
    const max = Math.max(1, this.consumer.maxAttempts ?? 5);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.consumer.handle(event as StoredEventOf<EventType>);
        metrics?.handled(this.consumer.name, attempt === 1 ? 'ok' : 'retried');
        return;
      } catch (err) {
        const ctx = { err, consumer: this.consumer.name, eventId: event.id, type: event.type, attempt };
        if (attempt >= max) {
          this.log.error(ctx, 'consumer gave up on an event: parked');
          await parkEvent(this.db, this.consumer.name, event, attempt, errorText(err));
          metrics?.handled(this.consumer.name, 'parked');
          return;
        }
        this.log.warn(ctx, 'consumer failed on an event; retrying');
        await new Promise((r) => setTimeout(r, this.runner.retryDelay(attempt)));
      }
    }
  }

  /** Waits `ms`; a wake-up ends the wait early unless `wakeable` is false (stopping always does). */
  private sleep(ms: number, wakeable = true): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.sleeping === entry) this.sleeping = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      const entry = { wake: wakeable ? done : () => {}, stop: done };
      this.sleeping = entry;
      if (this.stopped || (wakeable && this.leader && (this.dirty || this.caughtUp))) done();
    });
  }
}

/** Events that must run one after the other: a conversation's, and those without one (agents, groups, contacts) per workspace. */
const chainKey = (e: StoredEvent) => (e.conversationId !== null ? `c${e.conversationId}` : `w${e.workspaceId}`);

function errorText(err: unknown): string {
  const e = err as Error;
  return (e?.message ? `${e.name && e.name !== 'Error' ? e.name + ': ' : ''}${e.message}` : String(err)).slice(0, 2000);
}
