import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/helpers/env.js';
import { consumersCaughtUp, onlineAgent } from '../../test/helpers/reception.js';
import { useTestApp } from '../../test/helpers/suite.js';
import { qaPacksDir } from './inspector.js';

const shipped = JSON.parse(fs.readFileSync(path.join(qaPacksDir(), 'zh-CN.json'), 'utf8'));
type Rule = { id: string };

/**
 * 质检 rules edited per workspace, on both databases: a draft is checked (a pattern that could
 * hang is refused), tried on past conversations (what-if) without touching their scores, then
 * published as a version that new inspections name; old ones keep theirs.
 */
describe.each(DB_KINDS)('质检 rule packs per workspace on %s', (kind) => {
  const { t, a, track } = useTestApp(kind, { listen: true });

  it('draft → what-if → publish: new inspections use and name the new version; published scores stay', async () => {
    const lead = track(await onlineAgent(t, { email: `pk-lead-${kind}@example.com`, name: '质检主管', role: 'qa_lead' }));
    const qa = track(await onlineAgent(t, { email: `pk-qa-${kind}@example.com`, name: '质检员', role: 'qa' }));
    const agent = track(await onlineAgent(t, { email: `pk-agent-${kind}@example.com`, name: '小包' }));
    const pack = (token: string) => a.inject('GET', '/api/v1/qa/packs/zh-CN', { token });
    const draft = (token: string, body: unknown) => a.inject('PUT', '/api/v1/qa/packs/zh-CN/draft', { token, payload: { pack: body } });

    expect((await pack(qa.token)).body).toMatchObject({ current: { version: shipped.version, source: 'shipped' }, draft: null, versions: [] });
    expect((await pack(agent.token)).status).toBe(403);
    expect((await draft(qa.token, shipped)).status).toBe(403);
    const broken = await draft(lead.token, { ...shipped, rules: 'none' });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_pack');
    const explosive = await draft(lead.token, { ...shipped, phrases: { ...shipped.phrases, greeting: ['(a+)+b'] } });
    expect(explosive.body.error).toMatchObject({ code: 'invalid_pack', message: expect.stringMatching(/repetition/) });

    // a conversation judged by the shipped rules
    const served = async (line: string) => {
      const { contactToken } = await a.newContact();
      const conv = await a.newConversation(contactToken);
      await a.customerSend(contactToken, conv.id, '我的快递丢了怎么办？');
      await consumersCaughtUp(t, 30_000);
      expect((await a.inject('POST', `/api/v1/conversations/${conv.id}/assign`, { token: t.adminToken, payload: { assigneeId: agent.id, force: true } })).status).toBe(200);
      await a.agentSend(agent.token, conv.id, line);
      expect((await a.inject('POST', `/api/v1/conversations/${conv.id}/status`, { token: agent.token, payload: { status: 'resolved' } })).status).toBe(200);
      await consumersCaughtUp(t, 30_000);
      return (await a.inject('GET', `/api/v1/conversations/${conv.id}/inspections`, { token: lead.token })).body.inspections[0];
    };
    const before = await served('这个不归我管，你去问快递公司');
    expect(before.packVersion).toBe(shipped.version);
    expect(before.findings.map((f: { rule: string }) => f.rule)).toContain('forbidden.blame');

    // the draft drops the blame rule; the lab can try it on a pasted transcript
    const edited = { ...shipped, rules: shipped.rules.filter((r: Rule) => r.id !== 'forbidden.blame') };
    expect((await draft(lead.token, edited)).status).toBe(204);
    const transcript = { messages: [{ role: 'customer', content: '快递丢了' }, { role: 'agent', content: '这个不归我管' }] };
    const rulesOf = async (which: string) =>
      ((await a.inject('POST', '/api/v1/inspections/preview', { token: qa.token, payload: { ...transcript, pack: which } })).body.findings as { rule: string }[]).map((f) => f.rule);
    expect(await rulesOf('current')).toContain('forbidden.blame');
    expect(await rulesOf('draft')).not.toContain('forbidden.blame');

    // what-if: the same past conversation scored again, nothing written
    const tried = await a.inject('POST', '/api/v1/qa/packs/zh-CN/what-if', { token: qa.token, payload: {} });
    expect(tried.status).toBe(200);
    const row = tried.body.rows.find((r: { inspectionId: number }) => r.inspectionId === before.id);
    expect(row.before).toMatchObject({ score: before.score, packVersion: shipped.version });
    expect(row.before.rules).toContain('forbidden.blame');
    expect(row.after.rules).not.toContain('forbidden.blame');
    expect(row.after.score).toBeGreaterThan(row.before.score);
    expect(tried.body.summary.changed).toBeGreaterThanOrEqual(1);
    const [stored] = await t.db.query('SELECT score, pack_version FROM inspections WHERE id = $1', [before.id]);
    expect(stored).toMatchObject({ score: before.score, pack_version: shipped.version });

    // published: the next conversation is inspected with it, and says so; the old score keeps its version
    expect((await a.inject('POST', '/api/v1/qa/packs/zh-CN/publish', { token: qa.token })).status).toBe(403);
    const published = await a.inject('POST', '/api/v1/qa/packs/zh-CN/publish', { token: lead.token });
    expect(published.status).toBe(200);
    expect(published.body.version).toMatch(/^\d{4}\.\d{2}\.\d{2}\.w1$/);
    expect((await pack(lead.token)).body).toMatchObject({ current: { version: published.body.version, source: 'workspace' }, draft: null, versions: [{ version: published.body.version }] });
    expect((await a.inject('POST', '/api/v1/qa/packs/zh-CN/publish', { token: lead.token })).body.error.code).toBe('no_draft');
    const after = await served('这个不归我管，你去问快递公司');
    expect(after.packVersion).toBe(published.body.version);
    expect(after.findings.map((f: { rule: string }) => f.rule)).not.toContain('forbidden.blame');
    expect((await a.inject('GET', `/api/v1/inspections/${before.id}`, { token: lead.token })).body.inspection).toMatchObject({ packVersion: shipped.version, score: before.score });
    const logged = await t.db.query(`SELECT data->>'action' AS action FROM events WHERE type = 'qa.pack_changed' ORDER BY id`);
    expect(logged.map((r) => r.action)).toEqual(['draft_saved', 'published']);
  });
});
