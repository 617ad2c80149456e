import { App, Select } from 'antd';
import { useState } from 'react';
import { AVAILABILITIES, type Availability } from '../api/types';
import { useT } from '../i18n';
import { errorText } from '../lib/errors';
import { useController, useWorkspace } from '../stores/workspace/context';
import { AvailabilityDot } from './AvailabilityDot';

/** My status 在线 / 小休 / 离线; follows presence frames (another tab, the server). */
export function PresenceSelect() {
  const t = useT();
  const controller = useController();
  const availability = useWorkspace((s) => s.me.availability);
  const [busy, setBusy] = useState(false);
  const { message } = App.useApp();

  const change = async (value: Availability) => {
    setBusy(true);
    try {
      await controller.setAvailability(value);
      message.success(t('availability.changed', { status: t(`availability.${value}`) }));
    } catch (err) {
      message.error(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Select<Availability>
      data-testid="presence-select"
      aria-label={t('header.presence')}
      size="small"
      value={availability}
      loading={busy}
      onChange={change}
      style={{ width: 96 }}
      popupMatchSelectWidth={false}
      options={AVAILABILITIES.map((a) => ({ value: a, label: <AvailabilityDot value={a} /> }))}
      // the test hook goes on the dropdown option only, not on the selected value shown in the box
      optionRender={(option) => <span data-testid={`presence-${option.value}`}>{option.label}</span>}
    />
  );
}
