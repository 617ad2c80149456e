import { DomainError } from '../errors.js';

/**
 * 客户画像: what agents know of a customer beyond who they are (docs/contacts.md). Pure:
 * the words, the limits and the rules; storage and HTTP are adapters.
 */

/** Four temperaments (METHOD.md §5): 活泼 lively, 力量 forceful, 完美 perfectionist, 和平 peaceful. */
export const TEMPERAMENTS = ['lively', 'forceful', 'perfectionist', 'peaceful'] as const;
export type Temperament = (typeof TEMPERAMENTS)[number];

/** Five needs (METHOD.md §5): stated, real, unstated, delight, secret. Agents' notes, one each. */
export const NEED_KEYS = ['stated', 'real', 'unstated', 'delight', 'secret'] as const;
export type NeedKey = (typeof NEED_KEYS)[number];
export type ContactNeeds = Partial<Record<NeedKey, string>>;

/** 流失原因 (METHOD.md §8): 服务差 / 无人关心 / 价格 / 更好的产品 / 搬迁等其他. */
export const LOST_REASONS = ['poor_service', 'nobody_cared', 'price', 'better_product', 'other'] as const;
export type LostReason = (typeof LOST_REASONS)[number];
export interface ContactLost {
  reason: LostReason;
  note: string | null;
  at: string;
}

export type CustomFieldValue = string | number;

export const CONTACT_LIMITS = {
  tags: 20,
  tagChars: 20,
  needChars: 500,
  lostNoteChars: 500,
  companyChars: 200,
  maxVipLevel: 5,
  /** custom field definitions per workspace */
  fields: 50,
  fieldLabelChars: 40,
  fieldOptions: 50,
  fieldOptionChars: 40,
  fieldTextChars: 500,
  /** import file: bytes and data rows */
  importBytes: 2 * 1024 * 1024,
  importRows: 10_000,
  /** export: rows at most (narrow the filters for more) */
  exportRows: 50_000,
  orderItems: 100,
  timeline: 200,
} as const;

/** The profile part of a contact (src/core/model.ts Contact extends it). */
export interface ContactProfileFields {
  company: string | null;
  /** 标签: at most 20, each 1–20 characters */
  tags: string[];
  /** VIP 客户 level, 0 = not VIP; `vip` is vipLevel > 0 */
  vipLevel: number;
  /** the site's signed user id (docs/identity.md); read-only */
  externalId: string | null;
  /** values of the workspace's custom fields (contact-fields), by key */
  customFields: Record<string, CustomFieldValue>;
  temperament: Temperament | null;
  needs: ContactNeeds;
  lost: ContactLost | null;
  erasedAt: string | null;
}

/** Tags as stored: trimmed, blanks and repeats dropped; refused over the limits. */
export function normaliseTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of tags) {
    const t = raw.trim();
    if (!t || out.includes(t)) continue;
    if ([...t].length > CONTACT_LIMITS.tagChars) throw new DomainError('invalid_tag', `a tag has at most ${CONTACT_LIMITS.tagChars} characters: "${t.slice(0, 30)}"`, 400);
    out.push(t);
  }
  if (out.length > CONTACT_LIMITS.tags) throw new DomainError('too_many_tags', `a contact has at most ${CONTACT_LIMITS.tags} tags (${out.length} given)`, 400);
  return out;
}

/**
 * The VIP level a change asks for: a level wins; `vip: true` alone keeps a level the
 * contact has, or makes it 1; `vip: false` is 0.
 */
export function vipLevelOf(change: { vip?: boolean; vipLevel?: number }, current: number): number | undefined {
  if (change.vipLevel !== undefined) return change.vipLevel;
  if (change.vip === undefined) return undefined;
  return change.vip ? Math.max(current, 1) : 0;
}

/** An order the site's back office pushed (客户画像 → 订单). */
export interface ContactOrder {
  id: number;
  contactId: number;
  /** the site's order number; one contact's in a workspace */
  orderId: string;
  items: Array<{ name: string; quantity: number; price?: number }>;
  amount: number;
  currency: string;
  status: string;
  orderedAt: string;
  createdAt: string;
  updatedAt: string;
}
