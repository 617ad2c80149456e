import type { ReactNode } from 'react';
import { NavLink } from 'react-router';
import { useWorkspace } from '../../stores/workspace/context';
import type { ContactProfile } from './api';
import { useContactT } from './strings';
import { Tag } from './ui';

/** 客户列表 | 客户字段 (admins): the 客户 pages' tabs. */
export function ContactTabs() {
  const ct = useContactT();
  const admin = useWorkspace((s) => s.me.role === 'admin');
  if (!admin) return null;
  return (
    <nav className="contacts-tabs" aria-label={ct('list.title')}>
      <NavLink end to="/contacts" data-testid="contacts-tab-list" className={({ isActive }) => `contacts-tab${isActive ? ' active' : ''}`}>
        {ct('list.listTab')}
      </NavLink>
      <NavLink to="/contacts/fields" data-testid="contacts-tab-fields" className={({ isActive }) => `contacts-tab${isActive ? ' active' : ''}`}>
        {ct('list.fieldsTab')}
      </NavLink>
    </nav>
  );
}

/** VIP 1…5 as a gold tag; nothing for 0. */
export function VipTag({ level }: { level: number }) {
  const ct = useContactT();
  if (!level) return null;
  return (
    <Tag tone="gold" data-testid="contact-vip-level" data-level={level}>
      ♛ {ct('vip.n', { n: level })}
    </Tag>
  );
}

/** The VIP level as the server sends it (older servers: only the boolean). */
export const vipLevelOf = (c: Pick<ContactProfile, 'vip' | 'vipLevel'>): number => (typeof c.vipLevel === 'number' ? c.vipLevel : c.vip ? 1 : 0);

/** A tag with its own 移除 button (named for screen readers). */
export function RemovableTag({ children, removeLabel, onRemove, disabled, testId }: { children: ReactNode; removeLabel: string; onRemove: () => void; disabled?: boolean; testId?: string }) {
  return (
    <span className="ck-tag removable" data-testid={testId}>
      <span>{children}</span>
      <button type="button" className="ck-tag-remove" aria-label={removeLabel} title={removeLabel} onClick={onRemove} disabled={disabled}>
        ×
      </button>
    </span>
  );
}

/** 加载中…, for screen readers too. */
export function Loading({ text }: { text: string }) {
  return (
    <div className="ck-loading" role="status" data-testid="contacts-loading">
      {text}
    </div>
  );
}
