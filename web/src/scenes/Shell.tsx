import { App, Button, Layout } from 'antd';
import { useEffect, useRef, type HTMLAttributes } from 'react';
import { Outlet, useNavigate } from 'react-router';
import type { Me } from '../api/types';
import { AppHeader } from '../components/AppHeader';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { useI18n, useT } from '../i18n';
import { contactLabel, formatDuration } from '../i18n/format';
import { qaAlertPath, qaAlertText } from '../lib/qaAlert';
import { ticketAlertKey, ticketAlertPath } from '../lib/ticketAlert';
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
        <AlertNotifications />
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
    controller.setNavigate((id) => navigate(`/conversations/${id}`), (path) => navigate(path));
    return () => controller.setNavigate(null);
  }, [controller, navigate]);
  return null;
}

/**
 * 超时提醒: an in-app notification with a button that opens the conversation (the
 * chime and desktop one come from the controller). It stays until acted on, and
 * goes away by itself once the conversation is opened, answered or no longer mine.
 */
function AlertNotifications() {
  const { t, locale } = useI18n();
  const controller = useController();
  const navigate = useNavigate();
  const { notification } = App.useApp();
  // navigate changes on every route change: read it (and t) through refs so the subscription and its state stay put
  const latest = useRef({ t, navigate, locale });
  useEffect(() => {
    latest.current = { t, navigate, locale };
  });
  useEffect(() => {
    const shown = new Set<number>();
    const keyOf = (id: number) => `zhike-alert-${id}`;
    const offAlert = controller.onAlert((a) => {
      const { t } = latest.current;
      const key = keyOf(a.conversationId);
      shown.add(a.conversationId);
      const who = a.contactId !== null ? contactLabel(a.contactName, a.contactId, t) : (a.contactName ?? `#${a.conversationId}`);
      notification.warning({
        key,
        title: t('alert.title'),
        description: t('alert.body', { name: who, waited: formatDuration(a.waitedSeconds, t) }),
        duration: 0,
        // bottom left, narrow: over the end of the conversation list, never over the composer or the contact panel
        placement: 'bottomLeft',
        className: 'alert-notification',
        onClose: () => shown.delete(a.conversationId),
        props: { 'data-testid': 'alert-notification', 'data-conversation-id': a.conversationId } as HTMLAttributes<HTMLDivElement>,
        actions: (
          <Button
            type="primary"
            size="small"
            data-testid="alert-open"
            onClick={() => {
              latest.current.navigate(`/conversations/${a.conversationId}`);
              notification.destroy(key);
            }}
          >
            {t('alert.open')}
          </Button>
        ),
      });
    });
    // 质检提醒 and 申诉 news: top right, until acted on or closed
    const offQa = controller.onQaAlert((a) => {
      const { t } = latest.current;
      const { title, body } = qaAlertText(a, t);
      const key = a.kind === 'qa_finding' ? `zhike-qa-${a.messageId}` : `zhike-appeal-${a.appealId}`;
      notification.warning({
        key,
        title,
        description: body,
        duration: 0,
        placement: 'topRight',
        className: 'qa-alert-notification',
        props: { 'data-testid': 'qa-alert', 'data-kind': a.kind } as HTMLAttributes<HTMLDivElement>,
        actions: (
          <Button
            type="primary"
            size="small"
            data-testid="qa-alert-open"
            onClick={() => {
              latest.current.navigate(qaAlertPath(a));
              notification.destroy(key);
            }}
          >
            {t(a.kind === 'qa_finding' ? 'alert.open' : 'qaAlert.open')}
          </Button>
        ),
      });
    });
    // 工单提醒 (SLA, 承诺回复, 申诉期, 媒体投诉 / 非正常投诉): top right, until acted on or closed; the words
    // come with the tickets' code, fetched with the first such alert
    const offTicket = controller.onTicketAlert((a) => {
      void import('./Tickets/alert').then(({ ticketAlertText }) => {
        const { title, body, about, action } = ticketAlertText(a, latest.current.locale);
        const key = ticketAlertKey(a);
        const open = () => {
          latest.current.navigate(ticketAlertPath(a));
          notification.destroy(key);
        };
        controller.notifier.desktop({ title, body: `${body}\n${about}`, tag: key, onClick: open });
        notification.warning({
          key,
          title,
          description: (
            <>
              <div>{body}</div>
              <div className="muted">{about}</div>
            </>
          ),
          duration: 0,
          placement: 'topRight',
          className: 'ticket-alert-notification',
          props: { 'data-testid': 'ticket-alert', 'data-event': a.event, 'data-ticket-id': a.ticketId ?? '' } as HTMLAttributes<HTMLDivElement>,
          actions: (
            <Button type="primary" size="small" data-testid="ticket-alert-open" onClick={open}>
              {action}
            </Button>
          ),
        });
      });
    });
    let lastActive = controller.store.getState().activeId;
    const offStore = controller.store.subscribe(() => {
      const s = controller.store.getState();
      const opened = s.activeId !== lastActive ? s.activeId : null;
      lastActive = s.activeId;
      if (shown.size === 0) return;
      for (const id of [...shown]) {
        const c = s.conversations[id];
        const settled = !c || c.waitingSince === null || c.status === 'resolved' || c.assigneeId !== s.me.id || opened === id;
        if (settled) {
          shown.delete(id);
          notification.destroy(keyOf(id));
        }
      }
    });
    return () => {
      offAlert();
      offQa();
      offTicket();
      offStore();
    };
  }, [controller, notification]);
  return null;
}
