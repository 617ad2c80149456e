import { App, Button, Table, Tag, type TableColumnsType } from 'antd';
import { useCallback, useRef, useState, type HTMLAttributes } from 'react';
import { useNavigate } from 'react-router';
import { ticketsApi, type SlaClock, type TicketFilter, type TicketPriority, type TicketStatus, type TicketView } from '../../api/tickets';
import { fullTime } from '../../i18n/format';
import { useWorkspace } from '../../stores/workspace/context';
import { useLabel, useTicketError, useTicketT } from './strings';

const PRIORITY_COLOR: Record<TicketPriority, string | undefined> = { urgent: 'red', high: 'volcano', normal: undefined, low: 'default' };
const STATUS_COLOR: Record<TicketStatus, string | undefined> = {
  new: 'blue',
  open: 'processing',
  pending: 'gold',
  on_hold: 'purple',
  solved: 'green',
  closed: 'default',
};

export function PriorityTag({ priority }: { priority: TicketPriority }) {
  const label = useLabel();
  return (
    <Tag color={PRIORITY_COLOR[priority]} data-testid="ticket-priority" data-priority={priority}>
      {label('priority', priority)}
    </Tag>
  );
}

export function TicketStatusTag({ status }: { status: TicketStatus }) {
  const label = useLabel();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="ticket-status-tag" data-status={status}>
      {label('status', status)}
    </Tag>
  );
}

export function AgentName({ id }: { id: number | null }) {
  const tt = useTicketT();
  const agent = useWorkspace((s) => (id !== null ? s.agents[id] : undefined));
  if (id === null) return <span className="muted">{tt('unassigned')}</span>;
  return <>{agent ? agent.name : tt('agent', { id })}</>;
}

export function GroupName({ id }: { id: number | null }) {
  const tt = useTicketT();
  const group = useWorkspace((s) => (id !== null ? s.groups[id] : undefined));
  if (id === null) return <span className="muted">{tt('noGroup')}</span>;
  return <>{group ? group.name : tt('group', { id })}</>;
}

/** Running, paused, met or breached: what one clock says now. */
export type ClockState = 'breached' | 'running' | 'paused' | 'met' | 'missed';

export function clockState(c: SlaClock): ClockState {
  if (c.stoppedAt) return c.breachedAt ? 'missed' : 'met';
  if (c.breachedAt) return 'breached';
  if (c.pausedAt && !c.runningSince) return 'paused';
  return 'running';
}

/**
 * The ticket's SLA in one line: a clock that is breached and still owed first (red), else the
 * running clock due soonest, else a paused one, else met (or missed, when one was breached).
 */
export function slaSummary(sla: SlaClock[]): { clock: SlaClock | null; state: ClockState | 'none' } {
  const owed = sla.filter((c) => !c.stoppedAt);
  const breached = owed.find((c) => c.breachedAt);
  if (breached) return { clock: breached, state: 'breached' };
  const running = owed.filter((c) => c.dueAt && clockState(c) === 'running').sort((a, b) => Date.parse(a.dueAt!) - Date.parse(b.dueAt!));
  if (running[0]) return { clock: running[0], state: 'running' };
  const paused = owed.find((c) => clockState(c) === 'paused');
  if (paused) return { clock: paused, state: 'paused' };
  if (sla.length === 0) return { clock: null, state: 'none' };
  const missed = sla.find((c) => c.breachedAt);
  return missed ? { clock: missed, state: 'missed' } : { clock: null, state: 'met' };
}

/** The SLA cell of the list and the board: the nearest clock's due time; red when breached. */
export function SlaState({ ticket }: { ticket: Pick<TicketView, 'sla'> }) {
  const tt = useTicketT();
  const label = useLabel();
  const { clock, state } = slaSummary(ticket.sla);
  const metric = clock ? label('metric', clock.metric) : '';
  const text =
    state === 'breached'
      ? tt('sla.breached', { metric })
      : state === 'running'
        ? tt('sla.due', { metric, time: fullTime(clock!.dueAt) })
        : state === 'paused'
          ? tt('sla.paused', { metric })
          : state === 'met'
            ? tt('sla.met')
            : state === 'missed'
              ? tt('sla.missed')
              : tt('sla.none');
  const warn = state === 'running' && clock?.warnAt && Date.parse(clock.warnAt) <= Date.now();
  const cls = state === 'breached' || state === 'missed' ? 'sla-breached' : warn ? 'sla-warn' : state === 'met' ? 'sla-met' : undefined;
  return (
    <span className={`sla-state ${cls ?? ''}`} data-testid="ticket-sla" data-state={state} data-breached={state === 'breached' || state === 'missed' ? 'true' : 'false'}>
      {text}
    </span>
  );
}

const DAY = 86_400_000;

/** Whole days until a deadline (negative once past), counted by local calendar day. */
export function daysLeft(dueAt: string, now = Date.now()): number {
  const due = new Date(dueAt);
  const today = new Date(now);
  const a = Date.UTC(due.getFullYear(), due.getMonth(), due.getDate());
  const b = Date.UTC(today.getFullYear(), today.getMonth(), today.getDate());
  return Math.round((a - b) / DAY);
}

/** The regulator's appeal window: the due date and the days left, red under 3 days. */
export function DeadlineState({ dueAt }: { dueAt: string }) {
  const tt = useTicketT();
  const n = daysLeft(dueAt);
  const urgent = n < 3;
  return (
    <span className={urgent ? 'deadline-urgent' : 'deadline'} data-testid="complaint-deadline" data-days-left={n} data-urgent={urgent ? 'true' : 'false'}>
      {tt('complaint.deadline', { time: fullTime(dueAt) })}
      {' · '}
      {n > 0 ? tt('complaint.daysLeft', { n }) : n === 0 ? tt('complaint.dueToday') : tt('complaint.overdue', { n: -n })}
    </span>
  );
}

/**
 * Tickets in a table whose rows open their ticket (a click, or Enter on the focused row), and
 * 加载更多 while there are more pages: the 工单 list and the 投诉看板.
 */
export function TicketTable(props: {
  rows: TicketView[];
  columns: TableColumnsType<TicketView>;
  loading: boolean;
  empty: string;
  /** The table's test id, and its rows' and more button's (`{name}-row`… are set by the caller's names). */
  testIds: { table: string; row: string; more: string };
  rowClass?: (r: TicketView) => string;
  more: (() => void) | null;
}) {
  const tt = useTicketT();
  const navigate = useNavigate();
  const { rows, columns, loading, empty, testIds, rowClass, more } = props;
  return (
    <>
      <Table<TicketView>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: empty }}
        data-testid={testIds.table}
        onRow={(r) =>
          ({
            'data-testid': testIds.row,
            'data-ticket-id': r.id,
            'data-status': r.status,
            className: `ticket-row${rowClass ? ` ${rowClass(r)}` : ''}`,
            tabIndex: 0,
            onClick: () => navigate(`/tickets/${r.id}`),
            onKeyDown: (e) => void (e.key === 'Enter' && navigate(`/tickets/${r.id}`)),
          }) as HTMLAttributes<HTMLElement>
        }
      />
      {more ? (
        <div className="tickets-more">
          <Button onClick={more} loading={loading} data-testid={testIds.more}>
            {tt('list.more')}
          </Button>
        </div>
      ) : null}
    </>
  );
}

/**
 * Pages of tickets under a filter, newest first: `load(null)` reads the first page again,
 * `load(next)` adds the next one. An answer that comes after a newer request is dropped.
 */
export function useTicketPages(filter: TicketFilter, pageSize: number) {
  const fail = useTicketError();
  const { message } = App.useApp();
  const [rows, setRows] = useState<TicketView[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);
  const key = JSON.stringify(filter);
  const load = useCallback(
    async (before: number | null) => {
      const n = ++seq.current;
      setLoading(true);
      try {
        const page = await ticketsApi.list({ ...(JSON.parse(key) as TicketFilter), before, limit: pageSize });
        if (n !== seq.current) return;
        setRows((old) => (before === null ? page.tickets : [...old, ...page.tickets]));
        setNext(page.nextBefore);
      } catch (err) {
        if (n === seq.current) message.error(fail(err));
      } finally {
        if (n === seq.current) setLoading(false);
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key, message, pageSize],
  );
  return { rows, next, loading, load };
}
