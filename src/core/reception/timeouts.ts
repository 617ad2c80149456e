import type { Handler, SenderType } from '../model.js';
import type { ReceptionSettings } from './settings.js';

/**
 * Which durable timers a new message starts or stops. Pure; the message command
 * applies the result in the same statement that stores the message.
 * - A customer message starts the agent's response deadline (超时提醒), if someone
 *   is serving, and stops the idle check-in.
 * - An agent's (or the bot's) answer stops the response deadline and starts the
 *   idle check-in (超时自动结束会话: check in, then close).
 */
export const timerKeys = {
  response: (conversationId: number) => `response:${conversationId}`,
  idle: (conversationId: number) => `idle:${conversationId}`,
  abandon: (conversationId: number) => `abandon:${conversationId}`,
  all: (conversationId: number) => [`response:${conversationId}`, `idle:${conversationId}`, `abandon:${conversationId}`],
};

export interface TimerOp {
  kind: 'response_timeout' | 'idle';
  key: string;
  dueAt: Date;
  payload: { conversationId: number; stage: string };
  /** keep: an earlier deadline stands; replace: move it */
  mode: 'keep' | 'replace';
}

export interface MessageTimers {
  cancel: string[];
  schedule: TimerOp | null;
}

export function timersAfterMessage(input: {
  conversationId: number;
  handler: Handler;
  assigneeId: number | null;
  senderType: SenderType;
  private: boolean;
  now: Date;
  timeouts: ReceptionSettings['timeouts'];
}): MessageTimers {
  const { conversationId: id, timeouts: t, now } = input;
  if (input.private || input.senderType === 'system') return { cancel: [], schedule: null };
  if (input.senderType === 'customer') {
    const serving = input.handler === 'human' && input.assigneeId !== null && t.agentResponseSeconds;
    return {
      cancel: [timerKeys.idle(id)],
      schedule: serving
        ? responseDeadline(id, new Date(now.getTime() + t.agentResponseSeconds! * 1000))
        : null,
    };
  }
  return {
    cancel: [timerKeys.response(id)],
    schedule: t.idleCheckinMinutes
      ? { kind: 'idle', key: timerKeys.idle(id), dueAt: new Date(now.getTime() + t.idleCheckinMinutes * 60_000), payload: { conversationId: id, stage: 'checkin' }, mode: 'replace' }
      : null,
  };
}

export function responseDeadline(conversationId: number, dueAt: Date): TimerOp {
  return { kind: 'response_timeout', key: timerKeys.response(conversationId), dueAt, payload: { conversationId, stage: 'remind' }, mode: 'keep' };
}
