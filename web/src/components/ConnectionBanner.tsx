import { DisconnectOutlined } from '@ant-design/icons';
import { App, Button } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useT } from '../i18n';
import { useController, useWorkspace } from '../stores/workspace/context';

/** "连接已断开，正在重连…" while the socket is down, with the next attempt and a retry button. */
export function ConnectionBanner() {
  const t = useT();
  const controller = useController();
  const connection = useWorkspace((s) => s.connection);
  const { message } = App.useApp();
  const [now, setNow] = useState(() => Date.now());
  const wasDown = useRef(false);
  const down = connection.state === 'reconnecting';

  useEffect(() => {
    if (!down) return;
    const timer = window.setInterval(() => setNow(Date.now()), 500);
    return () => window.clearInterval(timer);
  }, [down]);

  useEffect(() => {
    if (down) wasDown.current = true;
    else if (connection.state === 'open' && wasDown.current) {
      wasDown.current = false;
      message.success(t('conn.back'));
    }
  }, [down, connection.state, message, t]);

  if (!down) return null;
  const seconds = connection.retryAt ? Math.max(0, Math.ceil((connection.retryAt - now) / 1000)) : 0;
  return (
    <div className="connection-banner" data-testid="connection-banner" role="status" aria-live="polite">
      <DisconnectOutlined />
      <span className="connection-banner-text">{t('conn.down')}</span>
      {seconds > 0 ? <span className="connection-banner-sub">{t('conn.retryIn', { s: seconds })}</span> : null}
      <Button size="small" type="link" onClick={() => controller.reconnectNow()}>
        {t('conn.retryNow')}
      </Button>
    </div>
  );
}
