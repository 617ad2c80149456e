import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * Logs for people and for machines: pino JSON (one object a line) when stdout is not a
 * terminal, readable lines when it is. Either way one line per request, written when the
 * response is finished: method, url, status and milliseconds.
 */
export function loggerOptions(level: string, stdout: NodeJS.WriteStream = process.stdout): { level: string; stream?: { write(line: string): void } } {
  if (!stdout.isTTY) return { level };
  const color = !process.env.NO_COLOR && (stdout.hasColors?.() ?? false);
  return { level, stream: { write: (line: string) => void stdout.write(formatLogLine(line, { color })) } };
}

/** Fastify's request log lines, two per request ("incoming request", "request completed"), as one. */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const line = { method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 };
    if (error) reply.log.error({ ...line, err: error }, 'request');
    else reply.log.info(line, 'request');
  }
}

const LEVELS: Record<number, { name: string; color: string }> = {
  10: { name: 'TRACE', color: '90' },
  20: { name: 'DEBUG', color: '90' },
  30: { name: 'INFO ', color: '32' },
  40: { name: 'WARN ', color: '33' },
  50: { name: 'ERROR', color: '31' },
  60: { name: 'FATAL', color: '35' },
};
/** pino's own fields, and the request id (a readable line has its method and url). */
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'reqId', 'err', 'method', 'url', 'status', 'ms']);

/**
 * One pino JSON line → `12:03:04.567 INFO  GET /api/v1/inboxes 200 3.1 ms`, or
 * `12:03:04.567 INFO  Zhike is ready port=3000 storage=…`, an error's stack indented below.
 */
export function formatLogLine(json: string, opts: { color?: boolean } = {}): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json);
  } catch {
    return json.endsWith('\n') ? json : json + '\n';
  }
  const paint = (code: string, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const level = LEVELS[o.level as number] ?? { name: String(o.level).toUpperCase().padEnd(5), color: '0' };
  const time = typeof o.time === 'number' ? new Date(o.time).toTimeString().slice(0, 8) + '.' + String(o.time % 1000).padStart(3, '0') : '';
  const parts = [paint('90', time), paint(level.color, level.name)];
  if (o.msg === 'request' && typeof o.method === 'string') {
    const status = Number(o.status);
    parts.push(`${o.method} ${o.url} ${paint(status >= 500 ? '31' : status >= 400 ? '33' : '0', String(o.status))} ${o.ms} ms`);
  } else {
    parts.push(String(o.msg ?? ''));
    for (const k of ['method', 'url', 'status', 'ms']) if (k in o) parts.push(`${k}=${field(o[k])}`);
  }
  for (const [k, v] of Object.entries(o)) if (!HIDDEN.has(k) && v !== undefined) parts.push(paint('90', `${k}=${field(v)}`));
  let out = parts.filter(Boolean).join(' ');
  const err = o.err as { stack?: string; message?: string; type?: string } | undefined;
  if (err) out += '\n' + String(err.stack ?? `${err.type ?? 'Error'}: ${err.message}`).replace(/^/gm, '    ');
  return out + '\n';
}

function field(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v);
}
