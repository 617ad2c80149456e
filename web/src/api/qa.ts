import type { Inspection, QaFinding, QaMessage, QaRole, Severity } from '../../../src/core/qa/types';
import type { Appeal, AppealStage, AppealStatus, ManualFinding, Verdict } from '../../../src/core/qa/review';
import type { Assignment, SamplingPlan } from '../../../src/core/qa/sampling';
import type { ScoreSheet } from '../../../src/core/qa/score';
import { request } from './client';

export type { Inspection, QaFinding, QaMessage, QaRole, Severity } from '../../../src/core/qa/types';
export type { Adjustments, Appeal, AppealAction, AppealStage, AppealStatus, Verdict } from '../../../src/core/qa/review';

/** What `POST /inspections/preview` answers: the default pack's findings and score; nothing is stored. */
export interface InspectionPreview {
  score: number;
  /** A critical finding zeroed the score (一票否决). */
  vetoed: boolean;
  packVersion: string;
  /** The scoring sheet (评分表) the score is on. */
  sheet: ScoreSheet;
  dimensions: { category: string; deducted: number; findings: number }[];
  findings: QaFinding[];
}

/** An inspection as the API presents it: the score that counts now and the keys of the findings that stand. */
export type InspectionView = Inspection & { finalScore: number; standing: string[]; appealableUntil: string };

/** A row of the 质检工作台 (`GET /inspections`). */
export type InspectionRow = InspectionView & {
  agentName: string | null;
  contactName: string | null;
  groupName: string | null;
  appeals: { pending: number; total: number };
  /** Sent for 复核 by a sampling plan (抽检计划). */
  assignment: Assignment | null;
};

export type { Assignment, SampleReason as AssignmentReason } from '../../../src/core/qa/sampling';

/** A line of what was inspected: a finding's messageIndex is its index, its span is in its content. */
export interface TranscriptLine {
  index: number;
  messageId: number;
  role: QaRole;
  content: string;
  at: string;
}

export interface InspectionDetail {
  inspection: InspectionView;
  appeals: Appeal[];
  transcript: TranscriptLine[];
}

export interface InspectionFilter {
  agentId?: number;
  groupId?: number;
  rule?: string;
  from?: string;
  to?: string;
  minScore?: number;
  maxScore?: number;
  reviewed?: boolean;
  appealed?: boolean;
  /** A reviewer's queue: `me`, with `todo` true (not reviewed yet) or false (reviewed). */
  assignedTo?: 'me' | number;
  todo?: boolean;
  before?: number | null;
  limit?: number;
}

/** A manual finding sent with a review: kept (and edited) with its key, new without one. */
export type ManualInput = ManualFinding & { key?: string };

/** `GET /inspections/stats` (质检报表). */
export interface QaStats {
  from: string;
  to: string;
  agents: {
    agentId: number;
    name: string | null;
    inspections: number;
    averageScore: number;
    vetoed: number;
    reviewed: number;
    appeals: { filed: number; accepted: number; rejected: number; rate: number };
  }[];
  groups: { groupId: number | null; name: string | null; inspections: number; averageScore: number; vetoed: number }[];
  trend: { day: string; inspections: number; averageScore: number }[];
  topRules: { rule: string; category: string; count: number; examples: { inspectionId: number; conversationId: number; excerpt: string }[] }[];
}

/** 抽检计划: the core's type (src/core/qa/sampling.ts). */
export type { SamplingPlan };
export type SamplingPlanInput = Pick<SamplingPlan, 'name' | 'enabled' | 'percent' | 'belowScore' | 'vetoed' | 'reviewerIds'>;

export type PackLocale = 'zh-CN' | 'en';
/** `GET /qa/packs/{locale}`: the rules in use, the draft, the published versions. */
export interface PackState {
  locale: PackLocale;
  current: { version: string; source: 'shipped' | 'workspace'; pack: Record<string, unknown> };
  draft: { pack: unknown; updatedAt: string; editedBy: number | null } | null;
  versions: { version: string; publishedAt: string; publishedBy: number | null }[];
}
export interface WhatIfResult {
  version: string;
  summary: { inspections: number; changed: number; averageBefore: number | null; averageAfter: number | null };
  rows: {
    inspectionId: number;
    conversationId: number;
    agentId: number | null;
    inspectedAt: string;
    before: { score: number; vetoed: boolean; packVersion: string; rules: string[] };
    after: { score: number; vetoed: boolean; rules: string[] };
  }[];
}

const flag = (v: boolean | undefined) => (v === undefined ? undefined : String(v));

/** 智能质检 (docs/quality-inspection.md): the 规则实验室's preview, the 质检工作台, 复核 and 申诉. */
export const qaApi = {
  preview: (messages: QaMessage[], closed: boolean, opts: { signal?: AbortSignal; pack?: 'current' | 'draft' } = {}) =>
    request<InspectionPreview>('/inspections/preview', { body: opts.pack ? { messages, closed, pack: opts.pack } : { messages, closed }, signal: opts.signal }),
  list: (f: InspectionFilter, signal?: AbortSignal) =>
    request<{ inspections: InspectionRow[]; nextBefore: number | null }>('/inspections', {
      query: { ...f, reviewed: flag(f.reviewed), appealed: flag(f.appealed), todo: flag(f.todo) },
      signal,
    }),
  get: (id: number) => request<InspectionDetail>(`/inspections/${id}`),
  review: (id: number, body: { verdicts: Record<string, Verdict>; manual: ManualInput[] }) =>
    request<{ inspection: InspectionView }>(`/inspections/${id}/review`, { method: 'PUT', body }),
  appeal: (id: number, finding: string, reason: string) => request<{ appeal: Appeal }>(`/inspections/${id}/appeals`, { body: { finding, reason } }),
  appeals: (q: { status?: AppealStatus; stage?: AppealStage; mine?: boolean }) =>
    request<{ appeals: Appeal[] }>('/appeals', { query: { status: q.status, stage: q.stage, mine: flag(q.mine) } }),
  decide: (id: number, accept: boolean, note?: string) =>
    request<{ appeal: Appeal; inspection: InspectionView }>(`/appeals/${id}/decision`, { body: note ? { accept, note } : { accept } }),
  escalate: (id: number, note?: string) => request<{ appeal: Appeal }>(`/appeals/${id}/escalation`, { body: note ? { note } : {} }),
  stats: (q: { from?: string; to?: string; agentId?: number; groupId?: number; tzOffset?: number }, signal?: AbortSignal) =>
    request<QaStats>('/inspections/stats', { query: q, signal }),
  plans: () => request<{ plans: SamplingPlan[] }>('/qa/sampling-plans'),
  createPlan: (body: SamplingPlanInput) => request<{ plan: SamplingPlan }>('/qa/sampling-plans', { body }),
  updatePlan: (id: number, body: Partial<SamplingPlanInput>) => request<{ plan: SamplingPlan }>(`/qa/sampling-plans/${id}`, { method: 'PATCH', body }),
  deletePlan: (id: number) => request<void>(`/qa/sampling-plans/${id}`, { method: 'DELETE' }),
  pack: (locale: PackLocale) => request<PackState>(`/qa/packs/${locale}`),
  saveDraft: (locale: PackLocale, pack: Record<string, unknown>) => request<void>(`/qa/packs/${locale}/draft`, { method: 'PUT', body: { pack } }),
  discardDraft: (locale: PackLocale) => request<void>(`/qa/packs/${locale}/draft`, { method: 'DELETE' }),
  publish: (locale: PackLocale) => request<{ version: string }>(`/qa/packs/${locale}/publish`, { method: 'POST' }),
  whatIf: (locale: PackLocale, body: { pack?: Record<string, unknown>; from?: string; to?: string; limit?: number }) =>
    request<WhatIfResult>(`/qa/packs/${locale}/what-if`, { body, timeoutMs: 60_000 }),
};
