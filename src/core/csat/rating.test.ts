import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { mergeReception, receptionSettings } from '../reception/settings.js';
import {
  changeableUntil,
  csatTexts,
  decideRating,
  DEFAULT_CSAT,
  EMPTY_CSAT_TRANSLATION,
  reasonsFromLabels,
  shouldAskOnEnd,
  validateCsatSettings,
  type EndFacts,
  type RatingContext,
} from './rating.js';

const now = new Date('2026-12-01T10:00:00Z');
const ctx = (over: Partial<RatingContext> = {}): RatingContext => ({ enabled: true, status: 'resolved', requested: true, existing: null, now, ...over });
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof DomainError ? `${err.status} ${err.code}` : String(err);
  }
  return 'accepted';
};

describe('a rating', () => {
  it('is taken once the conversation ended, or when the customer was invited before', () => {
    expect(decideRating(ctx(), { score: 5 })).toBe('create');
    expect(decideRating(ctx({ status: 'open', requested: true }), { score: 1 })).toBe('create');
    expect(decideRating(ctx({ status: 'resolved', requested: false }), { score: 3 })).toBe('create');
    expect(code(() => decideRating(ctx({ status: 'open', requested: false }), { score: 3 }))).toBe('409 rating_not_open');
    expect(code(() => decideRating(ctx({ status: 'pending', requested: false }), { score: 3 }))).toBe('409 rating_not_open');
  });

  it('is a whole score from 1 to 5, with a bounded comment and reasons', () => {
    for (const score of [0, 6, 2.5, Number.NaN, -1]) expect(code(() => decideRating(ctx(), { score }))).toBe('400 invalid_score');
    expect(code(() => decideRating(ctx(), { score: 4, comment: '好'.repeat(500) }))).toBe('accepted');
    // code points, not UTF-16 units: 500 emoji are 500 characters
    expect(code(() => decideRating(ctx(), { score: 4, comment: '👍'.repeat(500) }))).toBe('accepted');
    expect(code(() => decideRating(ctx(), { score: 4, comment: '好'.repeat(501) }))).toBe('400 comment_too_long');
    expect(code(() => decideRating(ctx(), { score: 4, reasons: Array.from({ length: 11 }, (_, i) => `r${i}`) }))).toBe('400 too_many_reasons');
  });

  it('may be changed for 24 hours after it was first given, then it stands', () => {
    const givenAt = new Date(now.getTime() - 23 * 3_600_000);
    expect(decideRating(ctx({ existing: { createdAt: givenAt } }), { score: 2 })).toBe('update');
    expect(decideRating(ctx({ existing: { createdAt: new Date(now.getTime() - 24 * 3_600_000) } }), { score: 2 })).toBe('update');
    expect(code(() => decideRating(ctx({ existing: { createdAt: new Date(now.getTime() - 24 * 3_600_000 - 1) } }), { score: 2 }))).toBe('409 rating_closed');
    expect(changeableUntil(givenAt).toISOString()).toBe('2026-12-01T11:00:00.000Z');
  });

  it('is refused when the inbox has ratings off, but one given before may still be changed', () => {
    expect(code(() => decideRating(ctx({ enabled: false }), { score: 5 }))).toBe('409 csat_disabled');
    expect(decideRating(ctx({ enabled: false, existing: { createdAt: now } }), { score: 4 })).toBe('update');
  });
});

describe('when a conversation ends', () => {
  const facts = (over: Partial<EndFacts> = {}): EndFacts => ({
    settings: { enabled: true, askWhenCustomerCloses: true },
    endedBy: 'agent',
    served: true,
    requested: false,
    rated: false,
    ...over,
  });

  it('asks once, when someone served the customer', () => {
    expect(shouldAskOnEnd(facts())).toBe(true);
    expect(shouldAskOnEnd(facts({ endedBy: 'system', reason: 'idle' }))).toBe(true);
    expect(shouldAskOnEnd(facts({ endedBy: 'bot' }))).toBe(true);
    expect(shouldAskOnEnd(facts({ requested: true }))).toBe(false);
    expect(shouldAskOnEnd(facts({ rated: true }))).toBe(false);
    expect(shouldAskOnEnd(facts({ served: false }))).toBe(false);
  });

  it('does not ask after a queue the customer left or a duplicate the platform ended', () => {
    expect(shouldAskOnEnd(facts({ endedBy: 'system', reason: 'abandoned' }))).toBe(false);
    expect(shouldAskOnEnd(facts({ endedBy: 'system', reason: 'duplicate' }))).toBe(false);
  });

  it('after the customer’s own 结束会话 only when the inbox wants it; never when ratings are off', () => {
    expect(shouldAskOnEnd(facts({ endedBy: 'customer' }))).toBe(true);
    expect(shouldAskOnEnd(facts({ endedBy: 'customer', settings: { enabled: true, askWhenCustomerCloses: false } }))).toBe(false);
    expect(shouldAskOnEnd(facts({ endedBy: 'agent', settings: { enabled: true, askWhenCustomerCloses: false } }))).toBe(true);
    expect(shouldAskOnEnd(facts({ settings: { enabled: false, askWhenCustomerCloses: true } }))).toBe(false);
  });
});

describe('the texts', () => {
  it('are the inbox’s in zh-CN; in English the admin’s, else the built-in English of a text left as shipped, else the zh-CN', () => {
    expect(csatTexts(DEFAULT_CSAT, EMPTY_CSAT_TRANSLATION, 'zh-CN')).toMatchObject({ prompt: DEFAULT_CSAT.prompt, labels: DEFAULT_CSAT.labels, reasons: DEFAULT_CSAT.reasons });
    const en = csatTexts(DEFAULT_CSAT, EMPTY_CSAT_TRANSLATION, 'en');
    expect(en.labels).toEqual(['Very dissatisfied', 'Dissatisfied', 'Neutral', 'Satisfied', 'Very satisfied']);
    expect(en.reasons).toContain('Problem solved');
    const edited = { ...DEFAULT_CSAT, prompt: '给我们打个分吧', reasons: ['回复及时', '送货上门'], labels: ['很差', '差', '一般', '满意', '非常满意'] as typeof DEFAULT_CSAT.labels };
    const tr = { ...EMPTY_CSAT_TRANSLATION, labels: [null, 'Poor', null, null, null], reasons: { 送货上门: 'Delivered home' } };
    const mixed = csatTexts(edited, tr, 'en');
    expect(mixed.prompt).toBe('给我们打个分吧');
    expect(mixed.labels).toEqual(['很差', 'Poor', 'Neutral', 'Satisfied', 'Very satisfied']);
    expect(mixed.reasons).toEqual(['Quick replies', 'Delivered home']);
    expect(mixed.changeHours).toBe(24);
  });

  it('map a ticked reason in either language back to its zh-CN wording, and refuse one the inbox does not offer', () => {
    const tr = { ...EMPTY_CSAT_TRANSLATION, reasons: { 态度不好: 'Rude' } };
    expect(reasonsFromLabels(DEFAULT_CSAT, tr, ['Rude', '回复及时', 'Quick replies'])).toEqual(['态度不好', '回复及时']);
    expect(code(() => reasonsFromLabels(DEFAULT_CSAT, tr, ['送了优惠券']))).toBe('400 unknown_reason');
  });

  it('are checked when an admin edits them', () => {
    expect(code(() => validateCsatSettings(DEFAULT_CSAT))).toBe('accepted');
    expect(code(() => validateCsatSettings({ ...DEFAULT_CSAT, labels: ['a', 'b', 'c', 'd', ' '] as typeof DEFAULT_CSAT.labels }))).toBe('400 invalid_csat');
    expect(code(() => validateCsatSettings({ ...DEFAULT_CSAT, reasons: ['慢', '慢'] }))).toBe('400 invalid_csat');
    expect(code(() => validateCsatSettings({ ...DEFAULT_CSAT, thanks: ' ' }))).toBe('400 invalid_csat');
  });

  it('live in the inbox’s reception settings: defaults filled in, edits merged', () => {
    expect(receptionSettings(null).csat).toEqual(DEFAULT_CSAT);
    const stored = mergeReception(null, { csat: { enabled: false }, translations: { en: { csat: { prompt: 'Rate us' } } } });
    const s = receptionSettings(mergeReception(stored, { csat: { thanks: '谢谢！' } }));
    expect(s.csat).toEqual({ ...DEFAULT_CSAT, enabled: false, thanks: '谢谢！' });
    expect(s.translations.en.csat).toEqual({ ...EMPTY_CSAT_TRANSLATION, prompt: 'Rate us' });
  });
});
