import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { zhCN, type MessageKey } from './zh-CN';

export type UiLocale = 'zh-CN' | 'en';
export type { MessageKey };
export type Vars = Record<string, string | number>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

type Dictionary = Record<MessageKey, string>;
const STORAGE_KEY = 'zhike.console.locale';

// zh-CN, the default, comes with the console; English is fetched when chosen (one language's
// strings stay out of everybody's first load).
const dictionaries: Partial<Record<UiLocale, Dictionary>> = { 'zh-CN': zhCN };
const loading: Partial<Record<UiLocale, Promise<Dictionary>>> = {};
function loadDictionary(l: UiLocale): Promise<Dictionary> {
  const have = dictionaries[l];
  if (have) return Promise.resolve(have);
  loading[l] ??= import('./en').then((m) => (dictionaries[l] = m.en));
  return loading[l];
}

function initialLocale(): UiLocale {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    /* storage disabled */
  }
  return 'zh-CN';
}

export function hasKey(key: string): key is MessageKey {
  return key in zhCN;
}

/** Fills {name} placeholders. Values are plain strings: React renders the result as text. */
export function format(template: string, vars?: Vars): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

interface I18nValue {
  locale: UiLocale;
  setLocale: (l: UiLocale) => void;
  t: Translate;
}

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [wanted] = useState<UiLocale>(initialLocale);
  // the language shown: its strings are here (a saved English waits for them, a moment)
  const [locale, setLocaleState] = useState<UiLocale | null>(() => (dictionaries[wanted] ? wanted : null));
  useEffect(() => {
    if (locale === null) void loadDictionary(wanted).then(() => setLocaleState(wanted), () => setLocaleState('zh-CN'));
  }, [locale, wanted]);
  const setLocale = useCallback((l: UiLocale) => {
    try {
      window.localStorage.setItem(STORAGE_KEY, l);
    } catch {
      /* storage disabled */
    }
    // switched once its strings are here; if they cannot be fetched, the language stays
    void loadDictionary(l).then(() => setLocaleState(l), () => undefined);
  }, []);
  useEffect(() => {
    if (locale) document.documentElement.lang = locale;
  }, [locale]);
  const t = useCallback<Translate>((key, vars) => format((locale && dictionaries[locale]?.[key]) ?? zhCN[key] ?? key, vars), [locale]);
  const value = useMemo(() => (locale ? { locale, setLocale, t } : null), [locale, setLocale, t]);
  if (!value) return null;
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}

export function useT(): Translate {
  return useI18n().t;
}
