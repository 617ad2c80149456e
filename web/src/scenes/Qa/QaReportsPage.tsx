import { App, Empty, Segmented, Select, Spin, Table, Tag, type TableColumnsType } from 'antd';
import { useEffect, useMemo, useRef, useState, type HTMLAttributes } from 'react';
import { Link } from 'react-router';
import { qaApi, type QaStats } from '../../api/qa';
import { useT } from '../../i18n';
import { errorText } from '../../lib/errors';
import { canReview } from '../../lib/permissions';
import { useWorkspace } from '../../stores/workspace/context';
import { categoryName, ruleName } from '../Admin/QaLabPage';
import { useQaT } from './strings';
import { TrendChart, type TrendPoint } from './TrendChart';
import './qa.css';

const PERIODS = [7, 30, 90] as const;
type Period = (typeof PERIODS)[number];

type AgentRow = QaStats['agents'][number];
type GroupRow = QaStats['groups'][number];

const one = (n: number) => (Math.round(n * 10) / 10).toFixed(1);
const percent = (rate: number) => `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;

/** [from, to): the last `days` local calendar days, today included. */
function period(days: Period): { from: string; to: string } {
  const now = new Date();
  const from = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1));
  return { from: from.toISOString(), to: now.toISOString() };
}

const pad = (n: number) => String(n).padStart(2, '0');
const localDay = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** Every local day of the period for the chart, a day without inspections a gap in the line. */
function everyDay(days: Period, trend: QaStats['trend']): TrendPoint[] {
  const byDay = new Map(trend.map((d) => [d.day, d]));
  const now = new Date();
  const out: TrendPoint[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const day = localDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() - i));
    const d = byDay.get(day);
    out.push(d ? { ...d } : { day, inspections: 0, averageScore: null });
  }
  // days the server counted outside the local calendar (another tzOffset) still show
  for (const d of trend) if (!out.some((p) => p.day === d.day)) out.push({ ...d });
  return out.sort((a, b) => a.day.localeCompare(b.day));
}

/**
 * 质检报表 (docs/quality-inspection.md, `GET /inspections/stats`): per agent and per group the
 * inspections, average final score, vetoes, reviews and appeals; the daily trend (a chart, and
 * the same figures as a table for screen readers); the rules failed most with examples. Every
 * role opens it: the server gives an agent their own figures.
 */
export default function QaReportsPage() {
  const t = useT();
  const qt = useQaT();
  const { message } = App.useApp();
  const me = useWorkspace((s) => s.me);
  const groups = useWorkspace((s) => s.groups);
  const reviewer = canReview(me.role);
  const [days, setDays] = useState<Period>(30);
  const [groupId, setGroupId] = useState<number | undefined>();
  const [stats, setStats] = useState<QaStats | null>(null);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);

  useEffect(() => {
    const n = ++seq.current;
    const ctl = new AbortController();
    setLoading(true);
    qaApi
      .stats({ ...period(days), groupId, tzOffset: -new Date().getTimezoneOffset() }, ctl.signal)
      .then(
        (s) => n === seq.current && setStats(s),
        (err: unknown) => n === seq.current && !ctl.signal.aborted && message.error(errorText(err, t)),
      )
      .finally(() => n === seq.current && setLoading(false));
    return () => ctl.abort();
    // t changes with the language: the figures need no reload for it
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [days, groupId, message]);

  const groupOptions = useMemo(() => {
    const names = new Map<number, string>();
    for (const g of Object.values(groups)) names.set(g.id, g.name);
    for (const g of stats?.groups ?? []) if (g.groupId !== null && g.name && !names.has(g.groupId)) names.set(g.groupId, g.name);
    return [...names].map(([value, label]) => ({ value, label }));
  }, [groups, stats]);

  const agentColumns: TableColumnsType<AgentRow> = [
    { key: 'name', title: qt('reports.agent'), render: (_, r) => r.name ?? qt('reports.unknownAgent', { id: r.agentId }) },
    { key: 'inspections', title: qt('reports.inspections'), dataIndex: 'inspections', align: 'right' },
    { key: 'average', title: qt('reports.average'), align: 'right', render: (_, r) => one(r.averageScore) },
    { key: 'vetoed', title: qt('reports.vetoed'), dataIndex: 'vetoed', align: 'right' },
    { key: 'reviewed', title: qt('reports.reviewed'), dataIndex: 'reviewed', align: 'right' },
    { key: 'filed', title: qt('reports.filed'), align: 'right', render: (_, r) => r.appeals.filed },
    { key: 'accepted', title: qt('reports.accepted'), align: 'right', render: (_, r) => r.appeals.accepted },
    { key: 'rejected', title: qt('reports.rejected'), align: 'right', render: (_, r) => r.appeals.rejected },
    { key: 'rate', title: qt('reports.rate'), align: 'right', render: (_, r) => percent(r.appeals.rate) },
  ];
  const groupColumns: TableColumnsType<GroupRow> = [
    { key: 'name', title: qt('reports.groupName'), render: (_, r) => r.name ?? qt('reports.noGroup') },
    { key: 'inspections', title: qt('reports.inspections'), dataIndex: 'inspections', align: 'right' },
    { key: 'average', title: qt('reports.average'), align: 'right', render: (_, r) => one(r.averageScore) },
    { key: 'vetoed', title: qt('reports.vetoed'), dataIndex: 'vetoed', align: 'right' },
  ];

  const trend = useMemo(() => stats?.trend ?? [], [stats]);
  const points = useMemo(() => everyDay(days, trend), [days, trend]);
  const total = trend.reduce((n, d) => n + d.inspections, 0);
  const chartLabel = useMemo(() => {
    if (trend.length === 0) return '';
    const weighted = total > 0 ? trend.reduce((s, d) => s + d.averageScore * d.inspections, 0) / total : 0;
    const scored = trend.filter((d) => d.inspections > 0);
    const min = scored.reduce((a, d) => (d.averageScore < a.averageScore ? d : a), scored[0] ?? trend[0]!);
    const max = scored.reduce((a, d) => (d.averageScore > a.averageScore ? d : a), scored[0] ?? trend[0]!);
    return qt('reports.chartLabel', {
      days,
      n: total,
      average: one(weighted),
      min: one(min.averageScore),
      minDay: min.day,
      max: one(max.averageScore),
      maxDay: max.day,
    });
  }, [trend, total, days, qt]);
  const empty = stats !== null && stats.agents.length === 0 && total === 0;

  return (
    <div className="admin-page" data-testid="qa-reports">
      <div className="admin-head">
        <div>
          <h1>{qt('reports.title')}</h1>
          <div className="muted">{qt(reviewer ? 'reports.intro' : 'reports.introAgent')}</div>
        </div>
        <Link to="/qa" data-testid="qa-reports-back">
          {qt('links.workbench')}
        </Link>
      </div>
      <div className="qaw-filters" role="search" aria-label={qt('reports.filters')}>
        <Segmented<Period>
          data-testid="qa-reports-period"
          aria-label={qt('reports.period')}
          value={days}
          onChange={setDays}
          options={PERIODS.map((n) => ({ value: n, label: qt('reports.days', { n }) }))}
        />
        <Select
          data-testid="qa-reports-group"
          aria-label={qt('reports.group')}
          placeholder={qt('reports.group')}
          allowClear
          className="qaw-select"
          options={groupOptions}
          value={groupId}
          onChange={(v?: number) => setGroupId(v)}
        />
        {stats ? (
          <span className="muted" data-testid="qa-reports-total" aria-live="polite">
            {qt('reports.total', { n: total })}
          </span>
        ) : null}
      </div>

      <Spin spinning={loading}>
        {empty ? (
          <Empty data-testid="qa-reports-empty" description={qt('reports.empty')} />
        ) : stats ? (
          <div className="qar-sections">
            <section aria-labelledby="qar-trend">
              <h2 className="qa-lab-h2" id="qar-trend">
                {qt('reports.trend')}
              </h2>
              {trend.length === 0 ? (
                <div className="muted">{qt('reports.empty')}</div>
              ) : (
                <>
                  <TrendChart points={points} names={{ average: qt('reports.average'), count: qt('reports.inspections') }} label={chartLabel} />
                  <table className="sr-only" data-testid="qa-reports-trend-table">
                    <caption>{qt('reports.chartTable')}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{qt('reports.day')}</th>
                        <th scope="col">{qt('reports.inspections')}</th>
                        <th scope="col">{qt('reports.average')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {trend.map((d) => (
                        <tr key={d.day}>
                          <th scope="row">{d.day}</th>
                          <td>{d.inspections}</td>
                          <td>{one(d.averageScore)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </>
              )}
            </section>

            <section aria-labelledby="qar-agents">
              <h2 className="qa-lab-h2" id="qar-agents">
                {qt('reports.agents')}
              </h2>
              <div data-testid="qa-reports-agents">
                <Table<AgentRow>
                  rowKey="agentId"
                  size="small"
                  columns={agentColumns}
                  dataSource={stats.agents}
                  pagination={stats.agents.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
                  locale={{ emptyText: qt('reports.empty') }}
                  onRow={(r) => ({ 'data-testid': 'qa-reports-agent', 'data-agent-id': r.agentId }) as HTMLAttributes<HTMLElement>}
                />
              </div>
            </section>

            {reviewer ? (
              <section aria-labelledby="qar-groups">
                <h2 className="qa-lab-h2" id="qar-groups">
                  {qt('reports.groups')}
                </h2>
                <div data-testid="qa-reports-groups">
                  <Table<GroupRow>
                    rowKey={(r) => r.groupId ?? 0}
                    size="small"
                    columns={groupColumns}
                    dataSource={stats.groups}
                    pagination={false}
                    locale={{ emptyText: qt('reports.empty') }}
                    onRow={(r) => ({ 'data-testid': 'qa-reports-group-row', 'data-group-id': r.groupId ?? '' }) as HTMLAttributes<HTMLElement>}
                  />
                </div>
              </section>
            ) : null}

            <section aria-labelledby="qar-rules">
              <h2 className="qa-lab-h2" id="qar-rules">
                {qt('reports.rules')}
              </h2>
              {stats.topRules.length === 0 ? (
                <div className="muted">{qt('reports.empty')}</div>
              ) : (
                <ol className="qar-rules" data-testid="qa-reports-rules">
                  {stats.topRules.map((r) => (
                    <li key={r.rule} className="qar-rule" data-testid="qa-reports-rule" data-rule={r.rule}>
                      <div className="qaw-finding-head">
                        <span className="strong">{r.rule.startsWith('manual.') ? t('qaw.manualName', { category: categoryName(t, r.category) }) : ruleName(t, r.rule)}</span>
                        <Tag>{categoryName(t, r.category)}</Tag>
                        <span className="muted">{qt('reports.count', { n: r.count })}</span>
                      </div>
                      {r.examples.length > 0 ? (
                        <ul className="qar-examples" aria-label={qt('reports.examples')}>
                          {r.examples.slice(0, 3).map((e) => (
                            <li key={e.inspectionId}>
                              <Link to={`/qa?inspection=${e.inspectionId}`} data-testid="qa-reports-example">
                                {qt('reports.example', { id: e.conversationId })}
                              </Link>
                              {e.excerpt ? <span className="muted"> · {e.excerpt}</span> : null}
                            </li>
                          ))}
                        </ul>
                      ) : null}
                    </li>
                  ))}
                </ol>
              )}
            </section>
          </div>
        ) : (
          <div className="qar-placeholder" />
        )}
      </Spin>
    </div>
  );
}
