import { App, Button, Drawer, Input, InputNumber, Modal, Radio, Segmented, Select, Table, Tag, type GetRef, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState, type HTMLAttributes, type ReactNode } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import {
  qaApi,
  type Appeal,
  type InspectionDetail,
  type InspectionFilter,
  type AssignmentReason,
  type InspectionRow,
  type InspectionView,
  type ManualInput,
  type QaFinding,
  type Severity,
  type TranscriptLine,
  type Verdict,
} from '../../api/qa';
import type { Agent } from '../../api/types';
import { hasKey, useT, type Translate } from '../../i18n';
import { fullTime } from '../../i18n/format';
import { zhCN } from '../../i18n/zh-CN';
import { errorText } from '../../lib/errors';
import { canReview, isLead } from '../../lib/permissions';
import { useController, useWorkspace } from '../../stores/workspace/context';
import { categoryName, ruleName, SEVERITY_CLASS } from '../Admin/QaLabPage';
import { useQaT } from './strings';
import { keyedFindings, NO_ADJUSTMENTS, type KeyedFinding } from '../../../../src/core/qa/review';
import './qa.css';

const PAGE = 50;
const SEVERITIES: Severity[] = ['minor', 'major', 'critical'];
/** What a reviewer may file a manual finding under (the pack's categories, and 服务 for anything else). */
const MANUAL_CATEGORIES = ['service', 'forbidden', 'opening', 'closing', 'identity', 'timing', 'emotion', 'complaint', 'followup'];
/** Every rule the console has a name for: the rule filter's choices. */
const RULES = Object.keys(zhCN)
  .filter((k) => k.startsWith('qa.rule.'))
  .map((k) => k.slice('qa.rule.'.length));

type Tri = 'all' | 'yes' | 'no';
/** 待我复核: the sampling plans' assignments to the signed-in reviewer, open or done. */
type Assigned = 'all' | 'todo' | 'done';
interface Filters {
  agentId?: number;
  groupId?: number;
  rule?: string;
  from: string;
  to: string;
  minScore: number | null;
  maxScore: number | null;
  reviewed: Tri;
  appealed: Tri;
  assigned: Assigned;
}
const NO_FILTERS: Filters = { from: '', to: '', minScore: null, maxScore: null, reviewed: 'all', appealed: 'all', assigned: 'all' };
/** Tag colours that reach AA on their background (antd's orange does not: qa.css's qaw-reason-low). */
const REASON_TAG: Record<AssignmentReason, { color?: string; className?: string }> = { sampled: { color: 'blue' }, low_score: { className: 'qaw-reason-low' }, vetoed: { color: 'red' } };

const tri = (v: Tri) => (v === 'all' ? undefined : v === 'yes');
/** A local calendar day (yyyy-mm-dd) as the instant it starts; `plus` days later. */
const dayStart = (day: string, plus = 0) => {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d! + plus).toISOString();
};

function query(f: Filters): InspectionFilter {
  return {
    agentId: f.agentId,
    groupId: f.groupId,
    rule: f.rule,
    from: f.from ? dayStart(f.from) : undefined,
    to: f.to ? dayStart(f.to, 1) : undefined,
    minScore: f.minScore ?? undefined,
    maxScore: f.maxScore ?? undefined,
    reviewed: tri(f.reviewed),
    appealed: tri(f.appealed),
    assignedTo: f.assigned === 'all' ? undefined : 'me',
    todo: f.assigned === 'all' ? undefined : f.assigned === 'todo',
    limit: PAGE,
  };
}

/** The score that counts, with the automatic one struck through beside it when review or appeals changed it. */
function Score({ i, testId }: { i: InspectionView; testId: string }) {
  const vetoed = i.adjustedVetoed ?? i.vetoed;
  return (
    <span className="qaw-score">
      <span className={vetoed ? 'qaw-vetoed' : undefined} data-testid={testId}>
        {i.finalScore}
      </span>
      {i.adjustedScore !== null && i.adjustedScore !== i.score ? <s className="muted">{i.score}</s> : null}
    </span>
  );
}

/**
 * 质检工作台 (docs/quality-inspection.md): every inspection for 质检员, 质检主管, supervisors and
 * admins, filtered by agent, group, rule, date, score, review and appeal; 我的质检 for an agent
 * (the server gives them their own). A row opens the inspection: the transcript with each finding
 * under its message, 复核 for reviewers, 申诉 for the agent who served it. `?inspection=ID` opens one.
 */
export default function QaWorkbenchPage() {
  const t = useT();
  const qt = useQaT();
  const { message } = App.useApp();
  const me = useWorkspace((s) => s.me);
  const agents = useWorkspace((s) => s.agents);
  const groups = useWorkspace((s) => s.groups);
  const reviewer = canReview(me.role);
  const [params, setParams] = useSearchParams();
  // each navigation to ?inspection= (a row, an alert's button) loads it afresh
  const { key: visit } = useLocation();
  const openId = Number(params.get('inspection')) || null;
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [rows, setRows] = useState<InspectionRow[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);

  const load = useCallback(
    async (before: number | null) => {
      const n = ++seq.current;
      setLoading(true);
      try {
        const page = await qaApi.list({ ...query(filters), before });
        if (n !== seq.current) return;
        setRows((old) => (before === null ? page.inspections : [...old, ...page.inspections]));
        setNext(page.nextBefore);
      } catch (err) {
        if (n === seq.current) message.error(errorText(err, t));
      } finally {
        if (n === seq.current) setLoading(false);
      }
    },
    // t changes with the language: the rows need no reload for it
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [filters, message],
  );
  useEffect(() => void load(null), [load]);

  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  const open = (id: number | null) =>
    setParams(
      (p) => {
        const q = new URLSearchParams(p);
        if (id === null) q.delete('inspection');
        else q.set('inspection', String(id));
        return q;
      },
      { replace: id === null },
    );
  /** A review or decision changed an inspection: its row shows the new score. */
  const changed = useCallback((i: InspectionView, appeals: Appeal[]) => {
    setRows((old) =>
      old.map((r) =>
        r.id === i.id ? { ...r, ...i, appeals: { pending: appeals.filter((a) => a.status === 'pending').length, total: appeals.length } } : r,
      ),
    );
  }, []);

  // the agent filter: the agents this console knows (a 质检员 may not list them), and those of the rows
  const agentOptions = useMemo(() => {
    const names = new Map<number, string>();
    for (const a of Object.values(agents)) if (a.role !== 'qa' && a.role !== 'qa_lead') names.set(a.id, a.name);
    for (const r of rows) if (r.agentId !== null && r.agentName && !names.has(r.agentId)) names.set(r.agentId, r.agentName);
    return [...names].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label));
  }, [agents, rows]);
  const groupOptions = useMemo(() => {
    const names = new Map<number, string>();
    for (const g of Object.values(groups)) names.set(g.id, g.name);
    for (const r of rows) if (r.groupId !== null && r.groupName && !names.has(r.groupId)) names.set(r.groupId, r.groupName);
    return [...names].map(([value, label]) => ({ value, label }));
  }, [groups, rows]);
  const triOptions = (yes: string, no: string) => [
    { value: 'all' as const, label: t('qaw.all') },
    { value: 'yes' as const, label: yes },
    { value: 'no' as const, label: no },
  ];

  const columns: TableColumnsType<InspectionRow> = [
    {
      key: 'conversation',
      title: t('qaw.conversation'),
      render: (_, r) => (
        <Button
          type="link"
          size="small"
          className="qaw-open"
          onClick={(e) => {
            e.stopPropagation();
            open(r.id);
          }}
        >
          #{r.conversationId}
          {r.version > 1 ? <span className="muted small"> v{r.version}</span> : null}
        </Button>
      ),
    },
    ...(reviewer ? [{ key: 'agent', title: t('role.agent'), render: (_: unknown, r: InspectionRow) => r.agentName ?? t('common.none') }] : []),
    { key: 'contact', title: t('qaw.customer'), render: (_, r) => r.contactName ?? t('common.none') },
    { key: 'score', title: t('qaLab.score'), render: (_, r) => <Score i={r} testId="qa-row-score" /> },
    { key: 'findings', title: t('qaw.findings'), render: (_, r) => r.standing.length },
    { key: 'reviewed', title: t('qaw.reviewed'), render: (_, r) => (r.reviewedAt ? <Tag color="blue">{t('qaw.reviewed')}</Tag> : t('common.none')) },
    {
      key: 'appeals',
      title: t('qaw.appeals'),
      render: (_, r) =>
        r.appeals.pending > 0 ? <Tag color="orange">{t('qaw.pendingN', { n: r.appeals.pending })}</Tag> : r.appeals.total > 0 ? r.appeals.total : t('common.none'),
    },
    ...(reviewer
      ? [
          {
            key: 'assignment',
            title: qt('assigned.column'),
            render: (_: unknown, r: InspectionRow) => {
              const a = r.assignment;
              if (!a) return t('common.none');
              const reason = qt(`reason.${a.reason}`);
              return (
                <Tag
                  {...(a.doneAt ? {} : REASON_TAG[a.reason])}
                  data-testid="qa-row-assignment"
                  data-reason={a.reason}
                  data-done={a.doneAt ? 'true' : 'false'}
                  title={`${a.reviewerName ?? `#${a.reviewerId}`} · ${reason} · ${qt(a.doneAt ? 'assigned.closed' : 'assigned.open')} · ${fullTime(a.assignedAt)}`}
                >
                  {qt('assigned.tag', { name: a.reviewerName ?? `#${a.reviewerId}`, reason })}
                  {a.doneAt ? ' ✓' : null}
                  <span className="sr-only">{`（${qt(a.doneAt ? 'assigned.closed' : 'assigned.open')}）`}</span>
                </Tag>
              );
            },
          },
        ]
      : []),
    { key: 'at', title: t('qaw.inspectedAt'), render: (_, r) => fullTime(r.inspectedAt) },
  ];

  const title = reviewer ? t('nav.qa') : t('nav.myQa');
  return (
    <div className="admin-page" data-testid="qa-workbench">
      <div className="admin-head">
        <h1>{title}</h1>
        <nav className="qaw-links" aria-label={title}>
          <Link to="/qa/reports" data-testid="qa-reports-link">
            {qt('links.reports')}
          </Link>
          {reviewer ? (
            <Link to="/qa/plans" data-testid="qa-plans-link">
              {qt('links.plans')}
            </Link>
          ) : null}
        </nav>
      </div>
      <div className="qaw-filters" role="search" aria-label={t('qaw.filters')}>
        {reviewer ? (
          <Segmented<Assigned>
            data-testid="qa-filter-assigned"
            aria-label={qt('assigned.label')}
            value={filters.assigned}
            onChange={(v) => set({ assigned: v })}
            options={[
              { value: 'all', label: qt('assigned.all') },
              { value: 'todo', label: qt('assigned.todo') },
              { value: 'done', label: qt('assigned.done') },
            ]}
          />
        ) : null}
        {reviewer ? (
          <Select
            data-testid="qa-filter-agent"
            aria-label={t('role.agent')}
            placeholder={t('role.agent')}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            className="qaw-select"
            options={agentOptions}
            value={filters.agentId}
            onChange={(v?: number) => set({ agentId: v })}
          />
        ) : null}
        <Select
          aria-label={t('qaw.group')}
          placeholder={t('qaw.group')}
          allowClear
          className="qaw-select"
          options={groupOptions}
          value={filters.groupId}
          onChange={(v?: number) => set({ groupId: v })}
        />
        <Select
          aria-label={t('qaw.rule')}
          placeholder={t('qaw.rule')}
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          className="qaw-select"
          options={RULES.map((r) => ({ value: r, label: ruleName(t, r) }))}
          value={filters.rule}
          onChange={(v?: string) => set({ rule: v })}
        />
        <span className="qaw-range">
          <Input type="date" size="middle" aria-label={t('qaw.from')} value={filters.from} max={filters.to || undefined} onChange={(e) => set({ from: e.target.value })} />
          <span aria-hidden>–</span>
          <Input type="date" aria-label={t('qaw.to')} value={filters.to} min={filters.from || undefined} onChange={(e) => set({ to: e.target.value })} />
        </span>
        <span className="qaw-range">
          <InputNumber min={0} max={100} precision={0} aria-label={t('qaw.minScore')} placeholder={t('qaw.minScore')} value={filters.minScore} onChange={(v) => set({ minScore: v })} />
          <span aria-hidden>–</span>
          <InputNumber min={0} max={100} precision={0} aria-label={t('qaw.maxScore')} placeholder={t('qaw.maxScore')} value={filters.maxScore} onChange={(v) => set({ maxScore: v })} />
        </span>
        <Segmented<Tri>
          data-testid="qa-filter-reviewed"
          aria-label={t('qaw.reviewed')}
          value={filters.reviewed}
          onChange={(v) => set({ reviewed: v })}
          options={triOptions(t('qaw.reviewed'), t('qaw.notReviewed'))}
        />
        <Segmented<Tri>
          data-testid="qa-filter-appealed"
          aria-label={t('qaw.appeals')}
          value={filters.appealed}
          onChange={(v) => set({ appealed: v })}
          options={triOptions(t('qaw.appealed'), t('qaw.notAppealed'))}
        />
      </div>

      <div data-testid="qa-table">
        <Table<InspectionRow>
          rowKey="id"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={rows}
          pagination={false}
          onRow={(r) =>
            ({
              'data-testid': 'qa-row',
              'data-inspection-id': r.id,
              className: 'qaw-row',
              onClick: () => open(r.id),
            }) as HTMLAttributes<HTMLElement>
          }
        />
      </div>
      {next !== null ? (
        <div className="qaw-more">
          <Button loading={loading} onClick={() => void load(next)} data-testid="qa-more">
            {t('qaw.more')}
          </Button>
        </div>
      ) : null}

      <Drawer open={openId !== null} onClose={() => open(null)} size="large" title={t('qaw.detail')} destroyOnHidden>
        {openId !== null ? <Detail key={`${openId}-${visit}`} id={openId} me={me} agents={agents} groupLeader={(g) => (g === null ? null : (groups[g]?.leaderId ?? null))} onChanged={changed} /> : null}
      </Drawer>
    </div>
  );
}

type Keyed = KeyedFinding & { manual: boolean };

/** Automatic findings (a0…) then the review's manual ones (m0…), keyed as the server keys them (src/core/qa/review.ts). */
const keyed = (i: InspectionView): Keyed[] => keyedFindings(i.findings, i.adjustments ?? NO_ADJUSTMENTS).map((f) => ({ ...f, manual: f.source === 'manual' }));

const findingName = (t: Translate, f: Pick<Keyed, 'rule' | 'category' | 'manual'>) =>
  f.manual ? t('qaw.manualName', { category: categoryName(t, f.category) }) : ruleName(t, f.rule);

/** The message's words at fault marked ([start, end) of its content); spans may overlap. */
function Marked({ text, findings, standing }: { text: string; findings: Keyed[]; standing: Set<string> }) {
  const spans = findings
    .filter((f): f is Keyed & { span: [number, number] } => !!f.span)
    .map((f) => ({ s: Math.max(0, Math.min(text.length, f.span[0])), e: Math.max(0, Math.min(text.length, f.span[1])), key: f.key }))
    .filter((x) => x.e > x.s);
  const cuts = [...new Set([0, text.length, ...spans.flatMap((x) => [x.s, x.e])])].sort((a, b) => a - b);
  const parts: ReactNode[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [a, b] = [cuts[i]!, cuts[i + 1]!];
    const keys = spans.filter((x) => x.s <= a && x.e >= b).map((x) => x.key);
    const piece = text.slice(a, b);
    if (keys.length === 0) parts.push(piece);
    else
      parts.push(
        <mark key={a} data-testid="qa-finding-mark" data-keys={keys.join(' ')} className={keys.some((k) => standing.has(k)) ? undefined : 'dismissed'}>
          {piece}
        </mark>,
      );
  }
  return <p className="lab-marked qa-lab-text">{parts}</p>;
}

interface DetailProps {
  id: number;
  me: Agent;
  agents: Record<number, Agent>;
  groupLeader: (groupId: number | null) => number | null;
  onChanged: (i: InspectionView, appeals: Appeal[]) => void;
}

/** One inspection: score, transcript with findings, 复核 (reviewers), 申诉 (the agent who served it), the appeals. */
function Detail({ id, me, agents, groupLeader, onChanged }: DetailProps) {
  const t = useT();
  const { message } = App.useApp();
  const [data, setData] = useState<InspectionDetail | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [verdicts, setVerdicts] = useState<Record<string, Verdict>>({});
  const [manual, setManual] = useState<ManualInput[]>([]);
  const [draft, setDraft] = useState<ManualInput>({ category: 'service', severity: 'minor', messageIndex: null, note: '' });
  const [busy, setBusy] = useState(false);
  const [appealing, setAppealing] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const noteRef = useRef<GetRef<typeof Input.TextArea>>(null);

  const reload = useCallback(async () => {
    try {
      const d = await qaApi.get(id);
      setData(d);
      setFailed(null);
      setVerdicts({ ...(d.inspection.adjustments?.verdicts ?? {}) });
      setManual((d.inspection.adjustments?.manual ?? []).map((m) => ({ ...m })));
      onChanged(d.inspection, d.appeals);
    } catch (err) {
      setFailed(errorText(err, t));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, onChanged]);
  useEffect(() => void reload(), [reload]);
  // an appeal of this inspection filed, escalated or decided elsewhere: show it
  const controller = useController();
  useEffect(() => controller.onQaAlert((a) => void (a.kind === 'qa_appeal' && a.inspectionId === id && reload())), [controller, id, reload]);

  if (failed) return <div className="muted">{failed}</div>;
  if (!data) return <div className="muted">{t('common.loading')}</div>;

  const { inspection: i, appeals, transcript } = data;
  const findings = keyed(i);
  const standing = new Set(i.standing);
  const removed = new Set(i.adjustments?.removed ?? []);
  const reviewing = canReview(me.role) && me.id !== i.agentId;
  const served = i.agentId === me.id;
  // the appeal window (ZHIKE_QA_APPEAL_DAYS after the inspection or its last review), as the server says
  const appealOpen = Date.now() <= Date.parse(i.appealableUntil);
  const nameOf = (agentId: number | null) => (agentId === null ? t('common.none') : (agents[agentId]?.name ?? `#${agentId}`));
  const lineOf = (idx: number | null) => (idx === null ? undefined : transcript.find((l) => l.index === idx));
  const overall = findings.filter((f) => !lineOf(f.messageIndex));

  const run = async (work: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    try {
      await work();
      if (done) message.success(done);
      await reload();
      return true;
    } catch (err) {
      message.error(errorText(err, t));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const addManual = () => {
    if (!draft.note.trim()) {
      noteRef.current?.focus();
      return;
    }
    setManual((m) => [...m, { ...draft, note: draft.note.trim() }]);
    setDraft((d) => ({ ...d, note: '' }));
  };
  const saveReview = () => {
    // a note typed but not added yet is part of the review
    const all = draft.note.trim() ? [...manual, { ...draft, note: draft.note.trim() }] : manual;
    void run(async () => {
      await qaApi.review(i.id, { verdicts, manual: all });
      setDraft((d) => ({ ...d, note: '' }));
    }, t('qaw.saved'));
  };
  const submitAppeal = async () => {
    if (!appealing || !reason.trim()) return;
    const ok = await run(() => qaApi.appeal(i.id, appealing, reason.trim()), t('qaw.appealFiled'));
    if (ok) {
      setAppealing(null);
      setReason('');
    }
  };

  const why = (f: Keyed) => (removed.has(f.key) ? t('qaw.byAppeal') : i.adjustments?.verdicts[f.key] === 'wrong' ? t('qaw.byReview') : null);
  const card = (f: Keyed) => {
    const stands = standing.has(f.key);
    const appealed = appeals.some((a) => a.findingKey === f.key);
    return (
      <li key={f.key} className={`qa-lab-finding qaw-finding${stands ? '' : ' dismissed'}`} data-testid="qa-finding" data-key={f.key} data-standing={String(stands)}>
        <div className="qaw-finding-head">
          <Tag className={SEVERITY_CLASS[f.severity] ?? undefined}>{findingName(t, f)}</Tag>
          <span className="muted small">
            {categoryName(t, f.category)} · {hasKey(`qa.severity.${f.severity}`) ? t(`qa.severity.${f.severity}`) : f.severity}
          </span>
          {!stands ? <span className="qaw-why">{why(f)}</span> : null}
          {served && stands && !appealed && appealOpen ? (
            <Button size="small" data-testid="qa-appeal" onClick={() => setAppealing(f.key)}>
              {t('qaw.appeal')}
            </Button>
          ) : null}
        </div>
        {f.excerpt ? <div className="qa-lab-detail">“{f.excerpt}”</div> : null}
        {f.detail ? <div className="qa-lab-detail">{f.detail}</div> : null}
        {f.suggestion ? (
          <div className="qa-lab-suggestion" data-testid="qa-finding-suggestion">
            {t('qaw.suggestion', { text: f.suggestion })}
          </div>
        ) : null}
        {reviewing && !f.manual ? (
          <Radio.Group
            size="small"
            optionType="button"
            className="qaw-verdict"
            aria-label={t('qaw.verdict', { name: findingName(t, f) })}
            value={verdicts[f.key]}
            onChange={(e) => setVerdicts((v) => ({ ...v, [f.key]: e.target.value as Verdict }))}
          >
            <Radio.Button value="correct">
              <span data-testid="qa-verdict-correct">{t('qaw.correct')}</span>
            </Radio.Button>
            <Radio.Button value="wrong">
              <span data-testid="qa-verdict-wrong">{t('qaw.wrong')}</span>
            </Radio.Button>
          </Radio.Group>
        ) : null}
        {reviewing && f.manual && manual.some((m) => m.key === f.key) ? (
          <Button size="small" type="link" onClick={() => setManual((m) => m.filter((x) => x.key !== f.key))}>
            {t('qaw.drop')}
          </Button>
        ) : null}
      </li>
    );
  };
  const pending = manual.filter((m) => !m.key);

  return (
    <div data-testid="qa-detail" className="qaw-detail">
      <div className="qa-lab-summary">
        <div>
          <div className="muted small">{t('qaw.finalScore')}</div>
          <div className={`qa-lab-score${(i.adjustedVetoed ?? i.vetoed) ? ' vetoed' : ''}`} data-testid="qa-final-score">
            {i.finalScore}
          </div>
        </div>
        {(i.adjustedVetoed ?? i.vetoed) ? <Tag color="red">{t('qaLab.vetoed')}</Tag> : null}
        <dl className="qaw-facts">
          <dt>{t('qaw.conversation')}</dt>
          <dd>
            #{i.conversationId}
            {i.version > 1 ? ` v${i.version}` : ''}
          </dd>
          <dt>{t('qaw.autoScore')}</dt>
          <dd>
            {i.score} · <span data-testid="qaw-sheet">{t('qaLab.sheet', { name: i.sheet.name })}</span>
          </dd>
          <dt>{t('role.agent')}</dt>
          <dd>{nameOf(i.agentId)}</dd>
          <dt>{t('qaw.inspectedAt')}</dt>
          <dd>
            {fullTime(i.inspectedAt)} · {t('qaLab.packVersion', { version: i.packVersion })}
          </dd>
          <dt>{t('qaw.reviewed')}</dt>
          <dd>{i.reviewedAt ? `${nameOf(i.reviewedBy)} · ${fullTime(i.reviewedAt)}` : t('common.none')}</dd>
        </dl>
      </div>

      {overall.length > 0 ? (
        <>
          <h2 className="qa-lab-h2">{t('qaLab.overall')}</h2>
          <ul className="qa-lab-findings">{overall.map(card)}</ul>
        </>
      ) : null}

      <h2 className="qa-lab-h2">{t('qaLab.transcript')}</h2>
      <ol className="qa-lab-messages">
        {transcript.map((m: TranscriptLine) => {
          const about = findings.filter((f) => f.messageIndex === m.index);
          return (
            <li
              key={m.index}
              className={`qa-lab-message ${m.role}${about.some((f) => standing.has(f.key)) ? ' flagged' : ''}`}
              data-testid="qa-message"
              data-index={m.index}
              data-role={m.role}
            >
              <div className="qa-lab-who">
                <span className="strong">{t(`qaLab.role.${m.role}`)}</span>
                {m.at ? <span className="muted small">{fullTime(m.at)}</span> : null}
              </div>
              <Marked text={m.content} findings={about} standing={standing} />
              {about.length > 0 ? <ul className="qa-lab-findings">{about.map(card)}</ul> : null}
            </li>
          );
        })}
      </ol>

      {reviewing ? (
        <section className="qaw-review" aria-labelledby="qaw-review-h">
          <h2 className="qa-lab-h2" id="qaw-review-h">
            {t('qaw.addManual')}
          </h2>
          {pending.length > 0 ? (
            <ul className="qaw-pending">
              {pending.map((m, n) => (
                <li key={n}>
                  <Tag className={SEVERITY_CLASS[m.severity]}>{categoryName(t, m.category)}</Tag>
                  {m.messageIndex === null ? t('qaw.whole') : `#${m.messageIndex}`} · {m.note}
                  <Button size="small" type="link" onClick={() => setManual((all) => all.filter((x) => x !== m))}>
                    {t('qaw.drop')}
                  </Button>
                </li>
              ))}
            </ul>
          ) : null}
          <div className="qaw-manual">
            <Select
              aria-label={t('qaw.category')}
              className="qaw-select"
              value={draft.category}
              onChange={(category: string) => setDraft((d) => ({ ...d, category }))}
              options={MANUAL_CATEGORIES.map((c) => ({ value: c, label: categoryName(t, c) }))}
            />
            <Select
              aria-label={t('qaw.severity')}
              className="qaw-select-s"
              value={draft.severity}
              onChange={(severity: Severity) => setDraft((d) => ({ ...d, severity }))}
              options={SEVERITIES.map((s) => ({ value: s, label: t(`qa.severity.${s}`) }))}
            />
            <Select
              aria-label={t('qaw.message')}
              className="qaw-select"
              value={draft.messageIndex ?? -1}
              onChange={(v: number) => setDraft((d) => ({ ...d, messageIndex: v < 0 ? null : v }))}
              options={[
                { value: -1, label: t('qaw.whole') },
                ...transcript.map((m) => ({ value: m.index, label: `#${m.index} ${t(`qaLab.role.${m.role}`)}：${m.content.slice(0, 16)}` })),
              ]}
            />
            <Input.TextArea
              ref={noteRef}
              data-testid="qa-manual-note"
              aria-label={t('qaw.note')}
              placeholder={t('qaw.note')}
              maxLength={500}
              autoSize={{ minRows: 1, maxRows: 4 }}
              value={draft.note}
              onChange={(e) => setDraft((d) => ({ ...d, note: e.target.value }))}
            />
            <Button data-testid="qa-manual-add" onClick={addManual}>
              {t('qaw.add')}
            </Button>
          </div>
          <Button type="primary" loading={busy} data-testid="qa-review-save" onClick={saveReview}>
            {t('qaw.saveReview')}
          </Button>
        </section>
      ) : null}

      <h2 className="qa-lab-h2">{t('qaw.appeals')}</h2>
      {appeals.length === 0 ? (
        <div className="muted">{t('common.none')}</div>
      ) : (
        <ul className="qaw-appeals">
          {appeals.map((a) => (
            <AppealItem
              key={a.id}
              appeal={a}
              finding={findings.find((f) => f.key === a.findingKey)}
              me={me}
              leader={groupLeader(i.groupId)}
              nameOf={nameOf}
              busy={busy}
              decide={(accept, note) => run(() => qaApi.decide(a.id, accept, note || undefined), t(accept ? 'qaAlert.accepted' : 'qaAlert.rejected'))}
              escalate={(note) => run(() => qaApi.escalate(a.id, note || undefined), t('qaAlert.escalated'))}
            />
          ))}
        </ul>
      )}

      <Modal
        open={appealing !== null}
        title={t('qaw.appeal')}
        onCancel={() => setAppealing(null)}
        destroyOnHidden
        footer={[
          <Button key="cancel" onClick={() => setAppealing(null)}>
            {t('common.cancel')}
          </Button>,
          <Button key="ok" type="primary" loading={busy} disabled={!reason.trim()} data-testid="qa-appeal-submit" onClick={() => void submitAppeal()}>
            {t('qaw.submit')}
          </Button>,
        ]}
      >
        <label htmlFor="qaw-appeal-reason">{t('qaw.reason')}</label>
        <Input.TextArea id="qaw-appeal-reason" data-testid="qa-appeal-reason" maxLength={1000} autoSize={{ minRows: 3, maxRows: 8 }} value={reason} onChange={(e) => setReason(e.target.value)} />
      </Modal>
    </div>
  );
}

interface AppealItemProps {
  appeal: Appeal;
  finding: Keyed | undefined;
  me: Agent;
  leader: number | null;
  nameOf: (agentId: number | null) => string;
  busy: boolean;
  decide: (accept: boolean, note: string) => Promise<boolean>;
  escalate: (note: string) => Promise<boolean>;
}

function AppealItem({ appeal: a, finding, me, leader, nameOf, busy, decide, escalate }: AppealItemProps) {
  const t = useT();
  const [note, setNote] = useState('');
  const mine = a.agentId === me.id;
  const open = a.status === 'pending' && !a.final;
  const mayDecide =
    open && !mine && (a.stage === 'supervisor' ? isLead(me.role) || (leader !== null && leader === me.id) : me.role === 'qa_lead' || me.role === 'admin');
  const mayEscalate = mine && a.stage === 'supervisor' && a.status === 'rejected' && !a.final;
  const statusColor = a.status === 'accepted' ? 'green' : a.status === 'rejected' ? 'red' : 'orange';
  const act = (p: Promise<boolean>) => void p.then((ok) => ok && setNote(''));

  return (
    <li className="qaw-appeal" data-testid="qa-appeal-item" data-appeal-id={a.id} data-status={a.status} data-stage={a.stage}>
      <div className="qaw-finding-head">
        <span className="strong">{finding ? findingName(t, finding) : a.findingKey}</span>
        <Tag color={statusColor} data-testid="qa-appeal-status" data-status={a.status}>
          {t(`qaw.status.${a.status}`)}
        </Tag>
        <Tag>{t(a.stage === 'lead' ? 'qaw.stageLead' : 'qaw.stageSupervisor')}</Tag>
      </div>
      <div className="qaw-reason">{a.reason}</div>
      <ol className="qaw-history">
        {a.history.map((h, n) => (
          <li key={n}>
            <span className="strong">{nameOf(h.by)}</span> {t(`qaw.action.${h.action}`)}
            <span className="muted small"> · {fullTime(h.at)}</span>
            {h.note ? <div className="muted">{h.note}</div> : null}
          </li>
        ))}
      </ol>
      {mayDecide || mayEscalate ? (
        <div className="qaw-decide">
          <Input
            data-testid="qa-appeal-note"
            aria-label={t('qaw.decisionNote')}
            placeholder={t('qaw.decisionNote')}
            maxLength={1000}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
          {mayDecide ? (
            <>
              <Button type="primary" loading={busy} data-testid="qa-appeal-accept" onClick={() => act(decide(true, note.trim()))}>
                {t('qaw.accept')}
              </Button>
              <Button danger loading={busy} data-testid="qa-appeal-reject" onClick={() => act(decide(false, note.trim()))}>
                {t('qaw.reject')}
              </Button>
            </>
          ) : (
            <Button loading={busy} data-testid="qa-appeal-escalate" onClick={() => act(escalate(note.trim()))}>
              {t('qaw.escalate')}
            </Button>
          )}
        </div>
      ) : null}
    </li>
  );
}
