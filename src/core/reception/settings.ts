import type { InvitationRule } from '../visitors/invitation.js';
import type { ReceptionMode } from './reception.js';
import { DEFAULT_CSAT, EMPTY_CSAT_TRANSLATION, type CsatSettings, type CsatTranslation } from '../csat/rating.js';

/**
 * How an inbox receives customers. Stored per inbox, edited in the admin console,
 * effective at once (no restart). Every field has a sane default, so an inbox
 * works before anyone configures it.
 */
export interface ReceptionSettings {
  mode: ReceptionMode;
  /** 工作时间 calendar; null: always open. */
  calendarId: number | null;
  /** 技能组 for conversations without a topic; null: all agents. */
  defaultGroupId: number | null;
  /** 询前表单: asked before the first message. The topic picks the skill group. */
  preChat: {
    enabled: boolean;
    askName: boolean;
    askPhone: boolean;
    topics: { label: string; groupId: number | null }[];
  };
  /** Automatic replies (自动回复); null or empty: not sent. */
  messages: {
    /** 欢迎语, when a conversation starts */
    welcome: string | null;
    /** When an agent joins: {agentNo} and {name} are filled in */
    agentJoined: string | null;
    /** 离线自动回复: outside hours or nobody on duty; the conversation becomes a 留言 */
    offline: string | null;
    /** Sent when the customer has been quiet for idleCheckinMinutes */
    idleCheckin: string | null;
    /** Sent when the conversation is closed for idleness */
    idleClose: string | null;
  };
  timeouts: {
    /** 超时提醒: remind the agent when a customer message waits this long (seconds); null: never */
    agentResponseSeconds: number | null;
    /** …then reassign to another agent after this many more seconds; null: never */
    reassignAfterSeconds: number | null;
    /** Check in after this many minutes without a customer reply; null: never */
    idleCheckinMinutes: number | null;
    /** …and close this many minutes after the check-in; null: never */
    idleCloseMinutes: number | null;
    /** A queued customer who is gone (no widget open) this long has abandoned the queue */
    queueAbandonSeconds: number;
  };
  /** 自动邀请 rules, first match wins */
  invitations: InvitationRule[];
  /** 满意度评价: asked when a conversation ends (core/csat/rating.ts) */
  csat: CsatSettings;
  /**
   * What the inbox says to customers whose widget speaks English (data-locale="en", or
   * an inbox whose language is English). The zh-CN texts above are required; every
   * English text is optional and falls back to its zh-CN one.
   */
  translations: { en: LocaleTexts };
}

export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];
export type ReceptionMessages = ReceptionSettings['messages'];

/** An inbox's texts in a language other than zh-CN; null or empty: the zh-CN text. */
export interface LocaleTexts {
  /** Widget header (zh-CN: the inbox's title) */
  title: string | null;
  messages: { [K in keyof ReceptionMessages]: string | null };
  /** zh-CN pre-chat topic label → its label in this language */
  topics: Record<string, string>;
  /** The rating card's texts */
  csat: CsatTranslation;
}

export const DEFAULT_RECEPTION: ReceptionSettings = {
  mode: 'human_only',
  calendarId: null,
  defaultGroupId: null,
  preChat: { enabled: false, askName: true, askPhone: false, topics: [] },
  messages: {
    welcome: null,
    agentJoined: '工号 {agentNo} {name} 为您服务',
    offline: '您好，现在是非工作时间或客服暂时不在线。请留言，我们会在工作时间尽快回复您。',
    idleCheckin: '请问您还在吗？如果还有其他问题，请随时告诉我。',
    idleClose: '由于您长时间没有回复，本次会话已结束。感谢您的咨询，祝您生活愉快！',
  },
  timeouts: {
    agentResponseSeconds: 60,
    reassignAfterSeconds: null,
    idleCheckinMinutes: 5,
    idleCloseMinutes: 5,
    queueAbandonSeconds: 120,
  },
  invitations: [],
  csat: DEFAULT_CSAT,
  translations: { en: { title: null, messages: { welcome: null, agentJoined: null, offline: null, idleCheckin: null, idleClose: null }, topics: {}, csat: EMPTY_CSAT_TRANSLATION } },
};

type DeepPartial<T> = { [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object | null ? DeepPartial<T[K]> : T[K] };
export type ReceptionPatch = DeepPartial<ReceptionSettings>;

/**
 * Stored settings over the defaults: a field left out keeps its default.
 * `legacyGreeting`: the inbox dialog's greeting of an older shape (settings.greeting);
 * it is the 欢迎语 when reception has none, the one setting both became.
 */
export function receptionSettings(stored: ReceptionPatch | null | undefined, legacyGreeting?: string | null): ReceptionSettings {
  const s = stored ?? {};
  if (legacyGreeting?.trim() && !s.messages?.welcome?.trim()) return receptionSettings({ ...s, messages: { ...(s.messages ?? {}), welcome: legacyGreeting.trim() } });
  return {
    ...DEFAULT_RECEPTION,
    ...pick(s, ['mode', 'calendarId', 'defaultGroupId', 'invitations']),
    preChat: { ...DEFAULT_RECEPTION.preChat, ...(s.preChat ?? {}) } as ReceptionSettings['preChat'],
    messages: { ...DEFAULT_RECEPTION.messages, ...(s.messages ?? {}) },
    timeouts: { ...DEFAULT_RECEPTION.timeouts, ...(s.timeouts ?? {}) },
    csat: { ...DEFAULT_RECEPTION.csat, ...(s.csat ?? {}) } as CsatSettings,
    translations: { en: localeTexts(DEFAULT_RECEPTION.translations.en, s.translations?.en) },
  };
}

function localeTexts(base: LocaleTexts, over: DeepPartial<LocaleTexts> | undefined): LocaleTexts {
  return {
    title: over?.title !== undefined ? (over.title ?? null) : base.title,
    messages: { ...base.messages, ...(over?.messages ?? {}) } as LocaleTexts['messages'],
    topics: { ...((over?.topics as Record<string, string> | undefined) ?? base.topics) },
    csat: {
      ...base.csat,
      ...(over?.csat ?? {}),
      labels: (over?.csat?.labels as (string | null)[] | undefined) ?? base.csat.labels,
      reasons: { ...((over?.csat?.reasons as Record<string, string> | undefined) ?? base.csat.reasons) },
    } as CsatTranslation,
  };
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** Merges an admin's edit into stored settings (nested objects merge; arrays replace). */
export function mergeReception(stored: ReceptionPatch | null | undefined, patch: ReceptionPatch): ReceptionPatch {
  const s = stored ?? {};
  return {
    ...s,
    ...pick(patch, ['mode', 'calendarId', 'defaultGroupId', 'invitations']),
    ...(patch.preChat ? { preChat: { ...(s.preChat ?? {}), ...patch.preChat } } : {}),
    ...(patch.messages ? { messages: { ...(s.messages ?? {}), ...patch.messages } } : {}),
    ...(patch.timeouts ? { timeouts: { ...(s.timeouts ?? {}), ...patch.timeouts } } : {}),
    ...(patch.csat ? { csat: { ...(s.csat ?? {}), ...patch.csat } } : {}),
    ...(patch.translations?.en ? { translations: { ...(s.translations ?? {}), en: mergeLocale(s.translations?.en, patch.translations.en) } } : {}),
  };
}

function mergeLocale(stored: DeepPartial<LocaleTexts> | undefined, patch: DeepPartial<LocaleTexts>): DeepPartial<LocaleTexts> {
  const s = stored ?? {};
  return {
    ...s,
    ...(patch.title !== undefined ? { title: patch.title } : {}),
    ...(patch.messages ? { messages: { ...(s.messages ?? {}), ...patch.messages } } : {}),
    ...(patch.topics ? { topics: patch.topics } : {}),
    ...(patch.csat ? { csat: { ...(s.csat ?? {}), ...patch.csat } } : {}),
  };
}

/** The widget's locale tag as one we have texts for: English for en, en-US …; zh-CN otherwise. */
export function toLocale(tag: string | null | undefined): Locale {
  return tag && /^en\b/i.test(tag) ? 'en' : 'zh-CN';
}

/**
 * The automatic replies in a customer's language. A reply switched off (null in
 * zh-CN) is off in every language; an English text left empty is the zh-CN one.
 */
export function messagesFor(settings: ReceptionSettings, locale: Locale): ReceptionMessages {
  if (locale === 'zh-CN') return settings.messages;
  const tr = settings.translations[locale].messages;
  const out = { ...settings.messages };
  for (const k of Object.keys(out) as (keyof ReceptionMessages)[]) {
    if (out[k]?.trim() && tr[k]?.trim()) out[k] = tr[k];
  }
  return out;
}

/** The widget's header in a customer's language; `title` is the inbox's (zh-CN) title. */
export function titleFor(settings: ReceptionSettings, title: string, locale: Locale): string {
  return (locale !== 'zh-CN' && settings.translations[locale].title?.trim()) || title;
}

/** A pre-chat topic's label in a customer's language. */
export function topicLabel(settings: ReceptionSettings, label: string, locale: Locale): string {
  return (locale !== 'zh-CN' && settings.translations[locale].topics[label]?.trim()) || label;
}

/** The topic a customer chose, by its label in any language → its zh-CN label (null: not a topic). */
export function topicFromLabel(settings: ReceptionSettings, label: string | null | undefined): string | null {
  if (!label) return null;
  for (const t of settings.preChat.topics) {
    if (t.label === label || LOCALES.some((l) => l !== 'zh-CN' && settings.translations[l].topics[t.label] === label)) return t.label;
  }
  return null;
}

/** The group a new conversation goes to: its pre-chat topic's group, else the inbox default. */
export function groupForTopic(settings: ReceptionSettings, topic: string | null | undefined): number | null {
  const label = topicFromLabel(settings, topic);
  const t = label ? settings.preChat.topics.find((x) => x.label === label) : undefined;
  return t ? t.groupId : settings.defaultGroupId;
}
