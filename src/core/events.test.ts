import { describe, expect, it } from 'vitest';
import { eventMatches, type EventMatch } from './events.js';

describe('eventMatches', () => {
  const bot: EventMatch = { 'message.created': { senderType: ['customer'], handler: ['bot'] }, 'conversation.handler_changed': { to: ['offline'] } };
  const message = (senderType: string, handler: string) => ({ type: 'message.created' as const, data: { messageId: 1, seq: 1, senderType, private: false, handler } });

  it('takes an event whose named fields all hold accepted values', () => {
    expect(eventMatches(bot, message('customer', 'bot'))).toBe(true);
    expect(eventMatches(bot, message('customer', 'human'))).toBe(false);
    expect(eventMatches(bot, message('agent', 'bot'))).toBe(false);
    expect(eventMatches(bot, { type: 'conversation.handler_changed', data: { from: 'bot', to: 'offline' } })).toBe(true);
    expect(eventMatches(bot, { type: 'conversation.handler_changed', data: { from: 'bot', to: 'human' } })).toBe(false);
  });

  it('takes every event of a type it says nothing about, and everything without a match', () => {
    expect(eventMatches(bot, { type: 'conversation.assigned', data: { from: null, to: 3 } })).toBe(true);
    expect(eventMatches(undefined, message('agent', 'human'))).toBe(true);
  });

  it('reads a missing field as null', () => {
    expect(eventMatches({ 'conversation.assigned': { to: [null] } }, { type: 'conversation.assigned', data: { from: 2 } })).toBe(true);
    expect(eventMatches({ 'conversation.assigned': { to: [3] } }, { type: 'conversation.assigned', data: { from: 2 } })).toBe(false);
  });
});
