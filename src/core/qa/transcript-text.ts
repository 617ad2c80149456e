import type { QaMessage, QaRole } from './types.js';

/**
 * A transcript pasted as text (the 规则实验室): one message per line, each starting with who
 * speaks — 客户 / 客服 / 机器人 / 系统 (or customer / agent / bot / system) and ：or : — and
 * optionally a time first ("10:00:05 客户：在吗", "[10:00:05] 客服：您好"). A line without a
 * speaker continues the message above. 系统 lines that say an agent joined ("工号 … 为您服务")
 * are the platform's joined line.
 */
const ROLES: Record<string, QaRole> = {
  客户: 'customer', 顾客: 'customer', 访客: 'customer', 用户: 'customer', customer: 'customer',
  客服: 'agent', 坐席: 'agent', 座席: 'agent', agent: 'agent',
  机器人: 'bot', bot: 'bot',
  系统: 'system', system: 'system',
};
const LINE = /^\s*(?:\[?(\d{1,2}):(\d{2})(?::(\d{2}))?\]?\s*)?(客户|顾客|访客|用户|客服|坐席|座席|机器人|系统|customer|agent|bot|system)\s*[:：]\s*(.*)$/i;

export interface ParsedTranscript {
  messages: QaMessage[];
  /** Lines before the first speaker, which belong to nobody. */
  ignored: number;
}

export function parseTranscriptText(text: string, day = '2026-01-01'): ParsedTranscript {
  const messages: QaMessage[] = [];
  let ignored = 0;
  for (const raw of text.split(/\r?\n/)) {
    if (!raw.trim()) continue;
    const m = LINE.exec(raw);
    if (!m) {
      const last = messages[messages.length - 1];
      if (last) last.content += `\n${raw.trim()}`;
      else ignored++;
      continue;
    }
    const [, hh, mm, ss, who, content] = m;
    const role = ROLES[who.toLowerCase()] ?? ROLES[who];
    const at = hh !== undefined ? `${day}T${hh.padStart(2, '0')}:${mm}:${(ss ?? '00').padStart(2, '0')}+08:00` : undefined;
    const message: QaMessage = { role, content: content.trim(), ...(at ? { at } : {}) };
    if (role === 'system') message.kind = /为您服务|接入|joined/i.test(content) ? 'joined' : 'other';
    messages.push(message);
  }
  return { messages, ignored };
}
