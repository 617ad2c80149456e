import { runCommand, type CommandContext } from '../commands/context.js';
import { foldInsight, type ConversationInsight } from '../core/assist/insight.js';
import { pendingEvent, type PendingEvent, type StoredEventOf } from '../core/events.js';
import { defineConsumer } from '../events/consumers.js';
import { nlpFor } from '../nlp/engines.js';
import { insertAnalyses, lockInsights, saveInsights, unanalysedMessages } from './store.js';

/** Longer texts are analysed on their first this many characters (the NLP core is fast, not unbounded). */
const MAX_ANALYSED_CHARS = 2000;

const round = (x: number) => Math.round(x * 1000) / 1000;

/** The longest stretch of analysis before the event loop gets a turn. */
const ANALYSIS_SLICE_MS = 5;

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
    // The analysis is synchronous (about 1.5 ms a message): every few milliseconds it lets the
    // event loop run, so customers' acknowledgements and other consumers never wait behind a
    // whole batch of it.
    const analyseOne = (m: (typeof messages)[number]) => {
      const result = nlpFor(m.locale).analyze(m.content.slice(0, MAX_ANALYSED_CHARS), 'customer');
      return {
        workspaceId: byMessage.get(m.id)!.workspaceId,
        messageId: m.id,
        conversationId: m.conversationId,
        intent: { label: result.intent.label, confidence: round(result.intent.confidence) },
        emotion: { label: result.emotion.label, intensity: round(result.emotion.intensity) },
        signals: result.signals,
      };
    };
    const analysed: ReturnType<typeof analyseOne>[] = [];
    let slice = performance.now();
    for (const m of messages) {
      if (performance.now() - slice >= ANALYSIS_SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
      analysed.push(analyseOne(m));
    }
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
