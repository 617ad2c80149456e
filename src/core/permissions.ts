import { forbidden } from './errors.js';
import type { Conversation, Role } from './model.js';

/**
 * Who may do what. Every agent route calls one of these after loading the record
 * from the caller's own workspace (the workspace check happens in the query).
 */
export interface Caller {
  agentId: number;
  workspaceId: number;
  role: Role;
}

const isLead = (role: Role) => role === 'admin' || role === 'supervisor';

export function assertAdmin(caller: Caller): void {
  if (caller.role !== 'admin') throw forbidden('only an administrator (管理员) can do this');
}

export function assertSupervisor(caller: Caller): void {
  if (!isLead(caller.role)) throw forbidden('only a supervisor (主管) or administrator can do this');
}

/**
 * Agents take unassigned conversations (接入) and hand over their own (转接);
 * supervisors and admins assign anything.
 */
export function assertCanAssign(caller: Caller, conv: Pick<Conversation, 'assigneeId'>, to: number | null): void {
  if (isLead(caller.role)) return;
  const ownsIt = conv.assigneeId === caller.agentId;
  const takesFree = conv.assigneeId === null && to === caller.agentId;
  if (ownsIt || takesFree) return;
  throw forbidden(
    conv.assigneeId === null
      ? 'agents can only take an unassigned conversation for themselves; ask a supervisor to assign it to someone else'
      : 'this conversation belongs to another agent; ask them or a supervisor to transfer it',
  );
}

/** Resolving, reopening and parking: the assignee, anyone for unassigned chats, or a lead. */
export function assertCanChangeStatus(caller: Caller, conv: Pick<Conversation, 'assigneeId'>): void {
  if (isLead(caller.role) || conv.assigneeId === null || conv.assigneeId === caller.agentId) return;
  throw forbidden('this conversation belongs to another agent; only they or a supervisor can change its status');
}

/** Replies: anyone in the workspace may add a private note; public replies need the conversation or a lead role. */
export function assertCanReply(caller: Caller, conv: Pick<Conversation, 'assigneeId'>, isPrivate: boolean): void {
  if (isPrivate || isLead(caller.role) || conv.assigneeId === null || conv.assigneeId === caller.agentId) return;
  throw forbidden('this conversation is assigned to another agent; add a private note or ask for a transfer');
}
