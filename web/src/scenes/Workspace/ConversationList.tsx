import { InboxOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Empty, Segmented, Spin, Tabs, Tooltip } from 'antd';
import { memo } from 'react';
import { useNavigate } from 'react-router';
import type { Agent, Conversation, ConversationStatus } from '../../api/types';
import { CONVERSATION_STATUSES } from '../../api/types';
import { ContactAvatar } from '../../components/ContactAvatar';
import { ConversationBadges } from '../../components/ConversationBadges';
import { ConversationInsightBadges } from '../../components/InsightBadges';
import { useI18n, useT } from '../../i18n';
import { contactLabel, fullTime, relativeTime } from '../../i18n/format';
import { errorText } from '../../lib/errors';
import { useNow } from '../../lib/useNow';
import { selectVisibleConversations } from '../../stores/workspace/selectors';
import { useController, useWorkspace } from '../../stores/workspace/context';
import { LIST_TABS, OFFLINE_COUNT_CAP, type ListTab, type TabCounts } from '../../stores/workspace/state';

function countLabel(counts: TabCounts | null, tab: ListTab): string {
  const n = counts ? counts[tab] : null;
  if (n === null) return '·';
  if (tab === 'offline' && n >= OFFLINE_COUNT_CAP) return `${OFFLINE_COUNT_CAP - 1}+`;
  return String(n);
}

/** Left column: 我的 / 未分配 / 全部 / 留言 with counts, the status filter, the live list. */
export function ConversationList({ activeId }: { activeId: number | null }) {
  const t = useT();
  const controller = useController();
  const list = useWorkspace((s) => s.list);
  const conversations = useWorkspace(selectVisibleConversations);
  const agents = useWorkspace((s) => s.agents);
  const meId = useWorkspace((s) => s.me.id);
  const contacts = useWorkspace((s) => s.contacts);
  const now = useNow();
  const navigate = useNavigate();

  return (
    <section className="conv-list-col" aria-label={t('nav.workspace')}>
      <div className="conv-list-head">
        <Tabs
          size="small"
          activeKey={list.tab}
          onChange={(k) => controller.setFilter(k as ListTab, list.status)}
          items={LIST_TABS.map((tab) => ({
            key: tab,
            label: (
              <span data-testid={tab === 'offline' ? 'tab-offline' : `conv-tab-${tab}`} className="conv-tab-label">
                {t(`conv.tab.${tab}`)}
                <span className="conv-tab-count" data-testid={`conv-count-${tab}`}>
                  {countLabel(list.counts, tab)}
                </span>
              </span>
            ),
          }))}
        />
        <div className="conv-list-filter">
          <Segmented<ConversationStatus>
            data-testid="status-filter"
            size="small"
            block
            value={list.status}
            onChange={(v) => controller.setFilter(list.tab, v)}
            options={CONVERSATION_STATUSES.map((s) => ({
              value: s,
              label: <span data-testid={`status-${s}`}>{t(`conv.status.${s}`)}</span>,
            }))}
          />
          <Tooltip title={t('common.retry')}>
            <Button size="small" type="text" icon={<ReloadOutlined spin={list.loading} />} aria-label={t('common.retry')} onClick={() => void controller.refreshList('merge')} />
          </Tooltip>
        </div>
      </div>
      <div className="conv-list" data-testid="conv-list">
        {list.error && conversations.length === 0 ? (
          <div className="conv-list-empty">
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={`${t('conv.listError')}: ${errorText(list.error, t)}`}>
              <Button size="small" onClick={() => void controller.refreshList('merge')}>
                {t('conv.retry')}
              </Button>
            </Empty>
          </div>
        ) : conversations.length === 0 ? (
          list.loading ? (
            <div className="conv-list-empty">
              <Spin />
            </div>
          ) : (
            <div className="conv-list-empty">
              <Empty
                image={<InboxOutlined style={{ fontSize: 40, color: '#d0d5dd' }} />}
                description={
                  <>
                    <div>{t('conv.empty')}</div>
                    {list.tab === 'offline' ? (
                      <div className="muted small">{t('conv.emptyHint.offline')}</div>
                    ) : list.status === 'open' ? (
                      <div className="muted small">{t('conv.emptyHint.open')}</div>
                    ) : null}
                  </>
                }
              />
            </div>
          )
        ) : (
          <>
            {/* the list holds only its items: the empty state's picture and "load more" sit outside it */}
            <div role="list" aria-label={t(`conv.tab.${list.tab}`)}>
              {conversations.map((c) => (
                <ConversationItem
                  key={c.id}
                  conversation={c}
                  active={c.id === activeId}
                  assignee={c.assigneeId ? agents[c.assigneeId] : undefined}
                  mine={c.assigneeId === meId}
                  vip={contacts[c.contactId]?.vip ?? c.priority > 0}
                  now={now}
                  onOpen={(id) => navigate(`/conversations/${id}`)}
                />
              ))}
            </div>
            <div className="conv-list-more">
              {list.floor ? (
                <Button size="small" type="link" loading={list.loadingMore} onClick={() => void controller.loadMore()} data-testid="conv-load-more">
                  {t('conv.loadMore')}
                </Button>
              ) : (
                <span className="muted small">{t('conv.noMore')}</span>
              )}
            </div>
          </>
        )}
      </div>
    </section>
  );
}

interface ItemProps {
  conversation: Conversation;
  active: boolean;
  assignee: Agent | undefined;
  mine: boolean;
  vip: boolean;
  now: number;
  onOpen: (id: number) => void;
}

const ConversationItem = memo(function ConversationItem({ conversation: c, active, assignee, mine, vip, now, onOpen }: ItemProps) {
  const { t } = useI18n();
  const name = contactLabel(c.contactName, c.contactId, t);
  const time = c.lastMessageAt ?? c.updatedAt;
  return (
    <div
      role="listitem"
      tabIndex={0}
      className={`conv-item${active ? ' active' : ''}${c.unreadCount > 0 ? ' unread' : ''}`}
      data-testid="conv-item"
      data-conversation-id={c.id}
      data-unread={c.unreadCount}
      data-status={c.status}
      data-handler={c.handler}
      data-queued={c.queuedAt !== null && c.assigneeId === null ? 'true' : 'false'}
      onClick={() => onOpen(c.id)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onOpen(c.id);
        }
      }}
    >
      <ContactAvatar id={c.contactId} name={c.contactName} fallback={t('msg.visitor').slice(0, 1)} />
      <div className="conv-item-body">
        <div className="conv-item-row">
          <span className="conv-item-name" data-testid="conv-item-name">
            {name}
          </span>
          <span className="conv-item-time" title={fullTime(time)}>
            {relativeTime(time, now, t)}
          </span>
        </div>
        <div className="conv-item-row">
          <span className="conv-item-preview" data-testid="conv-item-preview">
            {c.lastMessagePreview ?? t('conv.noPreview')}
          </span>
          {c.unreadCount > 0 ? (
            <span className="conv-item-unread" data-testid="conv-item-unread">
              {c.unreadCount > 99 ? '99+' : c.unreadCount}
            </span>
          ) : null}
        </div>
        <div className="conv-item-meta">
          {assignee ? (
            <span className={`conv-item-assignee${mine ? ' mine' : ''}`}>{assignee.name}</span>
          ) : c.assigneeId ? (
            <span className="conv-item-assignee">#{c.assigneeId}</span>
          ) : (
            <span className="conv-item-assignee none">{t('conv.unassigned')}</span>
          )}
          <span className="conv-item-badges">
            <ConversationBadges conversation={c} vip={vip} />
            <ConversationInsightBadges conversationId={c.id} hideNeutral />
          </span>
          <span className="conv-item-id">#{c.id}</span>
        </div>
      </div>
    </div>
  );
});
