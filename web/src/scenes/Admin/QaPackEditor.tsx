import { App, Button, Input, Popconfirm, Segmented, Switch, Table, Tag, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useMemo, useState, type HTMLAttributes } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { qaApi, type PackState, type WhatIfResult } from '../../api/qa';
import { useT, type Translate } from '../../i18n';
import { fullTime } from '../../i18n/format';
import { errorText } from '../../lib/errors';
import { useWorkspace } from '../../stores/workspace/context';
import { useQaT } from '../Qa/strings';
import { ruleName } from './QaLabPage';
import '../Qa/qa.css';

const LOCALE = 'zh-CN' as const;
const PERIODS = [7, 30, 90] as const;
type Period = (typeof PERIODS)[number];
type WhatIfRow = WhatIfResult['rows'][number];

const pretty = (pack: unknown) => JSON.stringify(pack, null, 2);
const one = (n: number | null) => (n === null ? '–' : (Math.round(n * 10) / 10).toFixed(1));
const minus = (a: string[], b: string[]) => {
  const not = new Set(b);
  return [...new Set(a)].filter((r) => !not.has(r));
};

function Rules({ rules, t, none }: { rules: string[]; t: Translate; none: string }) {
  if (rules.length === 0) return <span className="muted">{none}</span>;
  return (
    <span className="qap-rules">
      {rules.map((r) => (
        <Tag key={r} data-rule={r}>
          {ruleName(t, r)}
        </Tag>
      ))}
    </span>
  );
}

/**
 * The 规则包 tab of the 规则实验室 (docs/quality-inspection.md, "Editing the rules"): the pack in
 * use and its versions; the pack as JSON to edit; 保存草稿, 试运行 on past inspections, 发布 and
 * 丢弃草稿. 质检主管 and admins edit; other reviewers read and try what-ifs with the editor's text.
 */
export function QaPackEditor() {
  const t = useT();
  const qt = useQaT();
  const { message } = App.useApp();
  const me = useWorkspace((s) => s.me);
  const agents = useWorkspace((s) => s.agents);
  const manage = me.role === 'qa_lead' || me.role === 'admin';
  const [state, setState] = useState<PackState | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [text, setText] = useState('');
  /** The editor's text as last loaded or saved: what 发布 would publish, if a draft. */
  const [savedText, setSavedText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'save' | 'whatif' | 'publish' | 'discard' | null>(null);
  const [days, setDays] = useState<Period>(7);
  const [result, setResult] = useState<WhatIfResult | null>(null);
  const [onlyChanged, setOnlyChanged] = useState(true);
  const [published, setPublished] = useState<string | null>(null);

  const load = useCallback(async (resetText: boolean) => {
    try {
      const s = await qaApi.pack(LOCALE);
      setState(s);
      setLoadError(null);
      if (resetText) {
        const initial = pretty(s.draft ? s.draft.pack : s.current.pack);
        setText(initial);
        setSavedText(initial);
        setError(null);
      }
    } catch (err) {
      setLoadError(errorText(err, t));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => void load(true), [load]);

  const nameOf = (id: number | null) => (id === null ? t('common.none') : (agents[id]?.name ?? `#${id}`));

  /** The editor's pack, or null with the JSON error shown under it. */
  const parsed = (): Record<string, unknown> | null => {
    try {
      const v: unknown = JSON.parse(text);
      if (!v || typeof v !== 'object' || Array.isArray(v)) {
        setError(qt('pack.notObject'));
        return null;
      }
      setError(null);
      return v as Record<string, unknown>;
    } catch (err) {
      setError(qt('pack.parseError', { message: (err as Error).message }));
      return null;
    }
  };
  /** A refused pack (400 invalid_pack) says where under the editor; anything else is a toast. */
  const failed = (err: unknown) => {
    if (err instanceof ApiError && err.status === 400) setError(err.message);
    else message.error(errorText(err, t));
  };

  const save = async () => {
    const pack = parsed();
    if (!pack) return;
    setBusy('save');
    try {
      await qaApi.saveDraft(LOCALE, pack);
      setSavedText(text);
      setPublished(null);
      message.success(qt('pack.saved'));
      await load(false);
    } catch (err) {
      failed(err);
    } finally {
      setBusy(null);
    }
  };

  const whatIf = async () => {
    const pack = parsed();
    if (!pack) return;
    setBusy('whatif');
    try {
      const now = new Date();
      const from = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1));
      setResult(await qaApi.whatIf(LOCALE, { pack, from: from.toISOString(), to: now.toISOString() }));
    } catch (err) {
      failed(err);
    } finally {
      setBusy(null);
    }
  };

  const publish = async () => {
    setBusy('publish');
    try {
      const { version } = await qaApi.publish(LOCALE);
      setPublished(version);
      message.success(qt('pack.published', { version }));
      await load(true);
    } catch (err) {
      failed(err);
    } finally {
      setBusy(null);
    }
  };

  const discard = async () => {
    setBusy('discard');
    try {
      await qaApi.discardDraft(LOCALE);
      message.success(qt('pack.discarded'));
      await load(true);
    } catch (err) {
      failed(err);
    } finally {
      setBusy(null);
    }
  };

  const rows = useMemo(() => {
    if (!result) return [];
    return onlyChanged
      ? result.rows.filter((r) => r.before.score !== r.after.score || minus(r.before.rules, r.after.rules).length > 0 || minus(r.after.rules, r.before.rules).length > 0)
      : result.rows;
  }, [result, onlyChanged]);

  const columns: TableColumnsType<WhatIfRow> = [
    {
      key: 'conversation',
      title: qt('pack.conversation'),
      render: (_, r) => <Link to={`/qa?inspection=${r.inspectionId}`}>#{r.conversationId}</Link>,
    },
    { key: 'agent', title: t('role.agent'), render: (_, r) => nameOf(r.agentId) },
    {
      key: 'before',
      title: qt('pack.before'),
      align: 'right',
      render: (_, r) => <span className={r.before.vetoed ? 'qaw-vetoed' : undefined}>{r.before.score}</span>,
    },
    {
      key: 'after',
      title: qt('pack.after'),
      align: 'right',
      render: (_, r) => (
        <span className={r.after.vetoed ? 'qaw-vetoed strong' : 'strong'} data-testid="qa-pack-whatif-after">
          {r.after.score}
        </span>
      ),
    },
    { key: 'added', title: qt('pack.added'), render: (_, r) => <Rules rules={minus(r.after.rules, r.before.rules)} t={t} none={qt('pack.none')} /> },
    { key: 'removed', title: qt('pack.removed'), render: (_, r) => <Rules rules={minus(r.before.rules, r.after.rules)} t={t} none={qt('pack.none')} /> },
  ];

  if (!state) {
    return loadError ? (
      <div className="lab-section" role="alert">
        <div className="muted">{qt('pack.loadFailed', { message: loadError })}</div>
        <Button onClick={() => void load(true)}>{qt('pack.reload')}</Button>
      </div>
    ) : (
      <div className="lab-section muted">{t('common.loading')}</div>
    );
  }

  const dirty = text !== savedText;
  return (
    <div data-testid="qa-pack">
      <div className="lab-section qa-pack-head">
        <div>
          <span className="muted">{qt('pack.inUse')}</span>{' '}
          <span className="strong" data-testid="qa-pack-version">
            {qt('pack.version', { version: state.current.version })}
          </span>{' '}
          <Tag color={state.current.source === 'workspace' ? 'blue' : undefined} data-testid="qa-pack-source" data-source={state.current.source}>
            {qt(state.current.source === 'workspace' ? 'pack.workspace' : 'pack.shipped')}
          </Tag>
        </div>
        <div className="muted small" data-testid="qa-pack-draft-state">
          {state.draft ? qt('pack.draftSaved', { time: `${fullTime(state.draft.updatedAt)} · ${nameOf(state.draft.editedBy)}` }) : qt('pack.noDraft')}
        </div>
        {published ? (
          <div className="qa-pack-published" data-testid="qa-pack-published" role="status">
            {qt('pack.published', { version: published })}
          </div>
        ) : null}
      </div>

      <div className="lab-section">
        <h2 className="qa-lab-h2">{qt('pack.versions')}</h2>
        {state.versions.length === 0 ? (
          <div className="muted">{qt('pack.noVersions')}</div>
        ) : (
          <ol className="qa-pack-versions" data-testid="qa-pack-versions">
            {state.versions.map((v) => (
              <li key={v.version} data-testid="qa-pack-version-item" data-version={v.version}>
                <span className="strong">{v.version}</span>
                <span className="muted small">
                  {' '}
                  · {qt('pack.publishedAt')} {fullTime(v.publishedAt)} · {qt('pack.publishedBy')} {nameOf(v.publishedBy)}
                </span>
              </li>
            ))}
          </ol>
        )}
      </div>

      <div className="lab-section">
        <label htmlFor="qa-pack-editor" className="strong">
          {qt('pack.editor')}
        </label>
        <div className="muted small" id="qa-pack-editor-help">
          {qt(manage ? 'pack.editorHelp' : 'pack.readOnly')}
        </div>
        <Input.TextArea
          id="qa-pack-editor"
          data-testid="qa-pack-editor"
          className="qa-pack-editor"
          aria-describedby={error ? 'qa-pack-editor-help qa-pack-error' : 'qa-pack-editor-help'}
          aria-invalid={error ? true : undefined}
          spellCheck={false}
          autoSize={{ minRows: 12, maxRows: 24 }}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            if (error) setError(null);
          }}
        />
        {error ? (
          <div className="qa-pack-error" id="qa-pack-error" data-testid="qa-pack-error" role="alert">
            {error}
          </div>
        ) : null}
        {manage && dirty && state.draft ? <div className="muted small">{qt('pack.unsaved')}</div> : null}
      </div>

      <div className="lab-section qa-lab-actions">
        {manage ? (
          <Button type="primary" loading={busy === 'save'} disabled={!dirty && !!state.draft} data-testid="qa-pack-save" onClick={() => void save()}>
            {qt('pack.save')}
          </Button>
        ) : null}
        <Segmented<Period>
          aria-label={qt('pack.whatifPeriod')}
          data-testid="qa-pack-whatif-period"
          value={days}
          onChange={setDays}
          options={PERIODS.map((n) => ({ value: n, label: qt('reports.days', { n }) }))}
        />
        <Button loading={busy === 'whatif'} data-testid="qa-pack-whatif" aria-describedby="qa-pack-whatif-help" onClick={() => void whatIf()}>
          {qt('pack.whatif')}
        </Button>
        {manage ? (
          <>
            <Popconfirm title={qt('pack.publishConfirm')} okText={qt('pack.publish')} cancelText={t('common.cancel')} onConfirm={() => publish()} disabled={!state.draft}>
              <Button loading={busy === 'publish'} disabled={!state.draft} data-testid="qa-pack-publish">
                {qt('pack.publish')}
              </Button>
            </Popconfirm>
            <Popconfirm title={qt('pack.discardConfirm')} okText={qt('pack.discard')} cancelText={t('common.cancel')} onConfirm={() => discard()} disabled={!state.draft}>
              <Button danger className="qa-danger" loading={busy === 'discard'} disabled={!state.draft} data-testid="qa-pack-discard">
                {qt('pack.discard')}
              </Button>
            </Popconfirm>
          </>
        ) : null}
      </div>
      <div className="muted small" id="qa-pack-whatif-help">
        {qt('pack.whatifHelp')}
      </div>

      <div className="lab-section" aria-live="polite">
        {result ? (
          result.summary.inspections === 0 ? (
            <div className="muted" data-testid="qa-pack-whatif-summary">
              {qt('pack.whatifNone')}
            </div>
          ) : (
            <>
              <div className="qa-pack-summary" data-testid="qa-pack-whatif-summary">
                <span className="strong">
                  {qt('pack.whatifSummary', {
                    n: result.summary.inspections,
                    changed: result.summary.changed,
                    before: one(result.summary.averageBefore),
                    after: one(result.summary.averageAfter),
                  })}
                </span>
                <span className="muted small">{qt('pack.whatifVersion', { version: result.version })}</span>
                <span className="qa-lab-closed">
                  <Switch id="qa-pack-only-changed" size="small" checked={onlyChanged} onChange={setOnlyChanged} />
                  <label htmlFor="qa-pack-only-changed">{qt('pack.onlyChanged')}</label>
                </span>
              </div>
              <Table<WhatIfRow>
                rowKey="inspectionId"
                size="small"
                columns={columns}
                dataSource={rows}
                pagination={rows.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
                onRow={(r) =>
                  ({
                    'data-testid': 'qa-pack-whatif-row',
                    'data-inspection-id': r.inspectionId,
                    'data-before': r.before.score,
                    'data-after': r.after.score,
                  }) as HTMLAttributes<HTMLElement>
                }
              />
            </>
          )
        ) : null}
      </div>
    </div>
  );
}
