import { describe, expect, it } from 'vitest';
import { assertAdmin, assertCanAssign, assertCanChangeStatus, assertCanReply, assertSupervisor, type Caller } from './permissions.js';

const agent: Caller = { agentId: 1, workspaceId: 1, role: 'agent' };
const supervisor: Caller = { agentId: 2, workspaceId: 1, role: 'supervisor' };
const admin: Caller = { agentId: 3, workspaceId: 1, role: 'admin' };

describe('permissions', () => {
  it('only admins administer; supervisors and admins lead', () => {
    expect(() => assertAdmin(agent)).toThrow(/administrator/);
    expect(() => assertAdmin(supervisor)).toThrow();
    expect(() => assertAdmin(admin)).not.toThrow();
    expect(() => assertSupervisor(agent)).toThrow(/supervisor/);
    expect(() => assertSupervisor(supervisor)).not.toThrow();
  });

  it('an agent takes unassigned conversations for themselves and transfers their own', () => {
    expect(() => assertCanAssign(agent, { assigneeId: null }, 1)).not.toThrow();
    expect(() => assertCanAssign(agent, { assigneeId: null }, 5)).toThrow(/only take an unassigned conversation for themselves/);
    expect(() => assertCanAssign(agent, { assigneeId: 1 }, 5)).not.toThrow();
    expect(() => assertCanAssign(agent, { assigneeId: 9 }, 1)).toThrow(/belongs to another agent/);
    expect(() => assertCanAssign(supervisor, { assigneeId: 9 }, 1)).not.toThrow();
  });

  it('status and replies belong to the assignee, the unassigned pool, or a lead; notes to everyone', () => {
    expect(() => assertCanChangeStatus(agent, { assigneeId: 9 })).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => assertCanChangeStatus(agent, { assigneeId: null })).not.toThrow();
    expect(() => assertCanReply(agent, { assigneeId: 9 }, false)).toThrow(/private note/);
    expect(() => assertCanReply(agent, { assigneeId: 9 }, true)).not.toThrow();
    expect(() => assertCanReply(admin, { assigneeId: 9 }, false)).not.toThrow();
  });
});
