import type { Agent, Availability, Contact, Conversation, LiveVisitor, Message } from '../api/types';

/** WebSocket frames (docs/realtime.md). */
export type ClientFrame =
  | { type: 'hello'; token?: string; resume?: Record<string, number> }
  | { type: 'sync'; conversationId: number; afterSeq: number }
  | { type: 'typing'; conversationId: number; on: boolean }
  | { type: 'presence'; availability: Availability }
  | { type: 'ping' };

export type ConversationChange = 'created' | 'assigned' | 'status' | 'handler' | 'read';

export type ServerFrame =
  | { type: 'ready'; role: 'agent'; agent: Agent; serverTime: string }
  /** Live frames carry the conversation after the message; resync frames (after resume/sync) do not. */
  | { type: 'message'; message: Message; conversation?: Conversation }
  | { type: 'conversation'; change: ConversationChange; conversation: Conversation }
  | { type: 'typing'; conversationId: number; from: 'agent' | 'customer'; name: string | null; on: boolean }
  | { type: 'presence'; agentId: number; availability: Availability }
  | { type: 'agent'; agent: Agent }
  | { type: 'contact'; contact: Contact }
  /** A skill group's queue changed (group null: all agents): refresh GET /queues */
  | { type: 'queue'; groupId: number | null; length: number }
  /** A visitor's page changed, or they left (null) */
  | { type: 'visitor'; contactId: number; visitor: LiveVisitor | null }
  /** 超时提醒 for the assigned agent: a customer has waited too long */
  | { type: 'alert'; kind: 'response_timeout'; conversationId: number; waitedSeconds: number; contactName: string | null }
  | { type: 'ack'; ref?: string; message: Message; duplicate: boolean }
  | { type: 'error'; ref?: string; code: string; message: string; details?: Record<string, unknown> }
  | { type: 'pong' };
