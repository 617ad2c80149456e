import http from 'node:http';
import { quantile } from './load.js';

/** One conversation the HTTP load drives: where to POST its messages, and as whom. */
export interface HttpConversation {
  /** e.g. /api/v1/widget/<inboxToken>/conversations/<id>/messages */
  path: string;
  contactToken: string;
}

export interface HttpLoadResult {
  label: string;
  requests: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** answers that were not 201, by status */
  errors: Record<string, number>;
  /** the clientMessageIds each conversation sent, in order (answered 201) */
  sent: string[][];
  /** CPU seconds used during the round, where measured */
  cpu?: { server: number; database?: number; client: number };
}

/** A keep-alive agent with a socket per conversation; pass the same one to the warm-up and the measured round. */
export function keepAliveAgent(conversations: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: conversations, keepAliveMsecs: 10_000 });
}

/**
 * The documented client API's message path, closed loop: every conversation POSTs
 * `perConversation` messages in turn (the next only after the previous answered),
 * all conversations at once, over one node:http keep-alive agent (a socket per
 * conversation, reused). Throughput = answered requests / wall time of the round.
 * The connections are the warm-up's: a server accepts few new connections per turn
 * of its event loop, so 200 opened at once under load would wait seconds to be
 * accepted and measure that instead.
 */
export async function runHttpLoad(label: string, baseUrl: string, conversations: HttpConversation[], perConversation: number, agent: http.Agent): Promise<HttpLoadResult> {
  const url = new URL(baseUrl);
  const latencies: number[] = [];
  const errors = new Map<string, number>();
  const run = Math.random().toString(36).slice(2, 8);
  const sent: string[][] = conversations.map(() => []);
  const post = (c: HttpConversation, body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: c.path,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-contact-token': c.contactToken },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const t0 = performance.now();
  await Promise.all(
    conversations.map(async (c, i) => {
      for (let n = 0; n < perConversation; n++) {
        const clientMessageId = `${run}-${i}-${n}`;
        const body = JSON.stringify({ content: `压测消息 ${clientMessageId}`, clientMessageId });
        const start = performance.now();
        let status: number;
        try {
          status = (await post(c, body)).status;
        } catch (err) {
          status = 0;
          errors.set(String((err as NodeJS.ErrnoException).code ?? err), (errors.get(String((err as NodeJS.ErrnoException).code ?? err)) ?? 0) + 1);
          continue;
        }
        latencies.push(performance.now() - start);
        if (status === 201) sent[i].push(clientMessageId);
        else errors.set(String(status), (errors.get(String(status)) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const requests = latencies.length;
  return {
    label,
    requests,
    seconds,
    perSecond: requests / seconds,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: latencies.at(-1) ?? NaN,
    errors: Object.fromEntries(errors),
    sent,
  };
}
