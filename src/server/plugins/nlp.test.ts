import { describe, expect, it } from 'vitest';
import { insertAgent } from '../../commands/agents.js';
import { DB_KINDS } from '../../../test/helpers/env.js';
import { useTestApp } from '../../../test/helpers/suite.js';

describe.each(DB_KINDS)('POST /nlp/analyze and intent examples on %s', (kind) => {
  const { t, a } = useTestApp(kind);
  const analyze = (token: string | undefined, payload: unknown) => a.inject('POST', '/api/v1/nlp/analyze', { token, payload });

  it('analyses a customer message: tokens, intent, emotion, signals; no 禁语 for customers', async () => {
    const r = await analyze(t.adminToken, { text: '我要投诉，太差了，再不解决我就去12315' });
    expect(r.status).toBe(200);
    expect(r.body.locale).toBe('zh-CN');
    expect(r.body.tokens).toContain('投诉');
    expect(r.body.intent.label).toBe('complaint');
    expect(r.body.intent.confidence).toBeGreaterThan(0.5);
    expect(r.body.emotion.label).toBe('anger');
    expect(r.body.signals).toEqual(['regulator']);
    expect(r.body.forbidden).toEqual([]);
  });

  it('finds 服务禁语 in agent text with spans into the text sent and a polite rewrite, by meaning', async () => {
    const text = '这事找物流去，跟我们没关系';
    const r = await analyze(t.adminToken, { text, role: 'agent' });
    expect(r.status).toBe(200);
    expect(r.body.forbidden.length).toBeGreaterThan(0);
    for (const f of r.body.forbidden) {
      expect(f.category).toBe('blame');
      expect(text.slice(f.span[0], f.span[1])).toBe(f.text);
      expect(f.suggestion).toMatch(/^(我会|我理解|您可以|您能)/);
    }
    const innocent = await analyze(t.adminToken, { text: '我不会说这不归我管', role: 'agent' });
    expect(innocent.body.forbidden).toEqual([]);
    const en = await analyze(t.adminToken, { text: "That's not my problem.", role: 'agent', locale: 'en' });
    expect(en.body).toMatchObject({ locale: 'en', forbidden: [{ category: 'blame', text: 'not my problem' }] });
  });

  it('needs a logged-in agent; odd input is a clear 400', async () => {
    expect((await analyze(undefined, { text: '你好' })).status).toBe(401);
    const cases: unknown[] = [{}, { text: '' }, { text: 'x'.repeat(2001) }, { text: 42 }, { text: '你好', role: 'boss' }, { text: '你好', locale: 'fr' }, { text: '你好', extra: 1 }, { text: 'a\u0000b' }, ['text']];
    for (const payload of cases) {
      const r = await analyze(t.adminToken, payload);
      expect(r.status, JSON.stringify(payload)).toBe(400);
      expect(r.body.error.code).toMatch(/^invalid_/);
    }
    expect((await analyze(t.adminToken, { text: '好'.repeat(2000) })).status).toBe(200);
  });

  it('an admin’s intent examples retrain that workspace’s classifier only, fast, and survive a cold cache', async () => {
    const sentence = '帮我看看积分兑换的咖啡券';
    const before = await analyze(t.adminToken, { text: sentence });
    expect(before.body.intent.label).not.toBe('order');

    const [ws] = await t.db.query(`INSERT INTO workspaces (name) VALUES ('别家') RETURNING id`);
    await t.db.tx((sql) => insertAgent(sql, ws.id, { email: 'other-nlp@zhike.test', name: '别家', role: 'admin', password: 'other-pass-123' }));
    const other = await a.login('other-nlp@zhike.test', 'other-pass-123');

    for (const text of ['积分兑换咖啡券', '用积分兑换一张咖啡券', '我想兑换咖啡券']) {
      const added = await a.inject('POST', '/api/v1/nlp/intent-examples', { token: t.adminToken, payload: { text, label: 'order' } });
      expect(added.status).toBe(201);
      expect(added.body.example).toMatchObject({ text, label: 'order', locale: 'zh-CN' });
      expect(added.body.retrain.ms).toBeLessThan(2000);
    }
    const after = await analyze(t.adminToken, { text: sentence });
    expect(after.body.intent.label).toBe('order');
    // the other workspace keeps the shipped classifier
    expect((await analyze(other, { text: sentence })).body.intent).toEqual(before.body.intent);
    // an English workspace analyses with the English pack unless told otherwise
    await t.db.query(`UPDATE workspaces SET locale = 'en' WHERE id = $1`, [ws.id]);
    const en = await analyze(other, { text: "That's not my problem", role: 'agent' });
    expect(en.body).toMatchObject({ locale: 'en', forbidden: [{ category: 'blame' }] });
    expect((await analyze(other, { text: sentence, locale: 'zh-CN' })).body).toMatchObject({ locale: 'zh-CN', intent: before.body.intent });

    const listed = await a.inject('GET', '/api/v1/nlp/intent-examples', { token: t.adminToken });
    expect(listed.body.examples.map((e: { text: string }) => e.text)).toEqual(['我想兑换咖啡券', '用积分兑换一张咖啡券', '积分兑换咖啡券']);
    expect((await a.inject('GET', '/api/v1/nlp/intent-examples', { token: other })).body.examples).toEqual([]);
    const events = await t.db.query(`SELECT data FROM events WHERE type = 'nlp.intent_example_added' AND workspace_id = 1 ORDER BY id`);
    expect(events.map((e) => e.data.label)).toEqual(['order', 'order', 'order']);

    // another instance adds an example behind this one's back: the version check picks it up
    const stale = await analyze(t.adminToken, { text: '咖啡券可以送给同事吗' });
    expect(stale.body.intent.label).not.toBe('unrelated');
    await t.db.query(`INSERT INTO nlp_intent_examples (workspace_id, locale, label, text) VALUES (1, 'zh-CN', 'unrelated', '咖啡券可以送给同事吗'), (1, 'zh-CN', 'unrelated', '咖啡券送给同事')`);
    const fresh = await analyze(t.adminToken, { text: '咖啡券可以送给同事吗' });
    expect(fresh.body.intent.label).toBe('unrelated');
  });

  it('only administrators teach examples; bad labels are 400', async () => {
    await a.createAgent(t.adminToken, { email: 'nlp-agent@zhike.test', name: '客服' });
    const token = await a.login('nlp-agent@zhike.test');
    expect((await analyze(token, { text: '你好', role: 'agent' })).status).toBe(200);
    expect((await a.inject('POST', '/api/v1/nlp/intent-examples', { token, payload: { text: '你好', label: 'consult' } })).status).toBe(403);
    expect((await a.inject('GET', '/api/v1/nlp/intent-examples', { token })).status).toBe(403);
    expect((await a.inject('POST', '/api/v1/nlp/intent-examples', { token: t.adminToken, payload: { text: '你好', label: 'gossip' } })).status).toBe(400);
    expect((await a.inject('POST', '/api/v1/nlp/intent-examples', { token: t.adminToken, payload: { text: '   ', label: 'consult' } })).status).toBe(400);
  });
});
