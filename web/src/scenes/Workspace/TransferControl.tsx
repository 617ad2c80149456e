import { SwapOutlined } from '@ant-design/icons';
import { App, Button, Popover, Select } from 'antd';
import { useState } from 'react';
import type { Conversation } from '../../api/types';
import { AvailabilityDot } from '../../components/AvailabilityDot';
import { useT } from '../../i18n';
import { errorText } from '../../lib/errors';
import { selectAgentList } from '../../stores/workspace/selectors';
import { useController, useWorkspace } from '../../stores/workspace/context';

const UNASSIGN = 0;

/** 转接 / 分配: pick an active agent (their status shown), or hand the conversation back to the queue. */
export function TransferControl({ conversation }: { conversation: Conversation }) {
  const t = useT();
  const controller = useController();
  const agents = useWorkspace(selectAgentList);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const { message } = App.useApp();
  const assigned = conversation.assigneeId !== null;

  const candidates = agents.filter((a) => a.active && a.id !== conversation.assigneeId);
  const rank = { online: 0, away: 1, offline: 2 } as const;
  candidates.sort((a, b) => rank[a.availability] - rank[b.availability] || a.name.localeCompare(b.name));

  const pick = async (value: number) => {
    setBusy(true);
    try {
      const target = value === UNASSIGN ? null : value;
      await controller.assign(conversation.id, target);
      setOpen(false);
      const agent = agents.find((a) => a.id === target);
      message.success(target === null ? t('view.unassignedDone') : t('view.transferDone', { name: agent?.name ?? `#${target}` }));
    } catch (err) {
      message.error(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  const options = [
    ...candidates.map((a) => ({
      value: a.id,
      search: `${a.name} ${a.agentNo ?? ''} ${a.email}`,
      label: (
        <span className="transfer-option" data-testid={`transfer-option-${a.id}`}>
          <span className="transfer-option-name">
            {a.name}
            {a.agentNo ? <span className="muted"> · {a.agentNo}</span> : null}
          </span>
          <AvailabilityDot value={a.availability} />
        </span>
      ),
    })),
    ...(assigned
      ? [
          {
            value: UNASSIGN,
            search: t('view.unassign'),
            label: (
              <span className="transfer-option muted" data-testid="transfer-option-unassign">
                {t('view.unassign')}
              </span>
            ),
          },
        ]
      : []),
  ];

  return (
    <Popover
      open={open}
      onOpenChange={setOpen}
      trigger="click"
      placement="bottomRight"
      title={assigned ? t('view.transferTo') : t('view.assignTo')}
      destroyOnHidden
      content={
        <div className="transfer-panel">
          <Select<number>
            data-testid="transfer-select"
            open
            autoFocus
            showSearch={{ optionFilterProp: 'search' }}
            style={{ width: 260 }}
            placeholder={t('view.transferSearch')}
            options={options}
            loading={busy}
            disabled={busy}
            onChange={(v) => void pick(v)}
            getPopupContainer={(node) => node.parentElement ?? document.body}
            listHeight={240}
          />
          <div style={{ height: Math.min(240, options.length * 32 + 8) + 8 }} />
        </div>
      }
    >
      <Button icon={<SwapOutlined />} data-testid="transfer">
        {assigned ? t('view.transfer') : t('view.assign')}
      </Button>
    </Popover>
  );
}
