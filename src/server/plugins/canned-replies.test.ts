import { describe, expect, it } from 'vitest';
import { insertAgent } from '../../commands/agents.js';
import { renderCannedReply } from '../../core/assist/canned.js';
import { DB_KINDS } from '../../../test/helpers/env.js';
import { useTestApp } from '../../../test/helpers/suite.js';

describe.each(DB_KINDS)('快捷回复 API on %s', (kind) => {
  const { t, a } = useTestApp(kind);
  const url = '/api/v1/canned-replies';

  it('personal replies are their agent’s alone; the team’s are everyone’s and only admins manage them', async () => {
    await a.createAgent(t.adminToken, { email: 'cr-a@zhike.test', name: '小王', agentNo: '3001' });
    await a.createAgent(t.adminToken, { email: 'cr-b@zhike.test', name: '小李' });
    const wang = await a.login('cr-a@zhike.test');
    const li = await a.login('cr-b@zhike.test');

    const team = await a.inject('POST', url, { token: t.adminToken, payload: { scope: 'team', title: '退款流程', content: '{customerName}您好，退款会在 1-3 个工作日原路退回。', category: '售后', shortcut: 'TK' } });
    expect(team.status).toBe(201);
    expect(team.body).toMatchObject({ scope: 'team', ownerId: null, shortcut: 'tk', category: '售后', pinyin: 'tuikuanliuchengshouhou', initials: 'tklcsh' });
    const mine = await a.inject('POST', url, { token: wang, payload: { title: '银行卡绑定', content: '工号 {agentNo} {name} 为您服务' } });
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({ scope: 'personal', category: null, initials: 'yhkbd' });

    // an agent may not add or change the team's
    expect((await a.inject('POST', url, { token: li, payload: { scope: 'team', title: 'x', content: 'y' } })).status).toBe(403);
    expect((await a.inject('PATCH', `${url}/${team.body.id}`, { token: li, payload: { title: '改' } })).status).toBe(403);
    expect((await a.inject('DELETE', `${url}/${team.body.id}`, { token: li })).status).toBe(403);

    // visibility: 小王 sees the team's and his own; 小李 and the admin do not see 小王's
    const titles = async (token: string) => (await a.inject('GET', url, { token })).body.replies.map((r: { title: string }) => r.title);
    expect(await titles(wang)).toEqual(['退款流程', '银行卡绑定']);
    expect(await titles(li)).toEqual(['退款流程']);
    expect(await titles(t.adminToken)).toEqual(['退款流程']);
    // and cannot reach it by id
    expect((await a.inject('PATCH', `${url}/${mine.body.id}`, { token: li, payload: { title: '偷改' } })).status).toBe(404);
    expect((await a.inject('DELETE', `${url}/${mine.body.id}`, { token: t.adminToken })).status).toBe(404);

    // its owner edits it: the pinyin keys follow the new title
    const edited = await a.inject('PATCH', `${url}/${mine.body.id}`, { token: wang, payload: { title: '问候', category: '常用' } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ title: '问候', initials: 'whcy', content: '工号 {agentNo} {name} 为您服务' });
    expect((await a.inject('DELETE', `${url}/${mine.body.id}`, { token: wang })).status).toBe(204);
    expect(await titles(wang)).toEqual(['退款流程']);

    const events = await t.db.query(`SELECT data FROM events WHERE type = 'canned_reply.changed' ORDER BY id`);
    expect(events.map((e) => e.data.action)).toEqual(['created', 'created', 'updated', 'deleted']);
  });

  it('variables are kept as written and filled when inserted, as the automatic replies fill them', async () => {
    const r = await a.inject('POST', url, { token: t.adminToken, payload: { title: '开场', content: '{customerName}您好，工号 {agentNo} {name} 为您服务' } });
    expect(r.body.content).toBe('{customerName}您好，工号 {agentNo} {name} 为您服务');
    expect(renderCannedReply(r.body.content, { customerName: '张先生', agentNo: '1024', name: '小王' })).toBe('张先生您好，工号 1024 小王 为您服务');
  });

  it('another workspace reaches nothing; odd input is 400', async () => {
    const [ws] = await t.db.query(`INSERT INTO workspaces (name) VALUES ('别家') RETURNING id`);
    await t.db.tx((sql) => insertAgent(sql, ws.id, { email: 'cr-other@zhike.test', name: '别家', role: 'admin', password: 'other-pass-123' }));
    const other = await a.login('cr-other@zhike.test', 'other-pass-123');
    const [own] = (await a.inject('GET', url, { token: t.adminToken })).body.replies;
    expect((await a.inject('GET', url, { token: other })).body.replies).toEqual([]);
    expect((await a.inject('PATCH', `${url}/${own.id}`, { token: other, payload: { title: 'x' } })).status).toBe(404);
    expect((await a.inject('DELETE', `${url}/${own.id}`, { token: other })).status).toBe(404);
    expect((await a.inject('GET', url)).status).toBe(401);

    for (const payload of [
      {},
      { title: '', content: 'x' },
      { title: 'x', content: '' },
      { title: 'x', content: 'y'.repeat(2001) },
      { title: 'x'.repeat(101), content: 'y' },
      { title: 'x', content: 'y', shortcut: '退款' },
      { title: 'x', content: 'y', shortcut: 'a'.repeat(31) },
      { title: 'x', content: 'y', scope: 'everyone' },
      { title: 'x', content: 'y', ownerId: 1 },
    ]) {
      const r = await a.inject('POST', url, { token: t.adminToken, payload });
      expect(r.status, JSON.stringify(payload)).toBe(400);
    }
    expect((await a.inject('PATCH', `${url}/abc`, { token: t.adminToken, payload: { title: 'x' } })).status).toBe(400);
    expect((await a.inject('PATCH', `${url}/${own.id}`, { token: t.adminToken, payload: { scope: 'personal' } })).status).toBe(400);
  });
});
