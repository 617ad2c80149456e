import { describe, expect, it } from 'vitest';
import { pinyinKeys } from '../../lib/pinyin.js';
import { cannedMatches, filterCanned, renderCannedReply } from './canned.js';
import { applyRewrite } from './rewrite.js';

const reply = (title: string, extra: { shortcut?: string; category?: string; content?: string } = {}) => ({
  title,
  content: extra.content ?? title,
  shortcut: extra.shortcut ?? null,
  category: extra.category ?? null,
  ...pinyinKeys(title, extra.category),
});

describe('快捷回复 variables', () => {
  it('fills {agentNo}, {name} as the automatic replies do, and {customerName}', () => {
    expect(renderCannedReply('{customerName}您好，工号 {agentNo} {name} 为您服务', { agentNo: '1024', name: '小王', customerName: '张先生' })).toBe('张先生您好，工号 1024 小王 为您服务');
  });
  it('drops the 工号 label with a missing 工号, keeps line breaks and unknown {words}', () => {
    expect(renderCannedReply('您好，工号：{agentNo}，{name} 为您服务\n订单 {orderNo}', { agentNo: null, name: '小李' })).toBe('您好，小李 为您服务\n订单 {orderNo}');
    expect(renderCannedReply('{customerName}您好', { customerName: null })).toBe('您好');
  });
});

describe('快捷回复 matching', () => {
  const list = [reply('退款流程', { category: '售后', content: '退款会在 1-3 个工作日原路退回' }), reply('问候语', { shortcut: 'hi' }), reply('银行卡绑定')];
  it('matches pinyin initials, full pinyin, Chinese, shortcut and content', () => {
    expect(filterCanned(list, 'tk').map((r) => r.title)).toEqual(['退款流程']);
    expect(filterCanned(list, 'tuikuan').map((r) => r.title)).toEqual(['退款流程']);
    expect(filterCanned(list, 'yhk').map((r) => r.title)).toEqual(['银行卡绑定']); // 银行: yin hang, not yin xing
    expect(filterCanned(list, 'sh').map((r) => r.title)).toEqual(['退款流程']); // its category 售后
    expect(filterCanned(list, 'hi').map((r) => r.title)).toEqual(['问候语']);
    expect(filterCanned(list, '原路').map((r) => r.title)).toEqual(['退款流程']);
    expect(filterCanned(list, '').length).toBe(3);
    expect(cannedMatches(list[2], 'zzz')).toBe(false);
  });
});

describe('applying a 禁语 rewrite', () => {
  it('replaces the sentence the finding is in and keeps the others', () => {
    const s = '我会帮您联系相关同事核实，今天内给您答复。';
    expect(applyRewrite('这不归我管', [1, 5], s)).toBe(s);
    expect(applyRewrite('您好！这不归我管。请稍等', [4, 8], s)).toBe(`您好！${s}请稍等`);
  });
});
