import { ApartmentOutlined, RiseOutlined, UndoOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, App, Button, Checkbox, Empty, Input, Modal, Segmented, Spin } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from '../../api';
import { codePointLength, MAX_TRANSFER_NOTE_CHARS, type AgentLoad, type Conversation, type QueueGroup } from '../../api/types';
import { AgentPicker, isFull } from '../../components/AgentPicker';
import { SaturationBar } from '../../components/SaturationBar';
import { useT } from '../../i18n';
import { errorText } from '../../lib/errors';
import { isLead } from '../../lib/permissions';
import { useController, useWorkspace } from '../../stores/workspace/context';
import { charLimit } from '../../lib/charLimit';
import { useReturnFocus } from '../../lib/useReturnFocus';

type Kind = 'agent' | 'group' | 'leader';

/**
 * 转接 / 升级: to an agent (status and load shown; full ones disabled unless a
 * supervisor forces), to a skill group (routed there, may queue), or to the
 * conversation's group leader (组长). The note reaches the receiver as a private note.
 */
export default function TransferDialog({ conversation: c, onClose }: { conversation: Conversation; onClose: () => void }) {
  useReturnFocus();
  const t = useT();
  const controller = useController();
  const me = useWorkspace((s) => s.me);
  const groups = useWorkspace((s) => s.groups);
  const agentsById = useWorkspace((s) => s.agents);
  const { message } = App.useApp();
  const lead = isLead(me.role);
  const group = c.groupId !== null ? groups[c.groupId] : undefined;

  const [kind, setKind] = useState<Kind>('agent');
  const [queues, setQueues] = useState<QueueGroup[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [agentId, setAgentId] = useState<number | null>(null);
  const [groupId, setGroupId] = useState<number | null>(null);
  const [force, setForce] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const loadQueues = useCallback(async () => {
    try {
      setQueues((await api.queues()).queues);
      setLoadError(null);
    } catch (err) {
      setLoadError(err);
    }
  }, []);
  useEffect(() => {
    void loadQueues();
    void controller.loadGroups();
  }, [loadQueues, controller]);

  const allAgents: AgentLoad[] = queues?.find((q) => q.group === null)?.agents ?? [];
  const picked = allAgents.find((a) => a.id === agentId);
  const leaderId = group?.leaderId ?? null;
  const leader = leaderId !== null ? (allAgents.find((a) => a.id === leaderId) ?? null) : null;
  const leaderName = leaderId !== null ? (leader?.name ?? agentsById[leaderId]?.name ?? `#${leaderId}`) : null;
  const groupList = Object.values(groups).sort((a, b) => a.name.localeCompare(b.name));

  const canSubmit =
    !busy &&
    codePointLength(note) <= MAX_TRANSFER_NOTE_CHARS &&
    (kind === 'agent' ? agentId !== null && (!picked || !isFull(picked) || force) : kind === 'group' ? groupId !== null : c.groupId !== null);

  const submit = async () => {
    setBusy(true);
    setError(null);
    const text = note.trim() || null;
    try {
      if (kind === 'agent' && agentId !== null) {
        const name = picked?.name ?? agentsById[agentId]?.name ?? `#${agentId}`;
        if (force && lead && picked && isFull(picked)) {
          // The transfer route has no force: a supervisor's forced 分配 goes through assign, the note as a private note.
          await controller.assign(c.id, agentId, true);
          if (text) controller.send(c.id, { content: t('transfer.notePrefix', { note: text }), private: true, attachments: [] });
        } else {
          await controller.transfer(c.id, { type: 'agent', agentId }, text);
        }
        message.success(t('view.transferDone', { name }));
      } else if (kind === 'group' && groupId !== null) {
        const moved = await controller.transfer(c.id, { type: 'group', groupId }, text);
        const gname = groups[groupId]?.name ?? `#${groupId}`;
        const to = moved.assigneeId !== null ? (agentsById[moved.assigneeId]?.name ?? `#${moved.assigneeId}`) : null;
        message.success(to ? t('transfer.groupAssigned', { group: gname, name: to }) : t('transfer.groupQueued', { group: gname }));
      } else {
        await controller.transfer(c.id, { type: 'leader' }, text);
        message.success(t('transfer.escalated', { name: leaderName ?? '' }));
      }
      onClose();
    } catch (err) {
      setError(errorText(err, t));
      if (err instanceof ApiError && err.code === 'agent_full') void loadQueues();
    } finally {
      setBusy(false);
    }
  };

  const unassign = async () => {
    setBusy(true);
    setError(null);
    try {
      await controller.assign(c.id, null);
      message.success(t('view.unassignedDone'));
      onClose();
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={c.assigneeId !== null ? t('transfer.title') : t('transfer.assignTitle')}
      onCancel={onClose}
      width={560}
      destroyOnHidden
      footer={
        <div className="transfer-footer">
          {c.assigneeId !== null ? (
            <Button icon={<UndoOutlined />} onClick={() => void unassign()} disabled={busy} data-testid="transfer-option-unassign">
              {t('view.unassign')}
            </Button>
          ) : (
            <span />
          )}
          <span>
            <Button onClick={onClose}>{t('common.cancel')}</Button>{' '}
            <Button type="primary" loading={busy} disabled={!canSubmit} onClick={() => void submit()} data-testid="transfer-submit">
              {kind === 'leader' ? t('transfer.escalate') : t('transfer.submit')}
            </Button>
          </span>
        </div>
      }
    >
      <Segmented<Kind>
        block
        value={kind}
        onChange={(k) => {
          setKind(k);
          setError(null);
        }}
        options={[
          { value: 'agent', icon: <UserOutlined />, label: <span data-testid="transfer-target-agent">{t('transfer.toAgent')}</span> },
          { value: 'group', icon: <ApartmentOutlined />, label: <span data-testid="transfer-target-group">{t('transfer.toGroup')}</span> },
          {
            value: 'leader',
            icon: <RiseOutlined />,
            disabled: c.groupId === null,
            label: (
              <span data-testid="transfer-target-leader" title={c.groupId === null ? t('transfer.leaderNoGroup') : undefined}>
                {t('transfer.toLeader')}
              </span>
            ),
          },
        ]}
      />
      <div className="transfer-body">
        {loadError ? <Alert type="warning" showIcon title={errorText(loadError, t)} style={{ marginBottom: 8 }} /> : null}
        {kind === 'agent' ? (
          queues === null && !loadError ? (
            <div className="center-pad">
              <Spin />
            </div>
          ) : (
            <>
              <AgentPicker agents={allAgents} value={agentId} onChange={setAgentId} allowFull={lead && force} testIdPrefix="transfer-option-" excludeId={c.assigneeId} />
              {lead ? (
                <Checkbox checked={force} onChange={(e) => setForce(e.target.checked)} data-testid="transfer-force" className="transfer-force">
                  {t('transfer.force')}
                </Checkbox>
              ) : null}
            </>
          )
        ) : kind === 'group' ? (
          groupList.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('transfer.noGroups')} />
          ) : (
            <div className="agent-picker" role="listbox">
              {groupList.map((g) => {
                // agents only get the queues of their own groups: fall back to the members' status
                const q = queues?.find((x) => x.group?.id === g.id);
                const onDutyCount = q
                  ? q.agents.filter((a) => a.availability === 'online' && a.connected).length
                  : g.memberIds.filter((id) => agentsById[id]?.availability === 'online').length;
                const selected = groupId === g.id;
                return (
                  <button
                    key={g.id}
                    type="button"
                    role="option"
                    aria-selected={selected}
                    className={`agent-pick${selected ? ' selected' : ''}`}
                    data-testid={`transfer-group-option-${g.id}`}
                    onClick={() => setGroupId(g.id)}
                  >
                    <span className="agent-pick-name">
                      {g.name}
                      {g.id === c.groupId ? <span className="muted small"> · {t('transfer.currentGroup')}</span> : null}
                    </span>
                    <span className="muted small">{t('transfer.groupMembers', { n: g.memberIds.length, online: onDutyCount })}</span>
                    <span className="muted small">{q ? t('transfer.groupWaiting', { n: q.waiting.length }) : null}</span>
                  </button>
                );
              })}
            </div>
          )
        ) : (
          <div className="transfer-leader" data-testid="transfer-leader-info">
            {c.groupId === null ? (
              <Alert type="info" showIcon title={t('transfer.leaderNoGroup')} />
            ) : leaderId === null ? (
              <Alert type="warning" showIcon title={t('transfer.leaderMissing', { group: group?.name ?? `#${c.groupId}` })} />
            ) : (
              <div className="leader-card">
                <div>
                  <div className="strong">{leaderName}</div>
                  <div className="muted small">{t('transfer.leaderOf', { group: group?.name ?? `#${c.groupId}` })}</div>
                </div>
                {leader ? <SaturationBar load={leader.load} max={leader.max} /> : null}
                <div className="muted small">{t('transfer.leaderHint')}</div>
              </div>
            )}
          </div>
        )}
        <div className="transfer-note-label">{t('transfer.note')}</div>
        <Input.TextArea
          data-testid="transfer-note"
          value={note}
          onChange={(e) => setNote(e.target.value)}
          count={charLimit(MAX_TRANSFER_NOTE_CHARS)}
          showCount
          autoSize={{ minRows: 2, maxRows: 5 }}
          placeholder={t('transfer.notePlaceholder')}
          style={{ marginBottom: 18 }}
        />
        {error ? <Alert type="error" showIcon title={<span data-testid="transfer-error">{error}</span>} style={{ marginTop: 12 }} /> : null}
      </div>
    </Modal>
  );
}
