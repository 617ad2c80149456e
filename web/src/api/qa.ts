import type { Inspection, QaFinding, QaMessage, QaRole, Severity } from '../../../src/core/qa/types';
import type { Appeal, AppealStage, AppealStatus, Verdict } from '../../../src/core/qa/review';
import { request } from './client';

export type { Inspection, QaFinding, QaMessage, QaRole, Severity } from '../../../src/core/qa/types';
export type { Adjustments, Appeal, AppealAction, AppealStage, AppealStatus, Verdict } from '../../../src/core/qa/review';

/** What `POST /inspections/preview` answers: the default pack's findings and score; nothing is stored. */
export interface InspectionPreview {
  score: number;
  /** A critical finding zeroed the score (一票否决). */
  vetoed: boolean;
  packVersion: string;
  dimensions: { category: string; deducted: number; findings: number }[];
  findings: QaFinding[];
}

/** An inspection as the API presents it: the score that counts now and the keys of the findings that stand. */
export type InspectionView = Inspection & { finalScore: number; standing: string[] };

/** A row of the 质检工作台 (`GET /inspections`). */
export type InspectionRow = InspectionView & {
  agentName: string | null;
  contactName: string | null;
  groupName: string | null;
  appeals: { pending: number; total: number };
};

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
  before?: number | null;
  limit?: number;
}

export interface ManualInput {
  key?: string;
  category: string;
  severity: Severity;
  messageIndex: number | null;
  note: string;
}

const flag = (v: boolean | undefined) => (v === undefined ? undefined : String(v));

/** 智能质检 (docs/quality-inspection.md): the 规则实验室's preview, the 质检工作台, 复核 and 申诉. */
export const qaApi = {
  preview: (messages: QaMessage[], closed: boolean, opts: { signal?: AbortSignal } = {}) =>
    request<InspectionPreview>('/inspections/preview', { body: { messages, closed }, signal: opts.signal }),
  list: (f: InspectionFilter, signal?: AbortSignal) =>
    request<{ inspections: InspectionRow[]; nextBefore: number | null }>('/inspections', {
      query: { ...f, reviewed: flag(f.reviewed), appealed: flag(f.appealed) },
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
};
