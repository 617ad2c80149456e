import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptRephrase, rephrasePrompt } from '../core/knowledge/rephrase.js';
import type { Config } from '../config.js';
import { api } from '../../test/helpers/api.js';
import type { TestApp } from '../../test/helpers/app.js';
import { DB_KINDS } from '../../test/helpers/env.js';
import { setReception, waitFor } from '../../test/helpers/reception.js';
import { useTestApp } from '../../test/helpers/suite.js';

const ANSWER = '在订单页点击“申请退款”，说明见 https://shop.example/refund 。';

/** A loopback stand-in for an OpenAI-compatible chat API: answers what the test sets, records what it was sent. */
function fakeModel() {
  const seen: { auth: string | undefined; body: any }[] = [];
  let reply: (body: any) => { status: number; json?: unknown; delayMs?: number } = () => ({ status: 200, json: { choices: [{ message: { content: 'x' } }] } });
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}');
      seen.push({ auth: req.headers.authorization, body });
      const r = reply(body);
      setTimeout(() => {
        res.writeHead(r.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(r.json ?? {}));
      }, r.delayMs ?? 0).unref();
    });
  });
  return {
    seen,
    set: (fn: typeof reply) => void (reply = fn),
    listen: () => new Promise<string>((ok) => server.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`))),
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

describe('answer rephrasing checks (pure)', () => {
  it('keeps the article’s links exactly, refuses empty or runaway text', () => {
    expect(acceptRephrase('  您好！点“申请退款”即可，详见 https://shop.example/refund 。 ', ANSWER)).toBe('您好！点“申请退款”即可，详见 https://shop.example/refund 。');
    expect(acceptRephrase('点“申请退款”即可。', ANSWER)).toBeNull(); // the link dropped
    expect(acceptRephrase('见 https://shop.example/refund 和 https://evil.example/x', ANSWER)).toBeNull(); // one invented
    expect(acceptRephrase('   ', ANSWER)).toBeNull();
    expect(acceptRephrase('好'.repeat(2000), ANSWER)).toBeNull();
    const prompt = rephrasePrompt({ question: '我想退钱', article: { question: '怎么申请退款', answer: ANSWER }, locale: 'zh-CN' });
    expect(prompt[0].content).toContain('只能依据');
    expect(prompt[1].content).toContain(ANSWER);
    expect(prompt[1].content).toContain('我想退钱');
  });
});

describe.each(DB_KINDS)('the bot with an OpenAI-compatible model on %s', (kind) => {
  const model = fakeModel();
  const config: Partial<Config> = { llm: { url: 'set below', key: 'sk-loopback', model: 'fake-chat', timeoutMs: 500 } };
  beforeAll(async () => {
    config.llm!.url = await model.listen();
  });
  afterAll(() => model.close());
  const { t, a } = useTestApp(kind, { config });

  const botReplyTo = async (t: TestApp, content: string) => {
    const { contactToken } = await a.newContact();
    const c = await a.newConversation(contactToken);
    const sent = await a.customerSend(contactToken, c.id, content);
    const msgs = await waitFor(
      async () => (await api(t).inject('GET', `/api/v1/conversations/${c.id}/messages?after=0`, { token: t.adminToken })).body.messages as any[],
      (m) => m.some((x) => x.senderType === 'bot' && x.seq > sent.body.seq),
    );
    return msgs.find((x) => x.senderType === 'bot' && x.seq > sent.body.seq);
  };

  it('words a confident answer from the article only; any failure sends the article as written', async () => {
    await setReception(t, { mode: 'bot_first' });
    const art = await a.inject('POST', '/api/v1/knowledge/articles', { token: t.adminToken, payload: { question: '怎么申请退款', similarQuestions: ['我想退钱'], answer: ANSWER } });
    expect(art.status).toBe(201);

    model.set(() => ({ status: 200, json: { choices: [{ message: { content: '您好！在订单页点“申请退款”就可以了，详见 https://shop.example/refund 。' } }] } }));
    const worded = await botReplyTo(t, '我想退钱');
    expect(worded).toMatchObject({ content: '您好！在订单页点“申请退款”就可以了，详见 https://shop.example/refund 。', meta: { bot: { kind: 'answer', articleId: art.body.id, rephrased: true } } });
    const call = model.seen.at(-1)!;
    expect(call.auth).toBe('Bearer sk-loopback');
    expect(call.body.model).toBe('fake-chat');
    expect(JSON.stringify(call.body.messages)).toContain('我想退钱');

    // an invented link: refused, the article goes as written
    model.set(() => ({ status: 200, json: { choices: [{ message: { content: '去 https://evil.example 退款' } }] } }));
    expect(await botReplyTo(t, '我想退钱')).toMatchObject({ content: ANSWER, meta: { bot: { kind: 'answer', articleId: art.body.id } } });
    // the API fails, or is too slow
    model.set(() => ({ status: 500 }));
    expect((await botReplyTo(t, '我想退钱')).content).toBe(ANSWER);
    model.set(() => ({ status: 200, delayMs: 2000, json: { choices: [{ message: { content: '太慢了 https://shop.example/refund' } }] } }));
    const slow = await botReplyTo(t, '我想退钱');
    expect(slow.content).toBe(ANSWER);
    expect(slow.meta.bot.rephrased).toBeUndefined();
  });
});
