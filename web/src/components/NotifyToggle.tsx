import { BellOutlined, BellFilled } from '@ant-design/icons';
import { Button, Tooltip } from 'antd';
import { useState } from 'react';
import { useT } from '../i18n';
import { useController } from '../stores/workspace/context';

/**
 * Desktop notifications: the browser's permission prompt is opened only from
 * this button (a user gesture), once; afterwards the icon just shows the state.
 */
export function NotifyToggle() {
  const t = useT();
  const { notifier } = useController();
  const [permission, setPermission] = useState(notifier.permission);
  if (permission === 'unsupported') return null;
  const title =
    permission === 'granted' ? t('header.notifyOn') : permission === 'denied' ? t('header.notifyDenied') : t('header.notifyEnable');
  return (
    <Tooltip title={title}>
      <Button
        type="text"
        size="small"
        data-testid="notify-toggle"
        aria-label={title}
        icon={permission === 'granted' ? <BellFilled style={{ color: 'var(--primary)' }} /> : <BellOutlined />}
        className={permission === 'default' ? 'notify-attention' : undefined}
        onClick={async () => {
          if (permission === 'default') setPermission(await notifier.requestPermission());
        }}
      >
        {permission === 'default' ? t('header.notifyEnable') : null}
      </Button>
    </Tooltip>
  );
}
