import { ArrowLeftOutlined, CheckCircleOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Input, InputNumber, Modal, Result, Segmented, Select, Space, Tag } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { ticketsApi, type Handoff, type TicketDetail, type TicketPatch, type TicketPromise, type TicketStatus } from '../../api/tickets';
import { InlineEdit } from '../../components/InlineEdit';
import { Loading } from '../../components/Loading';
import { fullTime } from '../../i18n/format';
import { canChangeStatus, isLead } from '../../lib/permissions';
import { selectAgentList } from '../../stores/workspace/selectors';
import { useController, useWorkspace } from '../../stores/workspace/context';
import { promiseOutcome } from '../../../../src/core/tickets/deadlines';
import { TICKET_PRIORITIES, TICKET_STATUSES } from '../../../../src/core/tickets/model';
import { Activity } from './Activity';
import { ComplaintPanel } from './ComplaintPanel';
import { AgentName, clockState, PriorityTag, SlaState, TicketStatusTag } from './parts';
import { useLabel, useTicketError, useTicketT } from './strings';
import './tickets.css';

/** The detail is read again this often while open (the customer's confirmation, replies, clocks). */
const REFRESH_MS = 15_000;
const HANDOFF_REQUIRED = ['when', 'where', 'who', 'what', 'why', 'how'] as const;
const HANDOFF_FIELDS = [...HANDOFF_REQUIRED, 'howMany', 'howMuch'] as const;
const COMPENSATION_KINDS = ['coupon', 'refund', 'points', 'gift'] as const;

/** What waits for a reason or a 5W3H before it is sent again. */
type Pending = { kind: 'reason'; patch: TicketPatch; required: boolean } | { kind: 'handoff'; patch: TicketPatch } | null;

/**
 * One ticket (docs/tickets.md): its fields (changed through PATCH, a hand-over to another group with
 * its 5W3H, a complaint solved with the customer's confirmation or a reason), the SLA clocks, the
 * six complaint steps, internal notes and public replies, linked conversations, 服务补偿 and
 * 承诺回复.
 */
export default function TicketDetailPage() {
  const fail = useTicketError();
  const tt = useTicketT();
  const label = useLabel();
  const { message } = App.useApp();
  const id = Number(useParams().ticketId);
  const me = useWorkspace((s) => s.me);
  const controller = useController();
  const agents = useWorkspace(selectAgentList);
  const groups = useWorkspace((s) => s.groups);
  const [ticket, setTicket] = useState<TicketDetail | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [confirmationRequired, setConfirmationRequired] = useState(false);
  const [busy, setBusy] = useState(false);
  const seq = useRef(0);

  const reload = useCallback(async () => {
    const n = ++seq.current;
    try {
      const detail = await ticketsApi.get(id);
      if (n === seq.current) {
        setTicket(detail);
        setFailed(null);
      }
    } catch (err) {
      if (n === seq.current) setFailed(err);
    }
  }, [id]);
  useEffect(() => {
    void reload();
    const timer = window.setInterval(() => document.visibilityState === 'visible' && void reload(), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reload]);
  // a ticket alert about this ticket: read it again (the clock, the promise, the deadline changed)
  useEffect(
    () =>
      controller.listen((f) => {
        if (f.type === 'alert' && f.kind === 'ticket' && f.ticketId === id) void reload();
      }),
    [controller, id, reload],
  );

  const patch = async (body: TicketPatch, done = tt('detail.saved')): Promise<boolean> => {
    setBusy(true);
    try {
      await ticketsApi.update(id, body);
      message.success(done);
      if (body.status === 'solved') setConfirmationRequired(false);
      setPending(null);
      await reload();
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'handoff_required') {
        setPending({ kind: 'handoff', patch: body });
      } else if (err instanceof ApiError && err.code === 'confirmation_required') {
        setConfirmationRequired(true);
        setPending({ kind: 'reason', patch: body, required: true });
      } else {
        message.error(fail(err));
      }
      return false;
    } finally {
      setBusy(false);
    }
  };

  if (!ticket) {
    if (failed) {
      return (
        <div className="admin-page">
          <Result status="404" title={tt('detail.notFound')} subTitle={fail(failed)} extra={<Link to="/tickets">{tt('detail.back')}</Link>} />
        </div>
      );
    }
    return <Loading full />;
  }

  const editable = canChangeStatus(me, ticket) && ticket.status !== 'closed';
  const complaint = ticket.complaint;
  const setStatus = (status: TicketStatus) => {
    if (status === ticket.status) return;
    // a complaint the customer has not confirmed: ask for the reason first (the server would refuse with 409)
    if (status === 'solved' && complaint && !ticket.confirmedAt) return setPending({ kind: 'reason', patch: { status }, required: true });
    void patch({ status }, status === 'solved' ? tt('detail.solved') : tt('detail.saved'));
  };
  // solving tries first: the customer may have confirmed since the page was read
  const solve = () => void patch({ status: 'solved' }, tt('detail.solved'));
  const setGroup = (groupId: number | null) => {
    if (groupId === ticket.groupId) return;
    const toAnother = ticket.groupId !== null && groupId !== null;
    if (toAnother) return setPending({ kind: 'handoff', patch: { groupId, assigneeId: ticket.assigneeId } });
    void patch({ groupId, assigneeId: ticket.assigneeId });
  };

  return (
    <div className="admin-page wide ticket-detail" data-testid="ticket-detail" data-ticket-id={ticket.id} data-status={ticket.status} data-type={ticket.type}>
      <div className="ticket-detail-top">
        <Link to={complaint && isLead(me.role) ? '/tickets/complaints' : '/tickets'} className="ticket-back" data-testid="ticket-back">
          <ArrowLeftOutlined /> {tt('detail.back')}
        </Link>
        <Button size="small" icon={<ReloadOutlined />} onClick={() => void reload()} data-testid="ticket-refresh">
          {tt('list.refresh')}
        </Button>
      </div>
      <div className="ticket-head">
        <div className="ticket-head-title">
          <span className="ticket-id">#{ticket.id}</span>
          <Tag color={ticket.type === 'complaint' ? 'red' : 'blue'} data-testid="ticket-type">
            {label('type', ticket.type)}
          </Tag>
          {editable ? (
            <InlineEdit
              value={ticket.subject}
              placeholder={tt('detail.subject')}
              editLabel={tt('detail.editSubject')}
              testId="ticket-subject"
              maxLength={200}
              className="ticket-subject-edit"
              onSave={async (v) => {
                if (!v?.trim()) throw new Error('empty');
                if (!(await patch({ subject: v.trim() }))) throw new Error('refused');
              }}
            />
          ) : (
            <h1 className="ticket-subject-text" data-testid="ticket-subject">
              {ticket.subject}
            </h1>
          )}
        </div>
        <div className="ticket-head-meta muted">
          <TicketStatusTag status={ticket.status} />
          <PriorityTag priority={ticket.priority} />
          <span>{tt('detail.created', { time: fullTime(ticket.createdAt) })}</span>
          {ticket.contact ? (
            <span>
              {tt('detail.contact')}：{ticket.contact.name ?? `#${ticket.contact.id}`}
            </span>
          ) : null}
        </div>
      </div>
      {ticket.status === 'closed' ? <Alert type="info" showIcon title={tt('detail.closed')} className="ticket-alert" /> : null}
      {confirmationRequired ? (
        <Alert type="warning" showIcon title={tt('detail.confirmationRequired')} className="ticket-alert" data-testid="ticket-confirmation-required" role="alert" />
      ) : null}

      <div className="ticket-layout">
        <div className="ticket-main">
          {complaint ? <ComplaintPanel ticket={ticket} complaint={complaint} editable={editable} onPatch={patch} onChanged={reload} /> : null}
          <Comments ticket={ticket} editable={editable} onChanged={reload} />
          <Activity ticket={ticket} />
        </div>
        <aside className="ticket-side">
          <section className="admin-card ticket-card" aria-label={tt('detail.status')}>
            <dl className="ticket-fields">
              <dt>{tt('detail.status')}</dt>
              <dd>
                <Select
                  value={ticket.status}
                  disabled={!editable || busy}
                  onChange={setStatus}
                  data-testid="ticket-status"
                  aria-label={tt('detail.status')}
                  style={{ width: '100%' }}
                  options={TICKET_STATUSES.filter((s) => s !== 'new' || ticket.status === 'new').map((s) => ({
                    value: s,
                    label: <span data-testid={`ticket-status-option-${s}`}>{label('status', s)}</span>,
                  }))}
                />
              </dd>
              <dt>{tt('detail.priority')}</dt>
              <dd>
                <Select
                  value={ticket.priority}
                  disabled={!editable || busy}
                  onChange={(priority) => void patch({ priority })}
                  data-testid="ticket-priority-select"
                  aria-label={tt('detail.priority')}
                  style={{ width: '100%' }}
                  options={TICKET_PRIORITIES.map((p) => ({ value: p, label: <span data-testid={`ticket-priority-option-${p}`}>{label('priority', p)}</span> }))}
                />
              </dd>
              <dt>{tt('detail.assignee')}</dt>
              <dd>
                <Select
                  value={ticket.assigneeId ?? 0}
                  disabled={!editable || busy}
                  onChange={(v: number) => void patch({ assigneeId: v || null, groupId: ticket.groupId })}
                  data-testid="ticket-assignee"
                  aria-label={tt('detail.assignee')}
                  style={{ width: '100%' }}
                  showSearch={{ optionFilterProp: 'name' }}
                  options={[
                    { value: 0, name: tt('unassigned'), label: tt('unassigned') },
                    ...agents.filter((a) => a.active !== false).map((a) => ({ value: a.id, name: a.name, label: <span data-testid={`ticket-assignee-option-${a.id}`}>{a.name}</span> })),
                  ]}
                />
              </dd>
              <dt>{tt('detail.group')}</dt>
              <dd>
                <Select
                  value={ticket.groupId ?? 0}
                  disabled={!editable || busy}
                  onChange={(v: number) => setGroup(v || null)}
                  data-testid="ticket-group"
                  aria-label={tt('detail.group')}
                  style={{ width: '100%' }}
                  options={[
                    { value: 0, label: tt('noGroup') },
                    ...Object.values(groups).map((g) => ({ value: g.id, label: <span data-testid={`ticket-group-option-${g.id}`}>{g.name}</span> })),
                  ]}
                />
              </dd>
              <dt>{tt('detail.tags')}</dt>
              <dd>
                <Select
                  mode="tags"
                  value={ticket.tags}
                  disabled={!editable || busy}
                  onChange={(tags: string[]) => void patch({ tags: tags.map((x) => x.trim()).filter(Boolean).slice(0, 20) })}
                  placeholder={tt('detail.tagsPlaceholder')}
                  data-testid="ticket-tags"
                  aria-label={tt('detail.tags')}
                  style={{ width: '100%' }}
                  open={false}
                  suffixIcon={null}
                />
              </dd>
            </dl>
            {editable && ticket.status !== 'solved' ? (
              <Button type="primary" ghost block icon={<CheckCircleOutlined />} loading={busy} onClick={solve} data-testid="ticket-solve">
                {tt('detail.solve')}
              </Button>
            ) : null}
            <Confirmation ticket={ticket} />
          </section>
          <SlaClocks ticket={ticket} />
          <section className="admin-card ticket-card" aria-label={tt('detail.conversations')}>
            <h2>{tt('detail.conversations')}</h2>
            {ticket.conversationIds.length ? (
              <ul className="ticket-links">
                {ticket.conversationIds.map((c) => (
                  <li key={c}>
                    <Link to={`/conversations/${c}`} data-testid="ticket-conversation" data-conversation-id={c}>
                      {tt('detail.conversation', { id: c })}
                    </Link>
                  </li>
                ))}
              </ul>
            ) : (
              <div className="muted">{tt('detail.noConversations')}</div>
            )}
          </section>
          <Compensations ticket={ticket} editable={editable} onChanged={reload} />
          <Promises ticket={ticket} onChanged={reload} />
        </aside>
      </div>

      <ReasonModal
        open={pending?.kind === 'reason'}
        required={pending?.kind === 'reason' && pending.required}
        status={pending?.kind === 'reason' ? (pending.patch.status ?? 'solved') : 'solved'}
        busy={busy}
        onCancel={() => setPending(null)}
        onSubmit={(reason) => pending && void patch({ ...pending.patch, reason }, tt('detail.solved'))}
      />
      <HandoffModal
        open={pending?.kind === 'handoff'}
        busy={busy}
        onCancel={() => setPending(null)}
        onSubmit={(handoff) => pending && void patch({ ...pending.patch, handoff })}
      />
    </div>
  );
}

function Confirmation({ ticket }: { ticket: TicketDetail }) {
  const tt = useTicketT();
  if (ticket.type !== 'complaint' && !ticket.confirmedAt) return null;
  const reason = ticket.complaint?.unconfirmedReason;
  return (
    <div className="ticket-confirmation" data-testid="ticket-confirmation" data-confirmed={ticket.confirmedAt ? 'true' : 'false'}>
      {ticket.confirmedAt ? (
        <Tag color="green">{tt('detail.confirmed', { time: fullTime(ticket.confirmedAt) })}</Tag>
      ) : (
        <Tag color="orange">{tt('detail.notConfirmed')}</Tag>
      )}
      {reason ? <div className="muted">{tt('detail.unconfirmedReason', { reason })}</div> : null}
    </div>
  );
}

function SlaClocks({ ticket }: { ticket: TicketDetail }) {
  const tt = useTicketT();
  const label = useLabel();
  return (
    <section className="admin-card ticket-card" aria-label={tt('sla.title')} data-testid="ticket-sla-clocks">
      <h2>
        {tt('sla.title')} <SlaState ticket={ticket} />
      </h2>
      {ticket.slaPolicy ? <div className="muted small">{tt('sla.policy', { name: ticket.slaPolicy })}</div> : null}
      {ticket.sla.length === 0 ? <div className="muted">{tt('sla.noClocks')}</div> : null}
      <ul className="sla-clocks">
        {ticket.sla.map((c) => {
          const state = clockState(c);
          const red = state === 'breached' || state === 'missed';
          return (
            <li key={c.metric} data-testid="sla-clock" data-metric={c.metric} data-state={state} className={red ? 'sla-breached' : undefined}>
              <div className="sla-clock-head">
                <strong>{label('metric', c.metric)}</strong>
                <Tag color={red ? 'red' : state === 'met' ? 'green' : state === 'paused' ? 'gold' : 'blue'}>
                  {red ? tt('sla.breached', { metric: '' }) : tt(state === 'met' ? 'sla.met' : state === 'paused' ? 'sla.paused' : 'sla.running', { metric: '' })}
                </Tag>
              </div>
              <div className="muted small">
                {tt('sla.target', { n: c.target.minutes })}
                {c.target.business ? tt('sla.business') : ''}
              </div>
              {c.dueAt ? <div className="small">{tt('sla.dueAt', { time: fullTime(c.dueAt) })}</div> : null}
              {c.pausedAt && !c.runningSince && !c.stoppedAt ? <div className="small">{tt('sla.pausedAt', { time: fullTime(c.pausedAt) })}</div> : null}
              {c.breachedAt ? <div className="small sla-breached">{tt('sla.breachedAt', { time: fullTime(c.breachedAt) })}</div> : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Comments({ ticket, editable, onChanged }: { ticket: TicketDetail; editable: boolean; onChanged: () => Promise<void> }) {
  const fail = useTicketError();
  const tt = useTicketT();
  const { message } = App.useApp();
  const [mode, setMode] = useState<'internal' | 'public'>('internal');
  const [body, setBody] = useState('');
  const [sending, setSending] = useState(false);
  const me = useWorkspace((s) => s.me);
  // 内部备注 are open to anyone serving customers; a public reply is the assignee's (or a lead's)
  const canComment = ticket.status !== 'closed' && me.role !== 'qa' && me.role !== 'qa_lead';
  const send = async () => {
    const text = body.trim();
    if (!text) return;
    setSending(true);
    try {
      const { comment } = await ticketsApi.comment(ticket.id, text, mode === 'public');
      setBody('');
      message.success(comment.public ? (comment.conversationId ? tt('comments.to', { id: comment.conversationId }) : tt('comments.stays')) : tt('comments.sent'));
      await onChanged();
    } catch (err) {
      message.error(fail(err));
    } finally {
      setSending(false);
    }
  };
  const contact = ticket.contact;
  return (
    <section className="admin-card ticket-card" aria-label={tt('comments.title')} data-testid="ticket-comments">
      <h2>{tt('comments.title')}</h2>
      {ticket.comments.length === 0 ? <div className="muted">{tt('comments.empty')}</div> : null}
      <ul className="ticket-comments">
        {ticket.comments.map((c) => (
          <li key={c.id} className={c.public ? 'comment-public' : 'comment-internal'} data-testid="ticket-comment" data-public={c.public ? 'true' : 'false'}>
            <div className="comment-head">
              <strong>{c.authorId !== null ? <AgentName id={c.authorId} /> : null}</strong>
              <Tag color={c.public ? 'blue' : 'gold'}>{c.public ? tt('comments.public') : tt('comments.internal')}</Tag>
              <span className="muted small">{fullTime(c.createdAt)}</span>
              {c.public && c.conversationId ? (
                <Link to={`/conversations/${c.conversationId}`} className="small">
                  {tt('detail.conversation', { id: c.conversationId })}
                </Link>
              ) : null}
            </div>
            <div className="comment-body">{c.body}</div>
          </li>
        ))}
      </ul>
      {canComment ? (
        <div className={`ticket-composer ${mode}`}>
          <div className="ticket-composer-bar">
            <Segmented
              value={mode}
              onChange={(v) => setMode(v as 'internal' | 'public')}
              data-testid="comment-mode"
              options={[
                { value: 'internal', label: <span data-testid="comment-mode-internal">{tt('comments.internal')}</span> },
                { value: 'public', label: <span data-testid="comment-mode-public">{tt('comments.public')}</span>, disabled: !editable },
              ]}
            />
            <span
              className={`contact-presence ${contact?.online ? 'online' : 'offline'}`}
              data-testid="contact-presence"
              data-online={contact ? String(contact.online) : 'unknown'}
              role="status"
            >
              {contact ? (contact.online ? tt('contact.online') : tt('contact.offline')) : tt('contact.unknown')}
            </span>
          </div>
          <Input.TextArea
            value={body}
            onChange={(e) => setBody(e.target.value)}
            autoSize={{ minRows: 2, maxRows: 8 }}
            maxLength={5000}
            placeholder={mode === 'public' ? tt('comments.placeholderPublic') : tt('comments.placeholderInternal')}
            aria-label={mode === 'public' ? tt('comments.public') : tt('comments.internal')}
            data-testid="comment-input"
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void send();
            }}
          />
          <div className="ticket-composer-actions">
            <Button type="primary" onClick={() => void send()} loading={sending} disabled={!body.trim()} data-testid="comment-submit">
              {tt('comments.send')}
            </Button>
          </div>
        </div>
      ) : null}
    </section>
  );
}

function Compensations({ ticket, editable, onChanged }: { ticket: TicketDetail; editable: boolean; onChanged: () => Promise<void> }) {
  const fail = useTicketError();
  const tt = useTicketT();
  const { message } = App.useApp();
  const me = useWorkspace((s) => s.me);
  const [kind, setKind] = useState('');
  const [amount, setAmount] = useState<number | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const lead = isLead(me.role);
  const request = async () => {
    if (!kind.trim() || amount === null) return;
    setBusy('request');
    try {
      const c = await ticketsApi.compensate(ticket.id, kind.trim(), amount);
      message.success(c.status === 'approved' ? tt('comp.requested', { kind: c.kind, amount: c.amount }) : tt('comp.waiting'));
      setKind('');
      setAmount(null);
      await onChanged();
    } catch (err) {
      message.error(fail(err));
    } finally {
      setBusy(null);
    }
  };
  const approve = async (id: number) => {
    setBusy(`approve-${id}`);
    try {
      await ticketsApi.approve(id);
      message.success(tt('comp.approvedDone'));
      await onChanged();
    } catch (err) {
      message.error(fail(err));
    } finally {
      setBusy(null);
    }
  };
  return (
    <section className="admin-card ticket-card" aria-label={tt('comp.title')} data-testid="ticket-compensations">
      <h2>{tt('comp.title')}</h2>
      {ticket.compensations.length === 0 ? <div className="muted">{tt('comp.empty')}</div> : null}
      <ul className="ticket-list-plain">
        {ticket.compensations.map((c) => (
          <li key={c.id} data-testid="comp-row" data-status={c.status} data-compensation-id={c.id}>
            <div className="comp-line">
              <strong>{tt('comp.row', { kind: c.kind, amount: c.amount })}</strong>
              {c.status === 'approved' ? <Tag color="green">{tt('comp.approvedAt')}</Tag> : <Tag color="orange">{tt('comp.pending')}</Tag>}
              {c.status === 'pending_approval' && lead ? (
                <Button size="small" type="primary" loading={busy === `approve-${c.id}`} onClick={() => void approve(c.id)} data-testid="comp-approve">
                  {tt('comp.approve')}
                </Button>
              ) : null}
            </div>
            <div className="muted small">
              <AgentName id={c.requestedBy} /> · {fullTime(c.requestedAt)}
            </div>
          </li>
        ))}
      </ul>
      {editable ? (
        <div className="comp-form">
          <Input
            value={kind}
            onChange={(e) => setKind(e.target.value)}
            placeholder={tt('comp.kindPlaceholder')}
            aria-label={tt('comp.kind')}
            list="zhike-comp-kinds"
            maxLength={40}
            data-testid="comp-kind"
          />
          <datalist id="zhike-comp-kinds">
            {COMPENSATION_KINDS.map((k) => (
              <option key={k} value={tt(`comp.kind.${k}`)} />
            ))}
          </datalist>
          <Space.Compact block>
            <InputNumber
              value={amount}
              onChange={(v) => setAmount(typeof v === 'number' ? v : null)}
              min={0}
              precision={2}
              placeholder={tt('comp.amount')}
              aria-label={tt('comp.amount')}
              data-testid="comp-amount"
              style={{ width: '100%' }}
            />
            <Button type="primary" onClick={() => void request()} loading={busy === 'request'} disabled={!kind.trim() || amount === null} data-testid="comp-submit">
              {tt('comp.submit')}
            </Button>
          </Space.Compact>
          <div className="muted small">{tt('comp.limitHint')}</div>
        </div>
      ) : null}
    </section>
  );
}

const pad = (n: number) => String(n).padStart(2, '0');
/** A Date as the value of an <input type="datetime-local" step="1"> (local time). */
const localInput = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;

function Promises({ ticket, onChanged }: { ticket: TicketDetail; onChanged: () => Promise<void> }) {
  const fail = useTicketError();
  const tt = useTicketT();
  const { message } = App.useApp();
  const me = useWorkspace((s) => s.me);
  const [due, setDue] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const canPromise = ticket.status !== 'closed' && me.role !== 'qa' && me.role !== 'qa_lead';
  const quick = (minutes: number | 'tomorrow') => {
    const d = new Date();
    if (minutes === 'tomorrow') {
      d.setDate(d.getDate() + 1);
      d.setHours(10, 0, 0, 0);
    } else {
      d.setTime(d.getTime() + minutes * 60_000);
      d.setSeconds(0, 0);
    }
    setDue(localInput(d));
  };
  const make = async () => {
    const at = due ? new Date(due) : null;
    if (!at || Number.isNaN(at.getTime()) || at.getTime() <= Date.now()) {
      message.error(tt('promise.pickTime'));
      return;
    }
    setBusy('make');
    try {
      await ticketsApi.promise(ticket.id, at.toISOString(), note.trim());
      message.success(tt('promise.made'));
      setDue('');
      setNote('');
      await onChanged();
    } catch (err) {
      message.error(fail(err));
    } finally {
      setBusy(null);
    }
  };
  const keep = async (p: TicketPromise) => {
    setBusy(`keep-${p.id}`);
    try {
      await ticketsApi.keepPromise(p.id);
      message.success(tt('promise.kept'));
      await onChanged();
    } catch (err) {
      message.error(err instanceof ApiError && err.status === 404 && err.code !== 'not_found' ? tt('promise.keepMissing') : fail(err));
    } finally {
      setBusy(null);
    }
  };
  return (
    <section className="admin-card ticket-card" aria-label={tt('promise.title')} data-testid="ticket-promises">
      <h2>{tt('promise.title')}</h2>
      {ticket.promises.length === 0 ? <div className="muted">{tt('promise.empty')}</div> : null}
      <ul className="ticket-list-plain">
        {ticket.promises.map((p) => {
          const outcome = p.outcome ?? promiseOutcome(p, new Date());
          return (
            <li key={p.id} data-testid="promise-row" data-outcome={outcome} data-promise-id={p.id}>
              <div className="comp-line">
                <strong>{p.note || tt('promise.title')}</strong>
                <Tag color={outcome === 'kept' ? 'green' : outcome === 'missed' ? 'red' : 'blue'}>{tt(`promise.outcome.${outcome}`)}</Tag>
                {!p.keptAt && (p.agentId === me.id || isLead(me.role)) ? (
                  <Button size="small" loading={busy === `keep-${p.id}`} onClick={() => void keep(p)} data-testid="promise-keep">
                    {tt('promise.keep')}
                  </Button>
                ) : null}
              </div>
              <div className="muted small">
                {tt('promise.due', { time: fullTime(p.dueAt) })} · <AgentName id={p.agentId} />
              </div>
            </li>
          );
        })}
      </ul>
      {canPromise ? (
        <div className="comp-form">
          <div className="promise-quick">
            <Button size="small" onClick={() => quick(30)} data-testid="promise-in-30">
              {tt('promise.in30')}
            </Button>
            <Button size="small" onClick={() => quick(60)} data-testid="promise-in-60">
              {tt('promise.in60')}
            </Button>
            <Button size="small" onClick={() => quick(120)} data-testid="promise-in-120">
              {tt('promise.in120')}
            </Button>
            <Button size="small" onClick={() => quick('tomorrow')} data-testid="promise-tomorrow">
              {tt('promise.tomorrow')}
            </Button>
          </div>
          <Input type="datetime-local" step={1} value={due} onChange={(e) => setDue(e.target.value)} aria-label={tt('promise.dueAt')} data-testid="promise-due" />
          <Input value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} placeholder={tt('promise.notePlaceholder')} aria-label={tt('promise.note')} data-testid="promise-note" />
          <Button type="primary" block onClick={() => void make()} loading={busy === 'make'} disabled={!due} data-testid="promise-submit">
            {tt('promise.submit')}
          </Button>
        </div>
      ) : null}
    </section>
  );
}

function ReasonModal(props: { open: boolean; required: boolean; status: TicketStatus; busy: boolean; onCancel: () => void; onSubmit: (reason: string) => void }) {
  const tt = useTicketT();
  const label = useLabel();
  const [reason, setReason] = useState('');
  const [error, setError] = useState(false);
  useEffect(() => {
    if (props.open) {
      setReason('');
      setError(false);
    }
  }, [props.open]);
  return (
    <Modal
      open={props.open}
      title={tt('detail.reasonTitle')}
      onCancel={props.onCancel}
      okText={tt('detail.ok')}
      cancelText={tt('detail.cancel')}
      confirmLoading={props.busy}
      okButtonProps={{ ...({ 'data-testid': 'ticket-reason-submit' } as object) }}
      onOk={() => {
        if (props.required && !reason.trim()) return setError(true);
        props.onSubmit(reason.trim());
      }}
      destroyOnHidden
    >
      <p>{props.required ? tt('detail.reasonSolveComplaint') : tt('detail.reasonStatus', { status: label('status', props.status) })}</p>
      <Input.TextArea
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        maxLength={500}
        autoSize={{ minRows: 2 }}
        placeholder={tt('detail.reasonPlaceholder')}
        aria-label={tt('detail.reasonTitle')}
        status={error ? 'error' : undefined}
        data-testid="ticket-reason-input"
      />
      {error ? <div className="field-error">{tt('detail.reasonRequired')}</div> : null}
    </Modal>
  );
}

function HandoffModal(props: { open: boolean; busy: boolean; onCancel: () => void; onSubmit: (h: Handoff) => void }) {
  const tt = useTicketT();
  const empty: Handoff = { when: '', where: '', who: '', what: '', why: '', how: '', howMany: '', howMuch: '' };
  const [form, setForm] = useState<Handoff>(empty);
  const [missing, setMissing] = useState<string[]>([]);
  useEffect(() => {
    if (props.open) {
      setForm(empty);
      setMissing([]);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.open]);
  return (
    <Modal
      open={props.open}
      title={tt('handoff.title')}
      onCancel={props.onCancel}
      okText={tt('handoff.submit')}
      cancelText={tt('detail.cancel')}
      confirmLoading={props.busy}
      okButtonProps={{ ...({ 'data-testid': 'handoff-submit' } as object) }}
      onOk={() => {
        const lack = HANDOFF_REQUIRED.filter((f) => !form[f].trim());
        setMissing(lack);
        if (lack.length === 0) props.onSubmit(Object.fromEntries(Object.entries(form).map(([k, v]) => [k, v.trim()])) as unknown as Handoff);
      }}
      destroyOnHidden
    >
      <p className="muted">{tt('handoff.intro')}</p>
      <div className="handoff-form" data-testid="handoff-form">
        {HANDOFF_FIELDS.map((f) => (
          <label key={f} className="handoff-field">
            <span>
              {tt(`handoff.${f}`)}
              {(HANDOFF_REQUIRED as readonly string[]).includes(f) ? <span className="required-mark"> *</span> : null}
            </span>
            <Input
              value={form[f]}
              onChange={(e) => setForm((x) => ({ ...x, [f]: e.target.value }))}
              maxLength={500}
              status={missing.includes(f) ? 'error' : undefined}
              data-testid={`handoff-${f}`}
            />
          </label>
        ))}
      </div>
      {missing.length ? <div className="field-error">{tt('handoff.required', { fields: missing.map((f) => tt(`handoff.${f}` as 'handoff.when')).join('、') })}</div> : null}
    </Modal>
  );
}

