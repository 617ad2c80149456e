import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Checkbox, Drawer, Form, Input, InputNumber, Radio, Select, Space, Spin, Switch, Tooltip } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api';
import { MAX_NAME_CHARS, RECEPTION_MODES, type BusinessCalendar, type Inbox, type InvitationRule, type Reception, type ReceptionPatch } from '../../api/types';
import { useT } from '../../i18n';
import { errorText } from '../../lib/errors';
import { useController, useWorkspace } from '../../stores/workspace/context';
import { charLimit } from '../../lib/charLimit';
import { useReturnFocus } from '../../lib/useReturnFocus';
import { CsatSection, csatToPatch, csatToValues, type CsatEnValues, type CsatValues } from './CsatSection';

/** Select value for "no calendar" (全天) and "no group" (全部客服): antd Selects treat null as empty. */
const NONE = 0;

interface TopicValue {
  label: string;
  /** English label; empty: the zh-CN one */
  labelEn: string;
  groupId: number;
}
type MessageKey = keyof Reception['messages'];
const MESSAGE_KEYS: MessageKey[] = ['welcome', 'agentJoined', 'offline', 'idleCheckin', 'idleClose'];
interface RuleValue {
  id: string;
  name: string;
  enabled: boolean;
  pathPattern: string;
  minSecondsOnPage: number | null;
  minPageViews: number | null;
  fromSearchEngine: boolean;
  greeting: string;
}
interface FormValues {
  mode: Reception['mode'];
  calendarId: number;
  defaultGroupId: number;
  preChat: { enabled: boolean; askName: boolean; askPhone: boolean; topics: TopicValue[] };
  messages: Record<MessageKey, string>;
  /** English texts: empty fields fall back to the zh-CN ones */
  en: { title: string; messages: Record<MessageKey, string>; csat: CsatEnValues };
  timeouts: Reception['timeouts'];
  invitations: RuleValue[];
  /** 满意度评价 */
  csat: CsatValues;
}

function toValues(r: Reception): FormValues {
  const csat = csatToValues(r);
  return {
    csat: csat.csat,
    mode: r.mode,
    calendarId: r.calendarId ?? NONE,
    defaultGroupId: r.defaultGroupId ?? NONE,
    preChat: {
      ...r.preChat,
      topics: r.preChat.topics.map((x) => ({ label: x.label, labelEn: r.translations?.en.topics[x.label] ?? '', groupId: x.groupId ?? NONE })),
    },
    messages: Object.fromEntries(MESSAGE_KEYS.map((k) => [k, r.messages[k] ?? ''])) as FormValues['messages'],
    en: {
      title: r.translations?.en.title ?? '',
      messages: Object.fromEntries(MESSAGE_KEYS.map((k) => [k, r.translations?.en.messages[k] ?? ''])) as FormValues['messages'],
      csat: csat.en,
    },
    timeouts: { ...r.timeouts },
    invitations: r.invitations.map((x) => ({
      id: x.id,
      name: x.name,
      enabled: x.enabled,
      pathPattern: x.pathPattern ?? '',
      minSecondsOnPage: x.minSecondsOnPage ?? null,
      minPageViews: x.minPageViews ?? null,
      fromSearchEngine: x.fromSearchEngine ?? false,
      greeting: x.greeting,
    })),
  };
}

const text = (s: string | undefined) => (s?.trim() ? s.trim() : null);

function toPatch(v: FormValues): ReceptionPatch {
  const csat = csatToPatch(v.csat, v.en?.csat);
  return {
    csat: csat.csat,
    mode: v.mode,
    calendarId: v.calendarId === NONE ? null : v.calendarId,
    defaultGroupId: v.defaultGroupId === NONE ? null : v.defaultGroupId,
    preChat: {
      enabled: v.preChat.enabled,
      askName: v.preChat.askName,
      askPhone: v.preChat.askPhone,
      topics: (v.preChat.topics ?? []).map((x) => ({ label: x.label.trim(), groupId: x.groupId === NONE ? null : x.groupId })),
    },
    messages: Object.fromEntries(MESSAGE_KEYS.map((k) => [k, text(v.messages[k])])),
    translations: {
      en: {
        title: text(v.en?.title),
        messages: Object.fromEntries(MESSAGE_KEYS.map((k) => [k, text(v.en?.messages?.[k])])),
        topics: Object.fromEntries(
          (v.preChat.topics ?? []).filter((x) => x.label.trim() && x.labelEn?.trim()).map((x) => [x.label.trim(), x.labelEn.trim()]),
        ),
        csat: csat.en,
      },
    },
    timeouts: v.timeouts,
    invitations: (v.invitations ?? []).map((x): InvitationRule => {
      const rule: InvitationRule = { id: x.id, name: x.name.trim(), enabled: x.enabled, greeting: x.greeting.trim() };
      if (x.pathPattern.trim()) rule.pathPattern = x.pathPattern.trim();
      if (x.minSecondsOnPage !== null && x.minSecondsOnPage !== undefined) rule.minSecondsOnPage = x.minSecondsOnPage;
      if (x.minPageViews !== null && x.minPageViews !== undefined) rule.minPageViews = x.minPageViews;
      if (x.fromSearchEngine) rule.fromSearchEngine = true;
      return rule;
    }),
  };
}

const MESSAGE_LABELS = {
  welcome: 'reception.welcome',
  agentJoined: 'reception.agentJoined',
  offline: 'reception.offline',
  idleCheckin: 'reception.idleCheckin',
  idleClose: 'reception.idleClose',
} as const;
const MESSAGE_HINTS: Partial<Record<MessageKey, 'reception.welcomeHint' | 'reception.agentJoinedHint' | 'reception.offlineHint'>> = {
  welcome: 'reception.welcomeHint',
  agentJoined: 'reception.agentJoinedHint',
  offline: 'reception.offlineHint',
};
const TEST_IDS: Record<MessageKey, string> = { welcome: 'welcome', agentJoined: 'agent-joined', offline: 'offline', idleCheckin: 'idle-checkin', idleClose: 'idle-close' };

const ruleId = () => `r${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/**
 * 接待设置 of one inbox: mode, hours, default group, pre-chat form, automatic
 * replies, timeouts and automatic invitations. PATCHed whole; effective at once.
 */
export function ReceptionDrawer({ inbox, onClose }: { inbox: Inbox; onClose: () => void }) {
  useReturnFocus();
  const t = useT();
  const controller = useController();
  const isAdmin = useWorkspace((s) => s.me.role === 'admin');
  const groupsById = useWorkspace((s) => s.groups);
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [initial, setInitial] = useState<FormValues | null>(null);
  const [calendars, setCalendars] = useState<BusinessCalendar[]>([]);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void controller.loadGroups();
    Promise.all([api.reception(inbox.id), api.listCalendars()])
      .then(([r, c]) => {
        if (!live) return;
        setInitial(toValues(r));
        setCalendars(c.calendars);
      })
      .catch((err) => live && setLoadError(err));
    return () => {
      live = false;
    };
  }, [inbox.id, controller]);

  const groupOptions = [
    { value: NONE, label: t('reception.allAgents') },
    ...Object.values(groupsById)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((g) => ({ value: g.id, label: g.name })),
  ];
  const calendarOptions = [{ value: NONE, label: t('reception.alwaysOpen') }, ...calendars.map((c) => ({ value: c.id, label: `${c.name} (${c.timezone})` }))];

  const save = async () => {
    try {
      await form.validateFields();
    } catch {
      setError(t('reception.fixErrors'));
      return;
    }
    // all values, also those without a field (an invitation rule's id)
    const v = form.getFieldsValue(true) as FormValues;
    setBusy(true);
    setError(null);
    try {
      const saved = await api.updateReception(inbox.id, toPatch(v));
      const values = toValues(saved);
      setInitial(values);
      form.setFieldsValue(values);
      message.success(t('reception.saved'));
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open
      autoFocus
      size={720}
      onClose={onClose}
      destroyOnHidden
      title={`${t('reception.title')} · ${inbox.name}`}
      footer={
        isAdmin ? (
          <div className="drawer-footer">
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="primary" loading={busy} disabled={!initial} onClick={() => void save()} data-testid="reception-save">
              {t('common.save')}
            </Button>
          </div>
        ) : null
      }
    >
      {!isAdmin ? <Alert type="info" showIcon title={t('common.readOnlyAdmin')} style={{ marginBottom: 12 }} /> : null}
      {loadError ? <Alert type="error" showIcon title={errorText(loadError, t)} /> : null}
      {error ? <Alert type="error" showIcon title={<span data-testid="reception-error">{error}</span>} style={{ marginBottom: 12 }} /> : null}
      {!initial ? (
        loadError ? null : (
          <div className="center-pad">
            <Spin />
          </div>
        )
      ) : (
        <Form<FormValues> form={form} layout="vertical" initialValues={initial} disabled={!isAdmin} className="reception-form" data-testid="reception-form">
          <h2 className="form-section">{t('reception.sectionRouting')}</h2>
          <Form.Item name="mode" label={t('reception.mode')} extra={<ModeHint />}>
            <Radio.Group
              data-testid="reception-mode"
              optionType="button"
              buttonStyle="solid"
              options={RECEPTION_MODES.map((m) => ({ value: m, label: <span data-testid={`reception-mode-${m}`}>{t(`mode.${m}`)}</span> }))}
            />
          </Form.Item>
          <div className="form-row">
            <Form.Item name="calendarId" label={t('reception.calendar')} extra={t('reception.calendarHint')} style={{ flex: 1 }}>
              <Select data-testid="reception-calendar" options={calendarOptions} />
            </Form.Item>
            <Form.Item name="defaultGroupId" label={t('reception.defaultGroup')} extra={t('reception.defaultGroupHint')} style={{ flex: 1 }}>
              <Select data-testid="reception-default-group" options={groupOptions} />
            </Form.Item>
          </div>

          <h2 className="form-section">{t('reception.sectionPreChat')}</h2>
          <Space size={24} wrap>
            <Form.Item name={['preChat', 'enabled']} valuePropName="checked" noStyle>
              <Checkbox data-testid="prechat-enabled">{t('reception.preChatEnabled')}</Checkbox>
            </Form.Item>
            <Form.Item name={['preChat', 'askName']} valuePropName="checked" noStyle>
              <Checkbox data-testid="prechat-ask-name">{t('reception.askName')}</Checkbox>
            </Form.Item>
            <Form.Item name={['preChat', 'askPhone']} valuePropName="checked" noStyle>
              <Checkbox data-testid="prechat-ask-phone">{t('reception.askPhone')}</Checkbox>
            </Form.Item>
          </Space>
          <div className="muted small form-hint">{t('reception.topicsHint')}</div>
          <Form.List name={['preChat', 'topics']}>
            {(fields, { add, remove }) => (
              <div className="topic-list" data-testid="prechat-topics">
                {fields.map((f) => (
                  <div key={f.key} className="topic-row" data-testid="prechat-topic">
                    <Form.Item
                      name={[f.name, 'label']}
                      rules={[
                        { required: true, whitespace: true, message: t('agents.required') },
                        { max: 30, message: t('reception.topicTooLong') },
                      ]}
                      style={{ flex: 1, marginBottom: 8 }}
                    >
                      <Input placeholder={t('reception.topicLabel')} count={charLimit(30)} data-testid="prechat-topic-label" />
                    </Form.Item>
                    <Form.Item name={[f.name, 'labelEn']} rules={[{ max: 30, message: t('reception.topicTooLong') }]} style={{ width: 150, marginBottom: 8 }}>
                      <Input placeholder={t('reception.topicLabelEn')} count={charLimit(30)} data-testid="prechat-topic-label-en" />
                    </Form.Item>
                    <span className="topic-arrow">→</span>
                    <Form.Item name={[f.name, 'groupId']} style={{ width: 220, marginBottom: 8 }}>
                      <Select options={groupOptions} data-testid="prechat-topic-group" />
                    </Form.Item>
                    <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('groups.delete')} />
                  </div>
                ))}
                {fields.length < 20 ? (
                  <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add({ label: '', labelEn: '', groupId: NONE })} data-testid="prechat-topic-add">
                    {t('reception.addTopic')}
                  </Button>
                ) : null}
              </div>
            )}
          </Form.List>

          <h2 className="form-section">{t('reception.sectionMessages')}</h2>
          <div className="muted small form-hint">{t('reception.localesHint')}</div>
          <Form.Item label={t('reception.titleEn')} extra={t('reception.titleEnHint')}>
            <Form.Item name={['en', 'title']} noStyle>
              <Input count={charLimit(MAX_NAME_CHARS)} placeholder={inbox.settings.title ?? inbox.name} data-testid="reception-title-en" />
            </Form.Item>
          </Form.Item>
          {MESSAGE_KEYS.map((k) => (
            <Form.Item key={k} label={t(MESSAGE_LABELS[k])} htmlFor={`messages_${k}`} extra={MESSAGE_HINTS[k] ? t(MESSAGE_HINTS[k]!) : undefined}>
              <div className="locale-pair">
                <Form.Item name={['messages', k]} noStyle>
                  <Input.TextArea count={charLimit(1000)} autoSize={{ minRows: 1, maxRows: 4 }} data-testid={`reception-msg-${TEST_IDS[k]}`} />
                </Form.Item>
                <Form.Item name={['en', 'messages', k]} noStyle>
                  <Input.TextArea
                    count={charLimit(1000)}
                    autoSize={{ minRows: 1, maxRows: 4 }}
                    placeholder={t('reception.enFallback')}
                    aria-label={`${t(MESSAGE_LABELS[k])} (English)`}
                    data-testid={`reception-msg-${TEST_IDS[k]}-en`}
                  />
                </Form.Item>
              </div>
            </Form.Item>
          ))}

          <CsatSection />

          <h2 className="form-section">{t('reception.sectionTimeouts')}</h2>
          <div className="timeouts-grid">
            <Form.Item name={['timeouts', 'agentResponseSeconds']} label={t('reception.agentResponse')} extra={t('reception.agentResponseHint')}>
              <OptionalNumber label={t('reception.agentResponse')} min={10} max={86_400} unit={t('reception.unitSeconds')} fallback={60} testId="reception-agent-response" />
            </Form.Item>
            <Form.Item name={['timeouts', 'reassignAfterSeconds']} label={t('reception.reassign')} extra={t('reception.reassignHint')}>
              <OptionalNumber label={t('reception.reassign')} min={10} max={86_400} unit={t('reception.unitSeconds')} fallback={120} testId="reception-reassign" />
            </Form.Item>
            <Form.Item name={['timeouts', 'idleCheckinMinutes']} label={t('reception.idleCheckinAfter')} extra={t('reception.idleCheckinHint')}>
              <OptionalNumber label={t('reception.idleCheckinAfter')} min={1} max={1440} unit={t('reception.unitMinutes')} fallback={5} testId="reception-idle-checkin" />
            </Form.Item>
            <Form.Item name={['timeouts', 'idleCloseMinutes']} label={t('reception.idleCloseAfter')} extra={t('reception.idleCloseHint')}>
              <OptionalNumber label={t('reception.idleCloseAfter')} min={1} max={1440} unit={t('reception.unitMinutes')} fallback={5} testId="reception-idle-close" />
            </Form.Item>
            <Form.Item
              name={['timeouts', 'queueAbandonSeconds']}
              label={t('reception.queueAbandon')}
              extra={t('reception.queueAbandonHint')}
              rules={[{ required: true, message: t('agents.required') }]}
            >
              <InputNumber min={10} max={3600} precision={0} suffix={t('reception.unitSeconds')} style={{ width: 160 }} data-testid="reception-queue-abandon" />
            </Form.Item>
          </div>

          <h2 className="form-section">{t('reception.sectionInvitations')}</h2>
          <div className="muted small form-hint">{t('reception.invitationsHint')}</div>
          <Form.List name="invitations">
            {(fields, { add, remove }) => (
              <div className="rule-list" data-testid="invitation-rules">
                {fields.map((f) => (
                  <div key={f.key} className="rule-card" data-testid="invitation-rule">
                    <div className="rule-head">
                      <Form.Item name={[f.name, 'name']} rules={[{ required: true, whitespace: true, message: t('agents.required') }]} style={{ flex: 1, marginBottom: 8 }}>
                        <Input placeholder={t('reception.ruleName')} count={charLimit(MAX_NAME_CHARS)} data-testid="invitation-rule-name" />
                      </Form.Item>
                      <Form.Item name={[f.name, 'enabled']} valuePropName="checked" style={{ marginBottom: 8 }}>
                        <Switch checkedChildren={t('reception.ruleOn')} unCheckedChildren={t('reception.ruleOff')} data-testid="invitation-rule-enabled" />
                      </Form.Item>
                      <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('groups.delete')} />
                    </div>
                    <div className="rule-conditions">
                      <Form.Item name={[f.name, 'pathPattern']} label={t('reception.rulePath')} tooltip={t('reception.rulePathHint')}>
                        <Input placeholder="/pricing, /products/*" count={charLimit(300)} data-testid="invitation-rule-path" />
                      </Form.Item>
                      <Form.Item name={[f.name, 'minSecondsOnPage']} label={t('reception.ruleSeconds')}>
                        <InputNumber min={0} max={3600} precision={0} suffix={t('reception.unitSeconds')} style={{ width: '100%' }} data-testid="invitation-rule-seconds" />
                      </Form.Item>
                      <Form.Item name={[f.name, 'minPageViews']} label={t('reception.rulePageViews')}>
                        <InputNumber min={1} max={100} precision={0} style={{ width: '100%' }} data-testid="invitation-rule-pageviews" />
                      </Form.Item>
                      <Form.Item name={[f.name, 'fromSearchEngine']} valuePropName="checked" label={t('reception.ruleSearch')}>
                        <Switch size="small" data-testid="invitation-rule-search" />
                      </Form.Item>
                    </div>
                    <Form.Item
                      name={[f.name, 'greeting']}
                      label={t('reception.ruleGreeting')}
                      rules={[{ required: true, whitespace: true, message: t('agents.required') }]}
                      style={{ marginBottom: 0 }}
                    >
                      <Input.TextArea count={charLimit(500)} autoSize={{ minRows: 1, maxRows: 3 }} data-testid="invitation-rule-greeting" />
                    </Form.Item>
                  </div>
                ))}
                {fields.length < 20 ? (
                  <Button
                    type="dashed"
                    size="small"
                    icon={<PlusOutlined />}
                    data-testid="invitation-rule-add"
                    onClick={() =>
                      add({
                        id: ruleId(),
                        name: '',
                        enabled: true,
                        pathPattern: '',
                        minSecondsOnPage: 30,
                        minPageViews: null,
                        fromSearchEngine: false,
                        greeting: t('reception.ruleGreetingDefault'),
                      } satisfies RuleValue)
                    }
                  >
                    {t('reception.addRule')}
                  </Button>
                ) : null}
              </div>
            )}
          </Form.List>
        </Form>
      )}
    </Drawer>
  );
}

function ModeHint() {
  const t = useT();
  const mode = Form.useWatch<Reception['mode'] | undefined>('mode');
  return <span>{mode ? t(`mode.${mode}.hint`) : null}</span>;
}

/** A number that can be switched off (null): 超时后自动转接 / 客户无响应询问 … */
function OptionalNumber({
  id,
  label,
  value,
  onChange,
  min,
  max,
  unit,
  fallback,
  testId,
  disabled,
}: {
  /** From the Form.Item: its label points at the number. */
  id?: string;
  /** The field's label, the switch's name too. */
  label: string;
  value?: number | null;
  onChange?: (v: number | null) => void;
  min: number;
  max: number;
  unit: string;
  fallback: number;
  testId: string;
  disabled?: boolean;
}) {
  const t = useT();
  const [last, setLast] = useState<number>(value ?? fallback);
  const on = value !== null && value !== undefined;
  return (
    <Space size={8}>
      <Tooltip title={on ? t('reception.turnOff') : t('reception.turnOn')}>
        <Switch size="small" checked={on} disabled={disabled} onChange={(c) => onChange?.(c ? last : null)} aria-label={label} data-testid={`${testId}-on`} />
      </Tooltip>
      <InputNumber
        id={id}
        min={min}
        max={max}
        precision={0}
        value={on ? value : null}
        placeholder={t('reception.off')}
        disabled={disabled || !on}
        suffix={unit}
        style={{ width: 150 }}
        onChange={(v) => {
          if (typeof v === 'number') {
            setLast(v);
            onChange?.(v);
          }
        }}
        data-testid={testId}
      />
    </Space>
  );
}
