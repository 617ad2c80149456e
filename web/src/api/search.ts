import type { ConversationStatus } from './types';
import { request } from './client';

/** One hit of GET /search: a message holding every word of the query, or a contact (name, phone, e-mail). */
export interface SearchResult {
  kind: 'message' | 'contact';
  /** Open this conversation (for a contact: its newest one; null when it has none the filters let through) */
  conversationId: number | null;
  /** The matching message: open the conversation at it */
  messageId: number | null;
  seq: number | null;
  /** The message around the match, or the contact's name · phone · e-mail */
  excerpt: string;
  /** [start, end) offsets (UTF-16, as JavaScript counts) into excerpt to highlight */
  highlights: [number, number][];
  /** A private note (内部备注) */
  private: boolean;
  senderType: string | null;
  createdAt: string | null;
  /** The conversation's status */
  status: ConversationStatus | null;
  contactId: number | null;
  contactName: string | null;
}

export interface SearchPage {
  results: SearchResult[];
  /** The words searched for, as the server cut them */
  terms: string[];
  /** Pass as `before` for the next page; null: no more */
  next: number | null;
}

export interface SearchFilters {
  status?: ConversationStatus;
  /** YYYY-MM-DD, first day (inclusive) in `tz` */
  from?: string;
  /** YYYY-MM-DD, last day (inclusive) in `tz` */
  to?: string;
  /** IANA time zone of from and to (the server's default: Asia/Shanghai) */
  tz?: string;
  /** The conversation's 满意度 score, 1…5 */
  rating?: number;
  agentId?: number;
  groupId?: number;
  inboxId?: number;
  intent?: string;
}

/** 全文搜索: GET /search (docs/search.md). Contacts come on the first page only, when no date, rating or intent filter is set. */
export const searchApi = {
  search: (q: string, filters: SearchFilters = {}, page: { before?: number | null; limit?: number } = {}, signal?: AbortSignal) =>
    request<SearchPage>('/search', { query: { q, ...filters, before: page.before, limit: page.limit }, signal }),
};
