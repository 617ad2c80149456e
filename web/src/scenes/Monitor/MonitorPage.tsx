import { CrownFilled, LoginOutlined, ReloadOutlined, TeamOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { Alert, App, Button, Checkbox, Empty, Modal, Spin, Table, Tag, Tooltip, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState, type HTMLAttributes } from 'react';
import { useNavigate } from 'react-router';
import { api, ApiError } from '../../api';
import type { AgentLoad, QueueEntry, QueueGroup } from '../../api/types';
import { AgentPicker, isFull, onDuty } from '../../components/AgentPicker';
import { AvailabilityDot } from '../../components/AvailabilityDot';
import { Elapsed } from '../../components/Elapsed';
import { SaturationBar } from '../../components/SaturationBar';
import { useT } from '../../i18n';
import { contactLabel, formatDuration, fullTime, hhmm } from '../../i18n/format';
import { errorText } from '../../lib/errors';
import { isLead } from '../../lib/permissions';
import { useController, useWorkspace } from '../../stores/workspace/context';
import { useReturnFocus } from '../../lib/useReturnFocus';

const REFRESH_EVERY_MS = 10_000;
/** Frames come in bursts (one transfer: assigned + queue + presence): one refresh for the burst. */
const FRAME_DEBOUNCE_MS = 300;

/** `data-group-id` of the all-agents pool (group null). */
export const ALL_AGENTS_GROUP = 'all';

/**
 * 监控: the live queues (排队) per skill group and the agents' load (饱和度).
 * Supervisors and admins see every group and may assign (强制分配 past the 接待上限);
 * agents see their own groups and take (接入) from them.
 */
export default function MonitorPage() {
  const t = useT();
  const controller = useController();
  const me = useWorkspace((s) => s.me);
  const lead = isLead(me.role);
  const [queues, setQueues] = useState<QueueGroup[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);
  const [assigning, setAssigning] = useState<{ entry: QueueEntry; group: QueueGroup } | null>(null);
  const debounce = useRef<number | null>(null);
  const inflight = useRef(0);

  const load = useCallback(async () => {
    const id = ++inflight.current;
    setLoading(true);
    try {
      const { queues } = await api.queues();
      if (id !== inflight.current) return;
      setQueues(queues);
      setError(null);
      setUpdatedAt(Date.now());
    } catch (err) {
      if (id === inflight.current) setError(err);
    } finally {
      if (id === inflight.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
    const timer = window.setInterval(() => void load(), REFRESH_EVERY_MS);
    const schedule = () => {
      if (debounce.current !== null) window.clearTimeout(debounce.current);
      debounce.current = window.setTimeout(() => {
        debounce.current = null;
        void load();
      }, FRAME_DEBOUNCE_MS);
    };
    const off = controller.listen((f) => {
      // contact: a VIP change reorders the queue, and the server publishes no queue frame for it
      if (f.type === 'queue' || f.type === 'presence' || f.type === 'agent' || f.type === 'contact' || f.type === 'connected') schedule();
      // loads change when conversations are assigned, ended or reopened
      else if (f.type === 'conversation' && f.change !== 'read') schedule();
    });
    return () => {
      off();
      window.clearInterval(timer);
      if (debounce.current !== null) window.clearTimeout(debounce.current);
    };
  }, [controller, load]);

  const all = queues?.find((q) => q.group === null);
  const summary = useMemo(() => {
    if (!queues) return null;
    const agents = all?.agents ?? [];
    const duty = agents.filter(onDuty);
    const load = duty.reduce((n, a) => n + a.load, 0);
    const max = duty.reduce((n, a) => n + a.max, 0);
    const waiting = queues.reduce((n, q) => n + q.waiting.length, 0);
    const longest = Math.max(0, ...queues.flatMap((q) => q.waiting.map((w) => w.waitedSeconds)));
    return { onDuty: duty.length, load, max, waiting, longest, full: duty.filter(isFull).length };
  }, [queues, all]);

  return (
    <div className="admin-page wide">
      <div className="admin-head">
        <div>
          <h1>{t('monitor.title')}</h1>
          <div className="muted">{lead ? t('monitor.subtitle') : t('monitor.subtitleAgent')}</div>
        </div>
        <span className="muted small">
          {updatedAt ? t('monitor.updated', { time: hhmm(new Date(updatedAt)) }) : null}{' '}
          <Tooltip title={t('common.retry')}>
            <Button size="small" type="text" icon={<ReloadOutlined spin={loading} />} onClick={() => void load()} data-testid="monitor-refresh" />
          </Tooltip>
        </span>
      </div>
      {error ? <Alert type="error" showIcon title={errorText(error, t)} style={{ marginBottom: 12 }} /> : null}
      {summary ? (
        <div className="monitor-stats">
          <Stat label={t('monitor.waitingTotal')} value={summary.waiting} warn={summary.waiting > 0} testId="monitor-waiting-total" />
          <Stat label={t('monitor.longestWait')} value={summary.waiting > 0 ? formatDuration(summary.longest, t) : t('common.none')} warn={summary.longest > 60} />
          <Stat label={t('monitor.onDuty')} value={summary.onDuty} />
          <Stat label={t('monitor.saturation')} value={summary.max > 0 ? `${Math.round((summary.load / summary.max) * 100)}%` : t('common.none')} sub={`${summary.load}/${summary.max}`} />
          <Stat label={t('monitor.fullAgents')} value={summary.full} warn={summary.full > 0} />
        </div>
      ) : null}
      {queues === null ? (
        error ? null : (
          <div className="admin-card center-pad">
            <Spin />
          </div>
        )
      ) : (
        <div className="monitor-groups">
          {[...queues]
            .sort((a, b) => (a.group === null ? -1 : b.group === null ? 1 : a.group.name.localeCompare(b.group.name)))
            .map((q) => (
              <QueueCard key={q.group?.id ?? ALL_AGENTS_GROUP} queue={q} lead={lead} meId={me.id} onAssign={(entry) => setAssigning({ entry, group: q })} onChanged={() => void load()} />
            ))}
        </div>
      )}
      {assigning ? (
        <AssignModal
          key={assigning.entry.conversation.id}
          entry={assigning.entry}
          group={assigning.group}
          allAgents={all?.agents ?? assigning.group.agents}
          onClose={() => setAssigning(null)}
          onDone={() => {
            setAssigning(null);
            void load();
          }}
        />
      ) : null}
    </div>
  );
}

function Stat({ label, value, sub, warn, testId }: { label: string; value: string | number; sub?: string; warn?: boolean; testId?: string }) {
  return (
    <div className={`monitor-stat${warn ? ' warn' : ''}`}>
      <div className="monitor-stat-value" data-testid={testId}>
        {value}
        {sub ? <span className="monitor-stat-sub">{sub}</span> : null}
      </div>
      <div className="monitor-stat-label">{label}</div>
    </div>
  );
}

interface CardProps {
  queue: QueueGroup;
  lead: boolean;
  meId: number;
  onAssign: (entry: QueueEntry) => void;
  onChanged: () => void;
}

function QueueCard({ queue: q, lead, meId, onAssign, onChanged }: CardProps) {
  const t = useT();
  const controller = useController();
  const navigate = useNavigate();
  const contacts = useWorkspace((s) => s.contacts);
  const { message } = App.useApp();
  const [taking, setTaking] = useState<number | null>(null);
  const name = q.group ? q.group.name : t('monitor.allAgents');

  const take = async (entry: QueueEntry) => {
    setTaking(entry.conversation.id);
    try {
      await controller.assign(entry.conversation.id, meId);
      message.success(t('view.assignedToMe'));
      onChanged();
      navigate(`/conversations/${entry.conversation.id}`);
    } catch (err) {
      const text = err instanceof ApiError && err.code === 'agent_full' ? errorText(err, t, 'error.agent_full_self') : errorText(err, t);
      message.error({ content: <span data-testid="agent-full-error">{text}</span> });
      onChanged();
    } finally {
      setTaking(null);
    }
  };

  const waitingColumns: TableColumnsType<QueueEntry> = [
    { title: '#', key: 'pos', width: 44, render: (_, e) => <span className="queue-pos">{e.position}</span> },
    {
      title: t('monitor.customer'),
      key: 'who',
      render: (_, e) => {
        const c = e.conversation;
        const vip = contacts[c.contactId]?.vip ?? c.priority > 0;
        return (
          <span className="queue-who">
            <a onClick={() => navigate(`/conversations/${c.id}`)} data-testid="queue-item-open">
              {contactLabel(c.contactName, c.contactId, t)}
            </a>
            {vip ? (
              <Tag color="gold" icon={<CrownFilled />} className="badge-tag" data-testid="vip-tag">
                VIP
              </Tag>
            ) : null}
            {c.topic ? <Tag className="badge-tag">{c.topic}</Tag> : null}
            <span className="muted small"> #{c.id}</span>
          </span>
        );
      },
    },
    {
      title: t('monitor.waited'),
      key: 'waited',
      width: 110,
      render: (_, e) => (
        <Tooltip title={fullTime(e.conversation.queuedAt)}>
          <span className={e.waitedSeconds >= 60 ? 'text-danger' : undefined} data-testid="queue-item-waited">
            {e.conversation.queuedAt ? <Elapsed since={e.conversation.queuedAt} /> : formatDuration(e.waitedSeconds, t)}
          </span>
        </Tooltip>
      ),
    },
    { title: t('monitor.eta'), key: 'eta', width: 90, render: (_, e) => <span className="muted">{formatDuration(e.etaSeconds, t)}</span> },
    {
      title: '',
      key: 'act',
      width: 96,
      align: 'right',
      render: (_, e) =>
        lead ? (
          <Button size="small" type="primary" ghost icon={<UserSwitchOutlined />} onClick={() => onAssign(e)} data-testid="queue-assign">
            {t('monitor.assign')}
          </Button>
        ) : (
          <Button size="small" type="primary" icon={<LoginOutlined />} loading={taking === e.conversation.id} onClick={() => void take(e)} data-testid="queue-assign">
            {t('view.assignMe')}
          </Button>
        ),
    },
  ];

  const agentColumns: TableColumnsType<AgentLoad> = [
    {
      title: t('agents.name'),
      key: 'name',
      render: (_, a) => (
        <span>
          {a.name}
          {a.agentNo ? <span className="muted"> · {a.agentNo}</span> : null}
          {a.id === meId ? <Tag className="badge-tag">{t('agents.you')}</Tag> : null}
        </span>
      ),
    },
    {
      title: t('agents.status'),
      key: 'status',
      width: 190,
      render: (_, a) => (
        <span className="agent-status">
          <AvailabilityDot value={a.availability} />
          {a.availability !== 'offline' && !a.connected ? <span className="muted small"> {t('monitor.notConnected')}</span> : null}
        </span>
      ),
    },
    { title: t('monitor.saturation'), key: 'load', width: 190, render: (_, a) => <SaturationBar load={a.load} max={a.max} /> },
  ];

  return (
    <section className="admin-card queue-card" data-testid="queue-group" data-group-id={q.group?.id ?? ALL_AGENTS_GROUP}>
      <div className="card-head">
        <span className="card-title">
          {q.group ? <TeamOutlined /> : null} {name}
          {q.group ? <Tag className="badge-tag">{t(`strategy.${q.group.strategy}`)}</Tag> : null}
        </span>
        <span className={q.waiting.length > 0 ? 'queue-count warn' : 'queue-count'} data-testid="queue-length">
          {t('monitor.waitingN', { n: q.waiting.length })}
        </span>
      </div>
      {q.waiting.length === 0 ? (
        <div className="muted small queue-empty">{t('monitor.noneWaiting')}</div>
      ) : (
        <Table<QueueEntry>
          rowKey={(e) => e.conversation.id}
          size="small"
          pagination={false}
          columns={waitingColumns}
          dataSource={q.waiting}
          onRow={(e) => ({ 'data-testid': 'queue-item', 'data-conversation-id': e.conversation.id, 'data-position': e.position }) as HTMLAttributes<HTMLElement>}
        />
      )}
      <div className="queue-agents-title">{t('monitor.agents', { n: q.agents.length, duty: q.agents.filter(onDuty).length })}</div>
      {q.agents.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('monitor.noMembers')} />
      ) : (
        <Table<AgentLoad>
          rowKey="id"
          size="small"
          pagination={false}
          columns={agentColumns}
          dataSource={q.agents}
          onRow={(a) => ({ 'data-testid': 'queue-agent', 'data-agent-id': a.id }) as HTMLAttributes<HTMLElement>}
        />
      )}
    </section>
  );
}

/** 分配 from the queue: pick an agent (full ones only with 强制分配). */
function AssignModal({ entry, group, allAgents, onClose, onDone }: { entry: QueueEntry; group: QueueGroup; allAgents: AgentLoad[]; onClose: () => void; onDone: () => void }) {
  useReturnFocus();
  const t = useT();
  const controller = useController();
  const { message } = App.useApp();
  const [agentId, setAgentId] = useState<number | null>(null);
  const [force, setForce] = useState(false);
  const [everyone, setEveryone] = useState(group.group === null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const c = entry.conversation;
  const agents = everyone ? allAgents : group.agents;
  const picked = agents.find((a) => a.id === agentId);

  const submit = async () => {
    if (agentId === null) return;
    setBusy(true);
    setError(null);
    try {
      await controller.assign(c.id, agentId, force && !!picked && isFull(picked));
      message.success(t('view.transferDone', { name: picked?.name ?? `#${agentId}` }));
      onDone();
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t('monitor.assignTitle', { name: contactLabel(c.contactName, c.contactId, t) })}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('monitor.assign')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      okButtonProps={{ disabled: agentId === null || (!!picked && isFull(picked) && !force), ...({ 'data-testid': 'queue-assign-submit' } as object) }}
      destroyOnHidden
    >
      <div className="muted small" style={{ marginBottom: 8 }}>
        {t('monitor.assignHint', { pos: entry.position, group: group.group?.name ?? t('monitor.allAgents') })}
      </div>
      <AgentPicker agents={agents} value={agentId} onChange={setAgentId} allowFull={force} testIdPrefix="queue-assign-option-" />
      <div className="assign-options">
        <Checkbox checked={force} onChange={(e) => setForce(e.target.checked)} data-testid="queue-assign-force">
          {t('transfer.force')}
        </Checkbox>
        {group.group !== null ? (
          <Checkbox checked={everyone} onChange={(e) => setEveryone(e.target.checked)}>
            {t('monitor.showAll')}
          </Checkbox>
        ) : null}
      </div>
      {error ? <Alert type="error" showIcon title={<span data-testid="queue-assign-error">{error}</span>} style={{ marginTop: 12 }} /> : null}
    </Modal>
  );
}
