import { forbidden } from './errors.js';
import type { Conversation, Role } from './model.js';

/**
 * Who may do what. Every agent route calls one of the assertions after loading the
 * record from the caller's own workspace (the workspace check happens in the query);
 * the console imports the predicates so it only offers what the server allows.
 */
export interface Caller {
  agentId: number;
  workspaceId: number;
  role: Role;
}

/** The part of a caller the rules look at (the console has no workspace id at hand). */
export type Who = Pick<Caller, 'agentId' | 'role'>;
type Assigned = Pick<Conversation, 'assigneeId'>;

/** 主管 and 管理员: they see the monitor, assign anything, force past a limit. */
export const isLead = (role: Role) => role === 'admin' || role === 'supervisor';

/** The roles that serve customers: routing gives them conversations; 质检员 and 质检主管 only read them. */
export const SERVING_ROLES: readonly Role[] = ['admin', 'supervisor', 'agent'];
export const servesCustomers = (role: Role) => SERVING_ROLES.includes(role);

/** 质检: 质检员 and 质检主管 (and leads, who watch their teams) review inspections and use the 规则实验室. */
export const canReview = (role: Role) => role === 'qa' || role === 'qa_lead' || isLead(role);

/**
 * 内部备注 (private notes) are for everyone of the workspace who works on conversations: those
 * who serve customers, and 质检 who read them in full. Customers never see them; search shows
 * them only to callers this allows.
 */
export const canSeePrivateNotes = (role: Role) => servesCustomers(role) || role === 'qa' || role === 'qa_lead';

/** Agents take an unassigned conversation for themselves (接入); leads assign anything to anyone; 质检 roles neither. */
export function canAssign(who: Who, conv: Assigned, to: number | null): boolean {
  if (!servesCustomers(who.role)) return false;
  if (isLead(who.role)) return true;
  return conv.assigneeId === who.agentId || (conv.assigneeId === null && to === who.agentId);
}

/** 接入: take a conversation that is not already yours. */
export function canTake(who: Who, conv: Assigned): boolean {
  return conv.assigneeId !== who.agentId && canAssign(who, conv, who.agentId);
}

/** 转接 / 升级: the serving agent hands over their own; leads move anything. */
export function canTransfer(who: Who, conv: Assigned): boolean {
  return servesCustomers(who.role) && (isLead(who.role) || conv.assigneeId === who.agentId);
}

/** Resolving, reopening and parking: the assignee, anyone for unassigned chats, or a lead. */
export function canChangeStatus(who: Who, conv: Assigned): boolean {
  return servesCustomers(who.role) && (isLead(who.role) || conv.assigneeId === null || conv.assigneeId === who.agentId);
}

/** Public replies need the conversation (or a free one, or a lead role); private notes are always allowed. */
export function canReply(who: Who, conv: Assigned, isPrivate = false): boolean {
  return isPrivate || canChangeStatus(who, conv);
}

export function assertAdmin(caller: Caller): void {
  if (caller.role !== 'admin') throw forbidden('only an administrator (管理员) can do this');
}

export function assertCanReview(caller: Caller): void {
  if (!canReview(caller.role)) throw forbidden('only QA reviewers (质检员), QA leads (质检主管), supervisors and administrators can do this');
}

export function assertSupervisor(caller: Caller): void {
  if (!isLead(caller.role)) throw forbidden('only a supervisor (主管) or administrator can do this');
}

const QA_READ_ONLY = '质检 accounts read conversations; they do not serve customers';

export function assertCanAssign(caller: Caller, conv: Assigned, to: number | null): void {
  if (canAssign(caller, conv, to)) return;
  if (!servesCustomers(caller.role)) throw forbidden(QA_READ_ONLY);
  throw forbidden(
    conv.assigneeId === null
      ? 'agents can only take an unassigned conversation for themselves; ask a supervisor to assign it to someone else'
      : 'this conversation belongs to another agent; ask them or a supervisor to transfer it',
  );
}

export function assertCanTransfer(caller: Caller, conv: Assigned): void {
  if (canTransfer(caller, conv)) return;
  if (!servesCustomers(caller.role)) throw forbidden(QA_READ_ONLY);
  throw forbidden(conv.assigneeId === null ? 'take the conversation (接入) before transferring it' : 'only the serving agent or a supervisor can transfer this conversation');
}

export function assertCanChangeStatus(caller: Caller, conv: Assigned): void {
  if (canChangeStatus(caller, conv)) return;
  if (!servesCustomers(caller.role)) throw forbidden(QA_READ_ONLY);
  throw forbidden('this conversation belongs to another agent; only they or a supervisor can change its status');
}

export function assertCanReply(caller: Caller, conv: Assigned, isPrivate: boolean): void {
  if (canReply(caller, conv, isPrivate)) return;
  if (!servesCustomers(caller.role)) throw forbidden(`${QA_READ_ONLY}: add a private note instead`);
  throw forbidden('this conversation is assigned to another agent; add a private note or ask for a transfer');
}

/**
 * Personal data (PIPL, docs/privacy.md): 管理员 and 主管 may reveal a customer's phone, e-mail
 * and ID numbers (each reveal audited), export contacts and import them. Everyone else sees them
 * masked, everywhere the server sends a contact.
 */
export const canSeePersonalData = (role: Role) => isLead(role);

export function assertCanSeePersonalData(caller: Caller): void {
  if (!canSeePersonalData(caller.role)) throw forbidden('only a supervisor (主管) or administrator may see or export customers’ personal data');
}
