import type { Agent, Conversation } from '../../api/types';
import { aboveFloor, compareActivity, matchesTab, type PendingMessage, type WorkspaceState } from './state';

/**
 * The conversation list as shown: every known conversation that matches the
 * tab and status filter and lies inside the loaded window, newest activity
 * first. Memoised so the same inputs give the same array (useSyncExternalStore
 * needs stable references).
 */
let lastInputs: unknown[] = [];
let lastList: Conversation[] = [];
export function selectVisibleConversations(s: WorkspaceState): Conversation[] {
  const inputs = [s.conversations, s.list.tab, s.list.status, s.list.floor, s.me.id];
  if (inputs.every((v, i) => v === lastInputs[i])) return lastList;
  lastInputs = inputs;
  lastList = Object.values(s.conversations)
    .filter((c) => c.status === s.list.status && matchesTab(c, s.list.tab, s.me.id) && aboveFloor(c, s.list.floor))
    .sort(compareActivity);
  return lastList;
}

/** Unread customer messages in conversations that are mine or waiting for someone (document.title). */
export function selectUnreadTotal(s: WorkspaceState): number {
  let n = 0;
  for (const c of Object.values(s.conversations)) {
    if (c.status !== 'resolved' && (c.assigneeId === s.me.id || c.assigneeId === null)) n += c.unreadCount;
  }
  return n;
}

let lastAgents: Record<number, Agent> | null = null;
let lastAgentList: Agent[] = [];
export function selectAgentList(s: WorkspaceState): Agent[] {
  if (s.agents === lastAgents) return lastAgentList;
  lastAgents = s.agents;
  lastAgentList = Object.values(s.agents).sort((a, b) => a.id - b.id);
  return lastAgentList;
}

const noPending: PendingMessage[] = [];
export const selectPending = (id: number) => (s: WorkspaceState) => s.pending[id] ?? noPending;
