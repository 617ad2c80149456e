import { CopyOutlined, CustomerServiceOutlined, EditOutlined, ExportOutlined, GlobalOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, ColorPicker, Empty, Form, Input, Modal, Select, Spin, Tag } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { readableOn } from '../../../../src/core/contrast';
import { api } from '../../api';
import { MAX_NAME_CHARS, type Inbox, type InboxSettings, type Locale } from '../../api/types';
import { useT } from '../../i18n';
import { fullTime } from '../../i18n/format';
import { errorText } from '../../lib/errors';
import { useWorkspace } from '../../stores/workspace/context';
import { ReceptionDrawer } from './ReceptionDrawer';
import { charLimit } from '../../lib/charLimit';
import { useReturnFocus } from '../../lib/useReturnFocus';

const COLOR = /^#[0-9a-fA-F]{6}$/;

export function embedSnippet(token: string): string {
  return `<script src="${window.location.origin}/widget.js" data-inbox="${token}" async></script>`;
}

/** 渠道管理: web inboxes, their widget settings and the embed code. */
export default function InboxesPage() {
  const t = useT();
  const [inboxes, setInboxes] = useState<Inbox[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [editing, setEditing] = useState<Inbox | 'new' | null>(null);
  const [reception, setReception] = useState<Inbox | null>(null);
  const isAdmin = useWorkspace((s) => s.me.role === 'admin');
  const { message } = App.useApp();

  const load = useCallback(async () => {
    try {
      const { inboxes } = await api.listInboxes();
      setInboxes(inboxes);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const selected = inboxes?.find((i) => i.id === selectedId) ?? inboxes?.[0] ?? null;

  const saved = (inbox: Inbox, created: boolean) => {
    setInboxes((list) => {
      const rest = (list ?? []).filter((i) => i.id !== inbox.id);
      return created ? [...rest, inbox] : (list ?? []).map((i) => (i.id === inbox.id ? inbox : i));
    });
    setSelectedId(inbox.id);
    setEditing(null);
    message.success(created ? t('inboxes.created', { name: inbox.name }) : t('inboxes.saved'));
  };

  return (
    <div className="admin-page">
      <div className="admin-head">
        <div>
          <h1>{t('inboxes.title')}</h1>
          <div className="muted">{t('inboxes.subtitle')}</div>
        </div>
        {isAdmin ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="inbox-create">
            {t('inboxes.create')}
          </Button>
        ) : null}
      </div>
      {!isAdmin ? <Alert type="info" showIcon title={t('common.readOnlyAdmin')} style={{ marginBottom: 12 }} /> : null}
      {error ? <Alert type="error" showIcon title={errorText(error, t)} style={{ marginBottom: 12 }} /> : null}
      {inboxes === null ? (
        error ? null : (
          <div className="admin-card center-pad">
            <Spin />
          </div>
        )
      ) : inboxes.length === 0 ? (
        <div className="admin-card center-pad">
          <Empty />
        </div>
      ) : (
        <div className="inboxes-layout">
          <div className="admin-card inbox-list" role="group" aria-label={t('inboxes.title')}>
            {inboxes.map((inbox) => (
              <button
                key={inbox.id}
                type="button"
                aria-current={selected?.id === inbox.id ? 'true' : undefined}
                className={`inbox-item${selected?.id === inbox.id ? ' active' : ''}`}
                onClick={() => setSelectedId(inbox.id)}
                data-testid="inbox-item"
                data-inbox-id={inbox.id}
              >
                <span className="inbox-swatch" style={{ background: inbox.settings.color ?? '#1677ff' }}>
                  <GlobalOutlined />
                </span>
                <span className="inbox-item-body">
                  <span className="inbox-item-name">{inbox.name}</span>
                  <span className="inbox-item-sub">
                    {inbox.channelType === 'web' ? t('inboxes.typeWeb') : t('inboxes.typeApi')} · {inbox.settings.title ?? inbox.name}
                  </span>
                </span>
              </button>
            ))}
          </div>
          {selected ? (
            <InboxDetail inbox={selected} canEdit={isAdmin} onEdit={() => setEditing(selected)} onReception={() => setReception(selected)} />
          ) : null}
        </div>
      )}
      {reception ? <ReceptionDrawer key={reception.id} inbox={reception} onClose={() => setReception(null)} /> : null}
      {editing ? (
        <InboxModal
          key={editing === 'new' ? 'new' : editing.id}
          target={editing}
          onClose={() => setEditing(null)}
          onSaved={(inbox) => saved(inbox, editing === 'new')}
        />
      ) : null}
    </div>
  );
}

interface DetailProps {
  inbox: Inbox;
  canEdit: boolean;
  onEdit: () => void;
  onReception: () => void;
}

function InboxDetail({ inbox, canEdit, onEdit, onReception }: DetailProps) {
  const t = useT();
  const { message } = App.useApp();
  const pre = useRef<HTMLPreElement>(null);
  const snippet = embedSnippet(inbox.token);
  const s = inbox.settings;
  const color = s.color ?? '#1677ff';
  // the preview paints as the widget does (darkened if white text on the colour would miss AA)
  const paint = readableOn(color);

  const copy = async () => {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(snippet);
      } else {
        // http on a LAN address: no async clipboard API; select the text and use the legacy command
        const range = document.createRange();
        range.selectNodeContents(pre.current!);
        const sel = window.getSelection();
        sel?.removeAllRanges();
        sel?.addRange(range);
        const ok = document.execCommand('copy');
        sel?.removeAllRanges();
        if (!ok) throw new Error('copy failed');
      }
      message.success(t('inboxes.copied'));
    } catch {
      message.error(t('inboxes.copyFailed'));
    }
  };

  return (
    <div className="inbox-detail">
      <div className="admin-card">
        <div className="card-head">
          <span className="card-title">{inbox.name}</span>
          <span className="card-actions">
            <Button icon={<CustomerServiceOutlined />} onClick={onReception} data-testid="inbox-reception">
              {t('reception.title')}
            </Button>
            {canEdit ? (
              <Button icon={<EditOutlined />} onClick={onEdit} data-testid="inbox-edit">
                {t('inboxes.edit')}
              </Button>
            ) : null}
          </span>
        </div>
        <div className="inbox-settings">
          <dl className="kv wide">
            <dt>{t('inboxes.type')}</dt>
            <dd>
              <Tag color="blue">{inbox.channelType === 'web' ? t('inboxes.typeWeb') : t('inboxes.typeApi')}</Tag>
            </dd>
            <dt>{t('inboxes.widgetTitle')}</dt>
            <dd>{s.title ?? <span className="muted">{inbox.name}</span>}</dd>
            <dt>{t('inboxes.greeting')}</dt>
            <dd>{s.greeting ?? <span className="muted">{t('common.none')}</span>}</dd>
            <dt>{t('inboxes.color')}</dt>
            <dd>
              <span className="color-chip" style={{ background: color }} /> <span className="mono-ish">{color}</span>
            </dd>
            <dt>{t('inboxes.locale')}</dt>
            <dd>{(s.locale ?? 'zh-CN') === 'zh-CN' ? '简体中文' : 'English'}</dd>
            <dt>{t('inboxes.token')}</dt>
            <dd>
              <code className="token">{inbox.token}</code>
            </dd>
            <dt>{t('inboxes.createdAt')}</dt>
            <dd>{fullTime(inbox.createdAt)}</dd>
          </dl>
          <div className="widget-preview" aria-hidden>
            <div className="widget-preview-head" style={{ background: paint.bg, color: paint.fg }}>
              {s.title ?? inbox.name}
            </div>
            <div className="widget-preview-body">
              {s.greeting ? <div className="widget-preview-bubble">{s.greeting}</div> : null}
            </div>
            <div className="widget-preview-launcher" style={{ background: paint.bg }} />
          </div>
        </div>
      </div>
      <div className="admin-card">
        <div className="card-head">
          <span className="card-title">{t('inboxes.embed')}</span>
          <a href="/demo" target="_blank" rel="noopener noreferrer" data-testid="inbox-demo-link">
            <ExportOutlined /> {t('inboxes.demo')}
          </a>
        </div>
        <p className="muted">{t('inboxes.embedHint')}</p>
        <pre className="snippet" ref={pre} data-testid="embed-snippet">
          {snippet}
        </pre>
        <Button type="primary" icon={<CopyOutlined />} onClick={() => void copy()} data-testid="embed-copy">
          {t('inboxes.copy')}
        </Button>
      </div>
    </div>
  );
}

interface FormValues {
  name: string;
  title?: string;
  greeting?: string;
  color: string;
  locale: Locale;
}

/** Mounted per opening (keyed by target), so the form always starts from the inbox's current values. */
function InboxModal({ target, onClose, onSaved }: { target: Inbox | 'new'; onClose: () => void; onSaved: (i: Inbox) => void }) {
  useReturnFocus();
  const t = useT();
  const [form] = Form.useForm<FormValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const isNew = target === 'new';

  const initialValues: FormValues =
    target !== 'new'
      ? {
          name: target.name,
          title: target.settings.title ?? '',
          greeting: target.settings.greeting ?? '',
          color: target.settings.color ?? '#1677ff',
          locale: target.settings.locale ?? 'zh-CN',
        }
      : { name: '', title: '', greeting: '', color: '#1677ff', locale: 'zh-CN' };

  const submit = async () => {
    let v: FormValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const settings: InboxSettings = { color: v.color, locale: v.locale };
    if (v.title?.trim()) settings.title = v.title.trim();
    // the 欢迎语 (reception's welcome): emptied here, none is sent
    settings.greeting = v.greeting?.trim() ?? '';
    setBusy(true);
    setError(null);
    try {
      const inbox = isNew
        ? await api.createInbox({ name: v.name.trim(), settings })
        : await api.updateInbox(target.id, { name: v.name.trim(), settings });
      onSaved(inbox);
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={target === 'new' ? t('inboxes.create') : `${t('inboxes.edit')} · ${target.name}`}
      onCancel={onClose}
      onOk={submit}
      confirmLoading={busy}
      okText={isNew ? t('inboxes.create') : t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ ...({ 'data-testid': 'inbox-form-submit' } as object) }}
      destroyOnHidden
    >
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="vertical" requiredMark="optional" initialValues={initialValues} preserve={false} onFinish={submit}>
        <Form.Item name="name" label={t('inboxes.name')} rules={[{ required: true, whitespace: true, message: t('agents.required') }]}>
          <Input data-testid="inbox-form-name" count={charLimit(MAX_NAME_CHARS)} placeholder={t('inboxes.typeWeb')} />
        </Form.Item>
        <Form.Item name="title" label={t('inboxes.widgetTitle')}>
          <Input data-testid="inbox-form-title" count={charLimit(MAX_NAME_CHARS)} placeholder={t('inboxes.widgetTitlePlaceholder')} />
        </Form.Item>
        <Form.Item name="greeting" label={t('inboxes.greeting')} extra={t('inboxes.greetingHint')}>
          <Input.TextArea data-testid="inbox-form-greeting" count={charLimit(500)} autoSize={{ minRows: 2, maxRows: 4 }} placeholder={t('inboxes.greetingPlaceholder')} />
        </Form.Item>
        <div className="form-row">
          <Form.Item
            name="color"
            label={t('inboxes.color')}
            getValueFromEvent={(c: { toHexString: () => string }) => c.toHexString()}
            rules={[{ pattern: COLOR, message: t('inboxes.colorInvalid') }]}
          >
            <ColorPicker showText disabledAlpha format="hex" presets={[{ label: '', colors: ['#1677ff', '#13a8a8', '#52c41a', '#fa8c16', '#f5222d', '#722ed1', '#eb2f96', '#262626'] }]} />
          </Form.Item>
          <Form.Item name="locale" label={t('inboxes.locale')} style={{ width: 180 }}>
            <Select
              data-testid="inbox-form-locale"
              options={[
                { value: 'zh-CN', label: '简体中文' },
                { value: 'en', label: 'English' },
              ]}
            />
          </Form.Item>
        </div>
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}
