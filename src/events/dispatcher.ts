import type { DomainEvent, EventType } from '../core/events.js';
import type { Consumer, ConsumerRunner } from './consumers.js';

/**
 * A live listener: runs right after the commit, in this process, best effort
 * (realtime fan-out, metrics, throttled signals such as queue positions). It gets
 * the event with its subject. What must not be lost is a durable consumer instead.
 */
export interface Listener {
  name: string;
  /** Event types this listener reacts to, or '*' for all. */
  events: readonly EventType[] | '*';
  handle(event: DomainEvent): void | Promise<void>;
}

export interface ErrorSink {
  error(obj: object, msg: string): void;
}

/**
 * Where features meet the events: live listeners are called after each commit;
 * durable consumers read the event log (ConsumerRunner), woken by the same commit.
 * Adding a feature adds one line here (server/app.ts lists them); it never edits
 * the message path.
 */
export class EventDispatcher {
  private readonly listeners: Listener[] = [];

  constructor(
    private readonly log: ErrorSink,
    readonly consumers: ConsumerRunner | null = null,
    /** Called after each commit that logged events, with their types (the cross-instance wake-up). */
    private readonly onCommitted: (types: ReadonlySet<string>) => void = () => {},
  ) {}

  /** A live listener: right after commit, best effort. */
  live(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** A durable consumer: from the log, at least once, in order per conversation. */
  durable<T extends EventType>(consumer: Consumer<T>): void {
    if (!this.consumers) throw new Error('no consumer runner: durable consumers need one');
    this.consumers.register(consumer);
  }

  /** Called after the transaction that produced `events` has committed. Never throws. */
  async dispatch(events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    this.consumers?.wake(events);
    this.onCommitted(new Set(events.map((e) => e.type)));
    for (const event of events) {
      for (const l of this.listeners) {
        if (l.events !== '*' && !l.events.includes(event.type)) continue;
        try {
          await l.handle(event);
        } catch (err) {
          this.log.error({ err, listener: l.name, eventId: event.id, type: event.type }, 'event listener failed');
        }
      }
    }
  }
}
