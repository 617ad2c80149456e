import { KeyOutlined, PlusOutlined, SearchOutlined, StopOutlined, CheckCircleOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Tooltip, type TableColumnsType } from 'antd';
import { useEffect, useMemo, useRef, useState, type HTMLAttributes } from 'react';
import { api, ApiError } from '../../api';
import { LIMITS, MAX_NAME_CHARS, ROLES, type Agent, type Role } from '../../api/types';
import { AvailabilityDot } from '../../components/AvailabilityDot';
import { useT } from '../../i18n';
import { fullTime } from '../../i18n/format';
import { errorText } from '../../lib/errors';
import { selectAgentList } from '../../stores/workspace/selectors';
import { useController, useWorkspace } from '../../stores/workspace/context';
import { charLimit } from '../../lib/charLimit';
import { useReturnFocus } from '../../lib/useReturnFocus';

const roleColor: Record<Role, string> = { admin: 'red', supervisor: 'gold', agent: 'blue', qa: 'purple', qa_lead: 'magenta' };
const AGENT_NO = /^[0-9A-Za-z-]{1,20}$/;
/** The server's range for 接待上限 */
const MAX_CONCURRENT = { min: 0, max: 200, default: 5 };

/** 客服管理: admins manage accounts; supervisors see the list. Live through agent/presence frames. */
export default function AgentsPage() {
  const t = useT();
  const controller = useController();
  const agents = useWorkspace(selectAgentList);
  const me = useWorkspace((s) => s.me);
  const loaded = useWorkspace((s) => s.agentsLoaded);
  const isAdmin = me.role === 'admin';
  const [query, setQuery] = useState('');
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<Agent | null>(null);
  const [busyId, setBusyId] = useState<number | null>(null);
  const { message, modal } = App.useApp();

  useEffect(() => {
    void controller.loadAgents();
  }, [controller]);

  const filtered = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!q) return agents;
    return agents.filter((a) => `${a.name} ${a.email} ${a.agentNo ?? ''}`.toLowerCase().includes(q));
  }, [agents, query]);

  const patch = async (agent: Agent, body: Parameters<typeof api.updateAgent>[1], done: string) => {
    setBusyId(agent.id);
    try {
      const updated = await api.updateAgent(agent.id, body);
      controller.store.dispatch({ type: 'agent/upsert', agent: updated });
      message.success(done);
    } catch (err) {
      message.error(errorText(err, t));
    } finally {
      setBusyId(null);
    }
  };

  const confirmActive = (agent: Agent) => {
    const deactivate = agent.active;
    modal.confirm({
      title: deactivate ? t('agents.deactivateConfirm', { name: agent.name }) : t('agents.reactivateConfirm', { name: agent.name }),
      content: deactivate ? t('agents.deactivateHint') : t('agents.reactivateHint'),
      okText: deactivate ? t('agents.deactivate') : t('agents.reactivate'),
      okButtonProps: { danger: deactivate, ...({ 'data-testid': 'confirm-ok' } as object) },
      cancelText: t('common.cancel'),
      onOk: () => patch(agent, { active: !deactivate }, t('agents.updated')),
    });
  };

  const columns: TableColumnsType<Agent> = [
    {
      title: t('agents.name'),
      dataIndex: 'name',
      render: (_, a) => (
        <Space size={6}>
          <span className="strong">{a.name}</span>
          {a.id === me.id ? <Tag>{t('agents.you')}</Tag> : null}
        </Space>
      ),
    },
    { title: t('agents.email'), dataIndex: 'email', render: (v: string) => <span className="mono-ish">{v}</span> },
    { title: t('agents.agentNo'), dataIndex: 'agentNo', width: 100, render: (v: string | null) => v ?? <span className="muted">{t('common.none')}</span> },
    {
      title: t('agents.role'),
      dataIndex: 'role',
      width: 150,
      render: (role: Role, a) =>
        isAdmin && a.active ? (
          <Select<Role>
            size="small"
            value={role}
            style={{ width: 120 }}
            disabled={busyId === a.id}
            data-testid="agent-role-select"
            aria-label={t('agents.roleOf', { name: a.name })}
            onChange={(r) => void patch(a, { role: r }, t('agents.roleChanged', { name: a.name, role: t(`role.${r}`) }))}
            options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
            optionRender={(option) => <span data-testid={`role-${option.value}`}>{option.label}</span>}
          />
        ) : (
          <Tag color={roleColor[role]}>{t(`role.${role}`)}</Tag>
        ),
    },
    {
      title: t('agents.status'),
      dataIndex: 'availability',
      width: 90,
      render: (_, a) => (a.active ? <AvailabilityDot value={a.availability} /> : <span className="muted">{t('common.none')}</span>),
    },
    {
      title: (
        <Tooltip title={t('agents.maxConcurrentHint')}>
          <span>{t('agents.maxConcurrent')}</span>
        </Tooltip>
      ),
      dataIndex: 'maxConcurrent',
      width: 110,
      render: (max: number, a) =>
        isAdmin && a.active ? (
          <MaxInput label={t('agents.maxOf', { name: a.name })} value={max} disabled={busyId === a.id} onCommit={(v) => void patch(a, { maxConcurrent: v }, t('agents.maxChanged', { name: a.name, n: v }))} />
        ) : (
          <span data-testid="agent-max">{max}</span>
        ),
    },
    {
      title: t('agents.active'),
      dataIndex: 'active',
      width: 90,
      render: (active: boolean) => (active ? <Tag color="success">{t('agents.activeYes')}</Tag> : <Tag>{t('agents.activeNo')}</Tag>),
    },
    { title: t('inboxes.createdAt'), dataIndex: 'createdAt', width: 150, render: (v: string) => <span className="muted">{fullTime(v)}</span> },
    ...(isAdmin
      ? [
          {
            title: t('agents.actions'),
            key: 'actions',
            width: 200,
            render: (_: unknown, a: Agent) => (
              <Space size={0}>
                <Button size="small" type="link" icon={<KeyOutlined />} onClick={() => setResetting(a)} data-testid="agent-reset-password">
                  {t('agents.resetPassword')}
                </Button>
                {a.active ? (
                  <Button
                    size="small"
                    type="link"
                    danger
                    icon={<StopOutlined />}
                    loading={busyId === a.id}
                    disabled={a.id === me.id}
                    onClick={() => confirmActive(a)}
                    data-testid="agent-deactivate"
                  >
                    {t('agents.deactivate')}
                  </Button>
                ) : (
                  <Button size="small" type="link" icon={<CheckCircleOutlined />} loading={busyId === a.id} onClick={() => confirmActive(a)} data-testid="agent-reactivate">
                    {t('agents.reactivate')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <div className="admin-page">
      <div className="admin-head">
        <div>
          <h1>{t('agents.title')}</h1>
          <div className="muted">{t('agents.subtitle')}</div>
        </div>
        <Space>
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder={t('agents.search')}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            style={{ width: 240 }}
          />
          {isAdmin ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="agent-create">
              {t('agents.create')}
            </Button>
          ) : null}
        </Space>
      </div>
      {!isAdmin ? <Alert type="info" showIcon title={t('agents.readOnly')} style={{ marginBottom: 12 }} /> : null}
      <div className="admin-card">
        <Table<Agent>
          rowKey="id"
          size="middle"
          loading={!loaded}
          columns={columns}
          dataSource={filtered}
          pagination={filtered.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
          onRow={(a) => ({ 'data-testid': 'agent-row', 'data-agent-id': a.id, className: a.active ? '' : 'row-inactive' }) as HTMLAttributes<HTMLElement>}
        />
      </div>
      {creating ? (
        <CreateAgentModal
          onClose={() => setCreating(false)}
          onCreated={(agent) => {
            controller.store.dispatch({ type: 'agent/upsert', agent });
            message.success(t('agents.created', { name: agent.name }));
            setCreating(false);
          }}
        />
      ) : null}
      {resetting ? (
        <ResetPasswordModal
          key={resetting.id}
          agent={resetting}
          onClose={() => setResetting(null)}
          onDone={(agent) => {
            message.success(t('agents.passwordReset', { name: agent.name }));
            setResetting(null);
          }}
        />
      ) : null}
    </div>
  );
}

/**
 * 接待上限 in the table: saved on Enter or when leaving the field, if changed — once:
 * Enter saves, the field is disabled while saving, and that takes the focus away (a
 * blur), which must not save (and toast) the same value a second time.
 */
function MaxInput({ label, value, disabled, onCommit }: { label: string; value: number; disabled: boolean; onCommit: (v: number) => void }) {
  const [draft, setDraft] = useState<number | null>(value);
  const sent = useRef<number | null>(null);
  useEffect(() => {
    setDraft(value);
    sent.current = null;
  }, [value]);
  const commit = () => {
    if (draft === null || draft === value) {
      setDraft(value);
      return;
    }
    if (draft === sent.current) return;
    sent.current = draft;
    onCommit(draft);
  };
  return (
    <InputNumber
      size="small"
      min={MAX_CONCURRENT.min}
      max={MAX_CONCURRENT.max}
      precision={0}
      value={draft}
      disabled={disabled}
      onChange={(v) => {
        sent.current = null; // typed again (after a refusal, even the same value): save it
        setDraft(typeof v === 'number' ? v : null);
      }}
      onBlur={commit}
      onPressEnter={commit}
      style={{ width: 72 }}
      aria-label={label}
      data-testid="agent-max-input"
    />
  );
}

interface CreateValues {
  email: string;
  name: string;
  agentNo?: string;
  role: Role;
  password: string;
  maxConcurrent: number;
}

/** Mounted per opening: a fresh form every time. */
function CreateAgentModal({ onClose, onCreated }: { onClose: () => void; onCreated: (a: Agent) => void }) {
  useReturnFocus();
  const t = useT();
  const [form] = Form.useForm<CreateValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    let values: CreateValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const agent = await api.createAgent({
        email: values.email.trim(),
        name: values.name.trim(),
        role: values.role,
        password: values.password,
        agentNo: values.agentNo?.trim() ? values.agentNo.trim() : null,
        maxConcurrent: values.maxConcurrent,
      });
      onCreated(agent);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'email_taken') form.setFields([{ name: 'email', errors: [errorText(err, t)] }]);
      else if (err instanceof ApiError && err.code === 'agent_no_taken') form.setFields([{ name: 'agentNo', errors: [errorText(err, t)] }]);
      else setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t('agents.create')}
      onCancel={onClose}
      onOk={submit}
      confirmLoading={busy}
      okText={t('agents.create')}
      cancelText={t('common.cancel')}
      okButtonProps={{ ...({ 'data-testid': 'agent-form-submit' } as object) }}
      destroyOnHidden
    >
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="agent-form-error" /> : null}
      <Form form={form} layout="vertical" requiredMark="optional" initialValues={{ role: 'agent', maxConcurrent: MAX_CONCURRENT.default }} preserve={false} onFinish={submit}>
        <Form.Item
          name="email"
          label={t('agents.email')}
          rules={[
            { required: true, message: t('agents.required') },
            { type: 'email', message: t('agents.emailInvalid') },
          ]}
        >
          <Input data-testid="agent-form-email" autoComplete="off" placeholder="name@example.com" />
        </Form.Item>
        <Space.Compact block>
          <Form.Item name="name" label={t('agents.name')} rules={[{ required: true, whitespace: true, message: t('agents.required') }]} style={{ flex: 1, marginRight: 12 }}>
            <Input data-testid="agent-form-name" count={charLimit(MAX_NAME_CHARS)} autoComplete="off" />
          </Form.Item>
          <Form.Item name="agentNo" label={t('agents.agentNo')} rules={[{ pattern: AGENT_NO, message: t('agents.agentNoInvalid') }]} style={{ width: 140 }}>
            <Input data-testid="agent-form-agent-no" maxLength={20} autoComplete="off" placeholder={t('agents.agentNoAuto')} />
          </Form.Item>
        </Space.Compact>
        <div className="form-row">
          <Form.Item name="role" label={t('agents.role')} rules={[{ required: true }]} style={{ flex: 1 }}>
            <Select
              data-testid="agent-form-role"
              options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
              optionRender={(option) => <span data-testid={`agent-form-role-${option.value}`}>{option.label}</span>}
            />
          </Form.Item>
          <Form.Item name="maxConcurrent" label={t('agents.maxConcurrent')} tooltip={t('agents.maxConcurrentHint')} rules={[{ required: true }]} style={{ width: 140 }}>
            <InputNumber min={MAX_CONCURRENT.min} max={MAX_CONCURRENT.max} precision={0} style={{ width: '100%' }} data-testid="agent-form-max" />
          </Form.Item>
        </div>
        <Form.Item
          name="password"
          label={t('agents.password')}
          extra={t('agents.passwordHint')}
          rules={[
            { required: true, message: t('agents.required') },
            { min: LIMITS.minPassword, message: t('agents.passwordShort') },
          ]}
        >
          <Input.Password data-testid="agent-form-password" autoComplete="new-password" />
        </Form.Item>
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}

function ResetPasswordModal({ agent, onClose, onDone }: { agent: Agent; onClose: () => void; onDone: (a: Agent) => void }) {
  useReturnFocus();
  const t = useT();
  const [form] = Form.useForm<{ password: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    let values: { password: string };
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    try {
      const updated = await api.updateAgent(agent.id, { password: values.password });
      onDone(updated);
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={`${t('agents.resetPassword')} · ${agent.name}`}
      onCancel={onClose}
      onOk={submit}
      confirmLoading={busy}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ ...({ 'data-testid': 'reset-password-submit' } as object) }}
      destroyOnHidden
    >
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="vertical" preserve={false} onFinish={submit}>
        <Form.Item
          name="password"
          label={t('agents.newPassword')}
          extra={t('agents.passwordHint')}
          rules={[
            { required: true, message: t('agents.required') },
            { min: LIMITS.minPassword, message: t('agents.passwordShort') },
          ]}
        >
          <Input.Password data-testid="reset-password-input" autoComplete="new-password" />
        </Form.Item>
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}
