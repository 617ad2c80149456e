import { App, Button, Form, Input, InputNumber, Modal, Popconfirm, Select, Switch, Table, Tag, type ButtonProps, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useMemo, useState, type HTMLAttributes } from 'react';
import { Link } from 'react-router';
import { qaApi, type SamplingPlan, type SamplingPlanInput } from '../../api/qa';
import { useT } from '../../i18n';
import { errorText } from '../../lib/errors';
import { canReview } from '../../lib/permissions';
import { useWorkspace } from '../../stores/workspace/context';
import { useQaT } from './strings';
import './qa.css';

interface FormValues {
  name: string;
  enabled: boolean;
  percent: number;
  belowScore: number | null;
  vetoed: boolean;
  reviewerIds: number[];
  /** When the member list cannot be read: the reviewers' IDs, comma-separated. */
  reviewerText: string;
}

const NEW_PLAN: FormValues = { name: '', enabled: true, percent: 5, belowScore: 60, vetoed: true, reviewerIds: [], reviewerText: '' };
const ids = (text: string) => [...new Set(text.split(/[,，\s]+/).map(Number).filter((n) => Number.isInteger(n) && n > 0))];

/**
 * 抽检计划 (docs/quality-inspection.md): which inspected conversations go to whom for 复核 — a
 * share of each agent's inspections, every one below a score, every vetoed one. Reviewers read
 * the plans; 质检主管 and admins create, change and delete them.
 */
export default function QaPlansPage() {
  const t = useT();
  const qt = useQaT();
  const { message } = App.useApp();
  const me = useWorkspace((s) => s.me);
  const agents = useWorkspace((s) => s.agents);
  const manage = me.role === 'qa_lead' || me.role === 'admin';
  const [plans, setPlans] = useState<SamplingPlan[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [editing, setEditing] = useState<SamplingPlan | 'new' | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<FormValues>();

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setPlans((await qaApi.plans()).plans);
    } catch (err) {
      message.error(errorText(err, t));
    } finally {
      setLoading(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [message]);
  useEffect(() => void load(), [load]);

  // who may review: the members this console could list (GET /agents; a 质检主管 may not list them)
  const reviewers = useMemo(
    () =>
      Object.values(agents)
        .filter((a) => canReview(a.role) && a.active !== false)
        .map((a) => ({ value: a.id, label: `${a.name} · ${t(`role.${a.role}`)}` }))
        .sort((a, b) => a.label.localeCompare(b.label)),
    [agents, t],
  );
  // the list failed when the console knows nobody but the signed-in member: IDs are typed instead
  const listed = Object.keys(agents).length > 1;
  const nameOf = (id: number) => agents[id]?.name ?? `#${id}`;

  const openForm = (plan: SamplingPlan | 'new') => {
    setEditing(plan);
    const v: FormValues =
      plan === 'new'
        ? { ...NEW_PLAN, reviewerIds: canReview(me.role) ? [me.id] : [] }
        : { name: plan.name, enabled: plan.enabled, percent: plan.percent, belowScore: plan.belowScore, vetoed: plan.vetoed, reviewerIds: plan.reviewerIds, reviewerText: plan.reviewerIds.join(', ') };
    if (plan === 'new') v.reviewerText = v.reviewerIds.join(', ');
    form.setFieldsValue(v);
  };

  const submit = async () => {
    let v: FormValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const body: SamplingPlanInput = {
      name: v.name.trim(),
      enabled: v.enabled,
      percent: v.percent ?? 0,
      belowScore: v.belowScore ?? null,
      vetoed: v.vetoed,
      reviewerIds: listed ? v.reviewerIds : ids(v.reviewerText),
    };
    setBusy(true);
    try {
      if (editing === 'new') await qaApi.createPlan(body);
      else if (editing) await qaApi.updatePlan(editing.id, body);
      message.success(qt('plans.saved'));
      setEditing(null);
      await load();
    } catch (err) {
      message.error(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (plan: SamplingPlan) => {
    try {
      await qaApi.deletePlan(plan.id);
      message.success(qt('plans.deleted'));
      await load();
    } catch (err) {
      message.error(errorText(err, t));
    }
  };

  const columns: TableColumnsType<SamplingPlan> = [
    { key: 'name', title: qt('plans.name'), render: (_, p) => <span className="strong">{p.name}</span> },
    {
      key: 'status',
      title: qt('plans.status'),
      render: (_, p) => (p.enabled ? <Tag color="success">{qt('plans.on')}</Tag> : <Tag>{qt('plans.off')}</Tag>),
    },
    {
      key: 'rules',
      title: qt('plans.rules'),
      render: (_, p) => (
        <span className="qap-rules">
          {p.percent > 0 ? <Tag>{qt('plans.rulePercent', { n: p.percent })}</Tag> : null}
          {p.belowScore !== null ? <Tag>{qt('plans.ruleBelow', { n: p.belowScore })}</Tag> : null}
          {p.vetoed ? <Tag>{qt('plans.ruleVetoed')}</Tag> : null}
        </span>
      ),
    },
    { key: 'reviewers', title: qt('plans.reviewers'), render: (_, p) => p.reviewerIds.map(nameOf).join('、') },
    ...(manage
      ? [
          {
            key: 'actions',
            title: qt('plans.actions'),
            render: (_: unknown, p: SamplingPlan) => (
              <span className="qap-rules">
                <Button size="small" data-testid="qa-plan-edit" onClick={() => openForm(p)}>
                  {qt('plans.edit')}
                  <span className="sr-only">{p.name}</span>
                </Button>
                <Popconfirm
                  title={qt('plans.deleteConfirm', { name: p.name })}
                  okText={qt('plans.delete')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true, className: 'qa-danger-solid', 'data-testid': 'qa-plan-delete-confirm' } as ButtonProps}
                  onConfirm={() => remove(p)}
                >
                  <Button size="small" danger className="qa-danger" data-testid="qa-plan-delete">
                    {qt('plans.delete')}
                    <span className="sr-only">{p.name}</span>
                  </Button>
                </Popconfirm>
              </span>
            ),
          },
        ]
      : []),
  ];

  return (
    <div className="admin-page" data-testid="qa-plans">
      <div className="admin-head">
        <div>
          <h1>{qt('plans.title')}</h1>
          <div className="muted">{qt('plans.intro')}</div>
          {manage ? null : <div className="muted">{qt('plans.readOnly')}</div>}
        </div>
        <span className="qaw-links">
          <Link to="/qa">{qt('links.workbench')}</Link>
          {manage ? (
            <Button type="primary" data-testid="qa-plan-create" onClick={() => openForm('new')}>
              {qt('plans.create')}
            </Button>
          ) : null}
        </span>
      </div>

      <Table<SamplingPlan>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={plans ?? []}
        pagination={false}
        locale={{ emptyText: qt('plans.empty') }}
        onRow={(p) => ({ 'data-testid': 'qa-plan', 'data-plan-id': p.id, 'data-enabled': String(p.enabled) }) as HTMLAttributes<HTMLElement>}
      />

      <Modal
        open={editing !== null}
        title={qt(editing === 'new' ? 'plans.createTitle' : 'plans.editTitle')}
        onCancel={() => setEditing(null)}
        forceRender
        footer={[
          <Button key="cancel" onClick={() => setEditing(null)}>
            {t('common.cancel')}
          </Button>,
          <Button key="ok" type="primary" loading={busy} data-testid="qa-plan-form-submit" onClick={() => void submit()}>
            {qt('plans.save')}
          </Button>,
        ]}
      >
        <Form<FormValues> form={form} layout="vertical" initialValues={NEW_PLAN} onFinish={() => void submit()} requiredMark={false}>
          <Form.Item name="name" label={qt('plans.name')} rules={[{ required: true, whitespace: true, message: qt('plans.nameRequired') }]}>
            <Input data-testid="qa-plan-form-name" maxLength={60} />
          </Form.Item>
          <Form.Item name="enabled" label={qt('plans.enabled')} valuePropName="checked">
            <Switch data-testid="qa-plan-form-enabled" />
          </Form.Item>
          <Form.Item name="percent" label={qt('plans.percent')} extra={qt('plans.percentHelp')} rules={[{ required: true, type: 'number', min: 0, max: 100 }]}>
            <InputNumber data-testid="qa-plan-form-percent" min={0} max={100} step={1} precision={2} />
          </Form.Item>
          <Form.Item name="belowScore" label={qt('plans.below')} extra={qt('plans.belowHelp')}>
            <InputNumber data-testid="qa-plan-form-below" min={0} max={100} precision={0} />
          </Form.Item>
          <Form.Item name="vetoed" label={qt('plans.vetoed')} valuePropName="checked">
            <Switch data-testid="qa-plan-form-vetoed" />
          </Form.Item>
          {listed ? (
            <Form.Item
              name="reviewerIds"
              label={qt('plans.reviewers')}
              extra={qt('plans.reviewersHelp')}
              rules={[{ required: true, type: 'array', min: 1, message: qt('plans.reviewersRequired') }]}
            >
              <Select data-testid="qa-plan-form-reviewers" mode="multiple" options={reviewers} showSearch={{ optionFilterProp: 'label' }} />
            </Form.Item>
          ) : (
            <Form.Item
              name="reviewerText"
              label={qt('plans.reviewerIds')}
              extra={qt('plans.reviewerIdsHelp')}
              rules={[{ validator: (_, v: string) => (ids(v ?? '').length > 0 ? Promise.resolve() : Promise.reject(new Error(qt('plans.reviewersRequired')))) }]}
            >
              <Input data-testid="qa-plan-form-reviewers" inputMode="numeric" />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </div>
  );
}
