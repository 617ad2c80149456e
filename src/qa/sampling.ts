import { DomainError, forbidden, notFound } from '../core/errors.js';
import { pendingEvent, type StoredEventOf } from '../core/events.js';
import { canReview, type Caller } from '../core/permissions.js';
import { pickReviewer, sampleReason, type SamplingPlan } from '../core/qa/index.js';
import { runCommand, type CommandContext } from '../commands/context.js';
import { agentActor } from '../commands/conversations.js';
import { defineConsumer } from '../events/consumers.js';
import { isUniqueViolation, type Sql } from '../storage/db.js';
import { findInspection, insertAssignment, openAssignments, samplingPlans, toSamplingPlan } from './store.js';

/**
 * 抽检计划 (docs/quality-inspection.md): plans are managed by 质检主管 and admins; the durable
 * consumer `qa.sampling` reads each new inspection and sends it to a reviewer when a plan
 * takes it (the choice is src/core/qa/sampling.ts).
 */

export type PlanInput = Pick<SamplingPlan, 'name' | 'enabled' | 'percent' | 'belowScore' | 'vetoed' | 'reviewerIds'>;

function assertCanManage(caller: Caller): void {
  if (caller.role !== 'qa_lead' && caller.role !== 'admin') throw forbidden('only a 质检主管 or an administrator manages sampling plans');
}

/** Reviewers must be active agents of the workspace who may review (质检员, 质检主管, supervisors, admins). */
async function checkReviewers(sql: Sql, workspaceId: number, ids: number[]): Promise<void> {
  const rows = await sql.query('SELECT id, name, role FROM agents WHERE workspace_id = $1 AND active AND id = ANY($2::bigint[])', [workspaceId, ids]);
  if (rows.length !== new Set(ids).size) throw new DomainError('agent_not_found', 'a reviewer is not an active agent of this workspace', 400);
  const agent = rows.find((r) => !canReview(r.role));
  if (agent) throw new DomainError('not_a_reviewer', `${agent.name} cannot review: choose 质检员, 质检主管, supervisors or administrators`, 400);
}

const nameTaken = (err: unknown) => (isUniqueViolation(err, 'qa_sampling_plans_workspace_id_name_key') ? new DomainError('name_taken', 'a sampling plan with this name already exists', 409) : err);

export async function createSamplingPlan(ctx: CommandContext, caller: Caller, input: PlanInput): Promise<SamplingPlan> {
  assertCanManage(caller);
  return runCommand(ctx, async (sql) => {
    await checkReviewers(sql, caller.workspaceId, input.reviewerIds);
    const rows = await sql
      .query(
        `INSERT INTO qa_sampling_plans (workspace_id, name, enabled, percent, below_score, vetoed, reviewer_ids) VALUES ($1, $2, $3, $4, $5, $6, $7::bigint[]) RETURNING *`,
        [caller.workspaceId, input.name, input.enabled, input.percent, input.belowScore, input.vetoed, [...new Set(input.reviewerIds)]],
      )
      .catch((err) => {
        throw nameTaken(err);
      });
    const plan = toSamplingPlan(rows[0]!);
    const event = pendingEvent('qa.sampling_plan_changed', { workspaceId: caller.workspaceId, actor: agentActor(caller), data: { planId: plan.id, action: 'created', fields: [] }, subject: plan });
    return { result: plan, events: [event] };
  });
}

export async function updateSamplingPlan(ctx: CommandContext, caller: Caller, id: number, patch: Partial<PlanInput>): Promise<SamplingPlan> {
  assertCanManage(caller);
  const fields = Object.keys(patch).filter((k) => patch[k as keyof PlanInput] !== undefined);
  return runCommand(ctx, async (sql) => {
    if (patch.reviewerIds) await checkReviewers(sql, caller.workspaceId, patch.reviewerIds);
    const rows = await sql
      .query(
        `UPDATE qa_sampling_plans SET name = COALESCE($3, name), enabled = COALESCE($4, enabled), percent = COALESCE($5, percent),
           below_score = CASE WHEN $6 THEN $7 ELSE below_score END, vetoed = COALESCE($8, vetoed), reviewer_ids = COALESCE($9::bigint[], reviewer_ids), updated_at = now()
         WHERE id = $1 AND workspace_id = $2 RETURNING *`,
        [
          id,
          caller.workspaceId,
          patch.name ?? null,
          patch.enabled ?? null,
          patch.percent ?? null,
          patch.belowScore !== undefined,
          patch.belowScore ?? null,
          patch.vetoed ?? null,
          patch.reviewerIds ? [...new Set(patch.reviewerIds)] : null,
        ],
      )
      .catch((err) => {
        throw nameTaken(err);
      });
    if (!rows[0]) throw notFound('sampling_plan');
    const plan = toSamplingPlan(rows[0]);
    const event = pendingEvent('qa.sampling_plan_changed', { workspaceId: caller.workspaceId, actor: agentActor(caller), data: { planId: plan.id, action: 'updated', fields }, subject: plan });
    return { result: plan, events: [event] };
  });
}

export async function deleteSamplingPlan(ctx: CommandContext, caller: Caller, id: number): Promise<void> {
  assertCanManage(caller);
  await runCommand(ctx, async (sql) => {
    const rows = await sql.query('DELETE FROM qa_sampling_plans WHERE id = $1 AND workspace_id = $2 RETURNING *', [id, caller.workspaceId]);
    if (!rows[0]) throw notFound('sampling_plan');
    const plan = toSamplingPlan(rows[0]);
    const event = pendingEvent('qa.sampling_plan_changed', { workspaceId: caller.workspaceId, actor: agentActor(caller), data: { planId: id, action: 'deleted', fields: [] }, subject: plan });
    return { result: undefined, events: [event] };
  });
}

/**
 * Each new inspection, against the workspace's plans in order: the first plan that takes it
 * assigns it to its reviewer with the fewest open assignments. A redelivery finds the
 * assignment made and does nothing more.
 */
export function samplingConsumer(ctx: CommandContext) {
  return defineConsumer({
    name: 'qa.sampling',
    events: ['conversation.inspected'],
    async handle(e: StoredEventOf<'conversation.inspected'>) {
      const plans = await samplingPlans(ctx.db, e.workspaceId);
      if (!plans.some((p) => p.enabled)) return;
      const inspection = await findInspection(ctx.db, e.workspaceId, e.data.inspectionId);
      if (!inspection) return;
      for (const plan of plans) {
        const reason = sampleReason(plan, inspection);
        if (!reason) continue;
        const assigned = await runCommand(ctx, async (sql) => {
          const reviewerId = pickReviewer(plan.reviewerIds, await openAssignments(sql, plan.reviewerIds), inspection.agentId);
          if (reviewerId === null) return { result: false, events: [] };
          if (!(await insertAssignment(sql, { workspaceId: e.workspaceId, inspectionId: inspection.id, planId: plan.id, reviewerId, reason }))) return { result: true, events: [] };
          const event = pendingEvent('qa.review_assigned', {
            workspaceId: e.workspaceId,
            conversationId: inspection.conversationId,
            actor: { type: 'system', id: null },
            data: { inspectionId: inspection.id, planId: plan.id, reviewerId, reason },
            subject: { inspectionId: inspection.id, conversationId: inspection.conversationId, reviewerId, reason },
          });
          return { result: true, events: [event] };
        });
        if (assigned) return;
      }
    },
  });
}
