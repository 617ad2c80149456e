import { runCommand, type CommandContext } from '../commands/context.js';
import { foldInsight, type ConversationInsight } from '../core/assist/insight.js';
import { pendingEvent, type PendingEvent, type StoredEventOf } from '../core/events.js';
import { defineConsumer } from '../events/consumers.js';
import { analysisThread } from '../nlp/analysis-worker.js';
import { insertAnalyses, lockInsights, saveInsights, unanalysedMessages } from './store.js';

/** Longer texts are analysed on their first this many characters (the NLP core is fast, not unbounded). */
const MAX_ANALYSED_CHARS = 2000;

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Message analysis (agent assist, docs/agent-assist.md): every customer message is read
 * by the NLP core of its conversation's language, off the customer's acknowledgement.
 * The analyses, the conversations' new pictures and `message.analyzed` are written in
 * one transaction per batch of messages (a few statements for up to 100 of them); a
 * redelivered message finds its analysis and writes nothing.
 */
export function messageAnalysisConsumer(ctx: CommandContext) {
  const analyse = async (events: StoredEventOf<'message.created'>[]): Promise<void> => {
    const byMessage = new Map(events.filter((e) => e.conversationId !== null).map((e) => [e.data.messageId, e]));
    const messages = (await unanalysedMessages(ctx.db, [...byMessage.keys()])).filter((m) => m.content.trim());
    if (messages.length === 0) return;
    // in log order: each conversation's picture folds its messages in the order they came
    messages.sort((a, b) => byMessage.get(a.id)!.id - byMessage.get(b.id)!.id);
    // The NLP (about 1.5 ms a message) runs on the analysis thread: customers' acknowledgements
    // and deliveries never wait behind a batch of it.
    const results = await analysisThread.analyze(messages.map((m) => ({ locale: m.locale, text: m.content.slice(0, MAX_ANALYSED_CHARS), role: 'customer' as const })));
    const analysed = messages.map((m, i) => ({
      workspaceId: byMessage.get(m.id)!.workspaceId,
      messageId: m.id,
      conversationId: m.conversationId,
      intent: { label: results[i].intent.label, confidence: round(results[i].intent.confidence) },
      emotion: { label: results[i].emotion.label, intensity: round(results[i].emotion.intensity) },
      signals: results[i].signals,
    }));
    await runCommand(ctx, async (sql) => {
      const written = await insertAnalyses(sql, analysed);
      if (written.size === 0) return { result: null, events: [] }; // all written already: a redelivery
      const pictures = await lockInsights(sql, [...new Set(analysed.map((a) => a.conversationId))]);
      const changed = new Map<number, ConversationInsight & { workspaceId: number }>();
      const out: PendingEvent[] = [];
      for (const { workspaceId, messageId } of analysed) {
        const analysis = written.get(messageId);
        if (!analysis) continue;
        const insight = foldInsight(pictures.get(analysis.conversationId) ?? null, analysis);
        pictures.set(analysis.conversationId, insight);
        changed.set(analysis.conversationId, { ...insight, workspaceId });
        out.push(
          pendingEvent('message.analyzed', {
            workspaceId,
            conversationId: analysis.conversationId,
            actor: { type: 'system', id: null },
            data: { messageId, intent: analysis.intent.label, emotion: analysis.emotion.label, signals: analysis.signals },
            subject: { analysis, insight },
          }),
        );
      }
      await saveInsights(sql, [...changed.values()]);
      return { result: null, events: out };
    });
  };
  return defineConsumer({
    name: 'assist.analysis',
    events: ['message.created'],
    match: { 'message.created': { senderType: ['customer'], private: [false] } },
    handle: (e) => analyse([e]),
    handleMany: analyse,
  });
}
