import { Layout } from 'antd';
import { useEffect } from 'react';
import { Outlet, useNavigate } from 'react-router';
import type { Me } from '../api/types';
import { AppHeader } from '../components/AppHeader';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { useT } from '../i18n';
import { useSession } from '../stores/session';
import { selectUnreadTotal } from '../stores/workspace/selectors';
import { useController, useWorkspace, WorkspaceProvider } from '../stores/workspace/context';

/** The logged-in frame: header, connection banner, the page. Owns the realtime session. */
export function Shell({ me }: { me: Me }) {
  const { sessionLost } = useSession();
  return (
    <WorkspaceProvider key={me.agent.id} me={me} onSessionLost={sessionLost}>
      <Layout className="app-layout">
        <AppHeader />
        <ConnectionBanner />
        <Layout.Content className="app-content">
          <Outlet />
        </Layout.Content>
        <TitleAndNavigation />
      </Layout>
    </WorkspaceProvider>
  );
}

/** Unread total in document.title; notification clicks open their conversation. */
function TitleAndNavigation() {
  const t = useT();
  const unread = useWorkspace(selectUnreadTotal);
  const controller = useController();
  const navigate = useNavigate();
  useEffect(() => {
    document.title = `${unread > 0 ? `(${unread > 99 ? '99+' : unread}) ` : ''}${t('app.name')} · ${t('app.console')}`;
  }, [unread, t]);
  useEffect(() => () => void (document.title = `${t('app.name')} · ${t('app.console')}`), [t]);
  useEffect(() => {
    controller.setNavigate((id) => navigate(`/conversations/${id}`));
    return () => controller.setNavigate(null);
  }, [controller, navigate]);
  return null;
}
