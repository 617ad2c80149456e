/**
 * Optional: an OpenAI-compatible model may reword a knowledge-base answer for the customer's
 * question (off by default; everything works without it). Pure: the prompt, and the checks
 * a reworded answer must pass before a customer sees it — else the article's own answer goes.
 */
import { MAX_MESSAGE_CHARS } from '../limits.js';

export interface RephraseInput {
  /** What the customer asked. */
  question: string;
  article: { question: string; answer: string };
  locale: 'zh-CN' | 'en';
}

/** Rewords an answer; null when it could not (off, failed, timed out, refused by the checks). */
export interface AnswerRephraser {
  rephrase(input: RephraseInput): Promise<string | null>;
}

export type ChatMessage = { role: 'system' | 'user'; content: string };

export function rephrasePrompt(input: RephraseInput): ChatMessage[] {
  const zh = input.locale === 'zh-CN';
  const system = zh
    ? '你是在线客服机器人。只能依据下面这一条知识回答客户的问题，不得添加知识以外的任何信息、承诺或链接；保留知识中的全部链接、数字和步骤；语气礼貌、简洁、口语化；只输出给客户的回答本身。如果这条知识回答不了客户的问题，就原样输出知识的答案。'
    : 'You are a customer-service bot. Answer the customer only from the one knowledge-base article below: add no information, promise or link that is not in it; keep every link, number and step; be polite, short and plain; output only the reply to the customer. If the article does not answer the question, output its answer unchanged.';
  const user = zh
    ? `知识的标准问题：${input.article.question}\n知识的答案：${input.article.answer}\n\n客户的问题：${input.question}`
    : `Article question: ${input.article.question}\nArticle answer: ${input.article.answer}\n\nCustomer's question: ${input.question}`;
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

const URL_RE = /https?:\/\/[^\s)\]>"'，。；！？、]+/g;
const urls = (s: string) => new Set(s.match(URL_RE) ?? []);

/**
 * The reworded answer, cleaned, if it may reach a customer: not empty, within the message
 * limit, and with exactly the article's links (none dropped, none invented). Else null.
 */
export function acceptRephrase(text: string | null | undefined, answer: string): string | null {
  const out = text?.trim();
  if (!out) return null;
  if ([...out].length > MAX_MESSAGE_CHARS || [...out].length > Math.max(400, 3 * [...answer].length)) return null;
  const mine = urls(answer);
  const theirs = urls(out);
  if (mine.size !== theirs.size || [...theirs].some((u) => !mine.has(u))) return null;
  return out;
}
