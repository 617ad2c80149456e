import { DomainError } from '../errors.js';
import type { ConversationStatus } from '../model.js';
import type { Locale } from '../reception/settings.js';
import { codePointLength } from '../text.js';

/**
 * 满意度 (CSAT): when a conversation ends the customer is asked to rate it, 5 levels
 * (5 = 非常满意 … 1 = 非常不满意), with optional reasons (chips) and a comment. One rating
 * per conversation, which the customer may change for 24 hours. Agents never rate: the
 * rating comes only through the customer's own client API (docs/csat.md).
 */

/** Scores 1..5; labels[0] names score 1. */
export type CsatScore = 1 | 2 | 3 | 4 | 5;
export type CsatLabels = [string, string, string, string, string];

/** Per inbox, in its reception settings (edited in the admin console, effective at once). */
export interface CsatSettings {
  /** Ask for a rating when a conversation ends, and accept ratings. */
  enabled: boolean;
  /** Also ask when the customer ends the chat themselves (结束会话 in the widget). */
  askWhenCustomerCloses: boolean;
  /** The request's text, shown above the rating card (and as the message text on channels without a card). */
  prompt: string;
  /** labels[0] for score 1 (非常不满意) … labels[4] for score 5 (非常满意). */
  labels: CsatLabels;
  /** The chips a customer may tick; a rating keeps their zh-CN wording. */
  reasons: string[];
  /** Shown once the customer has rated. */
  thanks: string;
}

/** The English texts of an inbox's CSAT; null or empty: the zh-CN text (or the built-in English when that is unchanged). */
export interface CsatTranslation {
  prompt: string | null;
  thanks: string | null;
  labels: (string | null)[];
  /** zh-CN reason → its English wording */
  reasons: Record<string, string>;
}

export const DEFAULT_CSAT: CsatSettings = {
  enabled: true,
  askWhenCustomerCloses: true,
  prompt: '请您对本次服务进行评价，您的意见是我们改进的动力。',
  labels: ['非常不满意', '不满意', '一般', '满意', '非常满意'],
  reasons: ['回复及时', '专业耐心', '问题已解决', '回复太慢', '问题没有解决', '态度不好'],
  thanks: '感谢您的评价！',
};

/** What a customer whose widget speaks English reads when the inbox kept the shipped texts. */
const BUILT_IN_EN = {
  prompt: 'How did we do? Please rate this conversation.',
  labels: ['Very dissatisfied', 'Dissatisfied', 'Neutral', 'Satisfied', 'Very satisfied'],
  thanks: 'Thank you for your feedback!',
  reasons: { 回复及时: 'Quick replies', 专业耐心: 'Professional and patient', 问题已解决: 'Problem solved', 回复太慢: 'Slow replies', 问题没有解决: 'Problem not solved', 态度不好: 'Unfriendly' } as Record<string, string>,
};

export const EMPTY_CSAT_TRANSLATION: CsatTranslation = { prompt: null, thanks: null, labels: [null, null, null, null, null], reasons: {} };

/** How long a customer may change their rating after giving it. */
export const RATING_CHANGE_HOURS = 24;
const CHANGE_WINDOW_MS = RATING_CHANGE_HOURS * 3_600_000;
export const MAX_COMMENT_CHARS = 500;
export const MAX_REASONS = 10;

/** The request a conversation receives (the system message's meta): everything the card needs, in the customer's language. */
export interface CsatRequestMeta {
  kind: 'request';
  /** close: asked when the conversation ended; invite: an agent asked before closing (邀请评价) */
  source: 'close' | 'invite';
  labels: CsatLabels;
  reasons: string[];
  thanks: string;
  changeHours: number;
}

/** A stored rating, as agents see it. */
export interface CsatRating {
  id: number;
  conversationId: number;
  contactId: number;
  /** The agent the conversation was with when it was rated; null: nobody (the bot, a 留言). */
  agentId: number | null;
  score: CsatScore;
  /** The score's zh-CN label (满意 …). */
  label: string;
  /** zh-CN wording of the ticked reasons */
  reasons: string[];
  comment: string | null;
  source: 'close' | 'invite';
  createdAt: string;
  updatedAt: string;
}

/** A rating as its customer sees it (the widget): label and reasons in their language. */
export interface CustomerRating {
  score: CsatScore;
  label: string;
  reasons: string[];
  comment: string | null;
  createdAt: string;
  updatedAt: string;
  /** the rating may be changed until then */
  changeableUntil: string;
}

/** `rating` in the customer's language: the words of their card, so a change shows their earlier reasons ticked. */
export function customerView(rating: CsatRating, settings: CsatSettings, tr: CsatTranslation, locale: Locale): CustomerRating {
  const texts = csatTexts(settings, tr, locale);
  return {
    score: rating.score,
    label: texts.labels[rating.score - 1],
    reasons: rating.reasons.map((r) => {
      const i = settings.reasons.indexOf(r);
      return i >= 0 ? texts.reasons[i] : r;
    }),
    comment: rating.comment,
    createdAt: rating.createdAt,
    updatedAt: rating.updatedAt,
    changeableUntil: changeableUntil(new Date(rating.createdAt)).toISOString(),
  };
}

/** The texts a customer reads, in their language. */
export function csatTexts(settings: CsatSettings, tr: CsatTranslation, locale: Locale): Omit<CsatRequestMeta, 'kind' | 'source'> & { prompt: string } {
  const base = { prompt: settings.prompt, labels: [...settings.labels] as CsatLabels, reasons: [...settings.reasons], thanks: settings.thanks, changeHours: RATING_CHANGE_HOURS };
  if (locale === 'zh-CN') return base;
  // an English text the admin gave wins; else the built-in English of a text left as shipped; else the zh-CN text
  const pick = (given: string | null | undefined, zh: string, shipped: string, builtIn: string) => given?.trim() || (zh === shipped ? builtIn : zh);
  return {
    prompt: pick(tr.prompt, settings.prompt, DEFAULT_CSAT.prompt, BUILT_IN_EN.prompt),
    thanks: pick(tr.thanks, settings.thanks, DEFAULT_CSAT.thanks, BUILT_IN_EN.thanks),
    labels: settings.labels.map((zh, i) => pick(tr.labels[i], zh, DEFAULT_CSAT.labels[i], BUILT_IN_EN.labels[i])) as CsatLabels,
    reasons: settings.reasons.map((zh) => tr.reasons[zh]?.trim() || BUILT_IN_EN.reasons[zh] || zh),
    changeHours: RATING_CHANGE_HOURS,
  };
}

/**
 * The reasons a customer ticked, in any language the inbox speaks → their zh-CN wording
 * (what reports group by). A reason the inbox does not offer is refused.
 */
export function reasonsFromLabels(settings: CsatSettings, tr: CsatTranslation, given: readonly string[]): string[] {
  const out: string[] = [];
  for (const g of given) {
    const zh = settings.reasons.find((r) => r === g || tr.reasons[r] === g || BUILT_IN_EN.reasons[r] === g);
    if (!zh) throw new DomainError('unknown_reason', `"${g}" is not one of this inbox's reasons: ${settings.reasons.join(', ') || '(none)'}`, 400);
    if (!out.includes(zh)) out.push(zh);
  }
  return out;
}

/** What the customer sends. */
export interface RatingInput {
  score: number;
  reasons?: readonly string[];
  comment?: string | null;
}

/** What the rules need to know to accept a rating. */
export interface RatingContext {
  enabled: boolean;
  status: ConversationStatus;
  /** A request was sent (at the close, or an agent's 邀请评价). */
  requested: boolean;
  /** The rating given before, if any. */
  existing: { createdAt: Date } | null;
  now: Date;
}

/**
 * Whether this rating may be stored, and as what: the first one (create), or a change
 * within 24 hours of the first (update). The conversation must have ended or the
 * customer been invited; after 24 hours the rating stands.
 */
export function decideRating(ctx: RatingContext, input: RatingInput): 'create' | 'update' {
  if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) {
    throw new DomainError('invalid_score', 'score is a whole number from 1 (非常不满意) to 5 (非常满意)', 400);
  }
  if (input.comment != null && codePointLength(input.comment) > MAX_COMMENT_CHARS) {
    throw new DomainError('comment_too_long', `a comment has at most ${MAX_COMMENT_CHARS} characters`, 400);
  }
  if ((input.reasons?.length ?? 0) > MAX_REASONS) throw new DomainError('too_many_reasons', `at most ${MAX_REASONS} reasons`, 400);
  if (ctx.existing) {
    if (ctx.now.getTime() - ctx.existing.createdAt.getTime() > CHANGE_WINDOW_MS) {
      throw new DomainError('rating_closed', `a rating can be changed for ${RATING_CHANGE_HOURS} hours after it was given; this one stands`, 409);
    }
    return 'update';
  }
  if (!ctx.enabled) throw new DomainError('csat_disabled', 'this inbox does not ask for ratings', 409);
  if (ctx.status !== 'resolved' && !ctx.requested) {
    throw new DomainError('rating_not_open', 'a conversation can be rated once it has ended (or when the agent invites a rating)', 409);
  }
  return 'create';
}

/** Until when a rating given at `createdAt` may be changed. */
export function changeableUntil(createdAt: Date): Date {
  return new Date(createdAt.getTime() + CHANGE_WINDOW_MS);
}

/** Why a conversation ended, as the ask-or-not rule needs it. */
export interface EndFacts {
  settings: Pick<CsatSettings, 'enabled' | 'askWhenCustomerCloses'>;
  /** who ended it */
  endedBy: 'agent' | 'customer' | 'system' | 'bot';
  /** the status change's reason (idle close, abandoned queue, a duplicate ended by a migration) */
  reason?: string;
  /** someone served the customer: an agent took it, or the bot answered */
  served: boolean;
  /** a request is in the conversation already (an invitation, or an earlier close) */
  requested: boolean;
  rated: boolean;
}

/**
 * Whether the end of a conversation asks for a rating: once per conversation, only when
 * someone served the customer, not for a queue they left, a duplicate closed by the
 * platform or the older of two conversations a merge ended, and after the customer's own 结束会话 only when the inbox wants that too.
 */
export function shouldAskOnEnd(f: EndFacts): boolean {
  if (!f.settings.enabled || f.requested || f.rated || !f.served) return false;
  if (f.reason === 'abandoned' || f.reason === 'duplicate' || f.reason === 'merged') return false;
  if (f.endedBy === 'customer' && !f.settings.askWhenCustomerCloses) return false;
  return true;
}

/** Checks an admin's CSAT texts: five labels, reasons distinct and short. */
export function validateCsatSettings(s: CsatSettings): void {
  if (s.labels.length !== 5 || s.labels.some((l) => !l.trim())) throw new DomainError('invalid_csat', 'give five non-empty labels, from score 1 (非常不满意) to 5 (非常满意)', 400);
  if (new Set(s.reasons).size !== s.reasons.length) throw new DomainError('invalid_csat', 'each reason once', 400);
  if (s.reasons.length > MAX_REASONS) throw new DomainError('invalid_csat', `at most ${MAX_REASONS} reasons`, 400);
  if (!s.prompt.trim() || !s.thanks.trim()) throw new DomainError('invalid_csat', 'the prompt and the thanks cannot be empty', 400);
}
