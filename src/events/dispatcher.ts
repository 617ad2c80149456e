import type { DomainEvent, EventType } from '../core/events.js';

/**
 * In-process fan-out of committed domain events to listeners, one listener per
 * feature (realtime delivery, metrics; later automation, QA, SLA, analytics,
 * webhooks). Adding a feature adds a listener; it does not edit the message path.
 * Listeners must be quick: slow work is queued (durable timers/jobs), not done inline.
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

export class EventDispatcher {
  private readonly listeners: Listener[] = [];

  constructor(private readonly log: ErrorSink) {}

  register(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** Called after the transaction that produced `events` has committed. Never throws. */
  async dispatch(events: readonly DomainEvent[]): Promise<void> {
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
