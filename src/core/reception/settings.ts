import type { InvitationRule } from '../visitors/invitation.js';
import type { ReceptionMode } from './reception.js';

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
};

type DeepPartial<T> = { [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object | null ? DeepPartial<T[K]> : T[K] };
export type ReceptionPatch = DeepPartial<ReceptionSettings>;

/** Stored settings over the defaults: a field left out keeps its default. */
export function receptionSettings(stored: ReceptionPatch | null | undefined): ReceptionSettings {
  const s = stored ?? {};
  return {
    ...DEFAULT_RECEPTION,
    ...pick(s, ['mode', 'calendarId', 'defaultGroupId', 'invitations']),
    preChat: { ...DEFAULT_RECEPTION.preChat, ...(s.preChat ?? {}) } as ReceptionSettings['preChat'],
    messages: { ...DEFAULT_RECEPTION.messages, ...(s.messages ?? {}) },
    timeouts: { ...DEFAULT_RECEPTION.timeouts, ...(s.timeouts ?? {}) },
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
  };
}

/** The group a new conversation goes to: its pre-chat topic's group, else the inbox default. */
export function groupForTopic(settings: ReceptionSettings, topic: string | null | undefined): number | null {
  const t = topic ? settings.preChat.topics.find((x) => x.label === topic) : undefined;
  return t ? t.groupId : settings.defaultGroupId;
}
