import { beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../test/helpers/api.js';
import { QUIET_RECEPTION, type TestApp } from '../../test/helpers/app.js';
import { DB_KINDS } from '../../test/helpers/env.js';
import { receptionCaughtUp, conversation, setReception, waitFor } from '../../test/helpers/reception.js';
import { useTestApp } from '../../test/helpers/suite.js';

const messagesOf = async (t: TestApp, id: number) =>
  (await api(t).inject('GET', `/api/v1/conversations/${id}/messages?after=0`, { token: t.adminToken })).body.messages as { senderType: string; content: string }[];

/**
 * What an inbox says: one 欢迎语 (the widget shows it before the conversation exists,
 * then it is the conversation's first message, as the agent's transcript shows), and
 * every text in the customer's language, which the conversation keeps.
 */
describe.each(DB_KINDS)('one welcome, in the customer’s language, on %s', (kind) => {
  const { t, a } = useTestApp(kind);
  let w: string;
  beforeAll(() => void (w = a.widgetBase));

  const start = async (body: object = {}) => {
    const { contactToken } = await a.newContact();
    const r = await a.inject('POST', `${w}/conversations`, { contactToken, payload: body });
    expect(r.status).toBe(201);
    return { contactToken, id: r.body.id as number };
  };

  it('19: the inbox dialog’s greeting and reception’s 欢迎语 are one setting, said once, in the transcript', async () => {
    await setReception(t, QUIET_RECEPTION);
    // the inbox dialog sets the greeting: it is reception's welcome
    const patched = await a.inject('PATCH', `/api/v1/inboxes/${t.inbox.id}`, { token: t.adminToken, payload: { settings: { greeting: '您好，欢迎光临！' } } });
    expect(patched.status).toBe(200);
    expect((await a.inject('GET', `/api/v1/inboxes/${t.inbox.id}/reception`, { token: t.adminToken })).body.messages.welcome).toBe('您好，欢迎光临！');
    // reception's 欢迎语 edited: the inbox (and the widget) follow
    await setReception(t, { messages: { welcome: '您好，欢迎咨询知客！' } });
    const inboxes = (await a.inject('GET', '/api/v1/inboxes', { token: t.adminToken })).body.inboxes as { id: number; settings: { greeting?: string } }[];
    expect(inboxes.find((x) => x.id === t.inbox.id)!.settings.greeting).toBe('您好，欢迎咨询知客！');
    const cfg = await a.inject('GET', `${w}/config`);
    expect(cfg.body.greeting).toBe('您好，欢迎咨询知客！');

    // the customer writes: the transcript starts with that one welcome, nothing else greets
    const c = await start();
    await a.customerSend(c.contactToken, c.id, '你好');
    const msgs = await messagesOf(t, c.id);
    expect(msgs.map((m) => [m.senderType, m.content])).toEqual([
      ['system', '您好，欢迎咨询知客！'],
      ['customer', '你好'],
    ]);
    // the customer's own view of it is the same
    const theirs = await a.inject('GET', `${w}/conversations/${c.id}/messages`, { contactToken: c.contactToken });
    expect(theirs.body.messages.map((m: { content: string }) => m.content)).toEqual(['您好，欢迎咨询知客！', '你好']);

    // emptied in the inbox dialog: no welcome anywhere
    await a.inject('PATCH', `/api/v1/inboxes/${t.inbox.id}`, { token: t.adminToken, payload: { settings: { greeting: '' } } });
    expect((await a.inject('GET', `${w}/config`)).body.greeting).toBeNull();
    const quiet = await start();
    expect(await messagesOf(t, quiet.id)).toEqual([]);
  });

  it('19: an inbox stored in the older shape (settings.greeting, no welcome) still greets once', async () => {
    await t.db.query(`UPDATE inboxes SET settings = settings || '{"greeting":"老版本的问候语。"}'::jsonb, reception = $2::jsonb WHERE id = $1`, [
      t.inbox.id,
      JSON.stringify(QUIET_RECEPTION),
    ]);
    t.app.zhike.reception!.invalidateAll();
    expect((await a.inject('GET', `${w}/config`)).body.greeting).toBe('老版本的问候语。');
    const c = await start();
    expect((await messagesOf(t, c.id)).map((m) => m.content)).toEqual(['老版本的问候语。']);
    // editing reception moves it there for good
    await setReception(t, { messages: { welcome: null } });
    expect((await a.inject('GET', `${w}/config`)).body.greeting).toBeNull();
  });

  it('25: English visitors get the English title, greeting, topics and automatic replies; the conversation keeps the locale', async () => {
    const group = await a.inject('POST', '/api/v1/skill-groups', { token: t.adminToken, payload: { name: '售后组' } });
    expect(group.status).toBe(201);
    await setReception(t, {
      ...QUIET_RECEPTION,
      mode: 'human_only',
      preChat: { enabled: true, topics: [{ label: '售后', groupId: group.body.id }, { label: '售前', groupId: null }] },
      messages: { welcome: '您好，欢迎咨询！', offline: '现在无人在线，请留言。', agentJoined: null, idleCheckin: null, idleClose: null },
      translations: { en: { title: 'Support', messages: { welcome: 'Hello, welcome!', offline: 'Nobody is online, please leave a message.' }, topics: { 售后: 'After-sales' } } },
    });
    const en = (await a.inject('GET', `${w}/config?locale=en`)).body;
    expect(en).toMatchObject({ title: 'Support', greeting: 'Hello, welcome!', locale: 'en', preChat: { topics: ['After-sales', '售前'] } });
    const zh = (await a.inject('GET', `${w}/config`)).body;
    expect(zh).toMatchObject({ title: '在线客服', greeting: '您好，欢迎咨询！', locale: 'zh-CN', preChat: { topics: ['售后', '售前'] } });

    // nobody on duty: a 留言, with the offline reply in English; the English topic routes like the Chinese one
    const c = await start({ locale: 'en', topic: 'After-sales' });
    const conv = await conversation(t, c.id);
    expect(conv).toMatchObject({ locale: 'en', topic: '售后', groupId: group.body.id, handler: 'offline' });
    await a.customerSend(c.contactToken, c.id, 'hello?');
    await waitFor(() => messagesOf(t, c.id), (m) => m.length === 3);
    expect((await messagesOf(t, c.id)).map((m) => m.content)).toEqual(['Hello, welcome!', 'hello?', 'Nobody is online, please leave a message.']);

    // a Chinese visitor of the same inbox: Chinese
    const z = await start({ locale: 'zh-CN' });
    await a.customerSend(z.contactToken, z.id, '在吗');
    await waitFor(() => messagesOf(t, z.id), (m) => m.length === 3);
    expect((await messagesOf(t, z.id)).map((m) => m.content)).toEqual(['您好，欢迎咨询！', '在吗', '现在无人在线，请留言。']);
    await t.db.query(`UPDATE conversations SET status = 'resolved'`);
  });

  it('25: English texts left empty fall back to zh-CN; a reply switched off stays off; the bot follows the conversation', async () => {
    await setReception(t, {
      mode: 'bot_first',
      preChat: { enabled: false, topics: [] },
      messages: { welcome: '您好！', offline: null },
      translations: { en: { title: null, messages: { welcome: null, offline: 'unused' }, topics: {} } },
    });
    expect((await a.inject('GET', `${w}/config?locale=en`)).body).toMatchObject({ title: '在线客服', greeting: '您好！' });
    const c = await start({ locale: 'en-US' });
    expect((await conversation(t, c.id)).locale).toBe('en');
    await a.customerSend(c.contactToken, c.id, 'hello');
    const msgs = await waitFor(() => messagesOf(t, c.id), (m) => m.some((x) => x.senderType === 'bot'));
    expect(msgs[0].content).toBe('您好！');
    expect(msgs.find((x) => x.senderType === 'bot')!.content).toMatch(/virtual assistant/);
    await receptionCaughtUp(t);
    expect((await messagesOf(t, c.id)).some((m) => m.content === 'unused')).toBe(false);
    await t.db.query(`UPDATE conversations SET status = 'resolved'`);
  });

  it('25: stored settings without translations still load; a bad translation is a 400', async () => {
    await t.db.query('UPDATE inboxes SET reception = $2::jsonb WHERE id = $1', [t.inbox.id, JSON.stringify({ mode: 'human_only', messages: { welcome: '旧设置' } })]);
    t.app.zhike.reception!.invalidateAll();
    const r = await a.inject('GET', `/api/v1/inboxes/${t.inbox.id}/reception`, { token: t.adminToken });
    expect(r.status).toBe(200);
    expect(r.body.translations.en).toEqual({
      title: null,
      messages: { welcome: null, agentJoined: null, offline: null, idleCheckin: null, idleClose: null },
      topics: {},
      csat: { prompt: null, thanks: null, labels: [null, null, null, null, null], reasons: {} },
    });
    expect((await a.inject('GET', `${w}/config?locale=en`)).body.greeting).toBe('旧设置');
    const bad = await a.inject('PATCH', `/api/v1/inboxes/${t.inbox.id}/reception`, { token: t.adminToken, payload: { translations: { fr: {} } } });
    expect(bad.status).toBe(400);
    const long = await a.inject('PATCH', `/api/v1/inboxes/${t.inbox.id}/reception`, { token: t.adminToken, payload: { translations: { en: { messages: { welcome: 'x'.repeat(1001) } } } } });
    expect(long.status).toBe(400);
    const badLocale = await a.inject('POST', `${w}/conversations`, { contactToken: (await a.newContact()).contactToken, payload: { locale: 'x'.repeat(40) } });
    expect(badLocale.status).toBe(400);
  });
});
