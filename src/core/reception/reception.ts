/**
 * Reception (接待): who answers a new conversation. Each inbox has a mode —
 * 仅人工 human only, 仅机器人 bot only, 机器人优先 bot first, 人工优先 human first —
 * and the answer also depends on business hours and on whether any agent is on duty.
 */
import type { Handler } from '../model.js';

export type { Handler };
export type ReceptionMode = 'human_only' | 'bot_only' | 'bot_first' | 'human_first';
export const RECEPTION_MODES: readonly ReceptionMode[] = ['human_only', 'bot_only', 'bot_first', 'human_first'];

export interface ReceptionFacts {
  mode: ReceptionMode;
  /** Inside the inbox's business hours. */
  withinHours: boolean;
  /** Some agent who could serve it is online (saturated agents count: the customer queues). */
  agentsOnDuty: boolean;
}

/**
 * - human: route to a skill group (assigned at once, or queued when everyone is full);
 * - bot: the bot answers; the customer may ask for a person (转人工);
 * - offline: nobody can answer now: offline reply, and the conversation becomes a 留言.
 */
export function receive(f: ReceptionFacts): Handler {
  const humanPossible = f.withinHours && f.agentsOnDuty;
  switch (f.mode) {
    case 'bot_only':
    case 'bot_first':
      return 'bot';
    case 'human_first':
      return humanPossible ? 'human' : 'bot';
    case 'human_only':
      return humanPossible ? 'human' : 'offline';
  }
}

/** The customer asked the bot for a person (转人工). A bot-only inbox has no one to hand over to. */
export function handoff(f: ReceptionFacts): Handler {
  if (f.mode === 'bot_only') return 'bot';
  return f.withinHours && f.agentsOnDuty ? 'human' : 'offline';
}

/** The built-in responder's name, shown to customers and agents. */
export const BOT_NAME = '智能助手';

const HUMAN_REQUEST = /转人工|人工客服|找人工|要人工|真人|^人工$|human|agent|real person|talk to (a )?person/i;

/** Does this customer message ask for a person? Full-width forms are folded first. */
export function asksForHuman(text: string): boolean {
  return HUMAN_REQUEST.test(foldWidth(text).trim());
}

const GRIEVANCE = /投诉|举报|差评|索赔|赔偿|赔钱|说法|维权|曝光|太差|太过分|complain|compensat|unacceptable/i;

/**
 * Does the customer state a grievance in so many words (投诉, 差评, 给个说法, 赔偿…)? With the
 * complaint intent it hands a conversation to people even when no feeling word shows; without
 * it and without a feeling, a "complaint" reading of a plain question ("退款的问题") is doubted.
 */
export function statesGrievance(text: string): boolean {
  return GRIEVANCE.test(foldWidth(text));
}

/** Full-width ASCII (ＡＢＣ１２３) → half-width, ideographic space → space. */
export function foldWidth(text: string): string {
  return text.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/**
 * A message that is only a greeting or a thank-you (nothing to look up): "你好", "在吗？",
 * "谢谢！", "hello". "你好，发票怎么开" is a question, not small talk.
 */
export function smallTalk(text: string): 'greeting' | 'thanks' | null {
  const t = foldWidth(text).trim().toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
  if (/^(你好|您好|hi|hello|hey|在吗|在不在|在么|哈喽|嗨|早上好|下午好|晚上好|你好呀|您好呀|有人吗)(啊|呀|哈)?$/.test(t)) return 'greeting';
  if (/^(谢谢|感谢|多谢|谢啦|谢谢你|谢谢您|好的谢谢|好的感谢|thanks|thankyou|thx|ok谢谢)(啦|了|哈)?$/.test(t)) return 'thanks';
  return null;
}

/**
 * The simplest built-in responder, until the knowledge-base bot arrives: it greets,
 * says what it can do, and tells the customer how to reach a person.
 */
export function builtInReply(text: string, locale: 'zh-CN' | 'en', canHandOff: boolean): string {
  const t = foldWidth(text).trim().toLowerCase();
  const zh = locale === 'zh-CN';
  if (/^(你好|您好|hi|hello|hey|在吗|在不在)/.test(t)) {
    return zh
      ? `您好，我是智能助手，很高兴为您服务。${canHandOff ? '如需人工服务，请回复“转人工”。' : ''}`
      : `Hello, I'm the virtual assistant. ${canHandOff ? 'Reply "human" to talk to a person.' : ''}`.trim();
  }
  if (/谢谢|感谢|thank/.test(t)) return zh ? '不客气，还有其他可以帮您的吗？' : "You're welcome. Anything else I can help with?";
  return zh
    ? `已收到您的问题，我们会尽快处理。${canHandOff ? '如需人工服务，请回复“转人工”。' : ''}`
    : `Thanks, we have your question. ${canHandOff ? 'Reply "human" to talk to a person.' : ''}`.trim();
}

/**
 * Agent-joined line: "工号 1024 小王 为您服务". `{agentNo}` and `{name}` are replaced.
 * A missing 工号 drops its label with it ("小李 为您服务", never "工号 小李 为您服务").
 */
export function renderTemplate(template: string, vars: Record<string, string | number | null | undefined>): string {
  const empty = (k: string) => vars[k] == null || String(vars[k]).trim() === '';
  return template
    .replace(/(?:工号|No\.?|#)\s*[:：]?\s*\{agentNo\}[，,]?|[(（]\s*(?:工号|No\.?|#)?\s*[:：]?\s*\{agentNo\}\s*[)）]/gi, (m) => (empty('agentNo') ? '' : m))
    .replace(/\{(\w+)\}/g, (_, k: string) => (vars[k] == null ? '' : String(vars[k])))
    .replace(/\s{2,}/g, ' ')
    .trim();
}
