import type { CsatRating } from '../../../src/core/csat/rating';
import { request } from './client';

export type { CsatLabels, CsatRating, CsatSettings, CsatTranslation } from '../../../src/core/csat/rating';
export { DEFAULT_CSAT, MAX_REASONS } from '../../../src/core/csat/rating';

/** GET /conversations/{id}/rating: the customer's rating (null: none yet), and whether they were asked. */
export interface ConversationRating {
  rating: CsatRating | null;
  requested: boolean;
}

/** 满意度评价: a conversation's rating, and 邀请评价 (ask the customer before closing). */
export const csatApi = {
  rating: (conversationId: number) => request<ConversationRating>(`/conversations/${conversationId}/rating`),
  invite: (conversationId: number) =>
    request<{ requested: true; messageId: number }>(`/conversations/${conversationId}/rating-invitation`, { method: 'POST' }),
};
