import type { ConversationInsight, MessageAnalysis } from '../core/assist/insight.js';
import type { CsatRating } from '../core/csat/rating.js';
import type { Agent, Availability, Contact, Conversation, Message } from '../core/model.js';
import type { AgentAlert, ConversationChange, PublicAgent } from '../core/realtime/frames.js';
import type { Invitation, LiveVisitor } from '../core/visitors/types.js';

export type { PublicAgent };

/**
 * What crosses instances. Every instance fans these out to its own WebSocket
 * connections; the gateway decides per audience (agents of the workspace, the
 * conversation's customer) what each may see.
 */
export type BusMessage =
  | { t: 'message'; workspaceId: number; contactId: number; message: Message; conversation: Conversation }
  | {
      t: 'conversation';
      workspaceId: number;
      contactId: number;
      change: ConversationChange;
      conversation: Conversation;
      assignee: PublicAgent | null;
    }
  | {
      t: 'typing';
      workspaceId: number;
      contactId: number;
      conversationId: number;
      from: 'agent' | 'customer';
      senderId: number;
      name: string | null;
      on: boolean;
    }
  | { t: 'presence'; workspaceId: number; agentId: number; availability: Availability }
  /** A group's queue changed: positions for the waiting customers, the length for agents. */
  | { t: 'queue'; workspaceId: number; groupId: number | null; entries: { conversationId: number; contactId: number; position: number; etaSeconds: number }[] }
  /** A visitor's live state changed (page, left); null: no page open any more. */
  | { t: 'visitor'; workspaceId: number; contactId: number; visitor: LiveVisitor | null }
  /** An invitation for a visitor (to their open widgets). */
  | { t: 'invite'; workspaceId: number; contactId: number; invitation: Invitation }
  /** Something an agent must act on now (a customer waits too long; a 质检 finding for a supervisor). */
  | { t: 'alert'; workspaceId: number; agentId: number; alert: AgentAlert }
  | { t: 'agent'; workspaceId: number; agent: Agent }
  /** A customer message was analysed (agent assist): for the workspace's consoles. */
  | { t: 'analysis'; workspaceId: number; analysis: MessageAnalysis; insight: ConversationInsight }
  /** Events were committed on another instance: the durable consumers running here look at once. */
  | { t: 'events'; types: string[] }
  | { t: 'contact'; workspaceId: number; contact: Contact }
  /** 满意度: a customer rated a conversation (or changed the rating): for the workspace's consoles. */
  | { t: 'rating'; workspaceId: number; rating: CsatRating };

export type BusHandler = (msg: BusMessage) => void;

export interface RealtimeBus {
  readonly kind: 'memory' | 'redis';
  /** Delivers to every subscriber on every instance, this one included, in publish order per instance. */
  publish(msg: BusMessage): Promise<void>;
  subscribe(handler: BusHandler): void;
  close(): Promise<void>;
}

/** Single-process bus: delivery is immediate and in order. */
export class MemoryBus implements RealtimeBus {
  readonly kind = 'memory' as const;
  private handlers: BusHandler[] = [];

  async publish(msg: BusMessage): Promise<void> {
    for (const h of this.handlers) h(msg);
  }

  subscribe(handler: BusHandler): void {
    this.handlers.push(handler);
  }

  async close(): Promise<void> {
    this.handlers = [];
  }
}

export async function openBus(redisUrl: string | undefined, instanceId: string, onError: (err: unknown) => void): Promise<RealtimeBus> {
  if (!redisUrl) return new MemoryBus();
  const { RedisBus } = await import('./redis-bus.js');
  return RedisBus.connect(redisUrl, instanceId, onError);
}
