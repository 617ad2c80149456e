import { Checkbox, Form, Input, Select, Space } from 'antd';
import { DEFAULT_CSAT, MAX_REASONS, type CsatSettings, type CsatTranslation } from '../../api/csat';
import type { Reception } from '../../api/types';
import { charLimit } from '../../lib/charLimit';
import { useCsatT } from '../Workspace/csat/strings';

/** What the server accepts (src/http/schemas.ts, receptionPatchSchema.csat). */
const PROMPT_MAX = 200;
const LABEL_MAX = 20;
const REASON_MAX = 20;
const SCORES = [1, 2, 3, 4, 5] as const;

/** The form's shape of 满意度评价: empty strings where the server has null. */
export interface CsatValues {
  enabled: boolean;
  askWhenCustomerCloses: boolean;
  prompt: string;
  labels: string[];
  reasons: string[];
  thanks: string;
}
export interface CsatEnValues {
  prompt: string;
  thanks: string;
  labels: string[];
  /** zh-CN reason → English; kept for reasons removed meanwhile, sent only for those left */
  reasons: Record<string, string>;
}

export function csatToValues(r: Reception): { csat: CsatValues; en: CsatEnValues } {
  const c: CsatSettings = r.csat ?? DEFAULT_CSAT;
  const tr: Partial<CsatTranslation> = r.translations?.en.csat ?? {};
  return {
    csat: { enabled: c.enabled, askWhenCustomerCloses: c.askWhenCustomerCloses, prompt: c.prompt, labels: [...c.labels], reasons: [...c.reasons], thanks: c.thanks },
    en: { prompt: tr.prompt ?? '', thanks: tr.thanks ?? '', labels: SCORES.map((n) => tr.labels?.[n - 1] ?? ''), reasons: { ...(tr.reasons ?? {}) } },
  };
}

const orNull = (s: string | undefined) => (s?.trim() ? s.trim() : null);

export function csatToPatch(v: CsatValues, en: CsatEnValues | undefined): { csat: CsatSettings; en: CsatTranslation } {
  const reasons = [...new Set((v.reasons ?? []).map((x) => x.trim()).filter(Boolean))];
  return {
    csat: {
      enabled: v.enabled,
      askWhenCustomerCloses: v.askWhenCustomerCloses,
      prompt: v.prompt.trim(),
      labels: SCORES.map((n) => (v.labels[n - 1] ?? '').trim()) as CsatSettings['labels'],
      reasons,
      thanks: v.thanks.trim(),
    },
    en: {
      prompt: orNull(en?.prompt),
      thanks: orNull(en?.thanks),
      labels: SCORES.map((n) => orNull(en?.labels?.[n - 1])),
      reasons: Object.fromEntries(reasons.filter((x) => en?.reasons?.[x]?.trim()).map((x) => [x, en!.reasons[x].trim()])),
    },
  };
}

/**
 * 满意度评价 in 接待设置: whether to ask, also when the customer ends the chat, and the card's
 * texts (邀请语, the five score names, the reasons to tick, 感谢语), each with its English.
 * Fields of the drawer's form: `csat` and `en.csat`.
 */
export function CsatSection() {
  const ct = useCsatT();
  const enabled = Form.useWatch<boolean | undefined>(['csat', 'enabled']);
  const reasons = Form.useWatch<string[] | undefined>(['csat', 'reasons']) ?? [];
  const required = { required: true, whitespace: true, message: ct('required') };
  const pair = (key: 'prompt' | 'thanks', testId: string, hint?: string) => (
    <Form.Item label={ct(key)} htmlFor={`csat_${key}`} extra={hint} required>
      <div className="locale-pair">
        <Form.Item name={['csat', key]} noStyle rules={[required, { max: PROMPT_MAX, message: ct('tooLong', { max: PROMPT_MAX }) }]}>
          <Input.TextArea count={charLimit(PROMPT_MAX)} autoSize={{ minRows: 1, maxRows: 3 }} data-testid={testId} />
        </Form.Item>
        <Form.Item name={['en', 'csat', key]} noStyle>
          <Input.TextArea
            count={charLimit(PROMPT_MAX)}
            autoSize={{ minRows: 1, maxRows: 3 }}
            placeholder={ct('enFallback')}
            aria-label={`${ct(key)} (English)`}
            data-testid={`${testId}-en`}
          />
        </Form.Item>
      </div>
    </Form.Item>
  );
  return (
    <div data-testid="csat-settings">
      <h2 className="form-section">{ct('section')}</h2>
      <div className="muted small form-hint">{ct('sectionHint')}</div>
      <Space size={24} wrap style={{ marginBottom: 16 }}>
        <Form.Item name={['csat', 'enabled']} valuePropName="checked" noStyle>
          <Checkbox data-testid="csat-enabled">{ct('enabled')}</Checkbox>
        </Form.Item>
        <Form.Item name={['csat', 'askWhenCustomerCloses']} valuePropName="checked" noStyle>
          <Checkbox disabled={enabled === false} data-testid="csat-ask-on-close">
            {ct('askOnClose')}
          </Checkbox>
        </Form.Item>
      </Space>
      {pair('prompt', 'csat-prompt')}
      <div className="muted small form-hint">{ct('labelsHint')}</div>
      {SCORES.map((n) => (
        <Form.Item key={n} label={ct('label', { n })} htmlFor={`csat_labels_${n - 1}`} required style={{ marginBottom: 8 }}>
          <Space.Compact block>
            <Form.Item name={['csat', 'labels', n - 1]} noStyle rules={[required, { max: LABEL_MAX, message: ct('tooLong', { max: LABEL_MAX }) }]}>
              <Input count={charLimit(LABEL_MAX)} data-testid={`csat-label-${n}`} />
            </Form.Item>
            <Form.Item name={['en', 'csat', 'labels', n - 1]} noStyle>
              <Input count={charLimit(LABEL_MAX)} placeholder="English" aria-label={ct('labelEn', { n })} data-testid={`csat-label-${n}-en`} />
            </Form.Item>
          </Space.Compact>
        </Form.Item>
      ))}
      <Form.Item
        name={['csat', 'reasons']}
        label={ct('reasons')}
        extra={ct('reasonsHint', { max: MAX_REASONS })}
        rules={[
          {
            validator: async (_, v: string[] | undefined) => {
              if ((v ?? []).length > MAX_REASONS) throw new Error(ct('tooMany', { max: MAX_REASONS }));
              if ((v ?? []).some((x) => x.trim().length > REASON_MAX)) throw new Error(ct('tooLong', { max: REASON_MAX }));
            },
          },
        ]}
        style={{ marginTop: 16 }}
      >
        <Select mode="tags" tokenSeparators={[',', '，', '、']} suffixIcon={null} notFoundContent={null} placeholder={ct('reasonsPlaceholder')} data-testid="csat-reasons" />
      </Form.Item>
      {reasons.length ? (
        <div>
          {reasons.map((x) => (
            <div key={x} style={{ display: 'flex', alignItems: 'center', gap: 8, marginBottom: 8 }}>
              <span style={{ flex: 'none', width: 140, overflowWrap: 'anywhere' }}>{x}</span>
              <Form.Item name={['en', 'csat', 'reasons', x]} noStyle>
                <Input count={charLimit(REASON_MAX)} placeholder="English" aria-label={ct('reasonEn', { reason: x })} data-testid="csat-reason-en" data-reason={x} />
              </Form.Item>
            </div>
          ))}
        </div>
      ) : null}
      {pair('thanks', 'csat-thanks', ct('thanksHint'))}
    </div>
  );
}
