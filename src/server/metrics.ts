import client from 'prom-client';

/** Prometheus metrics, one registry per app instance (tests run several in one process). */
export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'zhike_' });
  return {
    registry,
    messagesCreated: new client.Counter({
      name: 'zhike_messages_created_total',
      help: 'Messages stored, by sender type',
      labelNames: ['sender'] as const,
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
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
