import { describe, expect, it } from 'vitest';
import type { Analysis } from '../nlp/types.js';
import { chooseSheet, compileQaPack, DEFAULT_SHEET, inspectTranscript, scoreFindings, type QaMessage, type QaPack } from './index.js';

/**
 * The rule engine on a hand-made pack and hand-made analyses (no NLP engine): each
 * condition, scope and rule kind, the score, and the pack's validation.
 */
const analysis = (over: Partial<Analysis> = {}): Analysis => ({
  tokens: [],
  intent: { label: 'consult', confidence: 0.9 },
  emotion: { label: 'neutral', intensity: 0 },
  signals: [],
  forbidden: [],
  ...over,
});

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

function run(pack: Partial<QaPack> & Pick<QaPack, 'rules'>, messages: (QaMessage & { a?: Partial<Analysis> })[], closed = true) {
  const compiled = compileQaPack({ locale: 'zh-CN', version: 't', phrases: { hello: ['您好', '你好'], bye: ['再见'] }, ...pack });
  return inspectTranscript(
    { messages, texts: messages.map((m) => m.content.toLowerCase()), analyses: messages.map((m) => (m.role === 'system' ? null : analysis(m.a))), closed },
    compiled,
  );
}

describe('质检 rule engine', () => {
  it('message rules: keywords any / all / at least N / none, patterns with gaps, and/or/not; a span on the words', () => {
    const rule = (when: object, id = 'x.rule') => ({ id, kind: 'message', severity: 'minor', scope: { role: 'agent' }, when });
    const msgs: QaMessage[] = [
      { role: 'customer', content: '这不是你们负责的吗' },
      { role: 'agent', content: '这个不是我们部门负责的' },
      { role: 'agent', content: '您好，我来帮您查' },
    ];
    const fired = (when: object) => run({ rules: [rule(when)] as never }, msgs).map((f) => f.messageIndex);
    expect(fired({ keywords: ['负责', '部门'], mode: 'all' })).toEqual([1]);
    expect(fired({ keywords: ['负责', '帮您', '查'], atLeast: 2 })).toEqual([2]);
    expect(fired({ keywords: ['负责'], mode: 'none' })).toEqual([2]);
    expect(fired({ pattern: '不是.{0,6}负责' })).toEqual([1]);
    expect(fired({ allOf: [{ phrases: 'hello' }, { not: { keywords: ['负责'] } }] })).toEqual([2]);
    expect(fired({ anyOf: [{ pattern: '部门' }, { phrases: 'hello' }] })).toEqual([1, 2]);
    // at least N of the listed conditions
    expect(fired({ atLeast: 2, of: [{ keywords: ['帮您'] }, { keywords: ['查'] }, { keywords: ['部门'] }] })).toEqual([2]);
    expect(fired({ atLeast: 3, of: [{ keywords: ['帮您'] }, { keywords: ['查'] }, { keywords: ['部门'] }] })).toEqual([]);
    expect(() => run({ rules: [rule({ atLeast: 3, of: [{ phrases: 'hello' }] })] as never }, msgs)).toThrow(/atLeast/);
    const [f] = run({ rules: [rule({ pattern: '不是.{0,6}负责' })] as never }, msgs);
    expect(f).toMatchObject({ rule: 'x.rule', category: 'x', messageIndex: 1, excerpt: '不是我们部门负责', span: [2, 10] });
  });

  it('scopes: a role, the first or last N, after an anchor; emotion and intent conditions read the analysis', () => {
    const msgs: (QaMessage & { a?: Partial<Analysis> })[] = [
      { role: 'agent', content: '请问有什么可以帮您' },
      { role: 'customer', content: '气死了', a: { emotion: { label: 'anger', intensity: 0.9 }, intent: { label: 'complaint', confidence: 0.8 } } },
      { role: 'agent', content: '请提供订单号' },
      { role: 'agent', content: '再见' },
    ];
    const ids = (scope: object, when: object = { keywords: ['请'] }) =>
      run({ rules: [{ id: 'x.y', kind: 'message', severity: 'minor', scope, when }] as never }, msgs).map((f) => f.messageIndex);
    expect(ids({ role: 'agent' })).toEqual([0, 2]);
    expect(ids({ role: 'agent', first: 1 })).toEqual([0]);
    expect(ids({ role: 'agent', last: 2 })).toEqual([2]);
    expect(ids({ role: 'agent', after: { emotion: ['anger'], minIntensity: 0.5 } })).toEqual([2]);
    expect(ids({ role: 'agent', after: { emotion: ['anger'], minIntensity: 0.95 } })).toEqual([]);
    expect(ids({ role: 'customer' }, { intent: ['complaint'], minConfidence: 0.7 })).toEqual([1]);
    expect(ids({ role: 'customer' }, { intent: ['complaint'], minConfidence: 0.9 })).toEqual([]);
  });

  it('absence rules: something missing, only where it applies; the platform’s joined line and a welcome after it count for the agent', () => {
    const greeting = { id: 'opening.greeting', kind: 'absence', severity: 'minor', scope: { role: 'agent', first: 1 }, when: { phrases: 'hello' }, satisfiedBySystem: 'welcome_after_joined' };
    const bye = { id: 'closing.farewell', kind: 'absence', severity: 'minor', closedOnly: true, scope: { role: 'agent', last: 2 }, when: { phrases: 'bye' } };
    const ordered = { ...bye, id: 'closing.summary', when: { keywords: ['确认'] }, appliesIf: [{ role: 'customer', when: { keywords: ['订'] } }] };
    const rules = [greeting, bye, ordered] as never;
    const plain: QaMessage[] = [
      { role: 'customer', content: '我想订票' },
      { role: 'agent', content: '好的' },
    ];
    expect(run({ rules }, plain).map((f) => [f.rule, f.messageIndex])).toEqual([
      ['opening.greeting', null],
      ['closing.farewell', null],
      ['closing.summary', null],
    ]);
    // still going on: the closing rules wait; a welcome before the agent joined is not theirs
    const welcomedEarly: QaMessage[] = [{ role: 'system', kind: 'welcome', content: '您好' }, { role: 'system', kind: 'joined', content: '工号 1 小王' }, ...plain];
    expect(run({ rules }, welcomedEarly, false).map((f) => f.rule)).toEqual(['opening.greeting']);
    const welcomedAfter: QaMessage[] = [{ role: 'system', kind: 'joined', content: '工号 1 小王' }, { role: 'system', kind: 'welcome', content: '您好' }, { role: 'customer', content: '问一下' }, { role: 'agent', content: '好的，再见' }];
    expect(run({ rules }, welcomedAfter)).toEqual([]);
    // exceptIf: not where a message in that scope matches (the customer's last words, say)
    const unlessGaveUp = { ...ordered, exceptIf: [{ scope: { role: 'customer', last: 1 }, when: { keywords: ['算了'] } }] };
    expect(run({ rules: [unlessGaveUp] as never }, plain).map((f) => f.rule)).toEqual(['closing.summary']);
    expect(run({ rules: [unlessGaveUp] as never }, [...plain, { role: 'customer', content: '算了' }])).toEqual([]);
    expect(() => run({ rules: [{ ...unlessGaveUp, exceptIf: [{ scope: { role: 'customer' }, when: { phrases: 'nope' } }] }] as never }, plain)).toThrow(/nope/);
    // a bot-only conversation: agent rules do not apply
    expect(run({ rules }, [{ role: 'customer', content: '订票' }, { role: 'bot', content: '好的' }])).toEqual([]);
  });

  it('禁语 come from the shared analysis, one finding per agent message, with its span and rewrite', () => {
    const rules = [{ id: 'forbidden.blame', kind: 'forbidden', category: 'blame', severity: 'major' }] as never;
    const found = run({ rules }, [
      { role: 'customer', content: '不归你管吗', a: { forbidden: [] } },
      { role: 'agent', content: '这不归我管', a: { forbidden: [{ category: 'blame', span: [1, 5], text: '不归我管', suggestion: '我来帮您联系', pattern: 'willingness' }] } },
      { role: 'agent', content: '我来看看', a: { forbidden: [{ category: 'impatience', span: [0, 1], text: '我', suggestion: 's', pattern: 'reason' }] } },
    ]);
    expect(found).toEqual([
      { rule: 'forbidden.blame', category: 'forbidden', severity: 'major', messageIndex: 1, excerpt: '不归我管', span: [1, 5], suggestion: '我来帮您联系' },
    ]);
  });

  it('timing: first response, the longest reply gap, the wait apology; messages without a timestamp are skipped', () => {
    const rules = [
      { id: 'timing.first_response', kind: 'builtin', check: 'first_response', seconds: 60, severity: 'major' },
      { id: 'timing.reply_gap', kind: 'builtin', check: 'reply_gap', seconds: 180, severity: 'minor' },
      { id: 'opening.apology_for_wait', kind: 'builtin', check: 'wait_apology', seconds: 60, severity: 'minor' },
    ] as never;
    const phrases = { hello: ['您好'], bye: ['再见'], wait_apology: ['久等'] };
    const late: QaMessage[] = [
      { role: 'customer', content: '在吗', at: at(0) },
      { role: 'customer', content: '人呢', at: at(30) },
      { role: 'agent', content: '您好', at: at(75) },
      { role: 'customer', content: '我的订单', at: at(80) },
      { role: 'agent', content: '我看看', at: at(300) },
      { role: 'customer', content: '好', at: at(310) },
      { role: 'agent', content: '查到了', at: at(320) },
    ];
    expect(run({ phrases, rules }, late).map((f) => [f.rule, f.messageIndex, f.detail])).toEqual([
      ['timing.first_response', 2, '75 s'],
      ['timing.reply_gap', 4, '220 s'],
      ['opening.apology_for_wait', 2, '75 s'],
    ]);
    const apologised = late.map((m, i) => (i === 2 ? { ...m, content: '您好，让您久等了' } : m));
    expect(run({ phrases, rules }, apologised).map((f) => f.rule)).toEqual(['timing.first_response', 'timing.reply_gap']);
    expect(run({ phrases, rules }, late.map((m) => ({ ...m, at: null })))).toEqual([]);
  });

  it('scores: points off by severity or by rule, a critical finding zeroes the sheet, dimensions by category', () => {
    const f = (rule: string, severity: 'minor' | 'major' | 'critical') => ({ rule, category: rule.split('.')[0], severity, messageIndex: null, excerpt: '', span: null, suggestion: null });
    expect(scoreFindings([f('opening.greeting', 'minor'), f('forbidden.blame', 'major'), f('forbidden.refusal', 'major')])).toEqual({
      score: 88,
      vetoed: false,
      dimensions: [
        { category: 'opening', deducted: 2, findings: 1 },
        { category: 'forbidden', deducted: 10, findings: 2 },
      ],
    });
    expect(scoreFindings([f('opening.greeting', 'minor')], { id: 's', name: 's', bySeverity: { minor: 2, major: 5 }, byRule: { 'opening.greeting': 10 } }).score).toBe(90);
    expect(scoreFindings([f('identity.refused', 'critical')])).toMatchObject({ score: 0, vetoed: true });
    expect(scoreFindings(Array.from({ length: 30 }, () => f('forbidden.blame', 'major'))).score).toBe(0);
  });

  it('sheets: the first choice matching the inbox, channel and intents, else the first sheet; rules with their own points', () => {
    const chat = { id: 'chat', name: '在线', bySeverity: { minor: 2, major: 5 } };
    const complaint = { id: 'complaint', name: '投诉', bySeverity: { minor: 2, major: 8 }, byRule: { 'complaint.steps': 15 } };
    const phone = { id: 'phone', name: '电话', bySeverity: { minor: 1, major: 5 }, byRule: { 'timing.reply_gap': 0 } };
    const vip = { id: 'vip', name: 'VIP', bySeverity: { minor: 5, major: 10 } };
    const sheets = [chat, complaint, phone, vip];
    const choices = [{ sheet: 'phone', channels: ['phone'] }, { sheet: 'vip', inboxIds: [7], intents: ['complaint' as const] }, { sheet: 'complaint', intents: ['complaint' as const] }];
    expect(chooseSheet(sheets, choices, {}).id).toBe('chat');
    expect(chooseSheet(sheets, choices, { intents: ['consult'] }).id).toBe('chat');
    expect(chooseSheet(sheets, choices, { intents: ['consult', 'complaint'] }).id).toBe('complaint');
    expect(chooseSheet(sheets, choices, { inboxId: 7, intents: ['complaint'] }).id).toBe('vip');
    expect(chooseSheet(sheets, choices, { inboxId: 7 }).id).toBe('chat'); // all it names must match
    expect(chooseSheet(sheets, choices, { channel: 'phone', intents: ['complaint'] }).id).toBe('phone');
    const f = (rule: string, severity: 'minor' | 'major') => ({ rule, category: rule.split('.')[0], severity, messageIndex: null, excerpt: '', span: null, suggestion: null });
    expect(scoreFindings([f('complaint.steps', 'major'), f('forbidden.blame', 'major')], complaint).score).toBe(77);
    expect(scoreFindings([f('timing.reply_gap', 'minor'), f('opening.greeting', 'minor')], phone)).toMatchObject({ score: 99, dimensions: [{ category: 'timing', deducted: 0, findings: 1 }, { category: 'opening', deducted: 1, findings: 1 }] });
    // a pack without sheets scores on the default chat sheet
    expect(compileQaPack({ locale: 'zh-CN', version: '1', phrases: {}, rules: [] }).pack.sheets).toEqual([DEFAULT_SHEET]);
  });

  it('a pack that refers to what it does not define is refused with the place named', () => {
    const pack = (rules: object[], phrases: Record<string, string[]> = { hello: ['您好'] }) => () => compileQaPack({ locale: 'zh-CN', version: '1', phrases, rules });
    expect(pack([{ id: 'a.b', kind: 'message', severity: 'minor', scope: { role: 'agent' }, when: { phrases: 'nope' } }])).toThrow(/a\.b: no phrase list named "nope"/);
    expect(pack([{ id: 'a.b', kind: 'builtin', check: 'identity_refused', severity: 'critical' }])).toThrow(/needs a phrase list named "asks_identity"/);
    expect(pack([{ id: 'a.b', kind: 'message', severity: 'minor', scope: { role: 'agent' }, when: { pattern: '(' } }])).toThrow(/a\.b: pattern "\("/);
    const withSheets = (extra: object) => () => compileQaPack({ locale: 'zh-CN', version: '1', phrases: {}, rules: [{ id: 'a.b', kind: 'builtin', check: 'first_response', severity: 'minor' }], ...extra });
    expect(withSheets({ sheets: [{ id: 's', name: 'S', bySeverity: { minor: 1, major: 2 }, byRule: { 'x.y': 3 } }] })).toThrow(/sheet s gives points to x\.y/);
    expect(withSheets({ sheetFor: [{ sheet: 'nope', intents: ['complaint'] }] })).toThrow(/sheetFor names nope/);
    expect(withSheets({ sheets: [{ id: 's', name: 'S', bySeverity: { minor: 1, major: 2 } }, { id: 's', name: 'T', bySeverity: { minor: 1, major: 2 } }] })).toThrow(/two sheets are named s/);
    expect(withSheets({ sheets: [] })).toThrow();
    expect(pack([
      { id: 'a.b', kind: 'forbidden', category: 'blame', severity: 'major' },
      { id: 'a.b', kind: 'forbidden', category: 'refusal', severity: 'major' },
    ])).toThrow(/two rules are named a\.b/);
    expect(pack([{ id: 'Bad', kind: 'forbidden', category: 'blame', severity: 'major' }])).toThrow(/category\.name/);
  });
});

describe('a transcript pasted as text', () => {
  it('reads speakers in Chinese or English, optional times, continuation lines and the joined line', async () => {
    const { parseTranscriptText } = await import('./transcript-text.js');
    const { messages, ignored } = parseTranscriptText(
      ['（聊天记录）', '10:00:00 客户：在吗', '[10:00:05] 系统：工号 1024 小王 为您服务', '10:01:30 客服: 您好', '请问有什么可以帮您？', 'customer: 查订单', '机器人：好的'].join('\n'),
    );
    expect(ignored).toBe(1);
    expect(messages).toEqual([
      { role: 'customer', content: '在吗', at: '2026-01-01T10:00:00+08:00' },
      { role: 'system', kind: 'joined', content: '工号 1024 小王 为您服务', at: '2026-01-01T10:00:05+08:00' },
      { role: 'agent', content: '您好\n请问有什么可以帮您？', at: '2026-01-01T10:01:30+08:00' },
      { role: 'customer', content: '查订单' },
      { role: 'bot', content: '好的' },
    ]);
  });
});
