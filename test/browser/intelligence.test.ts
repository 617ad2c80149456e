import { describe, expect, it } from 'vitest';
import { logIn } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/suite.js';

/**
 * Issue 14's acceptance walk, end to end in Chromium, on the embedded default: in a 机器人优先
 * inbox a visitor asks a paraphrase and gets the right answer from the 知识库, asks something
 * vague and gets 您是不是想问 chips, then writes an angry complaint with a 12315 threat and is
 * handed to an agent, who sees the bot's history, its one-line summary, the anger badge, the
 * 监管投诉 tag and the coaching card; typing 这不归我管 shows the 禁语 warning and a rewrite;
 * `/` opens the quick replies.
 */
describe('browser: 数智 — the bot answers, hands an angry customer over, and the agent is assisted', () => {
  const { server, browser } = useServerAndBrowser('intelligence');

  it('paraphrase → answer; vague → chips; complaint + 12315 → agent with history, summary, badge, tag, coaching; 禁语 warning; / quick replies', { timeout: 180_000 }, async () => {
    const admin = await server.login();
    const api = async (method: string, url: string, body?: unknown) => {
      const r = await server.json(method, url, { token: admin, body });
      if (r.status >= 400) throw new Error(`${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const [inbox] = (await api('GET', '/api/v1/inboxes')).inboxes;
    await api('PATCH', `/api/v1/inboxes/${inbox.id}/reception`, { mode: 'bot_first', preChat: { enabled: false, topics: [] } });
    const articles = [
      { question: '怎么申请退款', similarQuestions: ['如何退款', '退款在哪里申请'], answer: '在“我的订单”里选择该订单，点击“申请退款”即可。', category: '售后' },
      { question: '退款多久到账', similarQuestions: ['退款什么时候到', '钱多久能退回来'], answer: '审核通过后 1-3 个工作日原路退回。', category: '售后' },
      { question: '怎么开发票', similarQuestions: ['如何开具发票', '发票在哪里申请'], answer: '在订单详情页点击“申请发票”，电子发票会发到您的邮箱。', category: '发票' },
      { question: '门店营业时间', similarQuestions: ['你们几点开门', '几点关门'], answer: '门店每天 9:00-21:00 营业。', category: '门店' },
    ];
    for (const a of articles) await api('POST', '/api/v1/knowledge/articles', a);
    await api('POST', '/api/v1/canned-replies', { scope: 'team', title: '安抚致歉', category: '投诉', content: '{customerName}您好，非常抱歉给您添麻烦了，我是工号 {agentNo}，马上为您处理。' });

    // the agent is on duty in the console before the customer asks for a person
    const agentCtx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    const agent = await agentCtx.newPage();
    await logIn(agent, server.url);

    const visitorCtx = await browser.newContext({ locale: 'zh-CN' });
    const visitor = await visitorCtx.newPage();
    await visitor.goto(`${server.url}/demo`);
    await visitor.locator('[data-zk="launcher"]').click();
    const input = visitor.locator('[data-zk="input"]');
    const bot = visitor.locator('[data-zk="message"][data-sender="bot"]');
    const say = async (text: string) => {
      const before = await bot.count();
      await input.fill(text);
      await input.press('Enter');
      await expect.poll(() => bot.count(), { timeout: 30_000 }).toBeGreaterThan(before);
    };

    // a paraphrase none of the article's questions spells out: the bot answers with the article
    await say('我想把钱退了，在哪弄');
    expect(await bot.last().locator('[data-zk="text"]').textContent()).toBe(articles[0].answer);

    // vague: chips to choose from, and a click answers
    await say('我想问下退款');
    const chips = visitor.locator('[data-zk="choices"] [data-zk="choice"]');
    await expect.poll(() => chips.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    expect(await chips.allTextContents()).toEqual(expect.arrayContaining(['怎么申请退款', '退款多久到账']));
    const answers = await bot.count();
    await chips.filter({ hasText: '退款多久到账' }).click();
    await expect.poll(() => bot.count(), { timeout: 20_000 }).toBeGreaterThan(answers);
    expect(await bot.last().locator('[data-zk="text"]').textContent()).toBe(articles[1].answer);

    // angry, a complaint, and a regulator threat: handed to a person, and told so
    await say('我要投诉，太差了，再不解决我就去12315');
    expect(await bot.last().locator('[data-zk="text"]').textContent()).toMatch(/人工|客服/);

    // the agent: the conversation is theirs, with the bot's history and its summary
    const [conv] = (await api('GET', '/api/v1/conversations?status=open&assignee=all&limit=10')).conversations.filter((c: any) => c.handler === 'human');
    expect(conv).toBeTruthy();
    await agent.goto(`${server.url}/conversations/${conv.id}`);
    const view = agent.locator('.conv-view');
    const botLines = view.locator('[data-testid="message"][data-sender-type="bot"]');
    await expect.poll(() => botLines.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    expect(await view.locator('[data-testid="message"]').filter({ hasText: articles[0].answer }).count()).toBe(1);
    const summary = view.locator('[data-testid="message"]').filter({ hasText: '机器人小结' });
    await expect.poll(() => summary.count(), { timeout: 20_000 }).toBe(1);
    expect(await summary.textContent()).toMatch(/投诉/);
    expect(await summary.textContent()).toMatch(/愤怒/);
    expect(await summary.textContent()).toMatch(/监管/);
    // the customer never sees the note
    expect(await visitor.locator('[data-zk="message"]').filter({ hasText: '机器人小结' }).count()).toBe(0);

    // the anger badge (conversation and message), the regulator tag, the coaching card at step 1
    const header = view.locator('.conv-header');
    await expect.poll(() => header.getByTestId('conv-emotion-badge').getAttribute('data-emotion'), { timeout: 20_000 }).toBe('anger');
    expect(await header.locator('[data-testid="signal-tag"][data-signal="regulator"]').textContent()).toContain('监管投诉');
    const threat = view.locator('[data-testid="message"][data-sender-type="customer"]').filter({ hasText: '12315' });
    expect(await threat.getByTestId('message-emotion-badge').getAttribute('data-emotion')).toBe('anger');
    const card = view.getByTestId('coaching-card');
    await expect.poll(() => card.getAttribute('data-step'), { timeout: 15_000 }).toBe('1');
    expect(await card.locator('.coach-title').textContent()).toContain('第 1 步');

    // 禁语: a warning and a rewrite in one of the polite patterns; applying it replaces the words
    const reply = agent.getByTestId('reply-input');
    await reply.fill('这不归我管');
    const warning = agent.getByTestId('forbidden-warning');
    await warning.waitFor({ timeout: 15_000 });
    expect(await warning.textContent()).toContain('推诿');
    await agent.getByTestId('forbidden-apply').first().click();
    expect(await reply.inputValue()).toMatch(/^(我会|我理解|您可以|您能)/);
    await warning.waitFor({ state: 'detached', timeout: 10_000 });

    // `/` opens the quick replies; Enter inserts one with its variables filled
    await reply.fill('');
    await reply.pressSequentially('/');
    await agent.getByTestId('quick-replies').waitFor();
    await expect.poll(() => agent.getByTestId('quick-reply').allTextContents(), { timeout: 10_000 }).toContainEqual(expect.stringContaining('安抚致歉'));
    await agent.keyboard.press('Enter');
    await agent.getByTestId('quick-replies').waitFor({ state: 'detached' });
    expect(await reply.inputValue()).toMatch(/非常抱歉给您添麻烦了，我是工号 \d+，马上为您处理。$/);

    await visitorCtx.close();
    await agentCtx.close();
  });
});
