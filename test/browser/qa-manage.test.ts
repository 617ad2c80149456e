import { describe, expect, it } from 'vitest';
import { seriousAxe } from '../helpers/axe.js';
import { logIn } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/suite.js';

/**
 * 质检主管's side, in Chromium: a 抽检计划 made in the console sends the next inspected
 * conversation to a 质检员's 待我复核; the 质检报表 shows the agent's figures and the rule they
 * failed; the 规则包 editor refuses a broken pack, tries an edited one on past conversations
 * (试运行) and publishes it as the version new inspections use.
 */
describe('browser: 抽检计划, 质检报表, 规则包', () => {
  const { server, browser } = useServerAndBrowser('qa-manage');

  it('plan → assigned for review; reports; pack edit → what-if → publish', { timeout: 240_000 }, async () => {
    const admin = await server.login();
    const api = async (method: string, url: string, body?: unknown, token = admin) => {
      const r = await server.json(method, url, { token, body });
      if (r.status >= 400) throw new Error(`${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    await api('POST', '/api/v1/agents', { email: 'chen@shop.test', name: '老陈', password: 'agent-pass-123', role: 'qa_lead' });
    const qa = await api('POST', '/api/v1/agents', { email: 'lin@shop.test', name: '小林', password: 'agent-pass-123', role: 'qa' });
    const agent = await api('POST', '/api/v1/agents', { email: 'wang@shop.test', name: '小王', password: 'agent-pass-123' });
    const agentToken = (await server.json('POST', '/api/v1/auth/login', { body: { email: 'wang@shop.test', password: 'agent-pass-123' } })).body.token as string;
    const [inbox] = (await api('GET', '/api/v1/inboxes')).inboxes;
    /** A conversation 小王 served with a 禁语 and closed; resolves once it is inspected. */
    const served = async (name: string) => {
      const contactToken = (await server.json('POST', `/api/v1/widget/${inbox.token}/contacts`, { body: { name } })).body.contactToken as string;
      const conv = (await server.json('POST', `/api/v1/widget/${inbox.token}/conversations`, { contactToken, body: {} })).body;
      await server.json('POST', `/api/v1/widget/${inbox.token}/conversations/${conv.id}/messages`, { contactToken, body: { content: '发票开了吗？', clientMessageId: crypto.randomUUID() } });
      await api('POST', `/api/v1/conversations/${conv.id}/assign`, { assigneeId: agent.id, force: true });
      await api('POST', `/api/v1/conversations/${conv.id}/messages`, { content: '这个不归我管，你问财务吧' }, agentToken);
      await api('POST', `/api/v1/conversations/${conv.id}/status`, { status: 'resolved' }, agentToken);
      for (let i = 0; i < 150; i++) {
        const [found] = (await api('GET', `/api/v1/conversations/${conv.id}/inspections`)).inspections;
        if (found) return found;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`conversation ${conv.id} was not inspected in 30 s`);
    };
    const first = await served('赵先生');

    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 }, bypassCSP: true });
    const lead = await ctx.newPage();
    await logIn(lead, server.url, 'chen@shop.test', 'agent-pass-123');

    // 抽检计划: every inspection (100%) to 小林
    await lead.getByTestId('nav-qa').click();
    await lead.getByTestId('qa-plans-link').click();
    await lead.getByTestId('qa-plan-create').click();
    await lead.getByTestId('qa-plan-form-name').fill('全量抽检');
    await lead.getByTestId('qa-plan-form-percent').fill('100');
    await lead.getByTestId('qa-plan-form-reviewers').click();
    await lead.keyboard.press('Backspace'); // the form offers the 质检主管 themself first: 小林 instead
    await lead.keyboard.type('小林');
    await lead.keyboard.press('Enter');
    await lead.keyboard.press('Escape');
    await lead.getByTestId('qa-plan-form-submit').click();
    await lead.getByTestId('qa-plan').filter({ hasText: '全量抽检' }).waitFor();
    const [plan] = (await api('GET', '/api/v1/qa/sampling-plans')).plans;
    expect(plan).toMatchObject({ name: '全量抽检', percent: 100, reviewerIds: [qa.id], enabled: true });
    expect(await seriousAxe(lead)).toEqual([]);

    // the next inspected conversation is in 小林's 待我复核
    const second = await served('钱女士');
    const qaCtx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
    const reviewer = await qaCtx.newPage();
    await logIn(reviewer, server.url, 'lin@shop.test', 'agent-pass-123');
    await reviewer.getByTestId('nav-qa').click();
    await reviewer.getByTestId('qa-filter-assigned').getByText('待我复核').click();
    const assigned = reviewer.locator(`[data-testid="qa-row"][data-inspection-id="${second.id}"]`);
    await assigned.waitFor({ timeout: 30_000 });
    expect(await assigned.getByTestId('qa-row-assignment').textContent()).toContain('小林');
    await expect.poll(() => reviewer.getByTestId('qa-row').count()).toBe(1); // the first was inspected before the plan
    await qaCtx.close();

    // 质检报表: 小王's two inspections, and 推诿 among the rules failed most
    await lead.getByTestId('nav-qa').click();
    await lead.getByTestId('qa-reports-link').click();
    const row = lead.locator(`[data-testid="qa-reports-agent"][data-agent-id="${agent.id}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain('小王');
    await lead.locator('[data-testid="qa-reports-rule"][data-rule="forbidden.blame"]').waitFor();
    await lead.getByTestId('qa-reports-chart').waitFor();
    expect(await seriousAxe(lead)).toEqual([]);

    // 规则包: a broken pack is refused where it is broken; an edited one is tried, then published
    await lead.getByTestId('nav-qa-lab').click();
    await lead.getByTestId('qa-pack-tab').click();
    const editor = lead.getByTestId('qa-pack-editor');
    await editor.waitFor();
    const pack = JSON.parse(await editor.inputValue());
    await editor.fill(JSON.stringify({ ...pack, rules: 'none' }, null, 2));
    await lead.getByTestId('qa-pack-save').click();
    await expect.poll(() => lead.getByTestId('qa-pack-error').textContent(), { timeout: 10_000 }).toContain('rules');
    await editor.fill(JSON.stringify({ ...pack, rules: pack.rules.filter((r: { id: string }) => r.id !== 'forbidden.blame') }, null, 2));
    await lead.getByTestId('qa-pack-save').click();
    await expect.poll(() => lead.getByTestId('qa-pack-error').count(), { timeout: 10_000 }).toBe(0);
    // the error goes as soon as the text is edited; the draft is stored once 发布 can be pressed
    await expect.poll(() => lead.getByTestId('qa-pack-publish').isEnabled(), { timeout: 10_000 }).toBe(true);
    await lead.getByTestId('qa-pack-whatif').click();
    const tried = lead.getByTestId('qa-pack-whatif-row');
    await expect.poll(() => tried.count(), { timeout: 30_000 }).toBe(2);
    expect(await lead.getByTestId('qa-pack-whatif-summary').first().textContent()).toMatch(/2/);
    await lead.getByTestId('qa-pack-publish').click();
    await lead.locator('.ant-popconfirm .ant-btn-primary').click();
    await lead.getByTestId('qa-pack-published').waitFor({ timeout: 15_000 });
    const state = await api('GET', '/api/v1/qa/packs/zh-CN');
    expect(state.current.source).toBe('workspace');
    expect(await lead.getByTestId('qa-pack-published').textContent()).toContain(state.current.version);
    // published scores keep the version that made them
    expect((await api('GET', `/api/v1/inspections/${first.id}`)).inspection).toMatchObject({ packVersion: first.packVersion, score: first.score });
    expect(await seriousAxe(lead)).toEqual([]);
    await ctx.close();
  });
});
