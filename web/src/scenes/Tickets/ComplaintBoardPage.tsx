import { ReloadOutlined } from '@ant-design/icons';
import { Button, Segmented, Tag, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import type { TicketView } from '../../api/tickets';
import { fullTime } from '../../i18n/format';
import { CLASSIFICATION_KINDS } from '../../../../src/core/tickets/model';
import { ComplaintContacts } from './ComplaintContacts';
import { AgentName, DeadlineState, SlaState, TicketStatusTag, TicketTable, useTicketPages } from './parts';
import { useLabel, useTicketT } from './strings';
import { TicketTabs } from './TicketsPage';
import './tickets.css';

const PAGE = 100;
const COMPLAINTS = { type: 'complaint' } as const;
const REFRESH_MS = 30_000;

/**
 * 投诉看板 for supervisors and admins: every complaint with its current step, classification,
 * source, the regulator's appeal window (red under 3 days), SLA, 非正常投诉 and whether the
 * customer confirmed. Unsolved ones by default; newest first.
 */
export default function ComplaintBoardPage() {
  const tt = useTicketT();
  const label = useLabel();
  const [scope, setScope] = useState<'open' | 'all'>('open');
  const { rows, next, loading, load } = useTicketPages(COMPLAINTS, PAGE);
  useEffect(() => {
    void load(null);
    const timer = window.setInterval(() => document.visibilityState === 'visible' && void load(null), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [load]);

  const shown = scope === 'all' ? rows : rows.filter((r) => r.status !== 'solved' && r.status !== 'closed');
  const columns: TableColumnsType<TicketView> = [
    { title: tt('col.id'), dataIndex: 'id', width: 64, render: (id: number) => `#${id}` },
    {
      title: tt('col.subject'),
      dataIndex: 'subject',
      render: (s: string, r) => (
        <div>
          <div className="ticket-subject" data-testid="board-subject">
            {s}
          </div>
          <div className="muted small">
            <AgentName id={r.assigneeId} /> · {fullTime(r.updatedAt)}
          </div>
        </div>
      ),
    },
    { title: tt('col.status'), dataIndex: 'status', width: 96, render: (v: TicketView['status']) => <TicketStatusTag status={v} /> },
    {
      title: tt('col.step'),
      key: 'step',
      width: 110,
      render: (_, r) => {
        const nextStep = r.complaint?.nextStep ?? null;
        return (
          <span data-testid="board-step" data-step={nextStep ?? 'done'}>
            {nextStep ? label('step', nextStep) : <Tag color="green">{tt('board.allSteps')}</Tag>}
          </span>
        );
      },
    },
    {
      title: tt('col.classification'),
      key: 'classification',
      render: (_, r) => {
        const c = r.complaint?.classification;
        const tags = c ? CLASSIFICATION_KINDS.filter((k) => k !== 'source' && c[k]).map((k) => ({ k, text: label(k, c[k] as string) })) : [];
        return (
          <span data-testid="board-classification">
            {tags.length ? tags.map(({ k, text }) => <Tag key={k} title={label('classification', k)}>{text}</Tag>) : <span className="muted">—</span>}
          </span>
        );
      },
    },
    {
      title: tt('col.source'),
      key: 'source',
      width: 100,
      render: (_, r) => {
        const src = r.complaint?.classification.source ?? 'consumer';
        return (
          <Tag color={src === 'media' ? 'magenta' : src === 'regulator' ? 'purple' : undefined} data-testid="board-source" data-source={src}>
            {label('source', src)}
          </Tag>
        );
      },
    },
    {
      title: tt('col.deadline'),
      key: 'deadline',
      width: 200,
      render: (_, r) => (r.complaint?.deadline ? <DeadlineState dueAt={r.complaint.deadline.dueAt} /> : <span className="muted">—</span>),
    },
    { title: tt('col.sla'), key: 'sla', width: 200, render: (_, r) => <SlaState ticket={r} /> },
    {
      title: tt('col.abnormal'),
      key: 'abnormal',
      width: 90,
      render: (_, r) =>
        r.complaint?.abnormal ? (
          <Tag color="red" data-testid="board-abnormal">
            {tt('complaint.abnormal')}
          </Tag>
        ) : (
          <span className="muted">—</span>
        ),
    },
    {
      title: tt('col.confirmed'),
      key: 'confirmed',
      width: 90,
      render: (_, r) => (
        <span data-testid="board-confirmed" data-confirmed={r.confirmedAt ? 'true' : 'false'}>
          {r.confirmedAt ? <Tag color="green">{tt('complaint.confirmed')}</Tag> : <span className="muted">{tt('complaint.unconfirmed')}</span>}
        </span>
      ),
    },
  ];

  return (
    <div className="admin-page wide tickets-page">
      <div className="admin-head">
        <div>
          <h1>{tt('board.title')}</h1>
          <div className="muted">{tt('board.intro')}</div>
        </div>
        <TicketTabs />
      </div>
      <div className="admin-card">
        <div className="tickets-filters">
          <Segmented
            value={scope}
            onChange={(v) => setScope(v as 'open' | 'all')}
            options={[
              { value: 'open', label: <span data-testid="board-scope-open">{tt('board.open')}</span> },
              { value: 'all', label: <span data-testid="board-scope-all">{tt('board.all')}</span> },
            ]}
          />
          <Button icon={<ReloadOutlined />} onClick={() => void load(null)} data-testid="board-refresh">
            {tt('list.refresh')}
          </Button>
        </div>
        <TicketTable
          rows={shown}
          columns={columns}
          loading={loading}
          empty={tt('board.empty')}
          testIds={{ table: 'complaint-board', row: 'board-row', more: 'board-more' }}
          rowClass={(r) => (r.complaint?.abnormal ? 'row-abnormal' : '')}
          more={next !== null ? () => void load(next) : null}
        />
      </div>
      <ComplaintContacts />
    </div>
  );
}
