import { beforeAll, describe, expect, it } from 'vitest';
import { insertAgent } from '../../commands/agents.js';
import { parseCsv } from '../../core/knowledge/csv.js';
import { KnowledgeService } from '../../knowledge/service.js';
import { DB_KINDS } from '../../../test/helpers/env.js';
import { waitFor } from '../../../test/helpers/reception.js';
import { useTestApp } from '../../../test/helpers/suite.js';

const K = '/api/v1/knowledge';

describe.each(DB_KINDS)('knowledge base API on %s', (kind) => {
  const { t, a } = useTestApp(kind);
  let agentToken: string;
  beforeAll(async () => {
    await a.createAgent(t.adminToken, { email: 'kb-agent@x.test', name: '小李' });
    agentToken = await a.login('kb-agent@x.test');
  });
  const admin = (method: string, url: string, payload?: unknown) => a.inject(method, url, { token: t.adminToken, payload });

  it('admins create, list, filter, edit, disable and delete articles; every change is an event', async () => {
    const created = await admin('POST', `${K}/articles`, {
      question: '怎么申请退款？',
      similarQuestions: ['我想退钱', '退款流程', '我想退钱', ' '],
      answer: '在订单页点击“申请退款”，[查看说明](https://example.com/refund)。',
      category: '售后',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ question: '怎么申请退款？', similarQuestions: ['我想退钱', '退款流程'], category: '售后', enabled: true, helpful: 0, unhelpful: 0 });
    const id = created.body.id;
    const second = await admin('POST', `${K}/articles`, { question: '发票怎么开？', similarQuestions: ['开发票'], answer: '在“我的订单”里申请电子发票。' });
    expect(second.status).toBe(201);
    expect(second.body.category).toBeNull();
    // the same standard question twice: 409, not a 500
    expect((await admin('POST', `${K}/articles`, { question: '怎么申请退款？', similarQuestions: [], answer: 'x' })).status).toBe(409);

    const byCategory = await admin('GET', `${K}/articles?category=${encodeURIComponent('售后')}`);
    expect(byCategory.body).toMatchObject({ total: 1, articles: [{ id }] });
    const byText = await admin('GET', `${K}/articles?q=${encodeURIComponent('开发票')}`);
    expect(byText.body.articles.map((x: any) => x.id)).toEqual([second.body.id]);
    // LIKE wildcards in the text match themselves
    expect((await admin('GET', `${K}/articles?q=${encodeURIComponent('%')}`)).body.total).toBe(0);
    const paged = await admin('GET', `${K}/articles?limit=1&offset=1`);
    expect(paged.body).toMatchObject({ total: 2, articles: [{ id }] });
    expect((await admin('GET', `${K}/categories`)).body.categories).toEqual([{ name: '售后', count: 1 }]);

    const edited = await admin('PATCH', `${K}/articles/${id}`, { answer: '订单页 → 申请退款。', enabled: false, category: null });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ answer: '订单页 → 申请退款。', enabled: false, category: null, similarQuestions: ['我想退钱', '退款流程'] });
    expect((await admin('PATCH', `${K}/articles/${id}`, { question: '发票怎么开？' })).status).toBe(409);
    expect((await admin('GET', `${K}/articles?enabled=false`)).body.articles.map((x: any) => x.id)).toEqual([id]);
    expect((await admin('DELETE', `${K}/articles/${second.body.id}`)).status).toBe(204);
    expect((await admin('GET', `${K}/articles/${second.body.id}`)).status).toBe(404);

    const events = await t.db.query(`SELECT data FROM events WHERE type = 'knowledge.article_changed' ORDER BY id`);
    expect(events.map((e) => e.data.action)).toEqual(['created', 'created', 'updated', 'deleted']);
    expect(events[2].data).toMatchObject({ articleId: id });
    expect(events[2].data.fields.sort()).toEqual(['answer', 'category', 'enabled']);
  });

  it('agents read and search but cannot write; odd input is a 400', async () => {
    const list = await a.inject('GET', `${K}/articles`, { token: agentToken });
    expect(list.status).toBe(200);
    const id = list.body.articles[0].id;
    expect((await a.inject('GET', `${K}/articles/${id}`, { token: agentToken })).status).toBe(200);
    for (const [method, url, payload] of [
      ['POST', `${K}/articles`, { question: 'q', similarQuestions: [], answer: 'a' }],
      ['PATCH', `${K}/articles/${id}`, { enabled: true }],
      ['DELETE', `${K}/articles/${id}`],
      ['POST', `${K}/import`, { csv: '标准问题,答案\r\nq,a\r\n' }],
    ] as const) {
      const r = await a.inject(method, url, { token: agentToken, payload });
      expect(r.status, `${method} ${url}`).toBe(403);
    }
    expect((await a.inject('POST', `${K}/search`, { token: agentToken, payload: { query: '退款' } })).status).toBe(200);
    expect((await a.inject('GET', `${K}/articles`)).status).toBe(401);
    for (const payload of [
      { question: '', similarQuestions: [], answer: 'a' },
      { question: 'x'.repeat(201), similarQuestions: [], answer: 'a' },
      { question: 'q', similarQuestions: Array(51).fill('s'), answer: 'a' },
      { question: 'q', similarQuestions: [], answer: 'a', extra: 1 },
      { question: 'q', similarQuestions: 'nope', answer: 'a' },
    ]) {
      expect((await admin('POST', `${K}/articles`, payload)).status).toBe(400);
    }
    expect((await admin('POST', `${K}/search`, { query: 'x'.repeat(501) })).status).toBe(400);
    expect((await admin('GET', `${K}/articles?limit=1000`)).status).toBe(400);
  });

  it('another workspace’s articles are invisible and unreachable', async () => {
    const mine = (await admin('GET', `${K}/articles`)).body.articles[0];
    const [ws] = await t.db.query(`INSERT INTO workspaces (name) VALUES ('别家') RETURNING id`);
    await t.db.tx((sql) => insertAgent(sql, ws.id, { email: 'kb-boss@other.test', name: '别家', role: 'admin', password: 'other-pass-1' }));
    const other = await a.login('kb-boss@other.test', 'other-pass-1');
    expect((await a.inject('GET', `${K}/articles`, { token: other })).body).toEqual({ articles: [], total: 0 });
    for (const [method, url, payload] of [
      ['GET', `${K}/articles/${mine.id}`],
      ['PATCH', `${K}/articles/${mine.id}`, { answer: '改掉' }],
      ['DELETE', `${K}/articles/${mine.id}`],
    ] as const) {
      expect((await a.inject(method, url, { token: other, payload })).status, `${method} ${url}`).toBe(404);
    }
    await admin('PATCH', `${K}/articles/${mine.id}`, { enabled: true });
    expect((await a.inject('POST', `${K}/search`, { token: other, payload: { query: mine.question } })).body).toEqual({ answered: false, results: [] });
    expect((await a.inject('GET', `${K}/export`, { token: other })).body).toBe('\uFEFF标准问题,相似问法,答案,分类,启用\r\n');
    // the same standard question is fine in another workspace
    expect((await a.inject('POST', `${K}/articles`, { token: other, payload: { question: mine.question, similarQuestions: [], answer: '别家的答案' } })).status).toBe(201);
  });

  it('CSV: export for Excel (BOM, CRLF, quotes, newlines) imports back unchanged; bad rows are reported, good ones imported', async () => {
    const tricky = await admin('POST', `${K}/articles`, {
      question: '运费, 谁出?',
      similarQuestions: ['邮费"谁"付', '包邮吗'],
      answer: '满 99 元包邮。\n不满的，运费 8 元，"偏远地区"除外。',
      category: '物流',
    });
    expect(tricky.status).toBe(201);
    await admin('POST', `${K}/articles`, { question: '=1+1 是公式吗', similarQuestions: [], answer: '-不是' });
    const exported = await admin('GET', `${K}/export`);
    expect(exported.status).toBe(200);
    expect(exported.headers['content-type']).toMatch(/^text\/csv/);
    expect(exported.headers['content-disposition']).toMatch(/attachment; filename="knowledge-.*\.csv"/);
    const csv = exported.raw.body;
    expect(csv.startsWith('\uFEFF标准问题,相似问法,答案,分类,启用\r\n')).toBe(true);
    expect(csv).toContain('"运费, 谁出?","邮费""谁""付\n包邮吗","满 99 元包邮。\n不满的，运费 8 元，""偏远地区""除外。",物流,是\r\n');
    // a leading = is kept as text for Excel, not run as a formula
    expect(csv).toContain(`"'=1+1 是公式吗",,"'-不是",,是`);

    const before = (await admin('GET', `${K}/articles?limit=200`)).body.articles;
    const back = await admin('POST', `${K}/import`, { csv });
    expect(back.body).toEqual({ rows: before.length, created: 0, updated: before.length, errors: [] });
    const after = (await admin('GET', `${K}/articles?limit=200`)).body.articles;
    const strip = (xs: any[]) => xs.map(({ updatedAt: _u, ...rest }) => rest);
    expect(strip(after)).toEqual(strip(before));

    // a file written by hand: | separates similar questions, 否 disables, bad rows are reported by row
    const file = [
      '标准问题,相似问法,答案,分类,启用',
      '怎么修改地址,改地址|地址填错了,"在订单详情里点""修改地址""。",物流,否',
      ',没有标准问题,答案,,',
      '没有答案,,,,',
      `${'长'.repeat(201)},,答案,,`,
      '运费, 谁出?,,重复行也不行,,',
      '启用写错,,答案,,也许',
      '',
      '运费怎么算,,按重量计。,物流,是',
      '怎么修改地址,,又一次,,',
    ].join('\r\n');
    const report = await admin('POST', `${K}/import`, { csv: file });
    expect(report.status).toBe(200);
    expect(report.body.created).toBe(2);
    expect(report.body.updated).toBe(0);
    expect(report.body.errors.map((e: any) => e.row)).toEqual([3, 4, 5, 6, 7, 10]);
    expect(report.body.errors[0].message).toContain('缺少标准问题');
    expect(report.body.errors[1].message).toContain('缺少答案');
    expect(report.body.errors[3].message).toContain('答案'); // "运费" row: its cells shift, the answer column is empty
    expect(report.body.errors[4].message).toContain('启用');
    expect(report.body.errors[5].message).toContain('重复');
    const address = (await admin('GET', `${K}/articles?q=${encodeURIComponent('修改地址')}`)).body.articles[0];
    expect(address).toMatchObject({ similarQuestions: ['改地址', '地址填错了'], answer: '在订单详情里点"修改地址"。', enabled: false, category: '物流' });

    // no header / too big
    expect((await admin('POST', `${K}/import`, { csv: 'a,b\r\n1,2' })).body.errors).toEqual([{ row: 1, message: expect.stringContaining('表头') }]);
    const many = ['标准问题,答案', ...Array.from({ length: 5001 }, (_, i) => `问题${i},答案`)].join('\n');
    expect((await admin('POST', `${K}/import`, { csv: many })).status).toBe(400);
    const events = await t.db.query(`SELECT data FROM events WHERE type = 'knowledge.article_changed' AND data->>'action' = 'imported' ORDER BY id`);
    expect(events.map((e) => e.data.count)).toEqual([before.length, 2]);
    expect(parseCsv('\uFEFFa,"b\r\nc",d\r\n')).toEqual([['a', 'b\r\nc', 'd']]);
  });

  it('search ranks articles and says whether the bot would answer; an edit is searchable at once', async () => {
    await admin('POST', `${K}/articles`, { question: '营业时间是几点', similarQuestions: ['你们几点上班', '几点关门'], answer: '每天 9:00-21:00。' });
    const r = await admin('POST', `${K}/search`, { query: '营业时间是几点', limit: 3 });
    expect(r.status).toBe(200);
    expect(r.body.answered).toBe(true);
    expect(r.body.results[0]).toMatchObject({ question: '营业时间是几点', score: expect.any(Number) });
    expect(r.body.results.length).toBeLessThanOrEqual(3);
    const id = r.body.results[0].articleId;
    await admin('PATCH', `${K}/articles/${id}`, { enabled: false });
    expect((await admin('POST', `${K}/search`, { query: '营业时间是几点' })).body.results.map((h: any) => h.articleId)).not.toContain(id);
    await admin('PATCH', `${K}/articles/${id}`, { enabled: true, question: '客服几点下班' });
    expect((await admin('POST', `${K}/search`, { query: '客服几点下班' })).body.results[0]).toMatchObject({ articleId: id, question: '客服几点下班' });
  });

  it('another instance’s edit reaches this instance’s index (the version check)', async () => {
    // a second service on the same database stands for another instance
    const other = new KnowledgeService(t.db, { checkMs: 100 });
    const before = await other.search(t.inbox.workspaceId, '会员积分怎么用');
    expect(before.results.some((h) => h.question === '会员积分怎么用')).toBe(false);
    const created = await admin('POST', `${K}/articles`, { question: '会员积分怎么用', similarQuestions: ['积分能抵现吗'], answer: '100 积分抵 1 元。' });
    const seen = await waitFor(() => other.search(t.inbox.workspaceId, '会员积分怎么用'), (x) => x.results[0]?.articleId === created.body.id, 3000);
    expect(seen.answered).toBe(true);
    // and straight SQL from elsewhere that bumps the version (as every command does) too
    await t.db.tx(async (sql) => {
      await sql.query(`UPDATE knowledge_articles SET enabled = false WHERE id = $1`, [created.body.id]);
      await sql.query(`UPDATE knowledge_versions SET version = version + 1 WHERE workspace_id = $1`, [t.inbox.workspaceId]);
    });
    await waitFor(() => other.search(t.inbox.workspaceId, '会员积分怎么用'), (x) => !x.results.some((h) => h.articleId === created.body.id), 3000);
  });

  it('a big workspace keeps answering from its previous index while the new one builds; a small one waits for it', async () => {
    const ws = t.inbox.workspaceId;
    const builds: number[] = [];
    // "big" from 1 article on: searches never wait for a rebuild once an index exists
    const big = new KnowledgeService(t.db, { checkMs: 0, staleOverArticles: 1, onBuilt: (_w, n) => builds.push(n) });
    await big.search(ws, '营业时间');
    expect(builds.length).toBe(1);
    const created = await admin('POST', `${K}/articles`, { question: '门店在哪里', similarQuestions: ['实体店地址'], answer: '北京市朝阳区。' });
    const during = await big.search(ws, '门店在哪里');
    // served at once from the old index (the new article is not in it yet), the rebuild under way
    expect(during.results.some((h) => h.articleId === created.body.id)).toBe(false);
    await waitFor(() => big.search(ws, '门店在哪里'), (x) => x.results[0]?.articleId === created.body.id, 3000);
    expect(builds.length).toBe(2);
    // a small workspace's search waits for the rebuild: the edit answers at once
    const small = new KnowledgeService(t.db, { checkMs: 0 });
    await small.search(ws, 'x');
    await admin('PATCH', `${K}/articles/${created.body.id}`, { question: '线下门店地址' });
    expect((await small.search(ws, '线下门店地址')).results[0]).toMatchObject({ articleId: created.body.id, question: '线下门店地址' });
  });
});
