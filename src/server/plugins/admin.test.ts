import { describe, expect, it } from 'vitest';
import { api } from '../../../test/helpers/api.js';
import { DB_KINDS } from '../../../test/helpers/env.js';
import { useTestApp } from '../../../test/helpers/suite.js';

describe.each(DB_KINDS)('agents and inboxes administration on %s', (kind) => {
  const { t, a } = useTestApp(kind);

  it('admins create agents with roles; duplicates and weak passwords are refused clearly', async () => {
    const sup = await a.inject('POST', '/api/v1/agents', {
      token: t.adminToken,
      payload: { email: 'Lead@Zhike.test', name: '组长', role: 'supervisor', password: 'lead-pass-1', agentNo: '2001' },
    });
    expect(sup.status).toBe(201);
    expect(sup.body).toMatchObject({ email: 'lead@zhike.test', role: 'supervisor', agentNo: '2001', active: true });
    expect(sup.body).not.toHaveProperty('passwordHash');
    const dup = await a.inject('POST', '/api/v1/agents', { token: t.adminToken, payload: { email: 'lead@zhike.test', name: 'x', password: 'whatever-1' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('email_taken');
    const dupNo = await a.inject('POST', '/api/v1/agents', { token: t.adminToken, payload: { email: 'n@zhike.test', name: 'x', password: 'whatever-1', agentNo: '2001' } });
    expect(dupNo.body.error.code).toBe('agent_no_taken');
    const weak = await a.inject('POST', '/api/v1/agents', { token: t.adminToken, payload: { email: 'w@zhike.test', name: 'x', password: 'short' } });
    expect(weak.status).toBe(400);
    expect(weak.body.error.message).toMatch(/8/);
  });

  it('an agent created without a 工号 gets the next free one, also when created at once', async () => {
    const nos = await t.db.query(`SELECT agent_no FROM agents WHERE agent_no ~ '^[0-9]+$'`);
    const highest = Math.max(...nos.map((r: any) => Number(r.agent_no)));
    const created = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        a.inject('POST', '/api/v1/agents', { token: t.adminToken, payload: { email: `auto-no-${i}@zhike.test`, name: `自动${i}`, password: 'agent-pass-123', ...(i === 4 ? { agentNo: null } : {}) } }),
      ),
    );
    expect(created.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const given = created.map((r) => r.body.agentNo).sort();
    expect(given).toEqual([1, 2, 3, 4].map((i) => String(highest + i)));
  });

  it('only admins manage agents and inboxes; everyone can list agents', async () => {
    await a.createAgent(t.adminToken, { email: 'plain@zhike.test', name: '普通客服' });
    const token = await a.login('plain@zhike.test');
    expect((await a.inject('GET', '/api/v1/agents', { token })).status).toBe(200);
    const create = await a.inject('POST', '/api/v1/agents', { token, payload: { email: 'z@zhike.test', name: 'z', password: 'zzzzzzzz1' } });
    expect(create.status).toBe(403);
    expect(create.body.error.code).toBe('forbidden');
    expect((await a.inject('POST', '/api/v1/inboxes', { token, payload: { name: 'x' } })).status).toBe(403);
    expect((await a.inject('PATCH', `/api/v1/agents/1`, { token, payload: { role: 'agent' } })).status).toBe(403);
  });

  it('deactivating an agent ends their sessions and frees their conversations', async () => {
    const agent = await a.createAgent(t.adminToken, { email: 'leaving@zhike.test', name: '离职' });
    const token = await a.login('leaving@zhike.test');
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    await a.agentSend(token, conv.id, '您好');
    expect((await a.inject('GET', `/api/v1/conversations/${conv.id}`, { token })).body.assigneeId).toBe(agent.id);

    const off = await a.inject('PATCH', `/api/v1/agents/${agent.id}`, { token: t.adminToken, payload: { active: false } });
    expect(off.body).toMatchObject({ active: false, availability: 'offline' });
    expect((await a.inject('GET', '/api/v1/conversations', { token })).status).toBe(401);
    expect((await a.inject('POST', '/api/v1/auth/login', { payload: { email: 'leaving@zhike.test', password: 'agent-pass-123' } })).status).toBe(401);
    const after = await a.inject('GET', `/api/v1/conversations/${conv.id}`, { token: t.adminToken });
    expect(after.body.assigneeId).toBeNull();
    const assignTo = await a.inject('POST', `/api/v1/conversations/${conv.id}/assign`, { token: t.adminToken, payload: { assigneeId: agent.id } });
    expect(assignTo.status).toBe(409);
    expect(assignTo.body.error.code).toBe('agent_inactive');
  });

  it('keeps at least one active admin', async () => {
    const me = await a.inject('GET', '/api/v1/me', { token: t.adminToken });
    const r = await a.inject('PATCH', `/api/v1/agents/${me.body.agent.id}`, { token: t.adminToken, payload: { role: 'agent' } });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('last_admin');
  });

  it('creates a web inbox with widget settings and lists its public token', async () => {
    const r = await a.inject('POST', '/api/v1/inboxes', {
      token: t.adminToken,
      payload: { name: '售后咨询', settings: { title: '售后服务', greeting: '您好', color: '#fa541c', locale: 'en' } },
    });
    expect(r.status).toBe(201);
    expect(r.body.token).toMatch(/^ib_/);
    const bad = await a.inject('POST', '/api/v1/inboxes', { token: t.adminToken, payload: { name: 'x', settings: { color: 'red' } } });
    expect(bad.status).toBe(400);
    const list = await a.inject('GET', '/api/v1/inboxes', { token: t.adminToken });
    expect(list.body.inboxes.map((i: any) => i.name)).toEqual(['网站咨询', '售后咨询']);
    const patched = await a.inject('PATCH', `/api/v1/inboxes/${r.body.id}`, { token: t.adminToken, payload: { settings: { greeting: '欢迎' } } });
    expect(patched.body.settings).toMatchObject({ title: '售后服务', greeting: '欢迎', color: '#fa541c' });
    const cfg = await a.inject('GET', `/api/v1/widget/${r.body.token}/config`);
    expect(cfg.body).toMatchObject({ title: '售后服务', greeting: '欢迎', locale: 'en' });
  });

  it('agents set their own presence', async () => {
    const r = await a.inject('POST', '/api/v1/me/availability', { token: t.adminToken, payload: { availability: 'away' } });
    expect(r.body.availability).toBe('away');
    const bad = await a.inject('POST', '/api/v1/me/availability', { token: t.adminToken, payload: { availability: 'sleeping' } });
    expect(bad.status).toBe(400);
  });

  it('admins read the domain event log in order, page by page', async () => {
    const first = await a.inject('GET', '/api/v1/events?limit=3', { token: t.adminToken });
    expect(first.status).toBe(200);
    expect(first.body.events).toHaveLength(3);
    const ids = first.body.events.map((e: any) => e.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    const next = await a.inject('GET', `/api/v1/events?after=${ids.at(-1)}&limit=500`, { token: t.adminToken });
    expect(next.body.events[0].id).toBeGreaterThan(ids.at(-1));
    const types = new Set([...first.body.events, ...next.body.events].map((e: any) => e.type));
    expect(types).toContain('agent.created');
    expect(types).toContain('inbox.created');
    const agentToken = await a.login('plain@zhike.test');
    expect((await a.inject('GET', '/api/v1/events', { token: agentToken })).status).toBe(403);
  });

  it('following the log with the cursor returns every event of the workspace once', async () => {
    // A page stops before an event whose transaction is still open (a consumer may be writing one as we read),
    // so an empty page means "nothing safe to read yet": go on from `next` until every stored event came once.
    const seen: number[] = [];
    let cursor: string | null = null;
    let all: number[] = [];
    for (let page = 0; page < 300; page++) {
      const r = await a.inject('GET', `/api/v1/events?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: t.adminToken });
      expect(r.status).toBe(200);
      seen.push(...r.body.events.map((e: any) => e.id));
      cursor = r.body.next;
      if (r.body.events.length === 0) {
        all = (await t.db.query('SELECT id FROM events WHERE workspace_id = $1 ORDER BY id', [t.inbox.workspaceId])).map((e) => e.id);
        if (all.every((id) => seen.includes(id))) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    expect([...seen].sort((x, y) => x - y)).toEqual(all);
    const both = await a.inject('GET', `/api/v1/events?after=1&cursor=${cursor}`, { token: t.adminToken });
    expect(both.status).toBe(400);
  });
});
