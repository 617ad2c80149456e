import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../test/helpers/api.js';
import type { TestApp } from '../../../test/helpers/app.js';
import { countedTestApp } from '../../../test/helpers/counted-app.js';
import { DB_KINDS } from '../../../test/helpers/env.js';

/**
 * The client API resolves the inbox and contact tokens of every request; on the
 * message path those two lookups were two of its three statements. They are
 * cached for a few seconds, and a change to the contact shows at once.
 */
describe.each(DB_KINDS)('client API tokens on %s', (kind) => {
  let t: TestApp;
  let a: ReturnType<typeof api>;
  let adminToken: string;
  let statements: string[];
  beforeAll(async () => {
    ({ t, statements } = await countedTestApp(kind));
    a = api(t);
    adminToken = t.adminToken;
  });
  afterAll(() => t.close());

  it('a customer’s messages do not look their inbox and contact tokens up in the database each time', async () => {
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    statements.length = 0;
    for (let i = 0; i < 10; i++) expect((await a.customerSend(contactToken, conv.id, `消息 ${i}`)).status).toBe(201);
    const lookups = (re: RegExp) => statements.filter((s) => re.test(s)).length;
    // before: 10 of each (one per request); a slow machine may see the few-second cache expire once
    expect(lookups(/FROM inboxes WHERE token =/)).toBeLessThanOrEqual(2);
    expect(lookups(/FROM contacts WHERE token_hash =/)).toBeLessThanOrEqual(2);
  });

  it('a name the customer gives, or an agent corrects, is on their very next message', async () => {
    const { contactToken, contact } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    expect((await a.customerSend(contactToken, conv.id, '你好')).body.senderName).toBeNull();
    expect((await a.inject('PATCH', `${a.widgetBase}/contact`, { contactToken, payload: { name: '王先生' } })).status).toBe(200);
    expect((await a.customerSend(contactToken, conv.id, '在吗')).body.senderName).toBe('王先生');
    expect((await a.inject('PATCH', `/api/v1/contacts/${contact.id}`, { token: adminToken, payload: { name: '王建国' } })).status).toBe(200);
    expect((await a.customerSend(contactToken, conv.id, '订单问题')).body.senderName).toBe('王建国');
    // and a forged token is still refused, every time
    for (let i = 0; i < 2; i++) expect((await a.customerSend('ct_forged', conv.id, 'x')).status).toBe(401);
  });
});
