import { BulbOutlined, CheckOutlined, ForwardOutlined } from '@ant-design/icons';
import { App, Button, Input, Modal, Select, Switch, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n';
import { ApiError } from '../../api/client';
import { ticketsApi, type Classification, type ComplaintSource, type ComplaintStepId, type TicketDetail, type TicketPatch, type TicketSuggestion } from '../../api/tickets';
import { fullTime } from '../../i18n/format';
import { isLead } from '../../lib/permissions';
import { useWorkspace } from '../../stores/workspace/context';
import { STEP_GUIDES } from '../../../../src/core/tickets/complaint';
import {
  COMPLAINT_BEHAVIOURS,
  COMPLAINT_MOTIVES,
  COMPLAINT_REASONS,
  COMPLAINT_SOURCES,
  COMPLAINT_STEP_IDS,
  COMPLAINT_TOPICS,
} from '../../../../src/core/tickets/model';
import { AgentName, DeadlineState } from './parts';
import { useLabel, useTicketError, useTicketT } from './strings';

type Complaint = NonNullable<TicketDetail['complaint']>;
type Kind = 'reason' | 'topic' | 'motive' | 'behaviour';
const KINDS: { kind: Kind; values: readonly string[] }[] = [
  { kind: 'reason', values: COMPLAINT_REASONS },
  { kind: 'topic', values: COMPLAINT_TOPICS },
  { kind: 'motive', values: COMPLAINT_MOTIVES },
  { kind: 'behaviour', values: COMPLAINT_BEHAVIOURS },
];

/**
 * 投诉处理 (METHOD.md §4, docs/tickets.md): the six steps in order with the current one's
 * checklist and coaching (the core's STEP_GUIDES), who did each and when, skipping with a reason;
 * the classification (and the suggestion from the conversation), the source with the regulator's
 * notice and its 15-day window, and 非正常投诉 for supervisors.
 */
export function ComplaintPanel(props: {
  ticket: TicketDetail;
  complaint: Complaint;
  editable: boolean;
  onPatch: (body: TicketPatch, done?: string) => Promise<boolean>;
  onChanged: () => Promise<void>;
}) {
  const { ticket, complaint, editable, onPatch, onChanged } = props;
  const fail = useTicketError();
  const tt = useTicketT();
  const label = useLabel();
  const { locale } = useI18n();
  const { message } = App.useApp();
  const me = useWorkspace((s) => s.me);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [skipping, setSkipping] = useState(false);
  const [skipReason, setSkipReason] = useState('');
  const [skipError, setSkipError] = useState(false);
  const next = complaint.nextStep;
  const lang = (l: { zh: string; en: string }) => (locale === 'en' ? l.en : l.zh);

  const record = async (step: ComplaintStepId, body: { note?: string | null; skippedReason?: string | null }) => {
    setBusy(true);
    try {
      await ticketsApi.recordStep(ticket.id, { step, ...body });
      message.success(tt('complaint.recorded', { step: label('step', step) }));
      setNote('');
      setSkipping(false);
      await onChanged();
    } catch (err) {
      message.error(fail(err));
    } finally {
      setBusy(false);
    }
  };

  const done = new Map(complaint.steps.map((s) => [s.step, s]));
  return (
    <section className="admin-card ticket-card complaint-panel" aria-label={tt('complaint.title')} data-testid="complaint-panel" data-next-step={next ?? ''}>
      <div className="complaint-head">
        <h2>{tt('complaint.title')}</h2>
        <span className="muted" data-testid="complaint-next">
          {next ? tt('complaint.next', { step: label('step', next) }) : tt('complaint.allDone')}
        </span>
      </div>
      <ol className="complaint-steps" aria-label={tt('complaint.steps')}>
        {COMPLAINT_STEP_IDS.map((id, i) => {
          const rec = done.get(id);
          const state = rec ? (rec.skippedReason ? 'skipped' : 'done') : id === next ? 'current' : 'waiting';
          return (
            <li key={id} className={`complaint-step ${state}`} data-testid="complaint-step" data-step={id} data-state={state} aria-current={state === 'current' ? 'step' : undefined}>
              <span className="complaint-step-no">{rec ? rec.skippedReason ? <ForwardOutlined /> : <CheckOutlined /> : i + 1}</span>
              <div className="complaint-step-text">
                <div className="complaint-step-name">{label('step', id)}</div>
                {rec ? (
                  <div className="muted small" data-testid="complaint-step-by">
                    <AgentName id={rec.by} /> · {fullTime(rec.at)}
                  </div>
                ) : null}
                {rec?.skippedReason ? <div className="small complaint-skipped">{tt('complaint.skipped', { reason: rec.skippedReason })}</div> : null}
                {rec?.note ? (
                  <div className="small" data-testid="complaint-step-note-text">
                    {tt('complaint.stepNote', { note: rec.note })}
                  </div>
                ) : null}
              </div>
            </li>
          );
        })}
      </ol>

      {next ? (
        <div className="complaint-guide" data-testid="complaint-guide" data-step={next}>
          <div className="complaint-guide-title">
            <strong>
              {COMPLAINT_STEP_IDS.indexOf(next) + 1}. {label('step', next)}
            </strong>
            <span className="muted"> · {lang(STEP_GUIDES[next].goal)}</span>
          </div>
          <div className="complaint-guide-cols">
            <div>
              <div className="complaint-guide-sub">{tt('complaint.checklist')}</div>
              <ul className="complaint-checklist" data-testid="complaint-checklist">
                {STEP_GUIDES[next].checklist.map((c) => (
                  <li key={c.zh}>{lang(c)}</li>
                ))}
              </ul>
            </div>
            <div>
              <div className="complaint-guide-sub">{tt('complaint.coaching')}</div>
              <ul className="complaint-coaching" data-testid="complaint-coaching">
                {STEP_GUIDES[next].coaching.map((c) => (
                  <li key={c.zh}>
                    <Tag className="coach-model">
                      {c.model} · {c.part}
                    </Tag>
                    {lang(c)}
                  </li>
                ))}
              </ul>
            </div>
          </div>
          {editable ? (
            <div className="complaint-record">
              <Input.TextArea
                value={note}
                onChange={(e) => setNote(e.target.value)}
                maxLength={2000}
                autoSize={{ minRows: 1, maxRows: 4 }}
                placeholder={tt('complaint.notePlaceholder')}
                aria-label={tt('complaint.note')}
                data-testid="complaint-step-note"
              />
              <div className="complaint-record-actions">
                <Button
                  type="primary"
                  icon={<CheckOutlined />}
                  loading={busy && !skipping}
                  onClick={() => void record(next, { note: note.trim() || null })}
                  data-testid="complaint-step-done"
                >
                  {tt('complaint.done')}
                </Button>
                <Button
                  icon={<ForwardOutlined />}
                  onClick={() => {
                    setSkipReason('');
                    setSkipError(false);
                    setSkipping(true);
                  }}
                  data-testid="complaint-step-skip"
                >
                  {tt('complaint.skip')}
                </Button>
              </div>
            </div>
          ) : null}
        </div>
      ) : null}

      <Classify ticket={ticket} complaint={complaint} editable={editable} onPatch={onPatch} />
      {complaint.deadline ? (
        <div className="complaint-deadline-line">
          <DeadlineState dueAt={complaint.deadline.dueAt} />
        </div>
      ) : null}
      <div className="complaint-abnormal">
        <Switch
          checked={complaint.abnormal}
          disabled={!isLead(me.role) || ticket.status === 'closed'}
          onChange={(v) => void onPatch({ abnormal: v }, v ? tt('complaint.abnormalOn') : tt('complaint.abnormalOff'))}
          aria-label={tt('complaint.abnormal')}
          data-testid="complaint-abnormal"
        />
        <span className={complaint.abnormal ? 'abnormal-on' : undefined}>{tt('complaint.abnormal')}</span>
        <span className="muted small">{tt('complaint.abnormalHint')}</span>
      </div>

      <Modal
        open={skipping}
        title={next ? tt('complaint.skipTitle', { step: label('step', next) }) : ''}
        onCancel={() => setSkipping(false)}
        okText={tt('complaint.skip')}
        cancelText={tt('detail.cancel')}
        confirmLoading={busy}
        okButtonProps={{ ...({ 'data-testid': 'complaint-skip-submit' } as object) }}
        onOk={() => {
          if (!skipReason.trim()) return setSkipError(true);
          if (next) void record(next, { skippedReason: skipReason.trim(), note: note.trim() || null });
        }}
        destroyOnHidden
      >
        <Input.TextArea
          value={skipReason}
          onChange={(e) => setSkipReason(e.target.value)}
          maxLength={500}
          autoSize={{ minRows: 2 }}
          placeholder={tt('complaint.skipReasonPlaceholder')}
          aria-label={tt('complaint.skipReason')}
          status={skipError ? 'error' : undefined}
          data-testid="complaint-skip-reason"
        />
        {skipError ? <div className="field-error">{tt('complaint.skipRequired')}</div> : null}
      </Modal>
    </section>
  );
}

/** The classification selects, the source (a regulator's with its notice date) and the suggestion to apply. */
function Classify({ ticket, complaint, editable, onPatch }: { ticket: TicketDetail; complaint: Complaint; editable: boolean; onPatch: (body: TicketPatch, done?: string) => Promise<boolean> }) {
  const tt = useTicketT();
  const label = useLabel();
  const [source, setSource] = useState<ComplaintSource>(complaint.classification.source);
  const [noticeDate, setNoticeDate] = useState(complaint.deadline?.noticeDate ?? '');
  const [suggestion, setSuggestion] = useState<TicketSuggestion | null>(null);
  useEffect(() => {
    setSource(complaint.classification.source);
    setNoticeDate(complaint.deadline?.noticeDate ?? '');
  }, [complaint.classification.source, complaint.deadline?.noticeDate]);
  useEffect(() => {
    let live = true;
    // the suggestion route may not exist on this server yet (404): then there is simply no suggestion
    ticketsApi.suggestion(ticket.id).then(
      (s) => live && setSuggestion(s),
      (err: unknown) => live && err instanceof ApiError && setSuggestion(null),
    );
    return () => void (live = false);
  }, [ticket.id]);

  const c = complaint.classification;
  const suggested = suggestion
    ? KINDS.filter(({ kind }) => suggestion.classification[kind] !== null && suggestion.classification[kind] !== c[kind])
    : [];
  const applySuggestion = () => {
    if (!suggestion) return;
    const classification: Partial<Omit<Classification, 'source'>> = {};
    for (const { kind } of suggested) (classification as Record<string, unknown>)[kind] = suggestion.classification[kind];
    void onPatch({ classification }, tt('complaint.suggestionApplied'));
  };
  const changeSource = (v: ComplaintSource) => {
    setSource(v);
    if (v !== 'regulator') void onPatch({ source: v });
  };

  return (
    <div className="complaint-classify" aria-label={tt('complaint.classification')}>
      <div className="complaint-guide-sub">{tt('complaint.classification')}</div>
      <div className="classify-grid">
        {KINDS.map(({ kind, values }) => (
          <label key={kind} className="classify-field">
            <span>{label('classification', kind)}</span>
            <Select
              allowClear
              value={c[kind] ?? undefined}
              placeholder={tt('complaint.unset')}
              disabled={!editable}
              onChange={(v?: string) => void onPatch({ classification: { [kind]: v ?? null } })}
              data-testid={`classification-${kind}`}
              aria-label={label('classification', kind)}
              options={values.map((v) => ({ value: v, label: <span data-testid={`classification-${kind}-${v}`}>{label(kind, v)}</span> }))}
            />
          </label>
        ))}
        <label className="classify-field">
          <span>{label('classification', 'source')}</span>
          <Select
            value={source}
            disabled={!editable}
            onChange={changeSource}
            data-testid="complaint-source"
            aria-label={label('classification', 'source')}
            options={COMPLAINT_SOURCES.map((v) => ({ value: v, label: <span data-testid={`complaint-source-${v}`}>{label('source', v)}</span> }))}
          />
        </label>
        {source === 'regulator' ? (
          <label className="classify-field">
            <span>{tt('complaint.noticeDate')}</span>
            <span className="notice-date">
              <Input type="date" value={noticeDate} disabled={!editable} onChange={(e) => setNoticeDate(e.target.value)} data-testid="complaint-notice-date" aria-label={tt('complaint.noticeDate')} />
              <Button
                disabled={!editable || !noticeDate || (noticeDate === complaint.deadline?.noticeDate && c.source === 'regulator')}
                onClick={() => void onPatch({ source: 'regulator', noticeDate })}
                data-testid="complaint-source-save"
              >
                {tt('detail.ok')}
              </Button>
            </span>
          </label>
        ) : null}
      </div>
      {suggestion && (suggested.length > 0 || suggestion.abnormal.length > 0) ? (
        <div className="complaint-suggestion" data-testid="complaint-suggestion" role="note">
          <BulbOutlined className="suggestion-icon" />
          <div className="suggestion-body">
            <strong>{tt('complaint.suggestion')}</strong> <span className="muted">{tt('complaint.suggestionIntro')}</span>
            {suggested.map(({ kind }) => (
              <Tag key={kind} color="blue">
                {label('classification', kind)}：{label(kind, suggestion.classification[kind])}
              </Tag>
            ))}
            {suggestion.abnormal.length ? (
              <div className="small abnormal-on">
                {tt('complaint.suggestionAbnormal', { signs: suggestion.abnormal.map((s) => tt(`complaint.sign.${s}`)).join('、') })}
              </div>
            ) : null}
          </div>
          {suggested.length && editable ? (
            <Button size="small" type="primary" onClick={applySuggestion} data-testid="complaint-suggestion-apply">
              {tt('complaint.suggestionApply')}
            </Button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
