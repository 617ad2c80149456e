import type { CommandContext } from '../commands/context.js';
import { handOff } from '../commands/handoff.js';
import { recordUnanswered, unansweredKey } from '../commands/knowledge.js';
import { BOT_TEXTS, botSummary, decideBotTurn, historyOf, isUnanswered, type BotDecision, type HandoffReason } from '../core/knowledge/bot.js';
import type { KnowledgeSearchResult } from '../core/knowledge/types.js';
import type { RephraseInput } from '../core/knowledge/rephrase.js';
import type { BotMeta, Conversation, Message } from '../core/model.js';
import type { Analysis } from '../core/nlp/types.js';
import { asksForHuman, BOT_NAME, builtInReply, handoff, smallTalk, statesGrievance } from '../core/reception/reception.js';
import { DomainError, notFound } from '../core/errors.js';
import { createMessage } from '../commands/messages.js';
import type { ReceptionSettings } from '../core/reception/settings.js';
import { defineConsumer } from '../events/consumers.js';
import { nlpFor } from '../nlp/engines.js';
import { findConversation, findMessage } from '../storage/conversations.js';
import { getArticle } from '../storage/knowledge.js';
import { receptionFacts } from '../storage/reception.js';
import { say } from './say.js';

/**
 * The bot (机器人) of 机器人优先 / 仅机器人 inboxes, a durable consumer of customers'
 * messages (never on the acknowledgement path). Per message: analyse it (intent,
 * emotion, signals), search the workspace's 知识库, and decide (core/knowledge/bot.ts):
 * answer; offer "您是不是想问" choices; learn the purpose of an unrelated message once,
 * then end politely or hand to the 组长; or hand over to people (转人工) — when asked,
 * after two unanswered turns, on a complaint, strong anger or an escalation signal —
 * telling the customer what happens and leaving the agent a one-line summary (a private
 * note). Every write is keyed by the customer's message (`bot:${id}`), so a second
 * delivery writes nothing.
 */
export function botConsumer(ctx: CommandContext) {
  return defineConsumer({
    name: 'reception.bot',
    events: ['message.created'],
    match: { 'message.created': { senderType: ['customer'], handler: ['bot'] } },
    async handle(e) {
      if (e.conversationId === null) return;
      const conv = await findConversation(ctx.db, e.conversationId);
      const message = await findMessage(ctx.db, e.data.messageId);
      if (!conv || !message || conv.status === 'resolved' || conv.handler !== 'bot') return; // people took over meanwhile
      if (!message.content.trim()) return; // a picture or a file alone: people will look at it
      const settings = await ctx.reception.get(conv.inboxId);
      await botTurn(ctx, conv, message, settings);
    },
  });
}

/** The bot's earlier moves in the conversation (before `seq`), oldest first. */
async function botHistory(ctx: CommandContext, conversationId: number, seq: number): Promise<BotMeta[]> {
  const rows = await ctx.db.query(
    `SELECT meta FROM messages WHERE conversation_id = $1 AND seq < $2 AND sender_type = 'bot' AND meta IS NOT NULL ORDER BY seq`,
    [conversationId, seq],
  );
  return rows.map((r) => r.meta?.bot).filter(Boolean);
}

async function botTurn(ctx: CommandContext, conv: Conversation, message: Message, settings: ReceptionSettings): Promise<void> {
  const lang = conv.locale === 'en' ? 'en' : 'zh-CN';
  const T = BOT_TEXTS[lang];
  const engine = nlpFor(conv.locale);
  const analysis = engine.analyze(message.content, 'customer');
  const search: KnowledgeSearchResult = ctx.knowledge ? await ctx.knowledge.search(conv.workspaceId, message.content, { limit: 3, locale: conv.locale }) : { answered: false, results: [] };
  const history = historyOf(await botHistory(ctx, conv.id, message.seq));
  const decision = decideBotTurn({ asksHuman: asksForHuman(message.content), grievance: statesGrievance(message.content), smallTalk: smallTalk(message.content), analysis, search, history });
  const replyId = `bot:${message.id}`;
  const canHandOff = settings.mode !== 'bot_only';

  // a question the knowledge base could not answer (not small talk, nor an unrelated remark)
  if (isUnanswered(decision) || (decision.kind === 'handoff' && decision.reason === 'unanswered')) {
    await recordUnanswered(ctx, { workspaceId: conv.workspaceId, conversationId: conv.id, messageId: message.id }, message.content, unansweredKey(engine.normalize(message.content).text));
  }

  switch (decision.kind) {
    case 'answer': {
      const article = await getArticle(ctx.db, conv.workspaceId, decision.articleId);
      if (!article) return say(ctx, conv, canHandOff ? T.none : T.noneBotOnly, replyId, { as: 'bot', meta: { bot: { kind: 'none' } } });
      const reworded = await rephrased(ctx, conv.id, replyId, { question: message.content, article, locale: lang });
      return say(ctx, conv, reworded ?? article.answer, replyId, {
        as: 'bot',
        meta: { bot: { kind: 'answer', articleId: article.id, ...(reworded ? { rephrased: true } : {}) } },
      });
    }
    case 'choices':
      return say(ctx, conv, `${T.choices}\n${decision.choices.map((c, i) => `${i + 1}. ${c.question}`).join('\n')}`, replyId, {
        as: 'bot',
        meta: { bot: { kind: 'choices', choices: decision.choices.map((c) => ({ articleId: c.articleId, question: c.question })) } },
      });
    case 'none':
      return say(ctx, conv, canHandOff ? T.none : T.noneBotOnly, replyId, { as: 'bot', meta: { bot: { kind: 'none' } } });
    case 'smalltalk':
      return say(ctx, conv, builtInReply(message.content, lang, canHandOff), replyId, { as: 'bot', meta: { bot: { kind: 'smalltalk' } } });
    case 'ask_purpose':
      return say(ctx, conv, T.askPurpose, replyId, { as: 'bot', meta: { bot: { kind: 'ask_purpose' } } });
    case 'farewell':
      return say(ctx, conv, T.farewell, replyId, { as: 'bot', meta: { bot: { kind: 'farewell' } } });
    case 'handoff':
      return botHandOff(ctx, conv, message, settings, decision, analysis, history);
  }
}

/** The optional model's wording of an answer (not called again for a reply already written). */
async function rephrased(ctx: CommandContext, conversationId: number, replyId: string, input: RephraseInput): Promise<string | null> {
  if (!ctx.rephraser) return null;
  const sent = await ctx.db.query('SELECT 1 FROM messages WHERE conversation_id = $1 AND client_message_id = $2', [conversationId, replyId]);
  return sent.length > 0 ? null : ctx.rephraser.rephrase(input);
}

/**
 * 转人工: first the agents' one-line summary (a private note), then the customer's line
 * (what happens now), then the hand-over itself; each keyed by the customer's message, so a
 * redelivery after a crash finishes what is missing and repeats nothing.
 */
async function botHandOff(
  ctx: CommandContext,
  conv: Conversation,
  message: Message,
  settings: ReceptionSettings,
  decision: Extract<BotDecision, { kind: 'handoff' }>,
  analysis: Analysis,
  history: ReturnType<typeof historyOf>,
): Promise<void> {
  const lang = conv.locale === 'en' ? 'en' : 'zh-CN';
  const T = BOT_TEXTS[lang];
  const reason: HandoffReason = decision.reason;
  const titles = new Map<number, string>();
  for (const id of new Set(history.answered)) {
    const a = await getArticle(ctx.db, conv.workspaceId, id);
    if (a) titles.set(id, a.question);
  }
  const to = handoff(await receptionFacts(ctx.db, conv.workspaceId, settings, conv.groupId));
  await say(ctx, conv, botSummary({ analysis, history, reason, articleTitles: titles }), `bot:summary:${message.id}`, {
    as: 'bot',
    private: true,
    meta: { bot: { kind: 'summary', reason } },
  });
  // a 留言 gets the inbox's offline reply (its own consumer): the bot adds its line only when there is none
  const line = to === 'bot' ? T.handoffBotOnly : to === 'offline' ? (settings.messages.offline ? null : T.handoffOffline) : T.handoff[reason];
  await say(ctx, conv, line, `bot:${message.id}`, { as: 'bot', meta: { bot: { kind: 'handoff', reason } } });
  if (to !== 'bot') await handOff(ctx, conv.id, { escalate: reason === 'unclear' });
}

/**
 * The customer picked one of the "您是不是想问" choices (the widget's chip): the bot answers
 * with that article. Clicking the same chip again returns the same answer instead of
 * writing another.
 */
export async function answerChoice(ctx: CommandContext, who: { workspaceId: number; contactId: number }, conversationId: number, articleId: number): Promise<{ message: Message; duplicate: boolean }> {
  const conv = await findConversation(ctx.db, conversationId, { workspaceId: who.workspaceId });
  if (!conv || conv.contactId !== who.contactId) throw notFound('conversation');
  if (conv.status === 'resolved') throw new DomainError('conversation_resolved', 'this conversation has ended: start a new one', 409);
  if (conv.handler !== 'bot') throw new DomainError('not_with_bot', 'people handle this conversation now: write your question to them', 409);
  const article = await getArticle(ctx.db, conv.workspaceId, articleId);
  if (!article || !article.enabled) throw notFound('article');
  // the choices message that offered it: one answer per offer, however often the chip is clicked
  const offer = await ctx.db.query(
    `SELECT id FROM messages WHERE conversation_id = $1 AND sender_type = 'bot' AND meta->'bot'->>'kind' = 'choices'
       AND meta->'bot'->'choices' @> $2::jsonb ORDER BY seq DESC LIMIT 1`,
    [conv.id, JSON.stringify([{ articleId: article.id }])],
  );
  const key = offer.length ? `bot:choose:${offer[0].id}:${article.id}` : `bot:choose:${conv.id}:${conv.lastSeq}:${article.id}`;
  return createMessage(ctx, {
    workspaceId: conv.workspaceId,
    conversationId: conv.id,
    senderType: 'bot',
    senderId: null,
    senderName: BOT_NAME,
    content: article.answer,
    clientMessageId: key,
    meta: { bot: { kind: 'answer', articleId: article.id } },
  });
}
