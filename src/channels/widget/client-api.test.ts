import { describe, expect, it } from 'vitest';
import { api } from '../../../test/helpers/api.js';
import { DB_KINDS } from '../../../test/helpers/env.js';
import { useTestApp } from '../../../test/helpers/suite.js';

describe.each(DB_KINDS)('client API (widget) on %s', (kind) => {
  const { t, a } = useTestApp(kind);

  it('serves the inbox’s public config with open CORS', async () => {
    const r = await a.inject('GET', `${a.widgetBase}/config`, { headers: { origin: 'https://shop.example' } });
    expect(r.status).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(r.body).toMatchObject({ title: '在线客服', locale: 'zh-CN', color: '#1677ff' });
    expect(typeof r.body.agentsOnline).toBe('number');
    const preflight = await a.inject('OPTIONS', `${a.widgetBase}/conversations`, {
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-contact-token,content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).toContain('x-contact-token');
    // agent routes are not opened to other origins
    const agentRoute = await a.inject('GET', '/api/v1/conversations', { token: t.adminToken, headers: { origin: 'https://shop.example' } });
    expect(agentRoute.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('unknown inbox tokens and contact tokens get clear errors', async () => {
    const r = await a.inject('POST', '/api/v1/widget/ib_nope/contacts', { payload: {} });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('inbox_not_found');
    const c = await a.inject('GET', `${a.widgetBase}/conversations`, { contactToken: 'ct_forged' });
    expect(c.status).toBe(401);
    expect(c.body.error.code).toBe('contact_unknown');
    const none = await a.inject('POST', `${a.widgetBase}/conversations`);
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('contact_required');
  });

  it('records what the widget knows about the visitor, and lets them give their name', async () => {
    const { contactToken, contact } = await a.newContact({
      attributes: { browser: 'Chrome 130', os: 'Windows 11', firstPageUrl: 'https://shop.example/pricing', referrer: 'https://www.baidu.com/s?wd=保温杯' },
    });
    expect(contactToken).toMatch(/^ct_/);
    const named = await a.inject('PATCH', `${a.widgetBase}/contact`, { contactToken, payload: { name: '李女士', phone: '138 0000 0000' } });
    expect(named.body).toEqual({ id: contact.id, name: '李女士' });
    const panel = await a.inject('GET', `/api/v1/contacts/${contact.id}`, { token: t.adminToken });
    // the phone masked in the console (docs/privacy.md); revealing it, an audited act, shows it as given
    expect(panel.body.contact).toMatchObject({
      name: '李女士',
      phone: '138****0000',
      masked: true,
      attributes: { browser: 'Chrome 130', os: 'Windows 11', firstPageUrl: 'https://shop.example/pricing' },
    });
    const revealed = await a.inject('POST', `/api/v1/contacts/${contact.id}/reveal`, { token: t.adminToken });
    expect(revealed.body.contact.phone).toBe('138 0000 0000');
  });

  it('reaches only the caller’s own conversations', async () => {
    const alice = await a.newContact();
    const bob = await a.newContact();
    const conv = await a.newConversation(alice.contactToken);
    await a.customerSend(alice.contactToken, conv.id, 'alice secret');
    const read = await a.inject('GET', `${a.widgetBase}/conversations/${conv.id}/messages`, { contactToken: bob.contactToken });
    expect(read.status).toBe(404);
    const write = await a.customerSend(bob.contactToken, conv.id, 'bob was here');
    expect(write.status).toBe(404);
    const list = await a.inject('GET', `${a.widgetBase}/conversations`, { contactToken: bob.contactToken });
    expect(list.body.conversations).toEqual([]);
    const mine = await a.inject('GET', `${a.widgetBase}/conversations`, { contactToken: alice.contactToken });
    expect(mine.body.conversations.map((c: any) => c.id)).toEqual([conv.id]);
  });

  it('stores markup as typed: the API returns text, never rendered HTML', async () => {
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    const xss = '<img src=x onerror=alert(1)>';
    const r = await a.customerSend(contactToken, conv.id, xss);
    expect(r.body.content).toBe(xss);
    const back = await a.inject('GET', `${a.widgetBase}/conversations/${conv.id}/messages`, { contactToken });
    expect(back.body.messages[0].content).toBe(xss);
    expect(back.headers['content-type']).toMatch(/application\/json/);
  });
});
