import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { api } from '../helpers/api.js';
import { DB_KINDS } from '../helpers/env.js';

/** A raw HTTP request (fetch refuses TRACE and re-encodes URLs). */
function raw(base: string, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The cases the third-party checkers found (issue 13), one by one: each was a 5xx, an answer
 * outside the error shape, or a status the document did not list.
 */
describe.each(DB_KINDS)('HTTP contract regressions on %s', (kind) => {
  let t: TestApp;
  let a: ReturnType<typeof api>;
  let contactToken: string;
  let conversationId: number;
  let doc: any;
  const token = () => t.adminToken;

  beforeAll(async () => {
    t = await createTestApp(kind);
    a = api(t);
    await t.listen();
    ({ contactToken } = await a.newContact());
    conversationId = (await a.newConversation(contactToken)).id;
    await a.customerSend(contactToken, conversationId, '你好');
    doc = (await a.inject('GET', '/api/v1/openapi.json')).body;
  });
  afterAll(async () => {
    await t.close();
  });

  const documented = (method: string, path: string, status: number) => expect(Object.keys(doc.paths[path][method].responses), `${method} ${path}`).toContain(String(status));

  it('a conversation cursor the database cannot hold is 400, and a real nextCursor still pages', async () => {
    for (const before of ['0_0', '2026-02-30T10:00:00.000Z_1', '0000-01-01T00:00:00.000Z_1', '2026-13-01T00:00:00Z_1', '9999999-01-01T00:00:00Z_1']) {
      const r = await a.inject('GET', `/api/v1/conversations?status=all&before=${encodeURIComponent(before)}`, { token: token() });
      expect(r.status, `${before}: ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.body.error.code).toBe('invalid_request');
    }
    await a.newConversation((await a.newContact()).contactToken);
    const first = await a.inject('GET', '/api/v1/conversations?status=all&limit=1', { token: token() });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const next = await a.inject('GET', `/api/v1/conversations?status=all&limit=1&before=${encodeURIComponent(first.body.nextCursor)}`, { token: token() });
    expect(next.status).toBe(200);
    expect(next.body.conversations[0].id).not.toBe(first.body.conversations[0].id);
  });

  it('a time filter that is no real time (30 February, year 0, an offset past ±14:00) is 400, not a database error', async () => {
    const list = (q: string) => a.inject('GET', `/api/v1/inspections?${q}`, { token: token() });
    for (const from of ['7600-02-29T15:53:21.24+21:05', '0000-02-29T14:46:27Z', '2023-02-30T00:00:00Z', '2026-01-01T00:00:00+14:30']) {
      const r = await list(`from=${encodeURIComponent(from)}`);
      expect(r.status, from).toBe(400);
      expect(r.body.error.code).toBe('invalid_request');
    }
    expect((await list(`from=${encodeURIComponent('2024-02-29T08:00:00+08:00')}&to=${encodeURIComponent('9999-12-31T23:59:59Z')}`)).status).toBe(200);
  });

  it('seq numbers beyond int4 are 400 on the agent and the widget paths; the largest int4 is fine', async () => {
    const paths = [
      { url: `/api/v1/conversations/${conversationId}/messages`, opts: { token: token() } },
      { url: `${a.widgetBase}/conversations/${conversationId}/messages`, opts: { contactToken } },
    ];
    for (const { url, opts } of paths) {
      for (const q of ['after=4610204557608928', 'before=2147483648', 'after=-1', 'before=0']) {
        const r = await a.inject('GET', `${url}?${q}`, opts);
        expect(r.status, `${url}?${q}: ${JSON.stringify(r.body)}`).toBe(400);
        expect(r.body.error.code).toBe('invalid_request');
      }
      const ok = await a.inject('GET', `${url}?after=2147483647`, opts);
      expect(ok.status).toBe(200);
      expect(ok.body.messages).toEqual([]);
    }
  });

  it('NUL and lone surrogates are 400 invalid_text in every string: names, reception texts, e-mails, record keys, query and path', async () => {
    const cases: Array<[string, string, object | undefined, { token?: string; contactToken?: string }]> = [
      ['POST', '/api/v1/skill-groups', { name: 'x\u0000y' }, { token: token() }],
      ['PATCH', `/api/v1/inboxes/${t.inbox.id}/reception`, { messages: { welcome: '欢迎\u0000光临' } }, { token: token() }],
      ['PATCH', `/api/v1/inboxes/${t.inbox.id}/reception`, { translations: { en: { topics: { 'a\u0000': 'b' } } } }, { token: token() }],
      ['POST', `${a.widgetBase}/contacts`, { name: 'a\u0000b' }, {}],
      ['POST', `${a.widgetBase}/contacts`, { email: 'a\u0000b@example.com' }, {}],
      ['POST', `${a.widgetBase}/contacts`, { name: 'broken \uD83D' }, {}],
      ['PATCH', `${a.widgetBase}/contact`, { email: 'x\uDC00@example.com' }, { contactToken }],
      ['POST', '/api/v1/agents', { email: 'n\u0000@example.com', name: 'n', password: 'password-123' }, { token: token() }],
      ['GET', `/api/v1/widget/${t.inbox.token}/config?locale=en%00`, undefined, {}],
      ['GET', `/api/v1/widget/${t.inbox.token}%00/config`, undefined, {}],
    ];
    for (const [method, url, payload, opts] of cases) {
      const r = await a.inject(method, url, { ...opts, payload });
      expect(r.status, `${method} ${url} ${JSON.stringify(payload)}: ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.body.error.code).toBe('invalid_text');
    }
    const unauthenticated = await a.inject('POST', `${a.widgetBase}/contacts`, { payload: { name: 'a\u0000b' } });
    expect(unauthenticated.body.error.message).toMatch(/name/);
  });

  it('malformed JSON is 400 invalid_json, other content types 415, unknown query parameters 400: all documented', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/skill-groups', headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json' }, payload: '{"name": ' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_json');
    for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/skill-groups', headers: { authorization: `Bearer ${token()}`, 'content-type': type }, payload: 'name=x' });
      expect(r.statusCode, type).toBe(415);
      expect(r.json().error.code).toBe('unsupported_media_type');
    }
    documented('post', '/api/v1/skill-groups', 415);
    const unknown = await a.inject('GET', '/api/v1/conversations?statsu=open', { token: token() });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/statsu/);
    const widgetUnknown = await a.inject('GET', `${a.widgetBase}/config?lang=en`);
    expect(widgetUnknown.status).toBe(400);
    documented('get', '/api/v1/widget/{inboxToken}/config', 400);
  });

  it('414 and 405 answer in the error shape over a real socket; 405 says Allow', async () => {
    const long = await raw(t.url, 'GET', `/api/v1/conversations/${'1'.repeat(500)}`, { authorization: `Bearer ${token()}` });
    expect(long.status).toBe(414);
    expect(JSON.parse(long.body).error.code).toBe('uri_too_long');
    documented('get', '/api/v1/conversations/{id}', 414);
    const trace = await raw(t.url, 'TRACE', '/api/v1/agents', { authorization: `Bearer ${token()}` });
    expect(trace.status).toBe(405);
    expect(trace.headers.allow).toBe('GET, HEAD, POST');
    expect(JSON.parse(trace.body).error.code).toBe('method_not_allowed');
    const put = await raw(t.url, 'PUT', `/api/v1/skill-groups/1`, { authorization: `Bearer ${token()}` });
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('DELETE, PATCH');
    const nowhere = await raw(t.url, 'TRACE', '/api/v1/no-such-thing');
    expect(nowhere.status).toBe(404);
    expect(JSON.parse(nowhere.body).error.code).toBe('not_found');
  });

  it('business rules that refuse spec-valid bodies answer statuses the document lists', async () => {
    const tz = await a.inject('POST', '/api/v1/business-calendars', { token: token(), payload: { name: '班表', timezone: '0', weekly: {}, holidays: [] } });
    expect(tz.status).toBe(400);
    documented('post', '/api/v1/business-calendars', tz.status);
    const members = await a.inject('POST', '/api/v1/skill-groups', { token: token(), payload: { name: '组', memberIds: [99_999_999] } });
    expect([400, 404]).toContain(members.status);
    documented('post', '/api/v1/skill-groups', members.status);
    const topic = await a.inject('POST', `${a.widgetBase}/conversations`, { contactToken, payload: { topic: '不存在的主题' } });
    expect(topic.status).toBe(400);
    expect(topic.body.error.code).toBe('unknown_topic');
    documented('post', '/api/v1/widget/{inboxToken}/conversations', 400);
  });

  it('a 204 has no body and the document gives it no content; the client API says X-Contact-Token is required', async () => {
    const group = await a.inject('POST', '/api/v1/skill-groups', { token: token(), payload: { name: '临时组' } });
    const del = await a.inject('DELETE', `/api/v1/skill-groups/${group.body.id}`, { token: token() });
    expect(del.status).toBe(204);
    expect(del.raw.body).toBe('');
    expect(doc.paths['/api/v1/skill-groups/{id}'].delete.responses['204'].content).toBeUndefined();
    const send = doc.paths['/api/v1/widget/{inboxToken}/conversations/{id}/messages'].post;
    expect(send.security).toEqual([{ contactToken: [] }]);
    expect(doc.components.securitySchemes.contactToken).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Contact-Token' });
    expect(doc.paths['/api/v1/auth/login'].post.security).toEqual([]);
    const missing = await a.inject('POST', `${a.widgetBase}/conversations/${conversationId}/messages`, { payload: { content: 'hi', clientMessageId: 'c-1' } });
    expect(missing.status).toBe(401);
  });

  it('a body the route accepts left out is documented as not required, and leaving it out works', async () => {
    expect(doc.paths['/api/v1/widget/{inboxToken}/conversations'].post.requestBody.required).toBe(false);
    expect(doc.paths['/api/v1/skill-groups'].post.requestBody.required).toBe(true);
    const { contactToken: fresh } = await a.newContact();
    const started = await a.inject('POST', `${a.widgetBase}/conversations`, { contactToken: fresh });
    expect(started.status).toBe(201);
  });

  it('what Node refuses before any route (headers too large, not HTTP) is answered in the error shape too', async () => {
    const send = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(new URL(t.url).port), '127.0.0.1', () => socket.write(request));
        let got = '';
        socket.on('data', (d) => (got += d));
        socket.on('close', () => resolve(got));
        socket.on('error', (err) => (got ? resolve(got) : reject(err)));
      });
    const big = await send(`GET /api/v1/auth/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(big.slice(big.indexOf('\r\n\r\n') + 4)).error.code).toBe('headers_too_large');
    const garbage = await send('NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4)).error).toEqual({ code: 'bad_request', message: expect.any(String) });
  });
});
