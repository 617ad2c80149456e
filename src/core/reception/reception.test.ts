import { describe, expect, it } from 'vitest';
import { asksForHuman, builtInReply, foldWidth, handoff, receive, renderTemplate, statesGrievance, type ReceptionMode } from './reception.js';

const all = (mode: ReceptionMode) => ({
  open: receive({ mode, withinHours: true, agentsOnDuty: true }),
  noAgents: receive({ mode, withinHours: true, agentsOnDuty: false }),
  closed: receive({ mode, withinHours: false, agentsOnDuty: true }),
});

describe('reception modes', () => {
  it('仅人工: people in hours with agents on duty, 留言 otherwise', () => {
    expect(all('human_only')).toEqual({ open: 'human', noAgents: 'offline', closed: 'offline' });
  });
  it('仅机器人 and 机器人优先: the bot always answers first', () => {
    expect(all('bot_only')).toEqual({ open: 'bot', noAgents: 'bot', closed: 'bot' });
    expect(all('bot_first')).toEqual({ open: 'bot', noAgents: 'bot', closed: 'bot' });
  });
  it('人工优先: people when possible, the bot takes over when nobody is on duty or after hours', () => {
    expect(all('human_first')).toEqual({ open: 'human', noAgents: 'bot', closed: 'bot' });
  });
  it('转人工 hands over to people when possible, otherwise 留言; never in a bot-only inbox', () => {
    expect(handoff({ mode: 'bot_first', withinHours: true, agentsOnDuty: true })).toBe('human');
    expect(handoff({ mode: 'bot_first', withinHours: false, agentsOnDuty: true })).toBe('offline');
    expect(handoff({ mode: 'human_first', withinHours: true, agentsOnDuty: false })).toBe('offline');
    expect(handoff({ mode: 'bot_only', withinHours: true, agentsOnDuty: true })).toBe('bot');
  });
});

describe('the customer asking for a person', () => {
  it('recognises the phrases customers type, full-width included', () => {
    for (const t of ['转人工', '我要转人工!', '人工', '人工客服', '找人工', 'ｈｕｍａｎ', 'I want a real person', 'agent please']) {
      expect(asksForHuman(t), t).toBe(true);
    }
    for (const t of ['人工智能是什么', '你好', '订单查询']) expect(asksForHuman(t), t).toBe(false);
  });
  it('a grievance in so many words (with the complaint intent it goes to people even when calm)', () => {
    for (const t of ['我要投诉你们的快递员', '不给个说法我就给差评', '这得赔偿我', 'I want to complain']) expect(statesGrievance(t), t).toBe(true);
    for (const t of ['退款的问题', '发票怎么开', '问一下退款的事情']) expect(statesGrievance(t), t).toBe(false);
  });
  it('folds full-width characters', () => {
    expect(foldWidth('ＡＢＣ１２３　！')).toBe('ABC123 !');
  });
});

describe('built-in responder and templates', () => {
  it('greets and says how to reach a person, in the inbox language', () => {
    expect(builtInReply('你好', 'zh-CN', true)).toMatch(/转人工/);
    expect(builtInReply('你好', 'zh-CN', false)).not.toMatch(/转人工/);
    expect(builtInReply('hello', 'en', true)).toMatch(/human/);
  });
  it('fills the agent-joined template', () => {
    expect(renderTemplate('工号 {agentNo} {name} 为您服务', { agentNo: '1024', name: '小王' })).toBe('工号 1024 小王 为您服务');
    // no 工号: its label goes with it, never "工号 小王 为您服务"
    expect(renderTemplate('工号 {agentNo} {name} 为您服务', { agentNo: null, name: '小王' })).toBe('小王 为您服务');
    expect(renderTemplate('工号：{agentNo}，{name} 为您服务', { agentNo: '', name: '小王' })).toBe('小王 为您服务');
    expect(renderTemplate('{name} (No. {agentNo}) is here to help', { agentNo: null, name: 'Li' })).toBe('Li is here to help');
  });
});
