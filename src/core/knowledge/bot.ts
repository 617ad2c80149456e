/**
 * The knowledge-base bot's decisions (pure). One customer message in, one move out:
 * answer from the 知识库, offer "您是不是想问" choices, learn the purpose, end politely,
 * or hand over to a person (转人工) — and why. What it did before comes from its own
 * earlier messages (their `meta.bot`), so the decision needs no stored state and a
 * redelivered message decides the same way.
 */
import type { BotMeta } from '../model.js';
import type { Analysis, Emotion, Intent, Signal } from '../nlp/types.js';
import type { KnowledgeHit, KnowledgeSearchResult } from './types.js';

export type HandoffReason = 'asked' | 'unanswered' | 'complaint' | 'anger' | 'signal' | 'unclear';

/** Thresholds (METHOD.md §1, §4); admins may tune them later. */
export const BOT_RULES = {
  /** anger at or above this intensity hands over at once. */
  angerIntensity: 0.7,
  /** complaint intent at or above this confidence hands over (six steps need a person). */
  complaintConfidence: 0.7,
  /** unrelated intent at or above this starts the unrelated flow (ask the purpose once). */
  unrelatedConfidence: 0.55,
  /** after asking the purpose, still unrelated at or above this is "clearly unrelated": end politely; below: 组长. */
  clearlyUnrelatedConfidence: 0.9,
  /** unanswered turns in a row (choices or nothing found) before handing over. */
  unansweredTurns: 2,
  /** how many "您是不是想问" choices at most. */
  maxChoices: 3,
  /** a choice scores at least this share of the first one's score (the tail of weak matches is not offered). */
  choiceShareOfTop: 0.25,
} as const;

export interface BotHistory {
  /** Unanswered turns in a row at the end (choices offered, nothing found). */
  unansweredStreak: number;
  /** The bot's last move was asking the purpose (the unrelated flow's first step). */
  askedPurpose: boolean;
  /** Articles the bot answered with, in order. */
  answered: number[];
  /** Choices offered in all. */
  choicesOffered: number;
}

/** The history from the bot's earlier messages in the conversation, oldest first. */
export function historyOf(metas: Array<BotMeta | null | undefined>): BotHistory {
  const h: BotHistory = { unansweredStreak: 0, askedPurpose: false, answered: [], choicesOffered: 0 };
  for (const m of metas) {
    if (!m || m.kind === 'summary') continue;
    if (m.kind === 'choices' || m.kind === 'none') h.unansweredStreak++;
    else if (m.kind === 'answer' || m.kind === 'handoff') h.unansweredStreak = 0;
    if (m.kind === 'answer' && m.articleId !== undefined) h.answered.push(m.articleId);
    if (m.kind === 'choices') h.choicesOffered += m.choices?.length ?? 0;
    h.askedPurpose = m.kind === 'ask_purpose';
  }
  return h;
}

export type SmallTalk = 'greeting' | 'thanks';

export interface BotTurn {
  asksHuman: boolean;
  /** The customer states a grievance in so many words (statesGrievance: 投诉, 差评, 给个说法…). */
  grievance: boolean;
  smallTalk: SmallTalk | null;
  analysis: Pick<Analysis, 'intent' | 'emotion' | 'signals'>;
  search: KnowledgeSearchResult;
  history: BotHistory;
}

export type BotDecision =
  | { kind: 'handoff'; reason: HandoffReason }
  | { kind: 'answer'; articleId: number }
  | { kind: 'choices'; choices: KnowledgeHit[] }
  | { kind: 'none' }
  | { kind: 'smalltalk'; which: SmallTalk }
  | { kind: 'ask_purpose' }
  | { kind: 'farewell' };

/** Whether a decision counts as a question the bot could not answer (collected for admins). */
export const isUnanswered = (d: BotDecision) => d.kind === 'choices' || d.kind === 'none';

export function decideBotTurn(t: BotTurn, rules: typeof BOT_RULES = BOT_RULES): BotDecision {
  const { intent, emotion, signals } = t.analysis;
  // the customer's wish and escalation first: a person, whatever the knowledge base holds
  if (t.asksHuman) return { kind: 'handoff', reason: 'asked' };
  if (signals.length > 0) return { kind: 'handoff', reason: 'signal' };
  // a complaint needs people (the six steps) when it is one: said in so many words, or with a
  // feeling; a calm "complaint" without either is most often a plain question misread ("退款的问题")
  const felt = emotion.label === 'anger' || emotion.label === 'dissatisfaction' || emotion.label === 'anxiety';
  if (intent.label === 'complaint' && intent.confidence >= rules.complaintConfidence && (t.grievance || felt)) return { kind: 'handoff', reason: 'complaint' };
  if (emotion.label === 'anger' && emotion.intensity >= rules.angerIntensity) return { kind: 'handoff', reason: 'anger' };
  const top = t.search.results[0];
  if (t.search.answered && top) return { kind: 'answer', articleId: top.articleId };
  if (t.smallTalk) return { kind: 'smalltalk', which: t.smallTalk };
  if (intent.label === 'unrelated' && intent.confidence >= rules.unrelatedConfidence) {
    if (!t.history.askedPurpose) return { kind: 'ask_purpose' };
    return intent.confidence >= rules.clearlyUnrelatedConfidence ? { kind: 'farewell' } : { kind: 'handoff', reason: 'unclear' };
  }
  // the purpose was asked and the answer is still not something the knowledge base knows: 组长
  if (t.history.askedPurpose && t.search.results.length === 0) return { kind: 'handoff', reason: 'unclear' };
  if (t.history.unansweredStreak + 1 >= rules.unansweredTurns) return { kind: 'handoff', reason: 'unanswered' };
  const floor = (top?.score ?? 0) * rules.choiceShareOfTop;
  const choices = t.search.results.filter((h) => h.score > 0 && h.score >= floor).slice(0, rules.maxChoices);
  return choices.length > 0 ? { kind: 'choices', choices } : { kind: 'none' };
}

const INTENT_ZH: Record<Intent, string> = { consult: '咨询', order: '订购', query: '查询', complaint: '投诉', help: '求助', fault: '报障', unrelated: '无关' };
const EMOTION_ZH: Record<Emotion, string> = { anger: '愤怒', anxiety: '焦虑', dissatisfaction: '不满', satisfaction: '满意', neutral: '平静' };
const SIGNAL_ZH: Record<Signal, string> = { media: '媒体', regulator: '监管', lawyer: '律师', cancel: '销户' };
const REASON_ZH: Record<HandoffReason, string> = { asked: '客户要求转人工', unanswered: '连续未能解答', complaint: '投诉', anger: '情绪激动', signal: '升级信号', unclear: '意图不明·转组长' };

/**
 * The one line the agent who takes over reads first (a private note): intent, emotion,
 * signals, what the bot tried. "机器人小结：投诉 · 愤怒 0.8 · 监管 · 已答《…》· 推荐 2 条 · 转人工原因：投诉"
 */
export function botSummary(opts: {
  analysis: Pick<Analysis, 'intent' | 'emotion' | 'signals'>;
  history: BotHistory;
  reason: HandoffReason;
  articleTitles: Map<number, string>;
}): string {
  const { intent, emotion, signals } = opts.analysis;
  const parts = [INTENT_ZH[intent.label]];
  parts.push(emotion.label === 'neutral' ? EMOTION_ZH.neutral : `${EMOTION_ZH[emotion.label]} ${emotion.intensity.toFixed(1)}`);
  for (const s of signals) parts.push(SIGNAL_ZH[s]);
  const answered = [...new Set(opts.history.answered)].map((id) => `《${opts.articleTitles.get(id) ?? `#${id}`}》`);
  parts.push(answered.length ? `已答${answered.join('')}` : '未答');
  if (opts.history.choicesOffered > 0) parts.push(`推荐 ${opts.history.choicesOffered} 条`);
  parts.push(`转人工原因：${REASON_ZH[opts.reason]}`);
  return `机器人小结：${parts.join(' · ')}`;
}

/** What the bot says, in the conversation's language. */
export const BOT_TEXTS = {
  'zh-CN': {
    choices: '您是不是想问以下问题？请点击选择：',
    none: '抱歉，我暂时没有找到这个问题的答案。您可以换个说法再问我，或回复“转人工”由人工客服为您解答。',
    noneBotOnly: '抱歉，我暂时没有找到这个问题的答案。您可以换个说法再问我，或留言说明问题并留下联系方式，我们会尽快联系您。',
    askPurpose: '不好意思，我没太明白您的意思。请问您是想咨询哪方面的问题呢？比如订单、售后、发票等。',
    farewell: '抱歉，这个问题不在我们的服务范围内。请问还有其他可以帮您的吗？如果没有，感谢您的咨询，祝您生活愉快！',
    handoff: {
      asked: '好的，正在为您转接人工客服，请稍候。我们的聊天记录会同步给客服，您不用重复说明。',
      unanswered: '抱歉没能帮您解决问题，正在为您转接人工客服，请稍候。我们的聊天记录会同步给客服。',
      complaint: '非常抱歉给您带来了不好的体验。我马上为您转接人工客服专门处理，请稍候，您反映的情况会完整转给客服。',
      anger: '非常抱歉让您着急了。我马上为您转接人工客服，请稍候，您说的情况会完整转给客服。',
      signal: '非常抱歉给您带来困扰，您的问题非常重要。我马上为您转接人工客服专门处理，请稍候。',
      unclear: '我为您转接组长进一步了解您的需求，请稍候。',
    } satisfies Record<HandoffReason, string>,
    handoffOffline: '现在暂时没有人工客服在线。您可以直接留言说明问题并留下联系方式，客服上线后会第一时间联系您。',
    handoffBotOnly: '本渠道暂不提供人工服务。您可以留言说明问题并留下联系方式（电话或邮箱），我们会尽快联系您；也可以换个说法继续问我。',
  },
  en: {
    choices: 'Did you mean one of these? Pick one:',
    none: 'Sorry, I could not find an answer to that. Try asking another way, or reply "human" to talk to a person.',
    noneBotOnly: 'Sorry, I could not find an answer to that. Try asking another way, or leave a message with your contact details and we will get back to you.',
    askPurpose: 'Sorry, I did not quite understand. What would you like help with? For example an order, after-sales or an invoice.',
    farewell: 'Sorry, that is outside what we can help with here. Is there anything else I can do for you? If not, thank you and have a nice day!',
    handoff: {
      asked: 'Sure, connecting you to a person now. They will see this conversation, so you will not need to repeat yourself.',
      unanswered: 'Sorry I could not solve this. Connecting you to a person now; they will see this conversation.',
      complaint: 'I am very sorry for the trouble. I am connecting you to a person who will handle this; they will see everything you said.',
      anger: 'I am very sorry for the trouble. Connecting you to a person right away; they will see everything you said.',
      signal: 'I am sorry for the trouble; this matters. Connecting you to a person right away.',
      unclear: 'Let me connect you to a team lead who can find out what you need. One moment please.',
    } satisfies Record<HandoffReason, string>,
    handoffOffline: 'Nobody is online right now. Leave a message with your question and contact details and we will get back to you first thing.',
    handoffBotOnly: 'This channel has no live agents. Leave a message with your question and contact details (phone or e-mail) and we will get back to you, or ask me another way.',
  },
} as const;
