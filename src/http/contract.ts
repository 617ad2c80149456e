import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { z } from 'zod';
import { checkText, INVALID_TEXT } from '../core/text.js';
import { SESSION_COOKIE } from './context.js';
import { rateLimitedSchema } from './rate-limited.js';
import { errorSchema } from './schemas.js';

/**
 * The HTTP contract in one place (issue 13): what every route of the API shares is added
 * here, by route kind, so a feature plugin declares only its own operationId, its
 * success responses and the refusals of its business rules.
 *
 * - Kinds: `agent` (bearer token or the console's session cookie), `client` (the widget's
 *   API: the inbox token in the path, and the X-Contact-Token header except to read the
 *   config and create a contact), `public` (login, capability URLs).
 * - Every operation documents 400 (validation, malformed JSON, unknown query parameter),
 *   401 where a credential is needed, 404 and 414 where the path has parameters, 413 and
 *   415 where a body may be sent, 429 where a limit applies.
 * - Unknown query parameters are refused (400): a typo in a filter is not silently ignored.
 * - NUL or a lone surrogate in any string of the query, the path or a JSON body (keys
 *   included) is refused with 400 invalid_text before anything reads the database.
 * - An unsupported method on a known path answers 405 with Allow.
 */

export const API_PREFIX = '/api/v1';

export type RouteKind = 'agent' | 'client' | 'client-contact' | 'public';

/** Operations anyone may call: their credential (if any) is in the URL. */
const PUBLIC_ROUTES = new Set([`POST ${API_PREFIX}/auth/login`, `GET ${API_PREFIX}/attachments/:key/:filename`]);
/** Client API operations that need only the inbox token (before a contact exists). */
const INBOX_ONLY_ROUTES = new Set([`GET ${API_PREFIX}/widget/:inboxToken/config`, `POST ${API_PREFIX}/widget/:inboxToken/contacts`]);

export function routeKind(method: string, url: string): RouteKind {
  const key = `${method} ${url}`;
  if (PUBLIC_ROUTES.has(key)) return 'public';
  if (url.startsWith(`${API_PREFIX}/widget/`)) return INBOX_ONLY_ROUTES.has(key) ? 'client' : 'client-contact';
  return 'agent';
}

export const SECURITY_SCHEMES = {
  bearer: { type: 'http', scheme: 'bearer', description: 'An agent’s session token from POST /api/v1/auth/login' },
  session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The console’s session cookie, set by POST /api/v1/auth/login' },
  contactToken: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Contact-Token',
    description: 'Client API: the contactToken from POST /api/v1/widget/{inboxToken}/contacts (the inbox token is in the path)',
  },
} as const;

const SECURITY: Record<RouteKind, Array<Record<string, string[]>>> = {
  agent: [{ bearer: [] }, { session: [] }],
  'client-contact': [{ contactToken: [] }],
  client: [],
  public: [],
};

export const API_TAGS = [
  { name: 'auth', description: 'Log in and out; the current agent and their presence (在线 / 小休)' },
  { name: 'conversations', description: '会话: the inbox of conversations, their messages, assignment, transfer and status' },
  { name: 'contacts', description: '客户: who the customer is, their past conversations; edit their details' },
  { name: 'agents', description: '客服: the workspace’s agents; admins create and change them' },
  { name: 'inboxes', description: '接入渠道: inboxes, their widget settings and how they receive customers (接待设置)' },
  { name: 'attachments', description: 'Upload images and files; download them by capability URL' },
  { name: 'skill groups', description: '技能组: who serves which customers, and how they are routed' },
  { name: 'business hours', description: '工作时间: calendars with opening hours and holidays' },
  { name: 'routing', description: '排队监控: live queues and agent load' },
  { name: 'visitors', description: '访客: who is on the site now, their browsing trail, and invitations to chat' },
  { name: 'nlp', description: '数智: analyse a text (intent, emotion, signals, 服务禁语 with rewrites); the workspace’s own intent examples (分析实验室)' },
  { name: 'inspections', description: '智能质检: inspect a transcript against the service method’s rules (规则实验室); findings with the words at fault and a better wording, and the score' },
  { name: 'quick replies', description: '快捷回复: personal and team canned replies with categories, pinyin keys and variables' },
  { name: 'tickets', description: '工单与投诉: tickets from conversations or by API, comments and public replies, the six complaint steps, SLA clocks and policies, compensations (服务补偿) and promises (承诺回复时间)' },
  { name: 'knowledge', description: '知识库: articles the bot answers from, search, CSV import/export, 未解决问题 (admins write, agents read)' },
  { name: 'reports', description: '报表: overview, service, quality, complaints, visitors and agents over days in a time zone, from the event log’s rollups; CSV and Excel exports' },
  { name: 'events', description: 'The domain event log and its durable consumers (admin)' },
  { name: 'client API (widget)', description: 'The public API the widget (or any custom client) uses: per inbox token and X-Contact-Token; CORS open' },
];

/** An error response: its own description, the one Error schema (a $ref in the document). */
const described = (description: string) => ({ description, content: { 'application/json': { schema: errorSchema } } });
export const STANDARD_ERRORS = {
  400: described('The request is invalid (invalid_request, invalid_json, invalid_text: NUL or a lone surrogate, or refused by a business rule): details.issues says where'),
  401: described('No valid credential: log in (agents) or send X-Contact-Token (client API)'),
  403: described('Your role may not do this'),
  404: described('Not found, or not in your workspace'),
  409: described('Conflicts with the current state'),
  413: described('The request body is too large (details.limit in bytes)'),
  414: described('A path parameter is too long'),
  415: described('Unsupported Content-Type: send application/json'),
};

interface MutableSchema {
  hide?: boolean;
  operationId?: string;
  querystring?: unknown;
  body?: unknown;
  params?: unknown;
  security?: unknown;
  response?: Record<number | string, unknown>;
}

const methodsOf = (route: RouteOptions) => (Array.isArray(route.method) ? route.method : [route.method]).map((m) => m.toUpperCase());

/** Known API paths and their methods, for 405 (see `methodNotAllowed`). */
export class KnownRoutes {
  private readonly routes: Array<{ re: RegExp; methods: Set<string> }> = [];

  add(url: string, methods: string[]): void {
    const pattern = '^' + url.split('/').map((seg) => (seg.startsWith(':') ? '[^/]+' : seg === '*' ? '.*' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/') + '/?$';
    const existing = this.routes.find((r) => r.re.source === pattern);
    if (existing) for (const m of methods) existing.methods.add(m);
    else this.routes.push({ re: new RegExp(pattern), methods: new Set(methods) });
  }

  /** The methods a path answers, or none when no route has this path. */
  allowed(path: string): string[] {
    const out = new Set<string>();
    for (const r of this.routes) if (r.re.test(path)) for (const m of r.methods) out.add(m);
    return [...out].sort();
  }
}

/**
 * Call on the root instance before any route is registered: an onRoute hook completes
 * every API route's schema (security, standard errors, strict query) and remembers the
 * route for 405s.
 */
export function installContract(app: FastifyInstance): KnownRoutes {
  const known = new KnownRoutes();
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith(API_PREFIX + '/')) return;
    const methods = methodsOf(route).filter((m) => m !== 'HEAD' && m !== 'OPTIONS');
    if (methods.length === 0) return; // CORS preflights
    known.add(route.url, [...methods, ...(methods.includes('GET') ? ['HEAD'] : [])]);
    const schema = route.schema as MutableSchema | undefined;
    if (!schema || schema.hide) return;
    const method = methods[0];
    const kind = routeKind(method, route.url);
    schema.security ??= SECURITY[kind];

    // unknown query parameters are refused
    if (schema.querystring instanceof z.ZodObject) schema.querystring = schema.querystring.strict();
    else if (!schema.querystring) schema.querystring = z.object({}).strict();

    const response = (schema.response ??= {});
    const add = (status: keyof typeof STANDARD_ERRORS, when = true) => {
      if (!when) return;
      // a route's own errorSchema gets the standard description of its status
      if (response[status] === undefined || response[status] === errorSchema) response[status] = STANDARD_ERRORS[status];
    };
    const hasPathParams = route.url.includes(':');
    const takesBody = method !== 'GET';
    add(400);
    add(401, kind === 'agent' || kind === 'client-contact');
    add(404, hasPathParams);
    add(414, hasPathParams);
    add(413, takesBody);
    add(415, takesBody);
    for (const status of [403, 409] as const) add(status, response[status] !== undefined);
    if (route.url === `${API_PREFIX}/auth/login` || (kind !== 'agent' && kind !== 'public' && method !== 'GET')) response[429] ??= rateLimitedSchema;
  });

  // NUL / lone surrogates anywhere in the input (a field the schema types loosely, a record's key): refused before any SQL.
  app.addHook('preValidation', async (req, reply) => {
    if (!req.url.startsWith(API_PREFIX + '/')) return;
    const problem = findInvalidText(req.params, 'params') ?? findInvalidText(req.query, 'querystring') ?? (Buffer.isBuffer(req.body) ? null : findInvalidText(req.body, 'body'));
    if (problem) {
      return reply.code(400).send({ error: { code: INVALID_TEXT, message: problem, details: { issues: [problem] } } });
    }
  });
  return known;
}

/** Where in a parsed input a string (or key) holds NUL or a lone surrogate, e.g. "body messages.welcome: the text contains…". */
export function findInvalidText(value: unknown, where: string, path: string[] = [], depth = 0): string | null {
  if (typeof value === 'string') {
    const problem = checkText(value);
    return problem ? `${where}${path.length ? ' ' + path.join('.') : ''}: the text ${problem}` : null;
  }
  if (value === null || typeof value !== 'object' || depth > 32) return null;
  for (const [key, v] of Object.entries(value)) {
    const keyProblem = checkText(key);
    if (keyProblem) return `${where}${path.length ? ' ' + path.join('.') : ''}: a key ${keyProblem}`;
    const found = findInvalidText(v, where, [...path, key], depth + 1);
    if (found) return found;
  }
  return null;
}

/** The API's not-found handler: 405 with Allow for a known path, else 404 in the error shape. */
export function apiNotFound(known: KnownRoutes) {
  return (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0];
    const allowed = known.allowed(path);
    if (allowed.length > 0) {
      return reply
        .code(405)
        .header('Allow', allowed.join(', '))
        .send({ error: { code: 'method_not_allowed', message: `${req.method} is not supported on ${path}: use ${allowed.join(', ')}`, details: { allowed } } });
    }
    return reply.code(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${path}` } });
  };
}

/** Errors Fastify raises before routing (a bad URL, a path parameter over maxParamLength), in our shape. */
export function frameworkErrors(err: Error & { code?: string }, _req: FastifyRequest, reply: FastifyReply) {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return reply.code(414).send({ error: { code: 'uri_too_long', message: 'a path parameter is too long: ids and tokens are short' } });
  }
  return reply.code(400).send({ error: { code: 'bad_url', message: 'the URL cannot be decoded: percent-encode it as UTF-8' } });
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers over the size
 * limit, a malformed request line, a client too slow to send its headers): answered in
 * our error shape too, then the connection is closed, as Node itself does.
 */
export function clientErrors(this: { log: { trace(obj: object, msg: string): void } }, err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'the request headers are too large (16 KB in all): send fewer or shorter headers']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'the request took too long to arrive']
        : [400, 'bad_request', 'the request is not valid HTTP/1.1'];
  this.log.trace({ err }, 'client error');
  if (socket.writable) {
    const body = JSON.stringify({ error: { code, message } });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

const DEFAULT_DESCRIPTIONS: Record<string, string> = {
  200: 'OK',
  201: 'Created',
  204: 'Done; no content',
  429: 'Too many requests: wait Retry-After seconds (the header, also details.retryAfterSeconds) and send again',
};

/**
 * The last touches on the generated document: a body that may be left out is not required,
 * a bodyless response (204) has no content,
 * responses left as "Default Response" say what they are, and component schemas nothing
 * refers to (the input copies of output-only schemas) are dropped.
 */
export function finishDocument<T extends Record<string, any>>(openapi: T): T {
  for (const ops of Object.values<Record<string, any>>(openapi.paths ?? {})) {
    for (const op of Object.values<Record<string, any>>(ops)) {
      // a body the route accepts absent (a nullish schema) is not required, whatever @fastify/swagger says
      const bodies = Object.values<Record<string, any>>(op?.requestBody?.content ?? {});
      if (bodies.length > 0 && bodies.every((b) => b.schema?.nullable === true)) op.requestBody.required = false;
      for (const [status, response] of Object.entries<Record<string, any>>(op?.responses ?? {})) {
        if (response.description === 'Default Response' && DEFAULT_DESCRIPTIONS[status]) response.description = DEFAULT_DESCRIPTIONS[status];
        if (status === '204') delete response.content;
      }
    }
  }
  const schemas = openapi.components?.schemas as Record<string, unknown> | undefined;
  if (schemas) {
    const text = JSON.stringify(openapi.paths);
    for (const name of Object.keys(schemas)) if (!text.includes(`"#/components/schemas/${name}"`)) delete schemas[name];
  }
  return openapi;
}
