import { describe, expect, it } from 'vitest';
import { api } from '../../../test/helpers/api.js';
import { DB_KINDS } from '../../../test/helpers/env.js';
import { WsClient } from '../../../test/helpers/ws.js';
import { useTestApp } from '../../../test/helpers/suite.js';

/** Issue 12 item 6: CORS only on the client API; a contact token works in its own inbox only. */
describe.each(DB_KINDS)('client API isolation on %s', (kind) => {
  const { t, a } = useTestApp(kind, { listen: true });

  const preflight = (url: string) =>
    a.inject('OPTIONS', url, {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    });
  const corsHeaders = (headers: Record<string, unknown>) => Object.keys(headers).filter((h) => h.startsWith('access-control-'));

  it('answers CORS (and preflights) on the client API only', async () => {
    const widget = await preflight(`${a.widgetBase}/conversations`);
    expect(widget.status).toBe(204);
    expect(widget.headers['access-control-allow-origin']).toBe('*');
    for (const url of ['/api/v1/auth/login', '/api/v1/conversations', '/api/v1/agents', '/api/v1/inboxes', '/api/v1/openapi.json', '/api/v1/widgets/x', '/metrics', '/healthz', '/']) {
      const r = await preflight(url);
      expect(corsHeaders(r.headers), `OPTIONS ${url}`).toEqual([]);
      expect(r.status, `OPTIONS ${url}`).not.toBe(204);
    }
    const login = await a.inject('POST', '/api/v1/auth/login', { headers: { origin: 'https://evil.example' }, payload: { email: 'x@y.test', password: 'nope-nope' } });
    expect(login.status).toBe(401);
    expect(corsHeaders(login.headers)).toEqual([]);
  });

  it('a contact token authorises its own inbox only, on every client route and the WebSocket hello', async () => {
    const created = await a.inject('POST', '/api/v1/inboxes', { token: t.adminToken, payload: { name: '第二个网站' } });
    expect(created.status).toBe(201);
    const other = `/api/v1/widget/${created.body.token}`;
    const { contactToken } = await a.newContact({ name: '一号访客' });
    const conv = await a.newConversation(contactToken);
    expect((await a.customerSend(contactToken, conv.id, '在吗')).status).toBe(201);

    const tries: [string, string, { payload?: unknown; headers?: Record<string, string> }][] = [
      ['PATCH', `${other}/contact`, { payload: { name: '冒充' } }],
      ['GET', `${other}/conversations`, {}],
      ['POST', `${other}/conversations`, { payload: {} }],
      ['GET', `${other}/conversations/${conv.id}/messages`, {}],
      ['POST', `${other}/conversations/${conv.id}/messages`, { payload: { content: '从二号窗口发', clientMessageId: 'x-inbox-1' } }],
      ['POST', `${other}/conversations/${conv.id}/leave-queue`, {}],
      ['POST', `${other}/invitations/1/reply`, { payload: { accept: true } }],
      ['POST', `${other}/attachments?filename=a.txt`, { payload: 'hello', headers: { 'content-type': 'text/plain' } }],
    ];
    for (const [method, url, opts] of tries) {
      const r = await a.inject(method, url, { contactToken, ...opts });
      expect(r.status, `${method} ${url}`).toBe(401);
      expect(r.body.error.code, `${method} ${url}`).toBe('contact_unknown');
    }
    // nothing got through: one message, the contact's name unchanged, no conversation in inbox 2
    const msgs = await t.db.query('SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND sender_type = $2', [conv.id, 'customer']);
    expect(msgs[0].n).toBe(1);
    const convs = await t.db.query('SELECT count(*)::int AS n FROM conversations WHERE inbox_id = $1', [created.body.id]);
    expect(convs[0].n).toBe(0);

    const ws = await WsClient.connect(t.url);
    const refused = await ws.hello({ inboxToken: created.body.token, contactToken });
    expect(refused).toMatchObject({ type: 'error', code: 'unauthorized' });
    await ws.close();
    const own = await WsClient.connect(t.url);
    expect((await own.hello({ inboxToken: t.inbox.token, contactToken })).type).toBe('ready');
    await own.close();
  });
});
