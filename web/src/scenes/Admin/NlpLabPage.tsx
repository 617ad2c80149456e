import { Alert, App, Button, Descriptions, Input, Radio, Select, Tag } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { INTENTS, type Role } from '../../../../src/core/nlp/types';
import { assistApi, type AnalysisResult, type Intent, type IntentExample } from '../../api/assist';
import { useT, type MessageKey } from '../../i18n';
import { errorText } from '../../lib/errors';
import { useSession } from '../../stores/session';

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** The text with each 禁语 span marked (spans are [start, end) in UTF-16 units of the text sent). */
function Marked({ text, spans }: { text: string; spans: Array<[number, number]> }) {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const [s, e] of [...spans].sort((a, b) => a[0] - b[0])) {
    if (s < at) continue;
    if (s > at) parts.push(text.slice(at, s));
    parts.push(
      <mark key={s} data-testid="lab-span">
        {text.slice(s, e)}
      </mark>,
    );
    at = e;
  }
  parts.push(text.slice(at));
  return <p className="lab-marked">{parts}</p>;
}

/**
 * 分析实验室 (admin): type a sentence, see what the offline NLP makes of it (tokens, intent,
 * emotion, signals, 禁语 with rewrites), and teach the workspace's intent classifier an example.
 */
export default function NlpLabPage() {
  const t = useT();
  const { message } = App.useApp();
  const { session } = useSession();
  const english = session.status === 'authenticated' && !session.me.workspace.locale.toLowerCase().startsWith('zh');
  const [text, setText] = useState('');
  const [role, setRole] = useState<Role>('customer');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ text: string; role: Role; analysis: AnalysisResult } | null>(null);
  const [label, setLabel] = useState<Intent>('complaint');
  const [examples, setExamples] = useState<IntentExample[]>([]);
  const [teaching, setTeaching] = useState(false);

  useEffect(() => {
    assistApi
      .intentExamples()
      .then((r) => setExamples(r.examples))
      .catch(() => setExamples([]));
  }, []);

  const analyze = async (s = text, r = role) => {
    if (!s.trim()) return;
    setBusy(true);
    try {
      setResult({ text: s, role: r, analysis: await assistApi.analyze(s, r) });
    } catch (err) {
      message.error(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  const teach = async () => {
    if (!text.trim()) return;
    setTeaching(true);
    try {
      const r = await assistApi.addIntentExample(text, label);
      setExamples((list) => [r.example, ...list]);
      message.success(t('lab.taught', { ms: Math.round(r.retrain.ms) }));
      await analyze();
    } catch (err) {
      message.error(errorText(err, t));
    } finally {
      setTeaching(false);
    }
  };

  const a = result?.analysis;
  return (
    <div className="admin-page" data-testid="nlp-lab">
      <div className="admin-head">
        <div>
          <h1>{t('lab.title')}</h1>
          <div className="muted">{t('lab.intro')}</div>
        </div>
      </div>
      {english || a?.locale === 'en' ? <Alert type="info" showIcon title={t('lab.chineseOnly')} data-testid="lab-chinese-only" /> : null}

      <div className="lab-section">
        <label htmlFor="lab-text">{t('lab.text')}</label>
        <Input.TextArea id="lab-text" data-testid="lab-text" value={text} maxLength={2000} autoSize={{ minRows: 2, maxRows: 6 }} onChange={(e) => setText(e.target.value)} />
      </div>
      <div className="lab-section">
        <span id="lab-role-label">{t('lab.role')}</span>{' '}
        <Radio.Group aria-labelledby="lab-role-label" value={role} onChange={(e) => setRole(e.target.value)} data-testid="lab-role">
          <Radio value="customer">{t('lab.role.customer')}</Radio>
          <Radio value="agent" data-testid="lab-role-agent">
            {t('lab.role.agent')}
          </Radio>
        </Radio.Group>{' '}
        <Button type="primary" loading={busy} disabled={!text.trim()} onClick={() => analyze()} data-testid="lab-analyze">
          {t('lab.analyze')}
        </Button>
      </div>

      {a && result ? (
        <div className="lab-section" data-testid="lab-result" aria-live="polite">
          <Descriptions bordered column={1} size="small">
            <Descriptions.Item label={t('lab.tokens')}>
              <span className="lab-tokens" data-testid="lab-tokens">
                {a.tokens.map((tok, i) => (
                  <Tag key={i}>{tok}</Tag>
                ))}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('lab.intent')}>
              <span data-testid="lab-intent" data-label={a.intent.label}>
                {t(`lab.intent.${a.intent.label}` as MessageKey)}（{t('lab.confidence', { p: pct(a.intent.confidence) })}）
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('lab.emotion')}>
              <span data-testid="lab-emotion" data-label={a.emotion.label}>
                {t(`lab.emotion.${a.emotion.label}` as MessageKey)}（{t('lab.intensity', { p: pct(a.emotion.intensity) })}）
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('lab.signals')}>
              <span data-testid="lab-signals">
                {a.signals.length === 0 ? t('lab.noSignals') : a.signals.map((s) => <Tag key={s} color="red">{t(`lab.signal.${s}` as MessageKey)}</Tag>)}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('lab.forbidden')}>
              <div data-testid="lab-forbidden">
                {result.role === 'customer' ? (
                  t('lab.customerNoForbidden')
                ) : a.forbidden.length === 0 ? (
                  t('lab.noForbidden')
                ) : (
                  <>
                    <Marked text={result.text} spans={a.forbidden.map((f) => [f.span[0], f.span[1]])} />
                    <ul>
                      {a.forbidden.map((f) => (
                        <li key={f.span[0]}>
                          「{f.text}」{t(`forbidden.category.${f.category}` as MessageKey)}，{t('lab.rewrite', { suggestion: f.suggestion })}
                        </li>
                      ))}
                    </ul>
                  </>
                )}
              </div>
            </Descriptions.Item>
          </Descriptions>
        </div>
      ) : null}

      <div className="lab-section">
        <h2>{t('lab.teach')}</h2>
        <div className="muted">{t('lab.teachHelp')}</div>
        <div className="lab-section">
          <span id="lab-label-label">{t('lab.teachLabel')}</span>{' '}
          <Select<Intent>
            aria-labelledby="lab-label-label"
            value={label}
            onChange={setLabel}
            style={{ minWidth: 180 }}
            options={INTENTS.map((i) => ({ value: i, label: t(`lab.intent.${i}` as MessageKey) }))}
            data-testid="lab-teach-label"
          />{' '}
          <Button onClick={teach} loading={teaching} disabled={!text.trim()} data-testid="lab-teach">
            {t('lab.teachAdd')}
          </Button>
        </div>
        {examples.length > 0 ? (
          <div className="lab-section">
            <h3>{t('lab.examples', { n: examples.length })}</h3>
            <ul data-testid="lab-examples">
              {examples.map((e) => (
                <li key={e.id}>
                  <Tag>{t(`lab.intent.${e.label}` as MessageKey)}</Tag> {e.text}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </div>
  );
}
