/**
 * WebSocket frames (docs/realtime.md), declared once in the server's core
 * (src/core/realtime/frames.ts) and read here as types only.
 */
import type { AgentFrame, ClientFrame as AnyClientFrame } from '../../../src/core/realtime/frames';

export type { ConversationChange } from '../../../src/core/realtime/frames';

/** What the console receives. */
export type ServerFrame = AgentFrame;

/** What the console sends (messages go over HTTP). */
export type ClientFrame = Extract<AnyClientFrame, { type: 'hello' | 'sync' | 'typing' | 'presence' | 'ping' }>;
