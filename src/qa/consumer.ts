import { runCommand, type CommandContext } from '../commands/context.js';
import { pendingEvent, type StoredEventOf } from '../core/events.js';
import type { QaFinding } from '../core/qa/index.js';
import { defineConsumer } from '../events/consumers.js';
import { findConversation } from '../storage/conversations.js';
import { maybeOne } from '../storage/db.js';
import { inspectOffThread } from './inspector.js';
import { workspacePack } from './packs.js';
import { alertRecipients, insertInspection, insertLiveAlert, loadTranscript } from './store.js';

/** Lines the live check reads: the agent's message and those just before it. */
const LIVE_WINDOW = 8;

/** Findings that cannot wait for the close: they alert the group's supervisors as the agent sends. */
const isUrgent = (f: QaFinding) => f.category === 'forbidden' || f.severity === 'critical';

/**
 * 智能质检 as a durable consumer (docs/quality-inspection.md): every conversation is inspected
 * each time it is resolved (one version per resolution, exactly once: the resolution's event
 * id is the row's key), and every public agent message is checked as it is sent, so a 禁语 or
 * a critical finding reaches the group's supervisors within a second (`qa.alert_raised`).
 */
export function inspectionConsumer(ctx: CommandContext) {
  const onResolved = async (e: StoredEventOf<'conversation.status_changed'>) => {
    if (e.conversationId === null || e.data.to !== 'resolved') return;
    const conv = await findConversation(ctx.db, e.conversationId);
    if (!conv) return;
    const { messages } = await loadTranscript(ctx.db, conv.id, { until: e.createdAt });
    if (!messages.some((m) => m.role === 'agent')) return; // nobody served it (bot only, 留言): nothing of an agent's to judge
    const result = await inspectOffThread(messages, {
      locale: conv.locale,
      closed: true,
      pack: await workspacePack(ctx.db, e.workspaceId, conv.locale),
      facts: { inboxId: conv.inboxId, channel: conv.channel },
    });
    await runCommand(ctx, async (sql) => {
      const inspection = await insertInspection(sql, {
        workspaceId: e.workspaceId,
        conversationId: conv.id,
        sourceEventId: e.id,
        agentId: conv.assigneeId,
        groupId: conv.groupId,
        packVersion: result.packVersion,
        sheet: result.sheet,
        score: result.score.score,
        vetoed: result.score.vetoed,
        findings: result.findings,
        dimensions: result.score.dimensions,
        messageCount: messages.length,
      });
      if (!inspection) return { result: null, events: [] }; // inspected already: a redelivery
      const event = pendingEvent('conversation.inspected', {
        workspaceId: e.workspaceId,
        conversationId: conv.id,
        actor: { type: 'system', id: null },
        data: { inspectionId: inspection.id, version: inspection.version, score: inspection.score, vetoed: inspection.vetoed, rules: [...new Set(inspection.findings.map((f) => f.rule))], agentId: inspection.agentId },
        subject: inspection,
      });
      return { result: null, events: [event] };
    });
  };

  const onAgentMessage = async (e: StoredEventOf<'message.created'>) => {
    if (e.conversationId === null) return;
    const conv = await findConversation(ctx.db, e.conversationId);
    if (!conv) return;
    // the urgent rules read the message and what just came before it (禁语; an evaded 工号): the
    // latest lines are enough, and a long conversation costs each message no more than a short one
    const { messages, ids } = await loadTranscript(ctx.db, conv.id, { untilSeq: e.data.seq, last: LIVE_WINDOW });
    const index = ids.indexOf(e.data.messageId);
    if (index < 0) return;
    const pack = await workspacePack(ctx.db, e.workspaceId, conv.locale);
    const urgent = (await inspectOffThread(messages, { locale: conv.locale, closed: false, pack })).findings.filter((f) => f.messageIndex === index && isUrgent(f));
    if (urgent.length === 0) return;
    const findings = urgent.map((f) => ({ rule: f.rule, severity: f.severity, excerpt: f.excerpt, suggestion: f.suggestion }));
    const sender = await maybeOne(ctx.db, 'SELECT m.sender_id, a.name FROM messages m LEFT JOIN agents a ON a.id = m.sender_id WHERE m.id = $1', [e.data.messageId]);
    const agentId = sender?.sender_id === null || sender?.sender_id === undefined ? null : Number(sender.sender_id);
    await runCommand(ctx, async (sql) => {
      if (!(await insertLiveAlert(sql, { workspaceId: e.workspaceId, conversationId: conv.id, messageId: e.data.messageId, findings }))) return { result: null, events: [] };
      const recipients = await alertRecipients(sql, e.workspaceId, conv.groupId);
      const event = pendingEvent('qa.alert_raised', {
        workspaceId: e.workspaceId,
        conversationId: conv.id,
        actor: { type: 'system', id: null },
        data: { messageId: e.data.messageId, agentId, rules: findings.map((f) => f.rule), recipients },
        subject: { conversationId: conv.id, messageId: e.data.messageId, agentId, agentName: sender?.name ?? null, findings },
      });
      return { result: null, events: [event] };
    });
  };

  return defineConsumer({
    name: 'qa.inspection',
    events: ['conversation.status_changed', 'message.created'],
    match: { 'conversation.status_changed': { to: ['resolved'] }, 'message.created': { senderType: ['agent'], private: [false] } },
    async handle(e) {
      if (e.type === 'conversation.status_changed') return onResolved(e);
      return onAgentMessage(e);
    },
  });
}
