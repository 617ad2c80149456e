import type { Agent, Conversation, Role } from '../api/types';

/** Mirrors src/core/permissions.ts so the console only offers what the server allows. */
export const isLead = (role: Role) => role === 'admin' || role === 'supervisor';

/** 接入: agents take unassigned conversations; leads take anything not already theirs. */
export function canTake(me: Agent, conv: Pick<Conversation, 'assigneeId'>): boolean {
  if (conv.assigneeId === me.id) return false;
  return isLead(me.role) || conv.assigneeId === null;
}

/** 转接 / 分配: leads assign anything; agents hand over their own. */
export function canTransfer(me: Agent, conv: Pick<Conversation, 'assigneeId'>): boolean {
  return isLead(me.role) || conv.assigneeId === me.id;
}

export function canChangeStatus(me: Agent, conv: Pick<Conversation, 'assigneeId'>): boolean {
  return isLead(me.role) || conv.assigneeId === null || conv.assigneeId === me.id;
}

/** Public replies; private notes are always allowed. */
export function canReply(me: Agent, conv: Pick<Conversation, 'assigneeId'>): boolean {
  return isLead(me.role) || conv.assigneeId === null || conv.assigneeId === me.id;
}
