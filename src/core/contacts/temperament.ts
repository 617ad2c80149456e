import type { Temperament } from './profile.js';

/**
 * One-line coaching hints for the four temperaments (METHOD.md §5), shown beside the
 * customer's profile in the agent's language. Pure.
 */
const HINTS: Record<'zh-CN' | 'en', Record<Temperament, string>> = {
  'zh-CN': {
    lively: '活泼型：多给关注和热情，语气轻松，及时肯定对方的想法。',
    forceful: '力量型：直奔主题，先给结果和可选方案，让对方做决定，少寒暄。',
    perfectionist: '完美型：讲准确的细节、步骤和依据，承诺的事一定做到。',
    peaceful: '和平型：语气平和，不催促，给简单明确的建议，替对方减少压力。',
  },
  en: {
    lively: 'Lively: give attention and warmth, keep it light, acknowledge their ideas.',
    forceful: 'Forceful: get to the point, lead with results and options, let them decide.',
    perfectionist: 'Perfectionist: be accurate, give details, steps and evidence, and keep every promise.',
    peaceful: 'Peaceful: stay calm, never rush them, offer one clear, simple suggestion.',
  },
};

/** The 活泼 / 力量 / 完美 / 和平 names, for exports and notes. */
export const TEMPERAMENT_LABELS: Record<'zh-CN' | 'en', Record<Temperament, string>> = {
  'zh-CN': { lively: '活泼', forceful: '力量', perfectionist: '完美', peaceful: '和平' },
  en: { lively: 'Lively', forceful: 'Forceful', perfectionist: 'Perfectionist', peaceful: 'Peaceful' },
};

export function temperamentHint(temperament: Temperament | null, locale: 'zh-CN' | 'en'): string | null {
  return temperament ? HINTS[locale][temperament] : null;
}

/** The caller's language from an Accept-Language header: English when it prefers English, else Chinese. */
export function localeOf(acceptLanguage: string | undefined): 'zh-CN' | 'en' {
  const first = acceptLanguage?.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh-CN';
}
