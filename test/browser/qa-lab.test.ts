import { describe, expect, it } from 'vitest';
import { logIn } from '../helpers/browser.js';
import { seriousAxe } from '../helpers/axe.js';
import { useServerAndBrowser } from '../helpers/suite.js';


/**
 * 规则实验室 in Chromium: an admin pastes a transcript in which the agent pushes the matter
 * onto the courier and evades the 工号, and sees the score zeroed (一票否决), the 推诿 finding
 * under that message with the words marked, and the 工号 finding; a well-served transcript
 * scores 100 with no findings. A plain agent has no link to the page. axe finds nothing serious.
 */
describe('browser: 规则实验室 — a pasted transcript inspected by the 质检 rules', () => {
  const { server, browser } = useServerAndBrowser('qa-lab');


  it('a bad transcript: 0, 一票否决, 推诿 marked under its message, 工号 refused; a good one: 100, no findings; agents see no link', { timeout: 120_000 }, async () => {
    const admin = await server.login();
    const created = await server.json('POST', '/api/v1/agents', { token: admin, body: { email: 'plain@shop.test', name: '普通小张', password: 'agent-pass-123', role: 'agent' } });
    expect(created.status).toBeLessThan(300);
    // The lab reads on the analysis thread, which runs below the server's priority and starts with the
    // server: on a machine busy with other test files its first answer can take a while. Wait for it
    // here, so the clicks below measure the page, not the thread's start.
    const first = await server.json('POST', '/api/v1/inspections/preview', { token: admin, body: { messages: [{ role: 'agent', content: '您好，很高兴为您服务。' }] } });
    expect(first.status).toBe(200);

    // bypassCSP: axe is added as a script tag
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const p = await ctx.newPage();
    await logIn(p, server.url);
    await p.getByTestId('nav-qa-lab').click();
    await p.waitForURL(/\/admin\/qa-lab$/);
    const text = p.getByTestId('qa-lab-text');
    await text.waitFor();
    expect(await p.locator('h1').count()).toBe(1);
    expect(await p.locator('h1').textContent()).toBe('规则实验室');
    const run = p.getByTestId('qa-lab-run');
    expect(await run.isDisabled()).toBe(true);
    // 会话已结束: on by default
    expect(await p.getByTestId('qa-lab-closed').getAttribute('aria-checked')).toBe('true');

    // the agent pushes the matter onto the courier and evades the 工号
    await text.fill(
      ['10:00:05 客户：我的快递三天了还没到，你们怎么回事！', '10:00:30 客服：这个不归我们管，你去问快递公司吧。', '10:01:00 客户：你工号多少？', '10:01:20 客服：你问这个干什么'].join('\n'),
    );
    expect(await run.isDisabled()).toBe(false);
    await run.click();
    const score = p.getByTestId('qa-lab-score');
    await expect.poll(() => score.textContent(), { timeout: 30_000 }).toBe('0');
    expect(await p.getByTestId('qa-lab-vetoed').textContent()).toBe('一票否决');
    const result = p.getByTestId('qa-lab-result');
    expect(await result.getAttribute('aria-live')).toBe('polite');

    const messages = p.getByTestId('qa-lab-message');
    expect(await messages.count()).toBe(4);
    const blamed = p.locator('[data-testid="qa-lab-message"][data-index="1"]');
    expect(await blamed.textContent()).toContain('这个不归我们管，你去问快递公司吧。');
    const blame = blamed.locator('[data-testid="qa-lab-finding"][data-rule="forbidden.blame"]');
    expect(await blame.count()).toBe(1);
    expect(await blame.textContent()).toContain('推诿');
    expect(await blame.textContent()).toMatch(/建议：/);
    const marks = await blamed.locator('mark').allTextContents();
    expect(marks.some((m) => m.includes('不归我们管'))).toBe(true);

    const refused = p.locator('[data-testid="qa-lab-finding"][data-rule="identity.refused"]');
    expect(await refused.count()).toBe(1);
    expect(await refused.textContent()).toContain('拒绝提供工号');
    expect(await p.locator('[data-testid="qa-lab-message"][data-index="3"] [data-testid="qa-lab-finding"][data-rule="identity.refused"]').count()).toBe(1);
    // what is missing from the conversation as a whole: above the transcript, in Chinese
    const overall = p.getByTestId('qa-lab-overall').getByTestId('qa-lab-finding');
    expect(await overall.count()).toBeGreaterThan(0);
    expect(await p.getByTestId('qa-lab-overall').locator('[data-rule="opening.greeting"]').textContent()).toContain('未问候');
    expect(await p.getByTestId('qa-lab-dimensions').textContent()).toContain('服务禁语');
    expect(await seriousAxe(p)).toEqual([]);

    // a well-served conversation: greeting with a name, the answer, anything else, a closed question, farewell
    await text.fill(
      [
        '客户：你好，我想问一下退货运费谁出？',
        '客服：您好，我是客服小王，很高兴为您服务。',
        '客服：七天无理由退货的运费由您承担，质量问题的运费由我们承担。',
        '客户：好的，明白了。',
        '客服：还有其他可以帮您的吗？',
        '客户：没有了，谢谢。',
        '客服：请问您对这次的解答满意吗？',
        '客户：满意。',
        '客服：感谢您的咨询，再见！',
      ].join('\n'),
    );
    await run.click();
    await expect.poll(() => score.textContent(), { timeout: 30_000 }).toBe('100');
    await expect.poll(() => messages.count()).toBe(9);
    expect(await p.getByTestId('qa-lab-finding').count()).toBe(0);
    expect(await p.getByTestId('qa-lab-vetoed').count()).toBe(0);
    expect(await result.locator('mark').count()).toBe(0);

    // the example fills a transcript that has findings
    await p.getByTestId('qa-lab-example').click();
    expect(await text.inputValue()).toContain('不归我们管');
    await run.click();
    await expect.poll(() => score.textContent(), { timeout: 30_000 }).toBe('0');
    expect(await p.locator('[data-testid="qa-lab-finding"][data-rule="forbidden.blame"]').count()).toBe(1);
    await ctx.close();

    // a plain agent: no link to the lab, and the page itself is forbidden
    const agentCtx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const a = await agentCtx.newPage();
    await logIn(a, server.url, 'plain@shop.test', 'agent-pass-123');
    await a.getByTestId('nav-knowledge').waitFor();
    expect(await a.getByTestId('nav-qa-lab').count()).toBe(0);
    await a.goto(`${server.url}/admin/qa-lab`);
    await a.getByText('403').first().waitFor();
    expect(await a.getByTestId('qa-lab-text').count()).toBe(0);
    await agentCtx.close();
  });
});
