import client from 'prom-client';

/** How far each durable consumer is, read when Prometheus scrapes (instance-wide numbers). */
export type ConsumerFigures = () => Promise<{ name: string; lagEvents: number; lagSeconds: number; parked: number }[]>;

/** Prometheus metrics, one registry per app instance (tests run several in one process). */
export function createMetrics() {
  const registry = new client.Registry();
  let consumerFigures: ConsumerFigures = async () => [];
  // one read per scrape serves the three consumer gauges
  let scrape: Promise<Awaited<ReturnType<ConsumerFigures>>> | null = null;
  const figures = () => (scrape ??= consumerFigures().finally(() => setTimeout(() => (scrape = null), 100).unref()));
  const consumerGauge = (name: string, help: string, pick: (f: Awaited<ReturnType<ConsumerFigures>>[number]) => number) =>
    new client.Gauge({
      name,
      help,
      labelNames: ['consumer'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const f of await figures()) this.set({ consumer: f.name }, pick(f));
      },
    });
  client.collectDefaultMetrics({ register: registry, prefix: 'zhike_' });
  return {
    registry,
    messagesCreated: new client.Counter({
      name: 'zhike_messages_created_total',
      help: 'Messages stored, by sender type',
      labelNames: ['sender'] as const,
      registers: [registry],
    }),
    messageBatchSplits: new client.Counter({
      name: 'zhike_message_batch_splits_total',
      help: 'Group-commit message batches whose statement failed and were split to isolate the failing message (should stay 0)',
      registers: [registry],
    }),
    wsConnections: new client.Gauge({
      name: 'zhike_ws_connections',
      help: 'Open WebSocket connections on this instance, by role',
      labelNames: ['role'] as const,
      registers: [registry],
    }),
    wsFrames: new client.Counter({
      name: 'zhike_ws_frames_received_total',
      help: 'WebSocket frames received, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    wsRefused: new client.Counter({
      name: 'zhike_ws_refused_total',
      help: 'WebSocket upgrades refused, by reason (per_ip: the client IP holds ZHIKE_WS_MAX_CONNECTIONS_PER_IP sockets)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    wsDropped: new client.Counter({
      name: 'zhike_ws_dropped_total',
      help: 'WebSocket connections the server ended, by reason (slow, instance_queue, flood, pre_hello)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    httpDuration: new client.Histogram({
      name: 'zhike_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    events: new client.Counter({
      name: 'zhike_domain_events_total',
      help: 'Domain events dispatched, by type',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    consumerDelay: new client.Histogram({
      name: 'zhike_consumer_delay_seconds',
      help: 'From an event being written to a durable consumer first handling it',
      labelNames: ['consumer'] as const,
      buckets: [0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
      registers: [registry],
    }),
    consumerHandled: new client.Counter({
      name: 'zhike_consumer_events_total',
      help: 'Events handled by durable consumers: ok, ok after retries, or parked',
      labelNames: ['consumer', 'outcome'] as const,
      registers: [registry],
    }),
    consumerLag: consumerGauge('zhike_consumer_lag_events', 'Events of its types a durable consumer has not handled yet (counted up to 100,000)', (f) => f.lagEvents),
    consumerLagSeconds: consumerGauge('zhike_consumer_lag_seconds', 'Age of the oldest event a durable consumer has not handled yet', (f) => f.lagSeconds),
    consumerParked: consumerGauge('zhike_consumer_parked', 'Events a durable consumer gave up on (parked), all workspaces', (f) => f.parked),
    /** Where the consumer gauges read their figures (the consumer runner, once built). */
    watchConsumers(source: ConsumerFigures): void {
      consumerFigures = source;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
