import { describe, expect, it } from 'vitest';
import type { Handoff, Ticket, TicketStatus } from './model.js';
import { changeTicket, createTicket, STATUS_TRANSITIONS, type ChangeContext, type TicketActor, type TicketChange, type TicketResult } from './state.js';

const at = new Date('2026-11-23T02:00:00Z');
const agent = (agentId = 7, role: 'agent' | 'supervisor' | 'qa' = 'agent'): TicketActor => ({ type: 'agent', agentId, role });
const ctx = (by: TicketActor = agent()): ChangeContext => ({ by, at, timezone: 'Asia/Shanghai' });

const ok = (r: TicketResult) => {
  if (!r.ok) throw new Error(`refused: ${r.error.code} ${r.error.message}`);
  return r;
};
const codeOf = (r: TicketResult) => (r.ok ? null : r.error.code);
const types = (r: TicketResult) => ok(r).events.map((e) => e.type);

function ticket(over: Partial<Ticket> = {}): Ticket {
  const created = ok(createTicket({ id: 1, workspaceId: 1, contactId: 3, subject: '退款没到账', type: 'query', assigneeId: 7, groupId: 2 }, ctx()));
  return { ...created.ticket, ...over };
}
const complaint = (over: Partial<Ticket> = {}) => ({ ...ok(createTicket({ id: 1, workspaceId: 1, contactId: 3, subject: '投诉', type: 'complaint', assigneeId: 7, groupId: 2 }, ctx())).ticket, ...over });
const change = (t: Ticket, c: TicketChange, by?: TicketActor) => changeTicket(t, c, ctx(by));
const status = (to: TicketStatus, reason?: string): TicketChange => ({ kind: 'status', to, reason });

describe('creating a ticket', () => {
  it('starts 待受理 (new) with a ticket.created event', () => {
    const r = ok(createTicket({ id: 5, workspaceId: 1, contactId: 3, subject: '  报障 ', type: 'fault', conversationIds: [9] }, ctx()));
    expect(r.ticket).toMatchObject({ id: 5, subject: '报障', status: 'new', priority: 'normal', complaint: null, createdAt: at.toISOString() });
    expect(r.events).toEqual([{ type: 'ticket.created', data: { ticketId: 5, contactId: 3, type: 'fault', priority: 'normal', groupId: null, assigneeId: null, conversationIds: [9] } }]);
  });

  it('a complaint gets its record; a regulator one its deadline; a media one alerts at once', () => {
    expect(complaint().complaint).toMatchObject({ classification: { source: 'consumer' }, steps: [], abnormal: false, deadline: null });
    const base = { id: 1, workspaceId: 1, contactId: 3, subject: '监管转办', type: 'complaint' as const };
    expect(codeOf(createTicket({ ...base, source: 'regulator' }, ctx()))).toBe('notice_date_required');
    expect(ok(createTicket({ ...base, source: 'regulator', noticeDate: '2026-11-20' }, ctx())).ticket.complaint?.deadline?.dueAt).toBe('2026-12-05T15:59:59.999Z');
    const media = ok(createTicket({ ...base, source: 'media' }, ctx()));
    expect(media.events[1]).toEqual({ type: 'complaint.alert_raised', data: { ticketId: 1, reason: 'media', audiences: ['supervisors', 'pr'] } });
  });

  it('refuses no subject, four category levels, complaint fields on other types, customers and 质检', () => {
    const base = { id: 1, workspaceId: 1, contactId: 3, subject: 'x', type: 'consult' as const };
    expect(codeOf(createTicket({ ...base, subject: ' ' }, ctx()))).toBe('subject_required');
    expect(codeOf(createTicket({ ...base, category: ['a', 'b', 'c', 'd'] }, ctx()))).toBe('category_too_deep');
    expect(codeOf(createTicket({ ...base, source: 'media' }, ctx()))).toBe('not_a_complaint');
    expect(codeOf(createTicket(base, ctx({ type: 'customer' })))).toBe('forbidden');
    expect(codeOf(createTicket(base, ctx(agent(8, 'qa'))))).toBe('forbidden');
    expect(ok(createTicket(base, ctx({ type: 'system' }))).ticket.status).toBe('new');
  });
});

describe('ticket status machine', () => {
  it('allows the transitions of the table and refuses the rest', () => {
    const all: TicketStatus[] = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'];
    for (const from of all.filter((s) => s !== 'closed')) {
      for (const to of all.filter((s) => s !== from)) {
        const r = change(ticket({ status: from }), status(to, 'reason'));
        expect(r.ok, `${from} → ${to}`).toBe(STATUS_TRANSITIONS[from].includes(to));
        if (!r.ok) expect(r.error.code).toBe('invalid_status_change');
      }
    }
    expect(STATUS_TRANSITIONS.solved).toEqual(['open', 'closed']);
  });

  it('closes only after solving, and closed is final', () => {
    expect(change(ticket({ status: 'open' }), status('closed')).ok).toBe(false);
    const solved = ok(change(ticket({ status: 'open' }), status('solved'))).ticket;
    expect(solved.solvedAt).toBe(at.toISOString());
    const closed = ok(change(solved, status('closed'), { type: 'system' }));
    expect(closed.ticket).toMatchObject({ status: 'closed', closedAt: at.toISOString() });
    expect(closed.events).toEqual([{ type: 'ticket.status_changed', data: { ticketId: 1, from: 'solved', to: 'closed', cause: 'system', reason: null } }]);
    for (const c of [status('open'), { kind: 'reply' } as const, { kind: 'priority', priority: 'high' } as const]) {
      expect(codeOf(change(closed.ticket, c, c.kind === 'reply' ? { type: 'customer' } : agent()))).toBe('ticket_closed');
    }
  });

  it('the same status again changes nothing', () => {
    const t = ticket({ status: 'open' });
    expect(ok(change(t, status('open')))).toEqual({ ok: true, ticket: t, events: [] });
  });

  it('a customer reply brings back a ticket waiting on them or solved (重新打开), not one on hold', () => {
    const customer: TicketActor = { type: 'customer' };
    const pending = ok(change(ticket({ status: 'pending' }), { kind: 'reply' }, customer));
    expect(pending.ticket.status).toBe('open');
    expect(pending.events.map((e) => e.data)).toEqual([
      { ticketId: 1, from: 'customer' },
      { ticketId: 1, from: 'pending', to: 'open', cause: 'customer_reply', reason: null },
    ]);
    const reopened = ok(change(ticket({ status: 'solved', solvedAt: 'x', confirmedAt: 'y' }), { kind: 'reply' }, customer)).ticket;
    expect(reopened).toMatchObject({ status: 'open', solvedAt: null, confirmedAt: null });
    expect(ok(change(ticket({ status: 'on_hold' }), { kind: 'reply' }, customer)).ticket.status).toBe('on_hold');
    expect(types(change(ticket({ status: 'open' }), { kind: 'reply' }, customer))).toEqual(['ticket.replied']);
  });

  it('an agent’s first reply takes a new ticket (处理中)', () => {
    const r = ok(change(ticket(), { kind: 'reply' }));
    expect(r.ticket).toMatchObject({ status: 'open', updatedAt: at.toISOString() });
    expect(r.events[1].data).toMatchObject({ from: 'new', to: 'open', cause: 'agent_reply' });
    expect(types(change(ticket({ status: 'pending' }), { kind: 'reply' }))).toEqual(['ticket.replied']);
  });

  it('a complaint is solved after the customer confirms, or with a recorded reason', () => {
    const open = complaint({ status: 'open' });
    expect(codeOf(change(open, status('solved')))).toBe('confirmation_required');
    expect(codeOf(change(open, status('solved', '  ')))).toBe('confirmation_required');
    const byReason = ok(change(open, status('solved', '电话回访，客户未接听')));
    expect(byReason.ticket.complaint?.unconfirmedReason).toBe('电话回访，客户未接听');
    expect(byReason.events[0].data).toMatchObject({ reason: '电话回访，客户未接听' });

    const confirmed = ok(change(open, { kind: 'confirm' }, { type: 'customer' }));
    expect(confirmed.events).toEqual([{ type: 'ticket.confirmed', data: { ticketId: 1 } }]);
    const solved = ok(change(confirmed.ticket, status('solved'))).ticket;
    expect(solved.status).toBe('solved');
    // reopening clears the confirmation: solving again needs a new one
    const again = ok(change(solved, status('open'))).ticket;
    expect(again.confirmedAt).toBeNull();
    expect(codeOf(change(again, status('solved')))).toBe('confirmation_required');
  });

  it('other tickets solve without confirmation', () => {
    expect(ok(change(ticket({ status: 'open' }), status('solved'))).ticket.status).toBe('solved');
  });

  it('only the assignee, anyone on unassigned tickets, or a lead changes it; customers reply and confirm', () => {
    const mine = ticket({ status: 'open' });
    expect(codeOf(change(mine, status('pending'), agent(8)))).toBe('forbidden');
    expect(codeOf(change(mine, status('pending'), agent(8, 'qa')))).toBe('forbidden');
    expect(change(mine, status('pending'), agent(9, 'supervisor')).ok).toBe(true);
    expect(change({ ...mine, assigneeId: null }, status('pending'), agent(8)).ok).toBe(true);
    expect(codeOf(change(mine, status('solved'), { type: 'customer' }))).toBe('forbidden');
    expect(codeOf(change(mine, { kind: 'confirm' }))).toBe('forbidden');
  });
});

describe('assigning and handing over', () => {
  const handoff: Handoff = { when: '11-23 10:00', where: '北京仓', who: '张先生', what: '退款未到账', why: '财务系统延迟', how: '请财务核对流水', howMany: '1 笔', howMuch: '299 元' };

  it('a ticket handed to another group needs its 5W3H', () => {
    const t = ticket({ status: 'open' });
    const r = change(t, { kind: 'assign', assigneeId: null, groupId: 4 });
    expect(codeOf(r)).toBe('handoff_required');
    expect(!r.ok && r.error.details).toEqual({ missing: ['when', 'where', 'who', 'what', 'why', 'how'] });
    expect(!r.ok && codeOf(change(t, { kind: 'assign', assigneeId: null, groupId: 4, handoff: { ...handoff, why: ' ' } }))).toBe('handoff_required');
    const moved = ok(change(t, { kind: 'assign', assigneeId: null, groupId: 4, handoff: { ...handoff, howMany: '', howMuch: '' } }));
    expect(moved.ticket).toMatchObject({ assigneeId: null, groupId: 4 });
    expect(moved.events[0]).toMatchObject({ type: 'ticket.assigned', data: { fromAssigneeId: 7, toAssigneeId: null, fromGroupId: 2, toGroupId: 4 } });
  });

  it('a first group or a new agent in the same group needs none', () => {
    expect(change(ticket({ groupId: null }), { kind: 'assign', assigneeId: 7, groupId: 4 }).ok).toBe(true);
    expect(ok(change(ticket(), { kind: 'assign', assigneeId: 9, groupId: 2 }, agent(1, 'supervisor'))).events[0].data).toMatchObject({ handoff: null });
    expect(ok(change(ticket(), { kind: 'assign', assigneeId: 7, groupId: 2 })).events).toEqual([]);
  });

  it('agents take unassigned tickets and hand over their own; leads assign anything', () => {
    expect(codeOf(change(ticket(), { kind: 'assign', assigneeId: 8, groupId: 2 }, agent(8)))).toBe('forbidden');
    expect(change(ticket({ assigneeId: null }), { kind: 'assign', assigneeId: 8, groupId: 2 }, agent(8)).ok).toBe(true);
    expect(codeOf(change(ticket({ assigneeId: null }), { kind: 'assign', assigneeId: 9, groupId: 2 }, agent(8)))).toBe('forbidden');
  });
});

describe('type, priority and complaint changes', () => {
  it('becoming a complaint starts its record; a complaint stays one', () => {
    const r = ok(change(ticket(), { kind: 'type', type: 'complaint', source: 'media' }));
    expect(r.ticket.complaint?.classification.source).toBe('media');
    expect(r.events.map((e) => e.type)).toEqual(['ticket.type_changed', 'complaint.alert_raised']);
    expect(codeOf(change(r.ticket, { kind: 'type', type: 'consult' }))).toBe('complaint_type_fixed');
    expect(codeOf(change(ticket(), { kind: 'type', type: 'fault', source: 'media' }))).toBe('not_a_complaint');
  });

  it('priority changes emit an event', () => {
    expect(ok(change(ticket(), { kind: 'priority', priority: 'urgent' })).events[0]).toEqual({ type: 'ticket.priority_changed', data: { ticketId: 1, from: 'normal', to: 'urgent' } });
  });

  it('complaint steps go through the ticket with who and when', () => {
    const r = ok(change(complaint(), { kind: 'complaint_step', step: 'accept', note: '已致歉' }));
    expect(r.ticket.complaint?.steps).toEqual([{ step: 'accept', by: 7, at: at.toISOString(), note: '已致歉', skippedReason: null }]);
    expect(r.events).toEqual([{ type: 'complaint.step_recorded', data: { ticketId: 1, step: 'accept', by: 7, skipped: false } }]);
    const skipped = ok(change(r.ticket, { kind: 'complaint_step', step: 'calm', skippedReason: '客户情绪平稳' }));
    expect(skipped.events[0].data).toMatchObject({ step: 'calm', skipped: true });
    expect(codeOf(change(r.ticket, { kind: 'complaint_step', step: 'explore' }))).toBe('complaint_step_out_of_order');
    expect(codeOf(change(ticket(), { kind: 'complaint_step', step: 'accept' }))).toBe('not_a_complaint');
    expect(codeOf(change(complaint(), { kind: 'complaint_step', step: 'accept' }, { type: 'system' }))).toBe('forbidden');
  });

  it('the agent confirms the classification; a regulator source needs the notice date', () => {
    const r = ok(change(complaint(), { kind: 'classify', classification: { reason: 'service', behaviour: 'noisy' } }));
    expect(r.events[0]).toEqual({
      type: 'complaint.classified',
      data: { ticketId: 1, classification: { reason: 'service', topic: null, motive: null, behaviour: 'noisy', source: 'consumer' } },
    });
    expect(codeOf(change(complaint(), { kind: 'classify', classification: { source: 'regulator' } }))).toBe('notice_date_required');
  });

  it('非正常投诉 is set by a supervisor and alerts supervisors and legal', () => {
    expect(codeOf(change(complaint(), { kind: 'abnormal', abnormal: true }))).toBe('forbidden');
    const r = ok(change(complaint(), { kind: 'abnormal', abnormal: true }, agent(2, 'supervisor')));
    expect(r.ticket.complaint?.abnormal).toBe(true);
    expect(r.events).toEqual([
      { type: 'complaint.abnormal_changed', data: { ticketId: 1, abnormal: true, by: 2 } },
      { type: 'complaint.alert_raised', data: { ticketId: 1, reason: 'abnormal', audiences: ['supervisors', 'legal'] } },
    ]);
    expect(ok(change(r.ticket, { kind: 'abnormal', abnormal: true }, agent(2, 'supervisor'))).events).toEqual([]);
  });
});
