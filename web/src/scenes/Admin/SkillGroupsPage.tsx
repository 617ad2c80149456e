import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Input, Modal, Radio, Select, Space, Switch, Table, Tag, Tooltip, type FormInstance, type TableColumnsType } from 'antd';
import { useEffect, useMemo, useState, type HTMLAttributes } from 'react';
import { api, ApiError } from '../../api';
import { MAX_NAME_CHARS, STRATEGIES, type Agent, type SkillGroup, type SkillGroupInput, type Strategy } from '../../api/types';
import { AvailabilityDot } from '../../components/AvailabilityDot';
import { useT } from '../../i18n';
import { errorText } from '../../lib/errors';
import { selectAgentList } from '../../stores/workspace/selectors';
import { useController, useWorkspace } from '../../stores/workspace/context';
import { charLimit } from '../../lib/charLimit';
import { useReturnFocus } from '../../lib/useReturnFocus';

const strategyColor: Record<Strategy, string> = { load_balanced: 'blue', round_robin: 'cyan', manual: 'orange' };

/** 技能组: who serves which customers and how conversations are handed out. Admins edit; supervisors see. */
export default function SkillGroupsPage() {
  const t = useT();
  const controller = useController();
  const me = useWorkspace((s) => s.me);
  const groupsById = useWorkspace((s) => s.groups);
  const loaded = useWorkspace((s) => s.groupsLoaded);
  const agents = useWorkspace(selectAgentList);
  const isAdmin = me.role === 'admin';
  const [editing, setEditing] = useState<SkillGroup | 'new' | null>(null);
  const [busyId, setBusyId] = useState<number | null>(null);
  const { message, modal } = App.useApp();

  useEffect(() => {
    void controller.loadGroups();
    void controller.loadAgents();
  }, [controller]);

  const groups = useMemo(() => Object.values(groupsById).sort((a, b) => a.id - b.id), [groupsById]);
  const agentName = (id: number) => agents.find((a) => a.id === id)?.name ?? `#${id}`;

  const remove = (g: SkillGroup) =>
    modal.confirm({
      title: t('groups.deleteConfirm', { name: g.name }),
      content: t('groups.deleteHint'),
      okText: t('groups.delete'),
      okButtonProps: { danger: true, ...({ 'data-testid': 'confirm-ok' } as object) },
      cancelText: t('common.cancel'),
      onOk: async () => {
        setBusyId(g.id);
        try {
          await api.deleteGroup(g.id);
          controller.store.dispatch({ type: 'group/remove', id: g.id });
          message.success(t('groups.deleted', { name: g.name }));
        } catch (err) {
          message.error(errorText(err, t));
        } finally {
          setBusyId(null);
        }
      },
    });

  const columns: TableColumnsType<SkillGroup> = [
    { title: t('groups.name'), dataIndex: 'name', render: (v: string) => <span className="strong">{v}</span> },
    {
      title: t('groups.strategy'),
      dataIndex: 'strategy',
      width: 120,
      render: (s: Strategy) => (
        <Tooltip title={t(`strategy.${s}.hint`)}>
          <Tag color={strategyColor[s]}>{t(`strategy.${s}`)}</Tag>
        </Tooltip>
      ),
    },
    {
      title: t('groups.sticky'),
      dataIndex: 'sticky',
      width: 110,
      render: (v: boolean) => (v ? <Tag color="success">{t('groups.stickyOn')}</Tag> : <span className="muted">{t('groups.stickyOff')}</span>),
    },
    {
      title: t('groups.leader'),
      dataIndex: 'leaderId',
      width: 120,
      render: (id: number | null) => (id !== null ? agentName(id) : <span className="muted">{t('common.none')}</span>),
    },
    {
      title: t('groups.members'),
      dataIndex: 'memberIds',
      render: (ids: number[]) =>
        ids.length === 0 ? (
          <span className="muted">{t('groups.noMembers')}</span>
        ) : (
          <span className="member-tags">
            {ids.map((id) => {
              const a = agents.find((x) => x.id === id);
              return (
                <Tag key={id} className="member-tag">
                  {a ? <AvailabilityDot value={a.availability} label={false} /> : null} {a?.name ?? `#${id}`}
                </Tag>
              );
            })}
          </span>
        ),
    },
    ...(isAdmin
      ? [
          {
            title: t('agents.actions'),
            key: 'actions',
            width: 150,
            render: (_: unknown, g: SkillGroup) => (
              <Space size={0}>
                <Button size="small" type="link" icon={<EditOutlined />} onClick={() => setEditing(g)} data-testid="group-edit">
                  {t('inboxes.edit')}
                </Button>
                <Button size="small" type="link" danger icon={<DeleteOutlined />} loading={busyId === g.id} onClick={() => remove(g)} data-testid="group-delete">
                  {t('groups.delete')}
                </Button>
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
          <h1>{t('groups.title')}</h1>
          <div className="muted">{t('groups.subtitle')}</div>
        </div>
        {isAdmin ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="group-create">
            {t('groups.create')}
          </Button>
        ) : null}
      </div>
      {!isAdmin ? <Alert type="info" showIcon title={t('common.readOnlyAdmin')} style={{ marginBottom: 12 }} /> : null}
      <div className="admin-card">
        <Table<SkillGroup>
          rowKey="id"
          size="middle"
          loading={!loaded}
          columns={columns}
          dataSource={groups}
          pagination={false}
          locale={{ emptyText: t('groups.empty') }}
          onRow={(g) => ({ 'data-testid': 'group-row', 'data-group-id': g.id }) as HTMLAttributes<HTMLElement>}
        />
      </div>
      {editing ? (
        <GroupModal
          key={editing === 'new' ? 'new' : editing.id}
          target={editing}
          agents={agents.filter((a) => a.active)}
          onClose={() => setEditing(null)}
          onSaved={(g, created) => {
            controller.store.dispatch({ type: 'group/upsert', group: g });
            message.success(created ? t('groups.created', { name: g.name }) : t('groups.saved'));
            setEditing(null);
          }}
        />
      ) : null}
    </div>
  );
}

interface Props {
  target: SkillGroup | 'new';
  agents: Agent[];
  onClose: () => void;
  onSaved: (g: SkillGroup, created: boolean) => void;
}

function GroupModal({ target, agents, onClose, onSaved }: Props) {
  useReturnFocus();
  const t = useT();
  const [form] = Form.useForm<SkillGroupInput>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const isNew = target === 'new';
  const initialValues: SkillGroupInput =
    target === 'new'
      ? { name: '', strategy: 'load_balanced', sticky: true, leaderId: null, memberIds: [] }
      : { name: target.name, strategy: target.strategy, sticky: target.sticky, leaderId: target.leaderId, memberIds: target.memberIds };
  const members = Form.useWatch('memberIds', form) ?? initialValues.memberIds;

  const agentOptions = agents.map((a) => ({
    value: a.id,
    search: `${a.name} ${a.agentNo ?? ''} ${a.email}`,
    label: a.agentNo ? `${a.name} · ${a.agentNo}` : a.name,
  }));

  const submit = async () => {
    let v: SkillGroupInput;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const body: SkillGroupInput = { ...v, name: v.name.trim(), leaderId: v.leaderId ?? null, memberIds: v.memberIds ?? [] };
    setBusy(true);
    setError(null);
    try {
      const g = isNew ? await api.createGroup(body) : await api.updateGroup(target.id, body);
      onSaved(g, isNew);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'name_taken') form.setFields([{ name: 'name', errors: [errorText(err, t)] }]);
      else setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      width={560}
      title={isNew ? t('groups.create') : `${t('inboxes.edit')} · ${target.name}`}
      onCancel={onClose}
      onOk={submit}
      confirmLoading={busy}
      okText={isNew ? t('groups.create') : t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ ...({ 'data-testid': 'group-form-submit' } as object) }}
      destroyOnHidden
    >
      {error ? <Alert type="error" showIcon title={<span data-testid="group-form-error">{error}</span>} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="vertical" requiredMark="optional" initialValues={initialValues} preserve={false} onFinish={submit}>
        <Form.Item name="name" label={t('groups.name')} rules={[{ required: true, whitespace: true, message: t('agents.required') }]}>
          <Input data-testid="group-form-name" count={charLimit(MAX_NAME_CHARS)} placeholder={t('groups.namePlaceholder')} autoComplete="off" />
        </Form.Item>
        <Form.Item name="strategy" label={t('groups.strategy')} extra={<StrategyHint form={form} />}>
          <Radio.Group
            data-testid="group-form-strategy"
            optionType="button"
            buttonStyle="solid"
            options={STRATEGIES.map((s) => ({ value: s, label: <span data-testid={`group-strategy-${s}`}>{t(`strategy.${s}`)}</span> }))}
          />
        </Form.Item>
        <Form.Item name="sticky" label={t('groups.sticky')} valuePropName="checked" extra={t('groups.stickyHint')}>
          <Switch data-testid="group-form-sticky" />
        </Form.Item>
        <Form.Item name="memberIds" label={t('groups.members')} extra={t('groups.membersHint')}>
          <Select
            data-testid="group-form-members"
            mode="multiple"
            allowClear
            showSearch={{ optionFilterProp: 'search' }}
            options={agentOptions}
            optionRender={(o) => <span data-testid={`group-member-option-${o.value}`}>{o.label}</span>}
            placeholder={t('groups.membersPlaceholder')}
          />
        </Form.Item>
        <Form.Item
          name="leaderId"
          label={t('groups.leader')}
          extra={t('groups.leaderHint')}
          rules={[
            {
              validator: async (_, v: number | null | undefined) => {
                if (v != null && !(form.getFieldValue('memberIds') ?? []).includes(v)) throw new Error(t('groups.leaderNotMember'));
              },
              warningOnly: true,
            },
          ]}
          dependencies={['memberIds']}
        >
          <Select
            data-testid="group-form-leader"
            allowClear
            showSearch={{ optionFilterProp: 'search' }}
            placeholder={t('groups.leaderPlaceholder')}
            options={[...agentOptions].sort((a, b) => Number(members.includes(b.value)) - Number(members.includes(a.value)))}
            optionRender={(o) => <span data-testid={`group-leader-option-${o.value}`}>{o.label}</span>}
          />
        </Form.Item>
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}

function StrategyHint({ form }: { form: FormInstance<SkillGroupInput> }) {
  const t = useT();
  const s = (Form.useWatch('strategy', form) ?? 'load_balanced') as Strategy;
  return <span data-testid="group-strategy-hint">{t(`strategy.${s}.hint`)}</span>;
}
