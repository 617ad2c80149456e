import { request } from '../../api/client';
import type { Contact, Conversation, Role } from '../../api/types';

/*
 * 客户画像 (/api/v1/contacts…, /api/v1/contact-fields, /api/v1/contact-merges): the calls and
 * types only the lazy 客户 pages use, kept out of api/index.ts (which every first load carries).
 */

export const TEMPERAMENTS = ['lively', 'forceful', 'perfectionist', 'peaceful'] as const;
export type Temperament = (typeof TEMPERAMENTS)[number];
export const LOST_REASONS = ['poor_service', 'nobody_cared', 'price', 'better_product', 'other'] as const;
export type LostReason = (typeof LOST_REASONS)[number];
export const NEEDS = ['stated', 'real', 'unstated', 'delight', 'secret'] as const;
export type NeedKey = (typeof NEEDS)[number];
export type Needs = Partial<Record<NeedKey, string | null>>;
export const FIELD_TYPES = ['text', 'number', 'date', 'option'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
export const MAX_TAGS = 20;
export const MAX_TAG_CHARS = 20;
export const MAX_NEED_CHARS = 500;
export const FIELD_KEY = /^[a-z][a-z0-9_]{0,31}$/;

export type FieldValue = string | number | null;

/** The contact as the profile API sends it (phone, e-mail and ID numbers masked when `masked`). */
export type ContactProfile = Omit<Contact, 'vip'> & {
  vip: boolean;
  company: string | null;
  tags: string[];
  vipLevel: number;
  externalId: string | null;
  customFields: Record<string, FieldValue>;
  temperament: Temperament | null;
  temperamentHint: string | null;
  needs: Needs;
  lost: { reason: LostReason; note: string | null; at: string } | null;
  masked: boolean;
  erasedAt: string | null;
};

export interface FieldDefinition {
  id: number;
  key: string;
  label: string;
  type: FieldType;
  options: string[];
}

export type TimelineKind = 'conversation' | 'ticket' | 'complaint' | 'rating' | 'visit' | 'order';
export interface TimelineEntry {
  kind: TimelineKind;
  at: string;
  id: number | string;
  title: string;
  detail?: string | null;
  status?: string | null;
  score?: number | null;
  conversationId?: number | null;
  ticketId?: number | null;
  channel?: string | null;
}

export interface ContactMerge {
  id: number;
  fromContactId: number;
  intoContactId: number;
  createdAt: string;
  undoneAt: string | null;
}

export interface ProfileDetail {
  contact: ContactProfile;
  conversations: Conversation[];
  timeline?: TimelineEntry[];
  merges?: ContactMerge[];
}

export interface OrderItem {
  name: string;
  quantity: number;
  price?: number | null;
}
export interface Order {
  id?: number;
  orderId: string;
  items: OrderItem[];
  amount: number;
  currency: string;
  status: string;
  orderedAt: string;
}

export interface ContactFilter {
  q?: string;
  tags?: string[];
  vipLevel?: number;
  temperament?: Temperament;
  /** true: lost for any reason, false: not lost, or one reason */
  lost?: boolean | LostReason;
  /** custom field key → the value it equals */
  cf?: [string, string][];
}

export interface ImportReport {
  created: number;
  updated: number;
  errors: { line: number; message: string }[];
}

export interface ContactPatch {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  company?: string | null;
  tags?: string[];
  vipLevel?: number;
  customFields?: Record<string, FieldValue>;
  temperament?: Temperament | null;
  needs?: Needs;
  lost?: { reason: LostReason; note?: string | null } | null;
}

/** The list's filters as a query string (tag and cf repeat). */
export function filterQuery(f: ContactFilter): URLSearchParams {
  const p = new URLSearchParams();
  if (f.q) p.set('q', f.q);
  for (const tag of f.tags ?? []) p.append('tag', tag);
  if (f.vipLevel !== undefined) p.set('vipLevel', String(f.vipLevel));
  if (f.temperament) p.set('temperament', f.temperament);
  if (f.lost !== undefined) p.set('lost', String(f.lost));
  for (const [k, v] of f.cf ?? []) p.append('cf', `${k}:${v}`);
  return p;
}

const withQuery = (path: string, p: URLSearchParams) => (p.size > 0 ? `${path}?${p.toString()}` : path);

/** The server's answer to 查看: the contact itself or `{contact}`. */
const unwrap = (r: ContactProfile | { contact: ContactProfile }): ContactProfile => ('contact' in r && typeof r.contact === 'object' ? r.contact : (r as ContactProfile));

export const contactsApi = {
  list: (f: ContactFilter, page: { cursor?: string | null; limit?: number } = {}, signal?: AbortSignal) => {
    const p = filterQuery(f);
    if (page.cursor) p.set('cursor', page.cursor);
    if (page.limit) p.set('limit', String(page.limit));
    return request<{ contacts: ContactProfile[]; nextCursor: string | null }>(withQuery('/contacts', p), { signal });
  },
  /** The CSV of the filtered list (a plain link: the browser downloads it with the session cookie). */
  exportUrl: (f: ContactFilter) => {
    const p = filterQuery(f);
    p.set('format', 'csv');
    return `/api/v1/contacts/export?${p.toString()}`;
  },
  importCsv: (file: Blob) => request<ImportReport>('/contacts/import', { body: file, contentType: 'text/csv', timeoutMs: 120_000 }),
  get: (id: number, signal?: AbortSignal) => request<ProfileDetail>(`/contacts/${id}`, { signal }),
  update: (id: number, patch: ContactPatch) => request<ContactProfile>(`/contacts/${id}`, { method: 'PATCH', body: patch }),
  reveal: async (id: number) => unwrap(await request<ContactProfile | { contact: ContactProfile }>(`/contacts/${id}/reveal`, { method: 'POST', body: {} })),
  orders: (id: number, signal?: AbortSignal) => request<{ orders: Order[] }>(`/contacts/${id}/orders`, { signal }),
  merge: (id: number, into: number) => request<{ merge: ContactMerge }>(`/contacts/${id}/merge`, { body: { into } }),
  undoMerge: (mergeId: number) => request<{ merge: ContactMerge; stillEnded?: number[]; note?: string | null }>(`/contact-merges/${mergeId}/undo`, { body: {} }),
  personalDataUrl: (id: number) => `/api/v1/contacts/${id}/personal-data`,
  erase: (id: number) => request<unknown>(`/contacts/${id}/erase`, { body: { confirm: true } }),

  fields: (signal?: AbortSignal) => request<{ fields: FieldDefinition[] }>('/contact-fields', { signal }),
  createField: (f: { key: string; label: string; type: FieldType; options?: string[] }) => request<FieldDefinition | { field: FieldDefinition }>('/contact-fields', { body: f }),
  updateField: (id: number, f: { label?: string; options?: string[] }) => request<unknown>(`/contact-fields/${id}`, { method: 'PATCH', body: f }),
  deleteField: (id: number) => request<unknown>(`/contact-fields/${id}`, { method: 'DELETE' }),
};

/**
 * Who sees phone numbers, e-mails and ID numbers unmasked (on 查看), exports, imports and merges: the
 * server's canSeePersonalData (= isLead), said here rather than imported from lib/permissions: importing it
 * from this lazy part split that module into a chunk of its own on the first load (console-weight).
 */
export const canSeePersonalData = (role: Role) => role === 'admin' || role === 'supervisor';
