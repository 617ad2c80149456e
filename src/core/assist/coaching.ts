import type { ConversationInsight, MessageAnalysis } from './insight.js';
import { STRONG_ANGER } from './insight.js';

/**
 * The complaint coaching card (METHOD.md §4): for a complaint or an angry customer, which
 * of the six steps the agent is at, and 3F / CLEAR phrasing to use now. Pure, so the
 * console computes it from the conversation it holds, live, as messages come in.
 *
 * The rule (docs/agent-assist.md):
 * - The card shows when the conversation has a complaint intent, strong anger seen
 *   (≥ STRONG_ANGER), or the customer is angry now.
 * - Only what happened since the complaint began counts: the first customer message
 *   analysed as complaint or anger (the whole conversation when no analysis is known).
 * - No public reply from an agent since then → 1 接受 (accept quickly, no delay).
 * - The customer is angry now (their latest message) → 2 平息怒气: handle the emotion
 *   before the matter, whatever was reached before.
 * - Otherwise the furthest of, in the agent's public replies since the complaint began:
 *   a reply reporting the action done (已为您… / 已处理 / "I have…") → 6 感谢客户;
 *   a proposal (为您办理 / 补偿 / 您看这样可以吗…) the customer agreed to afterwards → 5 采取行动;
 *   a question (？ / 请问 / 能否…) the customer answered → 4 探讨解决;
 *   else → 3 澄清问题 (the customer has calmed; collect the facts).
 */
export type ComplaintStep = 1 | 2 | 3 | 4 | 5 | 6;

export const COMPLAINT_STEPS: Record<ComplaintStep, { zh: string; en: string; goalZh: string; goalEn: string }> = {
  1: { zh: '接受', en: 'Accept', goalZh: '马上接下投诉，不拖延，先致歉', goalEn: 'Take the complaint at once, no delay; apologise first' },
  2: { zh: '平息怒气', en: 'Calm the anger', goalZh: '让客户倾诉，先处理情绪再处理事情', goalEn: 'Let them vent; handle the emotion before the matter' },
  3: { zh: '澄清问题', en: 'Clarify', goalZh: '用开放式问题收集事实，再用封闭式问题确认要点', goalEn: 'Collect the facts with open questions, confirm the key point with a closed one' },
  4: { zh: '探讨解决', en: 'Explore solutions', goalZh: '问客户希望怎样解决，再提出方案', goalEn: 'Ask what would satisfy them, then propose' },
  5: { zh: '采取行动', en: 'Act', goalZh: '迅速办理，并给出明确的答复时间', goalEn: 'Act fast and give a concrete time' },
  6: { zh: '感谢客户', en: 'Thank the customer', goalZh: '再次致歉，感谢信任，承诺改进', goalEn: 'Apologise again, thank them for their trust, commit to improve' },
};

export interface CoachingPhrase {
  /** The model the line comes from: 3F (Feel, Felt, Found) or CLEAR (Control, Listen, Empathize, Apologize, Resolve). */
  model: '3F' | 'CLEAR';
  /** Its part: Feel / Felt / Found, or Control / Listen / Empathize / Apologize / Resolve. */
  part: string;
  zh: string;
  en: string;
}

const PHRASES: Record<ComplaintStep, CoachingPhrase[]> = {
  1: [
    { model: 'CLEAR', part: 'Control', zh: '您好，我是工号{agentNo}，您反映的问题由我来负责跟进。', en: 'Hello, I am agent {agentNo}; I will take care of this for you myself.' },
    { model: 'CLEAR', part: 'Apologize', zh: '非常抱歉给您带来了不好的体验，我马上为您处理。', en: 'I am very sorry for the trouble this has caused you; I am on it now.' },
  ],
  2: [
    { model: '3F', part: 'Feel', zh: '我理解您现在的心情，遇到这种情况换作是我也会很着急。', en: 'I understand how you feel; in your place I would be upset too.' },
    { model: '3F', part: 'Felt', zh: '之前也有客户遇到过类似的情况，当时也和您一样着急。', en: 'Other customers who had the same problem felt just the same.' },
    { model: 'CLEAR', part: 'Listen', zh: '您慢慢说，我都在听，您说的每一点我都会记下来。', en: 'Please take your time; I am listening and noting every point.' },
  ],
  3: [
    { model: 'CLEAR', part: 'Listen', zh: '为了尽快帮您解决，能跟我具体说说当时的情况吗？', en: 'So that I can solve this quickly, could you tell me exactly what happened?' },
    { model: 'CLEAR', part: 'Empathize', zh: '我确认一下：您是说……，对吗？', en: 'Let me make sure I have it right: you mean …, is that correct?' },
  ],
  4: [
    { model: '3F', part: 'Found', zh: '后来我们发现，……的处理方式能最快解决这类问题。', en: 'What we found is that … solves this kind of problem fastest.' },
    { model: 'CLEAR', part: 'Resolve', zh: '您希望我们怎样处理比较合适？我可以为您……，您看这样可以吗？', en: 'What would be a good outcome for you? I can …; would that work for you?' },
  ],
  5: [
    { model: 'CLEAR', part: 'Resolve', zh: '我现在马上为您办理，会在……之前给您答复。', en: 'I am doing it right now and will get back to you by …' },
  ],
  6: [
    { model: 'CLEAR', part: 'Apologize', zh: '再次为给您带来的麻烦说声抱歉，感谢您的理解和信任，我们会改进。', en: 'Once more, sorry for the trouble; thank you for your patience and trust. We will do better.' },
    { model: 'CLEAR', part: 'Resolve', zh: '请问您对这次的处理还满意吗？', en: 'Are you satisfied with how we handled this?' },
  ],
};

/** What coaching needs of a message. */
export interface CoachingMessage {
  id: number;
  senderType: 'customer' | 'agent' | 'bot' | 'system';
  private: boolean;
  content: string;
  /** Customer messages, when analysed. */
  analysis?: Pick<MessageAnalysis, 'intent' | 'emotion'> | null;
}

export interface Coaching {
  step: ComplaintStep;
  title: { zh: string; en: string };
  goal: { zh: string; en: string };
  phrases: CoachingPhrase[];
  /** Why the card shows: complaint intent, anger, or both. */
  because: ('complaint' | 'anger')[];
}

const DONE = /已(经)?(为您|帮您|给您)|已(处理|办理|退款|退回|补发|安排|提交|解决|更换|换货|发出|寄出|到账)|\bi(?:'ve| have) (?:already )?(?:processed|refunded|arranged|sent|fixed|resolved|submitted|issued)|\b(?:has|have) been (?:processed|refunded|arranged|sent|fixed|resolved|issued)/i;
const PROPOSAL = /为您(办理|安排|申请|退|换|补|处理)|帮您(办理|安排|申请|退|换|补)|方案|补偿|赔偿|您看(这样)?(可以|行|好)吗|建议您|我可以为您|我们可以为您|\bi can (?:offer|arrange|refund|replace|send)|\bwe can (?:offer|arrange|refund|replace|send)|\bwould (?:that|this) work|\bhow about\b|\bi suggest\b/i;
const QUESTION = /[？?]|请问|能否|是否|麻烦您(提供|告诉|说)|您能.+吗|\bcould you\b|\bcan you tell\b/i;
const AGREE = /^(好|好的|可以|行|嗯|同意|没问题|那就这样|谢谢)|可以的|就这样吧|\b(ok|okay|fine|sure|yes|agreed|deal|thanks)\b/i;

/** Whether the conversation gets the card. */
export function needsCoaching(insight: ConversationInsight | null | undefined): ('complaint' | 'anger')[] {
  if (!insight) return [];
  const because: ('complaint' | 'anger')[] = [];
  if (insight.complaint) because.push('complaint');
  if (insight.maxAnger >= STRONG_ANGER || insight.emotion.label === 'anger') because.push('anger');
  return because;
}

/** The current step of the six (see the rule above), from the conversation's messages in order. */
export function complaintStep(messages: readonly CoachingMessage[], insight: ConversationInsight | null | undefined): ComplaintStep {
  const triggered = messages.findIndex(
    (m) => m.senderType === 'customer' && m.analysis && (m.analysis.intent.label === 'complaint' || m.analysis.emotion.label === 'anger'),
  );
  const since = messages.slice(Math.max(0, triggered));
  const replies = since.map((m, i) => ({ m, i })).filter(({ m }) => m.senderType === 'agent' && !m.private);
  if (replies.length === 0) return 1;
  const customers = since.map((m, i) => ({ m, i })).filter(({ m }) => m.senderType === 'customer');
  const lastCustomer = customers.at(-1)?.m;
  const angryNow = lastCustomer?.analysis ? lastCustomer.analysis.emotion.label === 'anger' : insight?.emotion.label === 'anger';
  if (angryNow) return 2;
  if (replies.some(({ m }) => DONE.test(m.content))) return 6;
  const answeredAfter = (i: number, ok: (m: CoachingMessage) => boolean) => customers.some((c) => c.i > i && ok(c.m));
  const agreed = (m: CoachingMessage) => AGREE.test(m.content.trim()) || m.analysis?.emotion.label === 'satisfaction';
  if (replies.some(({ m, i }) => PROPOSAL.test(m.content) && answeredAfter(i, agreed))) return 5;
  if (replies.some(({ m, i }) => QUESTION.test(m.content) && answeredAfter(i, () => true))) return 4;
  return 3;
}

/** The card for this conversation, or null when it needs none. `agentNo` fills {agentNo} in the lines. */
export function coachingFor(messages: readonly CoachingMessage[], insight: ConversationInsight | null | undefined, agentNo?: string | null): Coaching | null {
  const because = needsCoaching(insight);
  if (because.length === 0) return null;
  const step = complaintStep(messages, insight);
  const s = COMPLAINT_STEPS[step];
  const fill = (text: string) => text.replaceAll('{agentNo}', agentNo ?? '…');
  return {
    step,
    title: { zh: s.zh, en: s.en },
    goal: { zh: s.goalZh, en: s.goalEn },
    phrases: PHRASES[step].map((p) => ({ ...p, zh: fill(p.zh), en: fill(p.en) })),
    because,
  };
}
