import { DownOutlined, LogoutOutlined } from '@ant-design/icons';
import { Avatar, Dropdown, Layout } from 'antd';
import { NavLink, useLocation } from 'react-router';
import { canReview } from '../lib/permissions';
import { selectUnreadTotal } from '../stores/workspace/selectors';
import { useT } from '../i18n';
import { useSession } from '../stores/session';
import { useWorkspace } from '../stores/workspace/context';
import { availabilityColor } from './AvailabilityDot';
import { Brand } from './Brand';
import { LangSwitch } from './LangSwitch';
import { NotifyToggle } from './NotifyToggle';
import { PresenceSelect } from './PresenceSelect';

export function AppHeader() {
  const t = useT();
  const { logout } = useSession();
  const me = useWorkspace((s) => s.me);
  const workspaceName = useWorkspace((s) => s.workspace.name);
  const unread = useWorkspace(selectUnreadTotal);
  const { pathname } = useLocation();
  const inWorkspace = pathname === '/' || pathname.startsWith('/conversations');
  const visitorCount = useWorkspace((s) => Object.keys(s.visitors).length);
  const lead = me.role === 'admin' || me.role === 'supervisor';

  return (
    <Layout.Header className="app-header">
      <div className="app-header-left">
        <Brand />
        <span className="workspace-name" title={workspaceName}>
          {workspaceName}
        </span>
        <nav className="app-nav">
          <NavLink to="/" data-testid="nav-workspace" className={navClass(inWorkspace)}>
            {t('nav.workspace')}
            {unread > 0 ? <span className="nav-badge">{unread > 99 ? '99+' : unread}</span> : null}
          </NavLink>
          <NavLink to="/visitors" data-testid="nav-visitors" className={({ isActive }) => navClass(isActive)}>
            {t('nav.visitors')}
            {visitorCount > 0 ? <span className="nav-badge info">{visitorCount > 99 ? '99+' : visitorCount}</span> : null}
          </NavLink>
          <NavLink to="/monitor" data-testid="nav-monitor" className={({ isActive }) => navClass(isActive)}>
            {t('nav.monitor')}
          </NavLink>
          <NavLink to="/tickets" data-testid="nav-tickets" className={({ isActive }) => navClass(isActive)}>
            {t('nav.tickets')}
          </NavLink>
          {lead ? (
            <>
              <span className="app-nav-sep" aria-hidden />
              <NavLink to="/admin/agents" data-testid="nav-agents" className={({ isActive }) => navClass(isActive)}>
                {t('nav.agents')}
              </NavLink>
              <NavLink to="/admin/groups" data-testid="nav-groups" className={({ isActive }) => navClass(isActive)}>
                {t('nav.groups')}
              </NavLink>
              <NavLink to="/admin/hours" data-testid="nav-hours" className={({ isActive }) => navClass(isActive)}>
                {t('nav.hours')}
              </NavLink>
              <NavLink to="/admin/inboxes" data-testid="nav-inboxes" className={({ isActive }) => navClass(isActive)}>
                {t('nav.inboxes')}
              </NavLink>
              {me.role === 'admin' ? (
                <NavLink to="/admin/nlp-lab" data-testid="nav-nlp-lab" className={({ isActive }) => navClass(isActive)}>
                  {t('nav.nlpLab')}
                </NavLink>
              ) : null}
              <NavLink to="/admin/qa-lab" data-testid="nav-qa-lab" className={({ isActive }) => navClass(isActive)}>
                {t('nav.qaLab')}
              </NavLink>
            </>
          ) : (
            <>
              <span className="app-nav-sep" aria-hidden />
              {canReview(me.role) ? (
                <NavLink to="/admin/qa-lab" data-testid="nav-qa-lab" className={({ isActive }) => navClass(isActive)}>
                  {t('nav.qaLab')}
                </NavLink>
              ) : null}
            </>
          )}
          <NavLink to="/qa" data-testid="nav-qa" className={({ isActive }) => navClass(isActive)}>
            {t(canReview(me.role) ? 'nav.qa' : 'nav.myQa')}
          </NavLink>
          <NavLink to="/admin/knowledge" data-testid="nav-knowledge" className={({ isActive }) => navClass(isActive)}>
            {t('nav.knowledge')}
          </NavLink>
        </nav>
      </div>
      <div className="app-header-right">
        <NotifyToggle />
        <PresenceSelect />
        <LangSwitch />
        <Dropdown
          trigger={['click']}
          menu={{
            items: [
              {
                key: 'me',
                type: 'group',
                label: (
                  <div className="user-menu-head">
                    <div className="user-menu-name">{me.name}</div>
                    <div className="user-menu-meta">{me.email}</div>
                    <div className="user-menu-meta">
                      {t(`role.${me.role}`)}
                      {me.agentNo ? ` · ${t('header.agentNo')} ${me.agentNo}` : ''}
                    </div>
                  </div>
                ),
              },
              { type: 'divider' },
              { key: 'logout', icon: <LogoutOutlined />, label: <span data-testid="logout">{t('header.logout')}</span>, onClick: () => void logout() },
            ],
          }}
        >
          <button type="button" className="user-button" data-testid="user-menu">
            <span className="user-avatar-wrap">
              <Avatar size={26} style={{ background: 'var(--primary)' }}>
                {me.name.slice(0, 1)}
              </Avatar>
              <span className="user-avatar-dot" style={{ background: availabilityColor[me.availability] }} />
            </span>
            <span className="user-name">{me.name}</span>
            <DownOutlined style={{ fontSize: 10, color: 'var(--text-3)' }} />
          </button>
        </Dropdown>
      </div>
    </Layout.Header>
  );
}

const navClass = (active: boolean) => `app-nav-item${active ? ' active' : ''}`;
