import { App, Button, Input, Switch, Tabs, Tag } from 'antd';
import { useMemo, useState, type ReactNode } from 'react';
import { parseTranscriptText } from '../../../../src/core/qa/transcript-text';
import { ApiError } from '../../api/client';
import { qaApi, type InspectionPreview, type QaFinding, type QaMessage, type Severity } from '../../api/qa';
import { hasKey, useT, type Translate } from '../../i18n';
import { errorText } from '../../lib/errors';
import { useQaT } from '../Qa/strings';
import { QaPackEditor } from './QaPackEditor';

/**
 * The example "填入示例" fills in: an angry customer, an agent who pushes the matter onto the
 * courier (推诿) and evades the request for the 工号. Data, not UI text: the default 质检 pack
 * reads Chinese, so it is Chinese in both languages.
 */
const EXAMPLE = [
  '10:00:05 客户：在吗？我的订单三天了还没发货，你们到底怎么回事！',
  '10:02:30 客服：这个不归我们管，你去问快递公司吧。',
  '10:03:01 客户：你工号多少？我要投诉你。',
  '10:03:40 客服：你问这个干什么',
  '10:04:10 客户：太差了，我要退款。',
  '10:05:00 客服：有结果通知您。',
].join('\n');

/** Severity colours: the stylesheet's (qa-sev-*), dark enough on their background for WCAG AA, unlike antd's gold and orange tags. */
export const SEVERITY_CLASS: Record<Severity, string> = { minor: 'qa-sev-minor', major: 'qa-sev-major', critical: 'qa-sev-critical' };

export const ruleName = (t: Translate, rule: string) => {
  const key = `qa.rule.${rule}`;
  return hasKey(key) ? t(key) : rule;
};
export const categoryName = (t: Translate, category: string) => {
  const key = `qa.category.${category}`;
  return hasKey(key) ? t(key) : category;
};

/** The hh:mm:ss of a parsed message's time, as pasted. */
const clock = (at: string | null | undefined) => (at ? (/T(\d{2}:\d{2}:\d{2})/.exec(at)?.[1] ?? null) : null);

/**
 * A message's text with the findings' spans marked ([start, end) in UTF-16 units of its
 * content, as the 分析实验室's `Marked`). Spans may overlap (a 禁语 inside a reply that also
 * skipped the customer's feelings): the text is cut at every span's ends and each piece covered
 * by a span is a <mark> naming the rules that cover it.
 */
function Marked({ text, findings, t }: { text: string; findings: QaFinding[]; t: Translate }) {
  const spans = findings
    .filter((f): f is QaFinding & { span: [number, number] } => !!f.span)
    .map((f) => ({ s: Math.max(0, Math.min(text.length, f.span[0])), e: Math.max(0, Math.min(text.length, f.span[1])), rule: f.rule }))
    .filter((x) => x.e > x.s);
  const cuts = [...new Set([0, text.length, ...spans.flatMap((x) => [x.s, x.e])])].sort((a, b) => a - b);
  const parts: ReactNode[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [a, b] = [cuts[i], cuts[i + 1]];
    const piece = text.slice(a, b);
    const rules = spans.filter((x) => x.s <= a && x.e >= b).map((x) => x.rule);
    if (rules.length === 0) parts.push(piece);
    else
      parts.push(
        <mark key={a} data-testid="qa-lab-span" data-rules={rules.join(' ')} title={rules.map((r) => ruleName(t, r)).join('、')} className={rules.length > 1 ? 'deep' : undefined}>
          {piece}
        </mark>,
      );
  }
  return <p className="lab-marked qa-lab-text">{parts}</p>;
}

function Finding({ finding: f, t }: { finding: QaFinding; t: Translate }) {
  return (
    <li className="qa-lab-finding" data-testid="qa-lab-finding" data-rule={f.rule} data-severity={f.severity}>
      <div>
        <Tag className={SEVERITY_CLASS[f.severity] ?? undefined}>{ruleName(t, f.rule)}</Tag>
        <span className="muted small">
          {categoryName(t, f.category)} · {hasKey(`qa.severity.${f.severity}`) ? t(`qa.severity.${f.severity}`) : f.severity}
        </span>
      </div>
      {f.detail ? <div className="qa-lab-detail">{f.detail}</div> : null}
      {f.suggestion ? <div className="qa-lab-suggestion">{t('qaLab.suggestion', { text: f.suggestion })}</div> : null}
    </li>
  );
}

/**
 * 规则实验室 (supervisors and admins): paste a transcript, see how the default 质检 pack scores
 * it — the score (一票否决 when a critical finding zeroes it), the points lost by category,
 * and each finding under the message it is about with the words at fault marked and a better
 * wording. `POST /inspections/preview`: nothing is stored.
 */
export default function QaLabPage() {
  const t = useT();
  const qt = useQaT();
  return (
    <div className="admin-page" data-testid="qa-lab">
      <div className="admin-head">
        <div>
          <h1>{t('qaLab.title')}</h1>
          <div className="muted">{t('qaLab.intro')}</div>
        </div>
      </div>
      <Tabs
        defaultActiveKey="preview"
        destroyOnHidden={false}
        items={[
          { key: 'preview', label: <span data-testid="qa-preview-tab">{qt('pack.previewTab')}</span>, children: <Preview /> },
          { key: 'pack', label: <span data-testid="qa-pack-tab">{qt('pack.tab')}</span>, children: <QaPackEditor /> },
        ]}
      />
    </div>
  );
}

/** 试用规则: a pasted transcript scored by the rules in use, or by the draft. */
function Preview() {
  const t = useT();
  const qt = useQaT();
  const { message } = App.useApp();
  const [text, setText] = useState('');
  const [useDraft, setUseDraft] = useState(false);
  const [closed, setClosed] = useState(true);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ messages: QaMessage[]; preview: InspectionPreview } | null>(null);
  const parsed = useMemo(() => parseTranscriptText(text), [text]);

  const run = async () => {
    if (!text.trim()) return;
    const { messages } = parsed;
    if (messages.length === 0) {
      message.error(t('qaLab.nothingParsed'));
      return;
    }
    setBusy(true);
    try {
      setResult({ messages, preview: await qaApi.preview(messages, closed, { pack: useDraft ? 'draft' : undefined }) });
    } catch (err) {
      message.error(err instanceof ApiError && err.code === 'no_draft' ? qt('pack.noDraftToTry') : errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  const preview = result?.preview;
  const overall = preview && result ? preview.findings.filter((f) => f.messageIndex === null || !result.messages[f.messageIndex]) : [];
  const about = (i: number) => preview?.findings.filter((f) => f.messageIndex === i) ?? [];

  return (
    <div>
      <div className="lab-section">
        <label htmlFor="qa-lab-text">{t('qaLab.text')}</label>
        <div className="muted small" id="qa-lab-text-help">
          {t('qaLab.textHelp')}
        </div>
        <Input.TextArea
          id="qa-lab-text"
          data-testid="qa-lab-text"
          aria-describedby="qa-lab-text-help"
          value={text}
          autoSize={{ minRows: 6, maxRows: 18 }}
          onChange={(e) => setText(e.target.value)}
        />
        {parsed.ignored > 0 ? <div className="muted small">{t('qaLab.ignored', { n: parsed.ignored })}</div> : null}
      </div>
      <div className="lab-section qa-lab-actions">
        <span className="qa-lab-closed">
          <Switch id="qa-lab-closed" size="small" checked={closed} onChange={setClosed} data-testid="qa-lab-closed" />
          <label htmlFor="qa-lab-closed">{t('qaLab.closed')}</label>
        </span>
        <span className="qa-lab-closed">
          <Switch id="qa-lab-use-draft" size="small" checked={useDraft} onChange={setUseDraft} data-testid="qa-lab-use-draft" />
          <label htmlFor="qa-lab-use-draft">{qt('pack.useDraft')}</label>
        </span>
        <Button type="primary" loading={busy} disabled={!text.trim()} onClick={() => void run()} data-testid="qa-lab-run">
          {t('qaLab.run')}
        </Button>
        <Button onClick={() => setText(EXAMPLE)} data-testid="qa-lab-example">
          {t('qaLab.example')}
        </Button>
      </div>

      <div className="lab-section" data-testid="qa-lab-result" aria-live="polite">
        {preview && result ? (
          <>
            <div className="qa-lab-summary">
              <div>
                <div className="muted small">{t('qaLab.score')}</div>
                <div className={`qa-lab-score${preview.vetoed ? ' vetoed' : ''}`} data-testid="qa-lab-score">
                  {preview.score}
                </div>
              </div>
              {preview.vetoed ? (
                <Tag color="red" data-testid="qa-lab-vetoed">
                  {t('qaLab.vetoed')}
                </Tag>
              ) : null}
              <span className="muted small" data-testid="qa-lab-pack">
                {t('qaLab.packVersion', { version: preview.packVersion })} · {t('qaLab.sheet', { name: preview.sheet.name })}
              </span>
            </div>

            <h2 className="qa-lab-h2">{t('qaLab.dimensions')}</h2>
            {preview.dimensions.length === 0 ? (
              <div className="muted">{t('qaLab.noDimensions')}</div>
            ) : (
              <ul className="qa-lab-dimensions" data-testid="qa-lab-dimensions">
                {preview.dimensions.map((d) => (
                  <li key={d.category} data-category={d.category}>
                    <span className="strong">{categoryName(t, d.category)}</span>
                    <span>{t('qaLab.deducted', { points: d.deducted, n: d.findings })}</span>
                  </li>
                ))}
              </ul>
            )}

            {preview.findings.length === 0 ? <div className="lab-section muted" data-testid="qa-lab-no-findings">{t('qaLab.noFindings')}</div> : null}

            {overall.length > 0 ? (
              <>
                <h2 className="qa-lab-h2">{t('qaLab.overall')}</h2>
                <ul className="qa-lab-findings" data-testid="qa-lab-overall">
                  {overall.map((f, i) => (
                    <Finding key={`${f.rule}-${i}`} finding={f} t={t} />
                  ))}
                </ul>
              </>
            ) : null}

            <h2 className="qa-lab-h2">{t('qaLab.transcript')}</h2>
            <ol className="qa-lab-messages">
              {result.messages.map((m, i) => {
                const findings = about(i);
                const at = clock(m.at);
                return (
                  <li key={i} className={`qa-lab-message ${m.role}${findings.length > 0 ? ' flagged' : ''}`} data-testid="qa-lab-message" data-index={i} data-role={m.role}>
                    <div className="qa-lab-who">
                      <span className="strong">{t(`qaLab.role.${m.role}`)}</span>
                      {at ? <span className="muted small">{at}</span> : null}
                      {findings.length > 0 ? <span className="muted small">{t('qaLab.findingCount', { n: findings.length })}</span> : null}
                    </div>
                    <Marked text={m.content} findings={findings} t={t} />
                    {findings.length > 0 ? (
                      <ul className="qa-lab-findings">
                        {findings.map((f, j) => (
                          <Finding key={`${f.rule}-${j}`} finding={f} t={t} />
                        ))}
                      </ul>
                    ) : null}
                  </li>
                );
              })}
            </ol>
          </>
        ) : null}
      </div>
    </div>
  );
}
