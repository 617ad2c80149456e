import { App as AntApp, Button, ConfigProvider, Result } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Link, Navigate, Route, Routes, useLocation } from 'react-router';
import { canReview } from './lib/permissions';
import { errorText } from './lib/errors';
import { I18nProvider, useI18n } from './i18n';
import { Loading } from './components/Loading';
import { PageBoundary } from './components/PageBoundary';
import { loadSearchPage } from './scenes/Search/load';
import { Shell } from './scenes/Shell';
import { WorkspacePage } from './scenes/Workspace/WorkspacePage';
import { SessionProvider, useSession } from './stores/session';
import { theme } from './theme';

// Pages other than 工作台 are code-split: an agent lands on 工作台 and most sessions never open
// the others; each brings its own antd parts (Table, Form, Drawer…) when first opened
// (see web/vite.config.ts). The login form is one of them: a logged-in agent reopening the console skips it.
const LoginPage = lazy(() => import('./scenes/Login/LoginPage').then((m) => ({ default: m.LoginPage })));
const AgentsPage = lazy(() => import('./scenes/Admin/AgentsPage'));
const InboxesPage = lazy(() => import('./scenes/Admin/InboxesPage'));
const SkillGroupsPage = lazy(() => import('./scenes/Admin/SkillGroupsPage'));
const CalendarsPage = lazy(() => import('./scenes/Admin/CalendarsPage'));
const KnowledgePage = lazy(() => import('./scenes/Admin/KnowledgePage'));
const MonitorPage = lazy(() => import('./scenes/Monitor/MonitorPage'));
const VisitorsPage = lazy(() => import('./scenes/Visitors/VisitorsPage'));
const NlpLabPage = lazy(() => import('./scenes/Admin/NlpLabPage'));
const QaLabPage = lazy(() => import('./scenes/Admin/QaLabPage'));
const QaWorkbenchPage = lazy(() => import('./scenes/Qa/QaWorkbenchPage'));
const QaReportsPage = lazy(() => import('./scenes/Qa/QaReportsPage'));
const QaPlansPage = lazy(() => import('./scenes/Qa/QaPlansPage'));
const TicketsPage = lazy(() => import('./scenes/Tickets/TicketsPage'));
const TicketDetailPage = lazy(() => import('./scenes/Tickets/TicketDetailPage'));
const ComplaintBoardPage = lazy(() => import('./scenes/Tickets/ComplaintBoardPage'));
const SearchPage = lazy(loadSearchPage);
const ReportsPage = lazy(() => import('./scenes/Reports/ReportsPage'));
const ContactsPages = lazy(() => import('./scenes/Contacts/ContactsRoutes'));

export function App() {
  return (
    <I18nProvider>
      <Themed>
        <SessionProvider>
          <BrowserRouter>
            <AppRoutes />
          </BrowserRouter>
        </SessionProvider>
      </Themed>
    </I18nProvider>
  );
}

/**
 * Toasts and notifications open below the 52 px header, never over it: a toast
 * over the navigation swallowed the click an agent made right after saving (and,
 * hovered, stayed open), which is how 渠道管理 once seemed not to open.
 */
const BELOW_HEADER = { top: 60 };

function Themed({ children }: { children: ReactNode }) {
  const { locale } = useI18n();
  return (
    <ConfigProvider locale={locale === 'en' ? enUS : zhCN} theme={theme}>
      <AntApp className="app-root" message={BELOW_HEADER} notification={BELOW_HEADER}>
        {children}
      </AntApp>
    </ConfigProvider>
  );
}

/** While the session is checked or a page's code arrives: a spinner named 加载中… for screen readers. */
export function FullPageSpin() {
  return <Loading full size="large" />;
}

function AppRoutes() {
  const { session, retry } = useSession();
  const { t } = useI18n();
  const location = useLocation();

  if (session.status === 'loading') return <FullPageSpin />;
  if (session.status === 'unreachable') {
    return (
      <div className="full-center">
        <Result
          status="warning"
          title={errorText(session.error, t)}
          extra={
            <Button type="primary" onClick={retry}>
              {t('common.retry')}
            </Button>
          }
        />
      </div>
    );
  }
  const page = (el: ReactNode, allowed = true) =>
    allowed ? (
      <PageBoundary resetKey={location.pathname}>
        <Suspense fallback={<FullPageSpin />}>{el}</Suspense>
      </PageBoundary>
    ) : (
      <Forbidden />
    );
  if (session.status === 'anonymous') {
    return (
      <Routes>
        <Route path="/login" element={page(<LoginPage expired={session.expired} />)} />
        <Route path="*" element={<Navigate to="/login" replace state={{ from: location.pathname }} />} />
      </Routes>
    );
  }
  const lead = session.me.agent.role === 'admin' || session.me.agent.role === 'supervisor';
  const reviewer = canReview(session.me.agent.role);
  return (
    <Routes>
      <Route path="/login" element={<Navigate to={(location.state as { from?: string } | null)?.from ?? '/'} replace />} />
      <Route element={<Shell me={session.me} />}>
        <Route index element={<WorkspacePage />} />
        <Route path="conversations/:conversationId" element={<WorkspacePage />} />
        <Route path="visitors" element={page(<VisitorsPage />)} />
        <Route path="monitor" element={page(<MonitorPage />)} />
        <Route path="search" element={page(<SearchPage />)} />
        {/* 报表: admins and supervisors every report; 质检 roles 质量 only */}
        <Route path="reports" element={page(<ReportsPage />, reviewer)} />
        <Route path="contacts/*" element={page(<ContactsPages />)} />
        {/* 工单: every role (质检 roles read); the 投诉看板 for supervisors and admins */}
        <Route path="tickets" element={page(<TicketsPage />)} />
        <Route path="tickets/complaints" element={page(<ComplaintBoardPage />, lead)} />
        <Route path="tickets/:ticketId" element={page(<TicketDetailPage />)} />
        {/* admin pages: supervisors see them read-only, admins edit */}
        <Route path="admin/agents" element={page(<AgentsPage />, lead)} />
        <Route path="admin/groups" element={page(<SkillGroupsPage />, lead)} />
        <Route path="admin/hours" element={page(<CalendarsPage />, lead)} />
        <Route path="admin/inboxes" element={page(<InboxesPage />, lead)} />
        <Route path="admin/nlp-lab" element={page(<NlpLabPage />, session.me.agent.role === 'admin')} />
        {/* 质检工作台: reviewers see every inspection, an agent their own (我的质检) */}
        <Route path="qa" element={page(<QaWorkbenchPage />)} />
        {/* 质检报表: every role (an agent's figures are their own), 抽检计划: reviewers read, leads edit */}
        <Route path="qa/reports" element={page(<QaReportsPage />)} />
        <Route path="qa/plans" element={page(<QaPlansPage />, reviewer)} />
        <Route path="admin/qa-lab" element={page(<QaLabPage />, reviewer)} />
        {/* 知识库: admins edit, every agent reads (the bot's answers, suggested answers) */}
        <Route path="admin/knowledge" element={page(<KnowledgePage />)} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

function Forbidden() {
  const { t } = useI18n();
  return <Result status="403" title="403" subTitle={t('common.forbidden')} extra={<Link to="/">{t('common.back')}</Link>} />;
}

function NotFound() {
  const { t } = useI18n();
  return <Result status="404" title="404" subTitle={t('common.notFound')} extra={<Link to="/">{t('common.back')}</Link>} />;
}
