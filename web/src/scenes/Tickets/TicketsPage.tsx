import { ReloadOutlined } from '@ant-design/icons';
import { Button, Input, Select, Tag, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { NavLink, useNavigate } from 'react-router';
import type { TicketFilter, TicketView } from '../../api/tickets';
import { fullTime } from '../../i18n/format';
import { isLead } from '../../lib/permissions';
import { selectAgentList } from '../../stores/workspace/selectors';
import { useWorkspace } from '../../stores/workspace/context';
import { TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES } from '../../../../src/core/tickets/model';
import { AgentName, PriorityTag, SlaState, TicketStatusTag, TicketTable, useTicketPages } from './parts';
import { useLabel, useTicketT } from './strings';
import './tickets.css';

const PAGE = 50;

/** 工单 and 投诉看板 share the page head: two tabs (the board for supervisors and admins). */
export function TicketTabs() {
  const tt = useTicketT();
  const me = useWorkspace((s) => s.me);
  const navigate = useNavigate();
  const [goto, setGoto] = useState('');
  const open = () => {
    const id = Number(goto.replace(/^#/, '').trim());
    if (Number.isSafeInteger(id) && id > 0) navigate(`/tickets/${id}`);
  };
  return (
    <div className="tickets-head-actions">
      {/* 工单号: straight to a ticket a customer or a colleague quotes */}
      <Input
        value={goto}
        onChange={(e) => setGoto(e.target.value)}
        onPressEnter={open}
        placeholder={tt('list.goto')}
        aria-label={tt('list.goto')}
        allowClear
        inputMode="numeric"
        maxLength={20}
        style={{ width: 150 }}
        data-testid="ticket-goto"
      />
      <nav className="tickets-tabs" aria-label={tt('list.title')}>
        <NavLink end to="/tickets" data-testid="tickets-tab-list" className={({ isActive }) => `tickets-tab${isActive ? ' active' : ''}`}>
          {tt('list.tabAll')}
        </NavLink>
        {isLead(me.role) ? (
          <NavLink to="/tickets/complaints" data-testid="tickets-tab-board" className={({ isActive }) => `tickets-tab${isActive ? ' active' : ''}`}>
            {tt('list.tabBoard')}
          </NavLink>
        ) : null}
      </nav>
    </div>
  );
}

/**
 * 工单 (docs/tickets.md): newest first, filtered by status, type, priority, assignee and group,
 * paged by `nextBefore`; a row opens the ticket.
 */
export default function TicketsPage() {
  const tt = useTicketT();
  const label = useLabel();
  const agents = useWorkspace(selectAgentList);
  const groups = useWorkspace((s) => s.groups);
  const [filter, setFilter] = useState<TicketFilter>({});
  const { rows, next, loading, load } = useTicketPages(filter, PAGE);
  useEffect(() => void load(null), [load]);

  const set = (patch: Partial<TicketFilter>) => setFilter((f) => ({ ...f, ...patch }));
  const options = (values: readonly string[], set: Parameters<typeof label>[0], testPrefix: string) =>
    values.map((v) => ({ value: v, label: <span data-testid={`${testPrefix}-${v}`}>{label(set, v)}</span> }));

  const columns: TableColumnsType<TicketView> = [
    { title: tt('col.id'), dataIndex: 'id', width: 72, render: (id: number) => `#${id}` },
    {
      title: tt('col.subject'),
      dataIndex: 'subject',
      render: (s: string, r) => (
        <span className="ticket-subject" data-testid="ticket-row-subject">
          {s}
          {r.complaint?.abnormal ? (
            <Tag color="red" className="ticket-inline-tag">
              {tt('complaint.abnormal')}
            </Tag>
          ) : null}
        </span>
      ),
    },
    { title: tt('col.type'), dataIndex: 'type', width: 110, render: (v: TicketView['type']) => <span data-testid="ticket-row-type">{label('type', v)}</span> },
    { title: tt('col.priority'), dataIndex: 'priority', width: 90, render: (v: TicketView['priority']) => <PriorityTag priority={v} /> },
    { title: tt('col.status'), dataIndex: 'status', width: 110, render: (v: TicketView['status']) => <TicketStatusTag status={v} /> },
    { title: tt('col.assignee'), dataIndex: 'assigneeId', width: 110, render: (v: number | null) => <AgentName id={v} /> },
    { title: tt('col.sla'), key: 'sla', width: 220, render: (_, r) => <SlaState ticket={r} /> },
    { title: tt('col.updated'), dataIndex: 'updatedAt', width: 150, render: (v: string) => <span className="muted">{fullTime(v)}</span> },
  ];

  return (
    <div className="admin-page wide tickets-page">
      <div className="admin-head">
        <div>
          <h1>{tt('list.title')}</h1>
          <div className="muted">{tt('list.intro')}</div>
        </div>
        <TicketTabs />
      </div>
      <div className="admin-card">
        <div className="tickets-filters" role="search" aria-label={tt('list.filters')}>
          <Select
            allowClear
            placeholder={tt('list.anyStatus')}
            aria-label={tt('col.status')}
            value={filter.status}
            onChange={(v) => set({ status: v })}
            options={options(TICKET_STATUSES, 'status', 'ticket-filter-status')}
            data-testid="ticket-filter-status"
            style={{ width: 130 }}
          />
          <Select
            allowClear
            placeholder={tt('list.anyType')}
            aria-label={tt('col.type')}
            value={filter.type}
            onChange={(v) => set({ type: v })}
            options={options(TICKET_TYPES, 'type', 'ticket-filter-type')}
            data-testid="ticket-filter-type"
            style={{ width: 130 }}
          />
          <Select
            allowClear
            placeholder={tt('list.anyPriority')}
            aria-label={tt('col.priority')}
            value={filter.priority}
            onChange={(v) => set({ priority: v })}
            options={options(TICKET_PRIORITIES, 'priority', 'ticket-filter-priority')}
            data-testid="ticket-filter-priority"
            style={{ width: 120 }}
          />
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'name' }}
            placeholder={tt('list.anyAssignee')}
            aria-label={tt('col.assignee')}
            value={filter.assigneeId}
            onChange={(v) => set({ assigneeId: v })}
            options={agents.map((a) => ({ value: a.id, name: a.name, label: <span data-testid={`ticket-filter-assignee-${a.id}`}>{a.name}</span> }))}
            data-testid="ticket-filter-assignee"
            style={{ width: 140 }}
          />
          <Select
            allowClear
            placeholder={tt('list.anyGroup')}
            aria-label={tt('col.group')}
            value={filter.groupId}
            onChange={(v) => set({ groupId: v })}
            options={Object.values(groups).map((g) => ({ value: g.id, label: <span data-testid={`ticket-filter-group-${g.id}`}>{g.name}</span> }))}
            data-testid="ticket-filter-group"
            style={{ width: 140 }}
          />
          <Button icon={<ReloadOutlined />} onClick={() => void load(null)} data-testid="tickets-refresh">
            {tt('list.refresh')}
          </Button>
        </div>
        <TicketTable
          rows={rows}
          columns={columns}
          loading={loading}
          empty={tt('list.empty')}
          testIds={{ table: 'ticket-list', row: 'ticket-row', more: 'tickets-more' }}
          more={next !== null ? () => void load(next) : null}
        />
      </div>
    </div>
  );
}
