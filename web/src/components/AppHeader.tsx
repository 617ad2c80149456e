import { DownOutlined, LogoutOutlined, SearchOutlined } from '@ant-design/icons';
import { Avatar, Dropdown, Layout } from 'antd';
import { useEffect } from 'react';
import { NavLink, useLocation, useNavigate } from 'react-router';
import { loadSearchPage } from '../scenes/Search/load';
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
          <NavLink to="/contacts" data-testid="nav-contacts" className={({ isActive }) => navClass(isActive)}>
            {t('nav.contacts')}
          </NavLink>
          {canReview(me.role) ? (
            <NavLink to="/reports" data-testid="nav-reports" className={({ isActive }) => navClass(isActive)}>
              {t('nav.reports')}
            </NavLink>
          ) : null}
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
        <SearchEntry active={pathname === '/search'} />
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

function openSearch(navigate: (to: string) => void) {
  const box = document.getElementById('search-input');
  if (box) box.focus();
  else navigate('/search');
}

/**
 * 搜索: opens the search page (its code is fetched as the pointer or the focus comes near),
 * or, there, its box. "/" does the same anywhere but in a text field or a dialog.
 */
function SearchEntry({ active }: { active: boolean }) {
  const t = useT();
  const navigate = useNavigate();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target;
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || e.isComposing || e.defaultPrevented) return;
      if (el instanceof HTMLElement && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || el.closest('[role=dialog]'))) return;
      e.preventDefault();
      openSearch(navigate);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [navigate]);
  const prefetch = () => void loadSearchPage().catch(() => undefined);
  return (
    <button
      type="button"
      className={`search-open${active ? ' active' : ''}`}
      data-testid="search-open"
      aria-keyshortcuts="/"
      aria-current={active ? 'page' : undefined}
      onClick={() => openSearch(navigate)}
      onPointerEnter={prefetch}
      onFocus={prefetch}
    >
      <SearchOutlined />
      {t('nav.search')}
      <kbd aria-hidden="true">/</kbd>
    </button>
  );
}

const navClass = (active: boolean) => `app-nav-item${active ? ' active' : ''}`;
