import WebSocket from 'ws';

/** Closed-loop message load: each customer sends, waits for the ack, sends again. */
export interface LoadResult {
  label: string;
  messages: number;
  seconds: number;
  perSecond: number;
  /** customer → agent delivery latency (ms) */
  p50: number;
  p99: number;
  max: number;
  /** send → ack latency (ms): the customer's acknowledgement, after the message is durable */
  ackP50: number;
  ackP99: number;
  /** every send → ack latency measured (ms), for figures pooled over runs */
  acks: number[];
  errors: number;
  /** error frames by code, e.g. rate_limited */
  errorCodes: Record<string, number>;
}

export interface Endpoint {
  wsUrl: string;
  agentHello: object;
  customers: { hello: object; conversationId: number }[];
}

function open(url: string, hello: object): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', ...hello })));
    const onReady = (data: WebSocket.RawData) => {
      const f = JSON.parse(data.toString());
      if (f.type === 'ready') {
        ws.off('message', onReady);
        resolve(ws);
      } else if (f.type === 'error') reject(new Error(f.message));
    };
    ws.on('message', onReady);
  });
}

/**
 * Without `rate`: closed loop (each customer sends, waits for the ack, sends again) — capacity.
 * With `rate` (messages/s over all customers): open loop at that offered load — latency under load.
 */
export async function runLoad(label: string, ep: Endpoint, opts: { warmupMs: number; durationMs: number; rate?: number }): Promise<LoadResult> {
  const sentAt = new Map<string, number>();
  const ackFrom = new Map<string, number>();
  const latencies: number[] = [];
  const ackLatencies: number[] = [];
  let measuring = false;
  let errors = 0;
  const errorCodes = new Map<string, number>();
  const agent = await open(ep.wsUrl, ep.agentHello);
  agent.on('message', (data) => {
    const f = JSON.parse(data.toString());
    if (f.type !== 'message') return;
    const t0 = sentAt.get(f.message.clientMessageId);
    if (t0 === undefined) return;
    sentAt.delete(f.message.clientMessageId);
    if (measuring) latencies.push(performance.now() - t0);
  });

  const sockets = await Promise.all(ep.customers.map((c) => open(ep.wsUrl, c.hello)));
  let running = true;
  let acked = 0;
  let counter = 0;
  // unique across runs against the same server: a reused id is (rightly) answered as a resend
  const run = Math.random().toString(36).slice(2, 8);
  const interval = opts.rate ? (sockets.length / opts.rate) * 1000 : 0;
  const loops = sockets.map(
    (ws, i) =>
      new Promise<void>((resolve) => {
        const conversationId = ep.customers[i].conversationId;
        const send = () => {
          const clientMessageId = `${run}-${i}-${counter++}`;
          sentAt.set(clientMessageId, performance.now());
          ackFrom.set(clientMessageId, performance.now());
          ws.send(JSON.stringify({ type: 'send', ref: clientMessageId, conversationId, content: `压测消息 ${clientMessageId}`, clientMessageId }));
        };
        const sendNext = () => {
          if (!running) return resolve();
          send();
        };
        ws.on('message', (data) => {
          const f = JSON.parse(data.toString());
          if (f.type === 'ack') {
            const t0 = ackFrom.get(f.ref);
            ackFrom.delete(f.ref);
            if (measuring) {
              acked++;
              if (t0 !== undefined) ackLatencies.push(performance.now() - t0);
            }
            if (!interval) sendNext();
          } else if (f.type === 'error') {
            errors++;
            errorCodes.set(f.code, (errorCodes.get(f.code) ?? 0) + 1);
            if (!interval) setTimeout(sendNext, 50);
          }
        });
        if (!interval) return sendNext();
        // open loop: a fixed schedule per customer, phases spread evenly
        let due = performance.now() + (interval * i) / sockets.length;
        const tick = () => {
          if (!running) return resolve();
          const now = performance.now();
          while (due <= now) {
            send();
            due += interval;
          }
          setTimeout(tick, Math.max(0, due - performance.now()));
        };
        setTimeout(tick, due - performance.now());
      }),
  );

  await new Promise((r) => setTimeout(r, opts.warmupMs));
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, opts.durationMs));
  measuring = false;
  const seconds = (performance.now() - t0) / 1000;
  const measured = acked;
  running = false;
  await Promise.race([Promise.all(loops), new Promise((r) => setTimeout(r, 5000))]);
  for (const ws of [...sockets, agent]) ws.terminate();

  latencies.sort((a, b) => a - b);
  return {
    label,
    messages: measured,
    seconds,
    perSecond: measured / seconds,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: latencies.at(-1) ?? NaN,
    ackP50: quantile(ackLatencies, 0.5),
    ackP99: quantile(ackLatencies, 0.99),
    acks: ackLatencies,
    errors,
    errorCodes: Object.fromEntries(errorCodes),
  };
}

/** The p-quantile of a list of numbers (sorts it). */
export function quantile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.floor(p * values.length))];
}

/** Opens `n` authenticated idle sockets; returns them so the caller can close them. */
export async function openIdle(wsUrl: string, hellos: object[], concurrency = 200): Promise<WebSocket[]> {
  const out: WebSocket[] = [];
  for (let i = 0; i < hellos.length; i += concurrency) {
    out.push(...(await Promise.all(hellos.slice(i, i + concurrency).map((h) => open(wsUrl, h)))));
  }
  return out;
}
