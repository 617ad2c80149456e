import type { CannedReply, CannedScope } from '../../../src/core/assist/canned';
import type { Analysis, Intent, Role } from '../../../src/core/nlp/types';
import { request } from './client';

export type { CannedReply, CannedScope } from '../../../src/core/assist/canned';
export type { Analysis, ForbiddenFinding, Intent } from '../../../src/core/nlp/types';

export interface AnalysisResult extends Analysis {
  locale: 'zh-CN' | 'en';
}

export interface IntentExample {
  id: number;
  locale: 'zh-CN' | 'en';
  label: Intent;
  text: string;
  createdAt: string;
}

export interface CannedReplyInput {
  scope?: CannedScope;
  title: string;
  content: string;
  shortcut?: string | null;
  category?: string | null;
}

/** 数智 agent assist: analysis (禁语 check, 分析实验室), intent examples, 快捷回复. */
export const assistApi = {
  /** `locale`: the conversation's language (its pack); the workspace's when omitted. */
  analyze: (text: string, role: Role, opts: { signal?: AbortSignal; locale?: 'zh-CN' | 'en' } = {}) =>
    request<AnalysisResult>('/nlp/analyze', { body: { text, role, ...(opts.locale ? { locale: opts.locale } : {}) }, signal: opts.signal }),
  intentExamples: () => request<{ locale: 'zh-CN' | 'en'; examples: IntentExample[] }>('/nlp/intent-examples'),
  addIntentExample: (text: string, label: Intent) =>
    request<{ example: IntentExample; retrain: { examples: number; ms: number } }>('/nlp/intent-examples', { body: { text, label } }),
  cannedReplies: () => request<{ replies: CannedReply[] }>('/canned-replies'),
  createCannedReply: (body: CannedReplyInput) => request<CannedReply>('/canned-replies', { body }),
  updateCannedReply: (id: number, patch: Partial<Omit<CannedReplyInput, 'scope'>>) => request<CannedReply>(`/canned-replies/${id}`, { method: 'PATCH', body: patch }),
  deleteCannedReply: (id: number) => request<void>(`/canned-replies/${id}`, { method: 'DELETE' }),
};
