import type { Availability } from '../api/types';
import { useT } from '../i18n';

export const availabilityColor: Record<Availability, string> = {
  online: '#52c41a',
  away: '#faad14',
  offline: '#bfbfbf',
};

/** ● 在线 / ● 小休 / ● 离线 */
export function AvailabilityDot({ value, label = true }: { value: Availability; label?: boolean }) {
  const t = useT();
  return (
    <span className="availability">
      <span className="availability-dot" style={{ background: availabilityColor[value] }} />
      {label ? <span>{t(`availability.${value}`)}</span> : null}
    </span>
  );
}
