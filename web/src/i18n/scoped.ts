import { useCallback } from 'react';
import { format, useI18n, type UiLocale, type Vars } from './index';

/**
 * A lazily loaded part's own words (工单, 质检, 满意度, 搜索): its zh-CN and English
 * dictionaries live with the part, not in i18n/zh-CN.ts, which comes with everybody's first
 * load and is at its budget (test/browser/console-weight.test.ts). A key missing in English
 * falls back to zh-CN.
 */
export function scopedWords<K extends string>(zhCN: Record<K, string>, en: Record<K, string>) {
  const dictionaries: Record<UiLocale, Record<K, string>> = { 'zh-CN': zhCN, en };
  /** The words in the given language. */
  const text =
    (locale: UiLocale) =>
    (key: K, vars?: Vars): string =>
      format(dictionaries[locale][key] ?? zhCN[key], vars);
  /** t() for the part's words, in the console's current language. */
  function useWords(): (key: K, vars?: Vars) => string {
    const { locale } = useI18n();
    return useCallback((key: K, vars?: Vars) => format(dictionaries[locale][key] ?? zhCN[key], vars), [locale]);
  }
  /** Whether the part words this key (an error code's `error.{code}`, say). */
  const has = (key: string): key is K => key in zhCN;
  return { text, useWords, has };
}
