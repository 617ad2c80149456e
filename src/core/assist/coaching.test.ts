import { describe, expect, it } from 'vitest';
import { coachingFor, complaintStep, needsCoaching, type CoachingMessage } from './coaching.js';
import { foldInsight, newerInsight, type ConversationInsight, type MessageAnalysis } from './insight.js';

let nextId = 1;
const at = '2026-11-30T16:00:00.000Z';
const angry = { intent: { label: 'complaint' as const, confidence: 0.9 }, emotion: { label: 'anger' as const, intensity: 0.8 } };
const calm = { intent: { label: 'query' as const, confidence: 0.7 }, emotion: { label: 'neutral' as const, intensity: 0 } };
const happy = { intent: { label: 'consult' as const, confidence: 0.6 }, emotion: { label: 'satisfaction' as const, intensity: 0.5 } };
const customer = (content: string, analysis: CoachingMessage['analysis'] = calm): CoachingMessage => ({ id: nextId++, senderType: 'customer', private: false, content, analysis });
const agent = (content: string, isPrivate = false): CoachingMessage => ({ id: nextId++, senderType: 'agent', private: isPrivate, content });

function analysis(messageId: number, a: { intent: MessageAnalysis['intent']; emotion: MessageAnalysis['emotion'] }, signals: MessageAnalysis['signals'] = []): MessageAnalysis {
  return { messageId, conversationId: 7, ...a, signals, analyzedAt: at };
}

function insightOf(messages: CoachingMessage[]): ConversationInsight | null {
  let insight: ConversationInsight | null = null;
  for (const m of messages) if (m.senderType === 'customer' && m.analysis) insight = foldInsight(insight, analysis(m.id, m.analysis));
  return insight;
}

describe('conversation insight', () => {
  it('keeps the latest intent that matters, the current emotion, every signal once and the strongest anger', () => {
    let i = foldInsight(null, analysis(1, angry, ['regulator']));
    i = foldInsight(i, analysis(2, { intent: { label: 'unrelated', confidence: 0.9 }, emotion: { label: 'anger', intensity: 0.4 } }, ['media', 'regulator']));
    i = foldInsight(i, analysis(3, { intent: { label: 'query', confidence: 0.3 }, emotion: { label: 'neutral', intensity: 0 } }));
    expect(i).toMatchObject({
      intent: { label: 'complaint', confidence: 0.9 }, // unrelated and a 0.3 guess do not replace it
      complaint: true,
      emotion: { label: 'neutral', intensity: 0 },
      signals: ['regulator', 'media'],
      maxAnger: 0.8,
      analyzed: 3,
      lastMessageId: 3,
    });
    const later = foldInsight(i, analysis(4, calm));
    expect(later.intent?.label).toBe('query');
    expect(later.complaint).toBe(true);
    expect(newerInsight(later, i)).toBe(later);
    expect(newerInsight(i, later)).toBe(later);
    expect(newerInsight(null, i)).toBe(i);
  });
});

describe('complaint coaching', () => {
  it('shows no card for a calm consultation', () => {
    const msgs = [customer('请问怎么开发票'), agent('您好，我来帮您')];
    expect(needsCoaching(insightOf(msgs))).toEqual([]);
    expect(coachingFor(msgs, insightOf(msgs))).toBeNull();
  });

  it('step 1 while no agent has answered the complaint; private notes do not count', () => {
    const msgs = [customer('你们太差了，我要投诉，再不解决就去12315', angry), agent('这个客户很急', true)];
    const card = coachingFor(msgs, insightOf(msgs), '1024')!;
    expect(card.step).toBe(1);
    expect(card.title.zh).toBe('接受');
    expect(card.because).toEqual(['complaint', 'anger']);
    expect(card.phrases[0].zh).toContain('工号1024');
    expect(card.phrases.every((p) => p.en.length > 0 && (p.model === '3F' || p.model === 'CLEAR'))).toBe(true);
  });

  it('only replies after the complaint began count', () => {
    const msgs = [customer('你好'), agent('您好，请问有什么可以帮您？'), customer('我要投诉！！', angry)];
    expect(complaintStep(msgs, insightOf(msgs))).toBe(1);
  });

  it('step 2 while the customer is still angry after a reply, even after later steps were reached', () => {
    const msgs = [customer('我要投诉', angry), agent('非常抱歉给您带来不便'), customer('道歉有什么用！！', angry)];
    expect(complaintStep(msgs, insightOf(msgs))).toBe(2);
    const again = [...msgs, agent('请问订单号是多少？'), customer('123456', calm), agent('已为您退款'), customer('你们就是骗子！', angry)];
    expect(complaintStep(again, insightOf(again))).toBe(2);
  });

  it('step 3 once the customer has calmed: collect the facts', () => {
    const msgs = [customer('我要投诉', angry), agent('非常抱歉，我理解您的心情'), customer('嗯，你说吧', calm)];
    const card = coachingFor(msgs, insightOf(msgs))!;
    expect(card.step).toBe(3);
    expect(card.title.zh).toBe('澄清问题');
  });

  it('step 4 after the agent asked and the customer answered; a question still unanswered stays at 3', () => {
    const asked = [customer('我要投诉', angry), agent('抱歉'), customer('好吧', calm), agent('请问您的订单号是多少？')];
    expect(complaintStep(asked, insightOf(asked))).toBe(3);
    const answered = [...asked, customer('20261130001', calm)];
    expect(complaintStep(answered, insightOf(answered))).toBe(4);
  });

  it('step 5 when the customer agrees to a proposal, step 6 once the agent reports it done', () => {
    const base = [customer('我要投诉', angry), agent('抱歉'), customer('好吧', calm), agent('请问订单号？'), customer('123', calm)];
    const proposed = [...base, agent('我可以为您申请全额退款，您看这样可以吗？')];
    expect(complaintStep(proposed, insightOf(proposed))).toBe(4);
    const agreed = [...proposed, customer('好的', calm)];
    expect(complaintStep(agreed, insightOf(agreed))).toBe(5);
    const satisfied = [...proposed, customer('这样处理我很满意', happy)];
    expect(complaintStep(satisfied, insightOf(satisfied))).toBe(5);
    const done = [...agreed, agent('已为您提交退款，预计3个工作日到账')];
    const card = coachingFor(done, insightOf(done))!;
    expect(card.step).toBe(6);
    expect(card.title).toEqual({ zh: '感谢客户', en: 'Thank the customer' });
  });

  it('reads English replies too', () => {
    const en = (label: 'anger' | 'neutral') => ({ intent: { label: 'complaint' as const, confidence: 0.8 }, emotion: { label, intensity: label === 'anger' ? 0.7 : 0 } });
    const msgs = [customer('This is outrageous, I will sue you', en('anger')), agent('I am so sorry.'), customer('fine', en('neutral')), agent('Could you give me the order number?'), customer('A123', en('neutral'))];
    expect(complaintStep(msgs, insightOf(msgs))).toBe(4);
    const done = [...msgs, agent('I can refund it now, would that work?'), customer('ok', en('neutral')), agent('I have refunded the order.')];
    expect(complaintStep(done, insightOf(done))).toBe(6);
  });

  it('anger alone (no complaint intent) brings the card; without per-message analysis the picture decides', () => {
    const insight = foldInsight(null, analysis(1, { intent: { label: 'query', confidence: 0.8 }, emotion: { label: 'anger', intensity: 0.9 } }));
    expect(needsCoaching(insight)).toEqual(['anger']);
    const bare: CoachingMessage[] = [{ id: 1, senderType: 'customer', private: false, content: '怎么还没到！！！' }, agent('抱歉让您久等了')];
    expect(complaintStep(bare, insight)).toBe(2);
  });
});
