import type { QaFinding, QaMessage } from '../../../src/core/qa/types';
import { request } from './client';

export type { QaFinding, QaMessage, Severity } from '../../../src/core/qa/types';

/** What `POST /inspections/preview` answers: the default pack's findings and score; nothing is stored. */
export interface InspectionPreview {
  score: number;
  /** A critical finding zeroed the score (一票否决). */
  vetoed: boolean;
  packVersion: string;
  dimensions: { category: string; deducted: number; findings: number }[];
  findings: QaFinding[];
}

/** 智能质检 (docs/quality-inspection.md): the 规则实验室's preview (supervisors and admins). */
export const qaApi = {
  preview: (messages: QaMessage[], closed: boolean, opts: { signal?: AbortSignal } = {}) =>
    request<InspectionPreview>('/inspections/preview', { body: { messages, closed }, signal: opts.signal }),
};
