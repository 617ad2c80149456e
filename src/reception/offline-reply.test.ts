import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../test/helpers/api.js';
import { QUIET_RECEPTION, type TestApp } from '../../test/helpers/app.js';
import { countedTestApp } from '../../test/helpers/counted-app.js';
import { DB_KINDS } from '../../test/helpers/env.js';
import { receptionCaughtUp, waitFor } from '../../test/helpers/reception.js';

describe.each(DB_KINDS)('offline reply (留言) on %s', (kind) => {
  let t: TestApp;
  let statements: string[];
  beforeAll(async () => {
    ({ t, statements } = await countedTestApp(kind, { reception: { ...QUIET_RECEPTION, mode: 'human_only', messages: { ...QUIET_RECEPTION.messages, offline: '现在是非工作时间，请留言。' } } }));
  });
  afterAll(() => t.close());

  it('answers once, and a customer who goes on writing costs the consumer no reads', async () => {
    const a = api(t);
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    const messages = async () => (await a.inject('GET', `${a.widgetBase}/conversations/${conv.id}/messages?after=0`, { contactToken })).body.messages as { senderType: string; content: string }[];
    expect((await a.customerSend(contactToken, conv.id, '我想退货')).status).toBe(201);
    await waitFor(messages, (m) => m.some((x) => x.senderType === 'system'));
    await receptionCaughtUp(t);
    statements.length = 0;
    for (let i = 0; i < 10; i++) expect((await a.customerSend(contactToken, conv.id, `补充 ${i}`)).status).toBe(201);
    await receptionCaughtUp(t);
    // before: each message read the conversation and looked for the reply (20 statements)
    expect(statements.filter((s) => /client_message_id = \$2/.test(s) && /SELECT 1 FROM messages/.test(s)).length).toBe(0);
    const all = await messages();
    expect(all.filter((m) => m.senderType === 'system').map((m) => m.content)).toEqual(['现在是非工作时间，请留言。']);
    expect(all.filter((m) => m.senderType === 'customer')).toHaveLength(11);
  });
});
