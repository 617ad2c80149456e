/**
 * 抽检计划 (sampling plans, docs/quality-inspection.md): which inspected conversations a person
 * reviews. Pure: the choice for one inspection, and the reviewer it goes to.
 */

export interface SamplingPlan {
  id: number;
  name: string;
  enabled: boolean;
  /** Share of each agent's inspections sampled, 0–100. */
  percent: number;
  /** Every inspection whose score is below this goes to review too; null: none by score. */
  belowScore: number | null;
  /** Every vetoed inspection (一票否决) goes to review. */
  vetoed: boolean;
  /** 质检员 (or 质检主管, supervisors) the plan's inspections are shared among. */
  reviewerIds: number[];
  createdAt: string;
  updatedAt: string;
}

export type SampleReason = 'sampled' | 'low_score' | 'vetoed';

/** An inspection sent for 复核 by a plan, as the 质检工作台 lists it. */
export interface Assignment {
  reviewerId: number;
  reviewerName: string | null;
  planId: number | null;
  reason: SampleReason;
  assignedAt: string;
  doneAt: string | null;
}

/**
 * A number in [0, 10000) from the plan and the inspection (FNV-1a): the same on every instance
 * and every redelivery, spread evenly, and not guessable from the order of an agent's chats.
 */
export function sampleBucket(planId: number, inspectionId: number): number {
  let h = 0x811c9dc5;
  for (const ch of `${planId}:${inspectionId}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % 10_000;
}

/** Why a plan takes an inspection for review, or null: vetoed and low scores always, else about `percent` of them. */
export function sampleReason(plan: SamplingPlan, inspection: { id: number; score: number; vetoed: boolean }): SampleReason | null {
  if (!plan.enabled || plan.reviewerIds.length === 0) return null;
  if (plan.vetoed && inspection.vetoed) return 'vetoed';
  if (plan.belowScore !== null && inspection.score < plan.belowScore) return 'low_score';
  return sampleBucket(plan.id, inspection.id) < Math.round(plan.percent * 100) ? 'sampled' : null;
}

/** The reviewer with the fewest open assignments (ties: the one listed first); never the agent under review. */
export function pickReviewer(reviewerIds: number[], open: Map<number, number>, agentId: number | null): number | null {
  let best: number | null = null;
  for (const id of reviewerIds) {
    if (id === agentId) continue;
    if (best === null || (open.get(id) ?? 0) < (open.get(best) ?? 0)) best = id;
  }
  return best;
}
