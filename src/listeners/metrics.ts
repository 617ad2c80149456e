import { isEvent } from '../core/events.js';
import type { Listener } from '../events/dispatcher.js';
import type { Metrics } from '../observability/metrics.js';

/** Counts events and messages for /metrics. */
export function metricsListener(metrics: Metrics): Listener {
  return {
    name: 'metrics',
    events: '*',
    handle(e) {
      metrics.events.inc({ type: e.type });
      if (isEvent(e, 'message.created')) metrics.messagesCreated.inc({ sender: e.data.senderType });
    },
  };
}
