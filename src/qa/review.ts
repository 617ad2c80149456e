import { DomainError, forbidden, notFound } from '../core/errors.js';
import { pendingEvent, type PendingEvent } from '../core/events.js';
import { assertCanReview, type Caller } from '../core/permissions.js';
import {
  adjustedScore,
  afterDecision,
  appealSince,
  checkAppeal,
  decide,
  escalate,
  NO_ADJUSTMENTS,
  review,
  type Appeal,
  type Inspection,
  type ManualFinding,
  type Verdict,
} from '../core/qa/index.js';
import { runCommand, type CommandContext } from '../commands/context.js';
import { agentActor } from '../commands/conversations.js';
import type { Sql } from '../storage/db.js';
import {
  appealDeciders,
  appealOfFinding,
  completeAssignment,
  findAppeal,
  findInspection,
  groupLeaderOf,
  insertAppeal,
  saveAdjustments,
  saveAppeal,
} from './store.js';

/**
 * 复核 and 申诉 as commands (the rules are src/core/qa/review.ts): each runs in one
 * transaction with its events, and `qa.appeal_changed` tells those concerned live.
 */

async function lockedInspection(sql: Sql, caller: Caller, id: number): Promise<Inspection> {
  const inspection = await findInspection(sql, caller.workspaceId, id, { lock: true });
  if (!inspection) throw notFound('inspection');
  return inspection;
}

function adjusted(caller: Caller, before: Inspection, after: Inspection, reason: 'review' | 'appeal'): PendingEvent {
  return pendingEvent('qa.inspection_adjusted', {
    workspaceId: caller.workspaceId,
    conversationId: after.conversationId,
    actor: agentActor(caller),
    data: { inspectionId: after.id, reason, score: before.score, adjustedScore: after.adjustedScore ?? after.score, agentId: after.agentId },
    subject: after,
  });
}

/** A reviewer's verdicts on the findings and manual findings: the adjusted score replaces the automatic one (which is kept). */
export async function reviewInspection(
  ctx: CommandContext,
  caller: Caller,
  id: number,
  input: { verdicts: Record<string, Verdict>; manual: (ManualFinding & { key?: string })[] },
): Promise<Inspection> {
  assertCanReview(caller);
  return runCommand(ctx, async (sql) => {
    const current = await lockedInspection(sql, caller, id);
    if (current.agentId === caller.agentId) throw forbidden('nobody reviews their own conversations');
    const adj = review(current, current.adjustments ?? NO_ADJUSTMENTS, input);
    const saved = await saveAdjustments(sql, id, adj, adjustedScore(current.findings, adj, current.sheet), caller.agentId);
    await completeAssignment(sql, id);
    return { result: saved, events: [adjusted(caller, current, saved, 'review')] };
  });
}

function appealEvent(caller: Caller, appeal: Appeal, notify: number[]): PendingEvent {
  const step = appeal.history[appeal.history.length - 1]!;
  return pendingEvent('qa.appeal_changed', {
    workspaceId: caller.workspaceId,
    conversationId: appeal.conversationId,
    actor: agentActor(caller),
    data: { appealId: appeal.id, inspectionId: appeal.inspectionId, action: step.action, stage: appeal.stage, status: appeal.status, notify: notify.filter((id) => id !== caller.agentId) },
    subject: appeal,
  });
}

/** An agent contests a finding of a conversation they served; the group's leader, supervisors and admins are told. */
export async function fileAppeal(ctx: CommandContext, caller: Caller, inspectionId: number, input: { finding: string; reason: string }, days: number): Promise<Appeal> {
  return runCommand(ctx, async (sql) => {
    const inspection = await lockedInspection(sql, caller, inspectionId);
    const since = appealSince(inspection);
    const adjustments = inspection.adjustments ?? NO_ADJUSTMENTS;
    checkAppeal(caller, { agentId: inspection.agentId, findings: inspection.findings, adjustments, since }, input.finding, await appealOfFinding(sql, inspectionId, input.finding), new Date(), days);
    const now = new Date().toISOString();
    const appeal = await insertAppeal(sql, caller.workspaceId, {
      inspectionId,
      conversationId: inspection.conversationId,
      findingKey: input.finding,
      agentId: caller.agentId,
      reason: input.reason,
      stage: 'supervisor',
      status: 'pending',
      final: false,
      history: [{ at: now, by: caller.agentId, action: 'filed', note: input.reason }],
    });
    if (!appeal) throw new DomainError('appeal_exists', `finding ${input.finding} was appealed already`, 409);
    const notify = await appealDeciders(sql, caller.workspaceId, 'supervisor', inspection.groupId);
    return { result: appeal, events: [appealEvent(caller, appeal, notify)] };
  });
}

/** A supervisor (or the group's leader), or at the second stage a 质检主管, accepts or rejects; accepting removes the finding. */
export async function decideAppeal(ctx: CommandContext, caller: Caller, appealId: number, input: { accept: boolean; note: string | null }): Promise<{ appeal: Appeal; inspection: Inspection }> {
  return runCommand(ctx, async (sql) => {
    const current = await findAppeal(sql, caller.workspaceId, appealId, { lock: true });
    if (!current) throw notFound('appeal');
    const inspection = await lockedInspection(sql, caller, current.inspectionId);
    const leader = await groupLeaderOf(sql, caller.workspaceId, inspection.groupId);
    const appeal = await saveAppeal(sql, decide(current, caller, leader, input.accept, input.note, new Date()));
    const events: PendingEvent[] = [appealEvent(caller, appeal, [appeal.agentId])];
    let result = inspection;
    const before = inspection.adjustments ?? NO_ADJUSTMENTS;
    const after = afterDecision(before, appeal);
    if (after !== before) {
      result = await saveAdjustments(sql, inspection.id, after, adjustedScore(inspection.findings, after, inspection.sheet), null);
      events.push(adjusted(caller, inspection, result, 'appeal'));
    }
    return { result: { appeal, inspection: result }, events };
  });
}

/** The appellant takes a rejected appeal to a 质检主管 (终审); the 质检主管 and admins are told. */
export async function escalateAppeal(ctx: CommandContext, caller: Caller, appealId: number, input: { note: string | null }, days: number): Promise<Appeal> {
  return runCommand(ctx, async (sql) => {
    const current = await findAppeal(sql, caller.workspaceId, appealId, { lock: true });
    if (!current) throw notFound('appeal');
    const appeal = await saveAppeal(sql, escalate(current, caller, input.note, new Date(), days));
    const notify = await appealDeciders(sql, caller.workspaceId, 'lead', null);
    return { result: appeal, events: [appealEvent(caller, appeal, notify)] };
  });
}
