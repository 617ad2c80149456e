import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/helpers/suite.js';

/** POST /inspections/preview: the 规则实验室's endpoint (stateless, so one database is enough). */
describe('POST /inspections/preview', () => {
  const { t, a } = useTestApp('pglite');
  const preview = (token: string | undefined, payload: unknown) => a.inject('POST', '/api/v1/inspections/preview', { token, payload });
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 2, 0, s)).toISOString();

  it('inspects a transcript: findings point at the message and the words, with a better wording, and the score', async () => {
    const messages = [
      { role: 'customer', content: '我的快递三天了还没到，怎么回事？', at: at(0) },
      { role: 'agent', content: '这个不归我们管，你去问快递公司吧。', at: at(90) },
      { role: 'customer', content: '你工号多少？', at: at(100) },
      { role: 'agent', content: '你问这个干什么', at: at(110) },
    ];
    const r = await preview(t.adminToken, { messages });
    expect(r.status).toBe(200);
    expect(r.body.packVersion).toMatch(/\d/);
    const byRule = new Map(r.body.findings.map((f: any) => [f.rule, f]));
    const blame: any = byRule.get('forbidden.blame');
    expect(blame).toMatchObject({ category: 'forbidden', severity: 'major', messageIndex: 1 });
    expect(messages[1].content.slice(blame.span[0], blame.span[1])).toBe(blame.excerpt);
    expect(blame.suggestion).toBeTruthy();
    expect(byRule.get('identity.refused')).toMatchObject({ severity: 'critical', messageIndex: 3 });
    expect(byRule.get('timing.first_response')).toMatchObject({ messageIndex: 1, detail: '90 s' });
    expect(byRule.get('opening.greeting')).toMatchObject({ messageIndex: null, span: null });
    // a critical finding zeroes the score (一票否决)
    expect(r.body).toMatchObject({ score: 0, vetoed: true });
    expect(r.body.dimensions.map((d: any) => d.category)).toEqual(expect.arrayContaining(['forbidden', 'identity', 'timing', 'opening']));
  });

  it('a good conversation scores 100 with no findings', async () => {
    const r = await preview(t.adminToken, {
      messages: [
        { role: 'system', kind: 'joined', content: '工号 1024 小王 为您服务', at: at(0) },
        { role: 'customer', content: '你好，我想问一下信用卡年费怎么收', at: at(2) },
        { role: 'agent', content: '您好，很高兴为您服务！这张卡首年免年费，之后每年刷卡满 6 次即可免次年年费。', at: at(20) },
        { role: 'customer', content: '明白了', at: at(40) },
        { role: 'agent', content: '请问还有其他可以帮您的吗？', at: at(45) },
        { role: 'customer', content: '没有了，谢谢', at: at(50) },
        { role: 'agent', content: '感谢您的咨询，祝您生活愉快，再见！这样解释您清楚了吗？', at: at(55) },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ score: 100, vetoed: false, findings: [] });
  });

  it('scores on the sheet the pack picks, or the one asked for; an unknown sheet is a 400 naming the sheets', async () => {
    const messages = [
      { role: 'customer', content: '我要投诉，你们客服态度太差了' },
      { role: 'agent', content: '您的订单号是多少？' },
    ];
    const picked = await preview(t.adminToken, { messages });
    expect(picked.status).toBe(200);
    expect(picked.body.sheet).toMatchObject({ id: 'complaint', name: '投诉处理评分表' });
    const asked = await preview(t.adminToken, { messages, sheet: 'chat' });
    expect(asked.body.sheet.id).toBe('chat');
    expect(asked.body.score).toBeGreaterThan(picked.body.score); // the complaint sheet weighs the missed steps more
    const unknown = await preview(t.adminToken, { messages, sheet: 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'unknown_sheet' });
    expect(unknown.body.error.message).toMatch(/chat, complaint, phone/);
  });

  it('supervisors and admins only; odd input is a clear 400, never a 500', async () => {
    expect((await preview(undefined, { messages: [{ role: 'agent', content: '你好' }] })).status).toBe(401);
    const agent = await a.createAgent(t.adminToken, { email: 'qa-plain@zhike.test', name: '普通客服' });
    const agentToken = await a.login(agent.email);
    expect((await preview(agentToken, { messages: [{ role: 'agent', content: '你好' }] })).status).toBe(403);
    const long = 'x'.repeat(5000);
    const cases: unknown[] = [
      {},
      { messages: [] },
      { messages: [{ role: 'boss', content: '你好' }] },
      { messages: [{ role: 'agent', content: 'a\u0000b' }] },
      { messages: [{ role: 'agent', content: '你好', at: 'yesterday' }] },
      { messages: [{ role: 'agent', content: '你好', extra: 1 }] },
      { messages: [{ role: 'agent', content: 'x'.repeat(5001) }] },
      { messages: Array.from({ length: 301 }, () => ({ role: 'agent', content: '你好' })) },
      { messages: Array.from({ length: 13 }, () => ({ role: 'agent', content: long })) },
      { messages: [{ role: 'agent', content: '你好' }], locale: 'fr' },
      [{ role: 'agent', content: '你好' }],
    ];
    for (const payload of cases) {
      const r = await preview(t.adminToken, payload);
      expect(r.status, JSON.stringify(payload).slice(0, 80)).toBe(400);
      expect(r.body.error.code).toMatch(/invalid/);
    }
  });
});
