import { describe, expect, it } from 'vitest';
import { seriousAxe } from '../helpers/axe.js';
import { logIn } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/suite.js';

/**
 * 智能质检 as the team lives it, in Chromium: an agent sends a 禁语 despite the warning; the
 * supervisor's console shows the live alert; once the conversation is closed it is in the
 * 质检工作台 with the words marked in place; the agent appeals; the supervisor, led there by the
 * appeal's alert, accepts; the score goes up and the agent is told.
 */
describe('browser: 质检工作台, live alert, appeal', () => {
  const { server, browser } = useServerAndBrowser('qa-workbench');

  it('禁语 → live alert → 质检工作台 with the finding marked → appeal → accepted → score updated', { timeout: 240_000 }, async () => {
    const admin = await server.login();
    const api = async (method: string, url: string, body?: unknown, token = admin) => {
      const r = await server.json(method, url, { token, body });
      if (r.status >= 400) throw new Error(`${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    await api('POST', '/api/v1/agents', { email: 'laozhou@shop.test', name: '老周', password: 'agent-pass-123', role: 'supervisor' });
    const agent = await api('POST', '/api/v1/agents', { email: 'xiaowang@shop.test', name: '小王', password: 'agent-pass-123', agentNo: '1024' });
    const [inbox] = (await api('GET', '/api/v1/inboxes')).inboxes;
    const contactToken = (await server.json('POST', `/api/v1/widget/${inbox.token}/contacts`, { body: { name: '李女士' } })).body.contactToken as string;
    const conv = (await server.json('POST', `/api/v1/widget/${inbox.token}/conversations`, { contactToken, body: {} })).body;
    await server.json('POST', `/api/v1/widget/${inbox.token}/conversations/${conv.id}/messages`, { contactToken, body: { content: '我的快递三天了还没到，怎么回事？', clientMessageId: crypto.randomUUID() } });
    await api('POST', `/api/v1/conversations/${conv.id}/assign`, { assigneeId: agent.id, force: true });

    const supervisorCtx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 }, bypassCSP: true });
    const supervisor = await supervisorCtx.newPage();
    await logIn(supervisor, server.url, 'laozhou@shop.test', 'agent-pass-123');
    const agentCtx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
    const agentPage = await agentCtx.newPage();
    await logIn(agentPage, server.url, 'xiaowang@shop.test', 'agent-pass-123');

    // the agent writes a 禁语: the warning shows, and they send it anyway (a warning, never a gate)
    await agentPage.getByTestId('conv-tab-all').click();
    await agentPage.getByTestId('conv-item').filter({ hasText: '李女士' }).first().click();
    await agentPage.getByTestId('reply-input').fill('这个不归我管，你去问快递公司吧');
    await agentPage.getByTestId('forbidden-warning').waitFor({ timeout: 15_000 });
    await agentPage.getByTestId('reply-send').click();

    // the supervisor's console: the live alert names the agent and the words
    const alert = supervisor.getByTestId('qa-alert').filter({ hasText: '不归我管' });
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toContain('小王');
    await alert.locator('.ant-notification-notice-close, [aria-label="Close"], [aria-label="close"]').first().click();

    // closed: inspected once, and in the 质检工作台
    await agentPage.getByTestId('resolve').click();
    const inspection = await (async () => {
      for (let i = 0; i < 150; i++) {
        const rows = (await api('GET', `/api/v1/inspections?agentId=${agent.id}`)).inspections;
        if (rows.length) return rows[0];
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('no inspection 30 s after the conversation was closed');
    })();
    const blame = `a${inspection.findings.findIndex((f: { rule: string }) => f.rule === 'forbidden.blame')}`;
    expect(blame).not.toBe('a-1');

    await supervisor.getByTestId('nav-qa').click();
    const row = supervisor.locator(`[data-testid="qa-row"][data-inspection-id="${inspection.id}"]`);
    await row.waitFor();
    expect((await row.getByTestId('qa-row-score').textContent())?.trim()).toContain(String(inspection.finalScore));
    await row.click();
    const detail = supervisor.getByTestId('qa-detail');
    await detail.waitFor();
    expect((await detail.getByTestId('qa-finding-mark').first().textContent())?.trim()).toBe('不归我管');
    const finding = detail.locator(`[data-testid="qa-finding"][data-key="${blame}"]`);
    expect(await finding.getAttribute('data-standing')).toBe('true');
    expect(await finding.getByTestId('qa-finding-suggestion').textContent()).toBeTruthy();
    expect((await detail.getByTestId('qa-final-score').textContent())?.trim()).toBe(String(inspection.finalScore));
    expect(await seriousAxe(supervisor)).toEqual([]);
    await supervisor.keyboard.press('Escape');
    await detail.waitFor({ state: 'hidden' });

    // the agent appeals from 我的质检
    await agentPage.getByTestId('nav-qa').click();
    await agentPage.locator(`[data-testid="qa-row"][data-inspection-id="${inspection.id}"]`).click();
    const mine = agentPage.getByTestId('qa-detail');
    await mine.locator(`[data-testid="qa-finding"][data-key="${blame}"]`).getByTestId('qa-appeal').click();
    await agentPage.getByTestId('qa-appeal-reason').fill('我随后帮客户联系了快递，整段对话并没有推诿');
    await agentPage.getByTestId('qa-appeal-submit').click();
    await expect.poll(() => mine.getByTestId('qa-appeal-status').first().textContent(), { timeout: 15_000 }).toContain('待处理');

    // the supervisor is told, opens the appeal from the alert, and accepts it
    const appealAlert = supervisor.locator('[data-testid="qa-alert"][data-kind="qa_appeal"]');
    await appealAlert.waitFor({ timeout: 30_000 });
    await appealAlert.getByTestId('qa-alert-open').click();
    const decide = supervisor.getByTestId('qa-detail');
    await decide.waitFor();
    expect(supervisor.url()).toContain(`inspection=${inspection.id}`);
    await decide.getByTestId('qa-appeal-accept').click();
    await expect.poll(() => decide.getByTestId('qa-appeal-status').first().textContent(), { timeout: 15_000 }).toContain('已采纳');
    const after = (await api('GET', `/api/v1/inspections/${inspection.id}`)).inspection;
    expect(after.finalScore).toBeGreaterThan(inspection.finalScore);
    expect(after.score).toBe(inspection.score);
    await expect.poll(async () => (await decide.getByTestId('qa-final-score').textContent())?.trim(), { timeout: 15_000 }).toBe(String(after.finalScore));
    expect(await decide.locator(`[data-testid="qa-finding"][data-key="${blame}"]`).getAttribute('data-standing')).toBe('false');

    // and the agent hears the outcome
    await agentPage.locator('[data-testid="qa-alert"][data-kind="qa_appeal"]').waitFor({ timeout: 30_000 });
    await supervisorCtx.close();
    await agentCtx.close();
  });
});
