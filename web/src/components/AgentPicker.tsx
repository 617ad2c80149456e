import { CheckOutlined } from '@ant-design/icons';
import { Empty } from 'antd';
import type { AgentLoad } from '../api/types';
import { useT } from '../i18n';
import { AvailabilityDot } from './AvailabilityDot';
import { SaturationBar } from './SaturationBar';

export const isFull = (a: Pick<AgentLoad, 'load' | 'max'>) => a.load >= a.max;
/** On duty for routing: 在线 with a console open. */
export const onDuty = (a: Pick<AgentLoad, 'availability' | 'connected'>) => a.availability === 'online' && a.connected;

/** Who can take one more first, then by 饱和度, then name. */
export function rankAgents(agents: AgentLoad[]): AgentLoad[] {
  const score = (a: AgentLoad) => (onDuty(a) ? 0 : a.availability === 'away' ? 1 : 2) * 10 + (isFull(a) ? 5 : 0);
  return [...agents].sort((a, b) => score(a) - score(b) || a.saturation - b.saturation || a.name.localeCompare(b.name));
}

interface Props {
  agents: AgentLoad[];
  value: number | null;
  onChange: (id: number) => void;
  /** Full agents can be picked (a supervisor forcing past the 接待上限) */
  allowFull: boolean;
  /** data-testid of each row: `${testIdPrefix}${agentId}` */
  testIdPrefix: string;
  excludeId?: number | null;
}

/** Agents with status and load (饱和度); an agent at their 接待上限 is disabled unless forcing. */
export function AgentPicker({ agents, value, onChange, allowFull, testIdPrefix, excludeId = null }: Props) {
  const t = useT();
  const rows = rankAgents(agents.filter((a) => a.id !== excludeId));
  if (rows.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('transfer.noAgents')} />;
  return (
    <div className="agent-picker" role="listbox">
      {rows.map((a) => {
        const full = isFull(a);
        const disabled = full && !allowFull;
        const selected = value === a.id;
        return (
          <button
            key={a.id}
            type="button"
            role="option"
            aria-selected={selected}
            aria-disabled={disabled}
            disabled={disabled}
            className={`agent-pick${selected ? ' selected' : ''}${full ? ' full' : ''}`}
            data-testid={`${testIdPrefix}${a.id}`}
            data-full={full ? 'true' : 'false'}
            onClick={() => onChange(a.id)}
          >
            <span className="agent-pick-name">
              {selected ? <CheckOutlined className="agent-pick-check" /> : null}
              {a.name}
              {a.agentNo ? <span className="muted"> · {a.agentNo}</span> : null}
            </span>
            <span className="agent-pick-status">
              <AvailabilityDot value={a.availability} />
              {a.availability !== 'offline' && !a.connected ? <span className="muted small"> {t('monitor.notConnected')}</span> : null}
            </span>
            <span className="agent-pick-load">
              <SaturationBar load={a.load} max={a.max} width={64} />
              {full ? <span className="agent-pick-full">{t('transfer.full')}</span> : null}
            </span>
          </button>
        );
      })}
    </div>
  );
}
