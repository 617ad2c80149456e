import { CrownFilled, MessageOutlined, SearchOutlined, SendOutlined } from '@ant-design/icons';
import { Alert, App, Button, Drawer, Empty, Input, Modal, Space, Table, Tag, Tooltip, type TableColumnsType } from 'antd';
import { useEffect, useMemo, useState, type HTMLAttributes, type KeyboardEvent } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../../api';
import { codePointLength, MAX_INVITATION_CHARS, type LiveVisitor } from '../../api/types';
import { Elapsed } from '../../components/Elapsed';
import { SafeLink } from '../../components/SafeLink';
import { SourceTag } from '../../components/SourceTag';
import { VisitTrail } from '../../components/VisitTrail';
import { useT } from '../../i18n';
import { contactLabel, fullTime, shortUrl } from '../../i18n/format';
import { errorText } from '../../lib/errors';
import { useController, useWorkspace } from '../../stores/workspace/context';
import { charLimit } from '../../lib/charLimit';
import { useReturnFocus } from '../../lib/useReturnFocus';


/** 访客: who is on the site now, where they came from, and 主动邀请. Live through `visitor` frames. */
export default function VisitorsPage() {
  const t = useT();
  const controller = useController();
  const navigate = useNavigate();
  const visitorsById = useWorkspace((s) => s.visitors);
  const loaded = useWorkspace((s) => s.visitorsLoaded);
  const [query, setQuery] = useState('');
  const [inviting, setInviting] = useState<LiveVisitor | null>(null);
  const [trailOf, setTrailOf] = useState<number | null>(null);

  useEffect(() => {
    void controller.loadVisitors();
  }, [controller]);

  const visitors = useMemo(() => {
    const q = query.trim().toLowerCase();
    return Object.values(visitorsById)
      .filter((v) =>
        q
          ? `${v.name ?? ''} ${v.contactId} ${v.currentPage.url} ${v.currentPage.title ?? ''} ${v.visit.searchKeyword ?? ''} ${v.visit.sourceName ?? ''}`
              .toLowerCase()
              .includes(q)
          : true,
      )
      .sort((a, b) => Number(b.vip) - Number(a.vip) || Date.parse(b.visit.startedAt) - Date.parse(a.visit.startedAt));
  }, [visitorsById, query]);
  const chatting = visitors.filter((v) => v.conversationId !== null).length;
  const trailVisitor = trailOf !== null ? visitorsById[trailOf] : undefined;

  const columns: TableColumnsType<LiveVisitor> = [
    {
      title: t('visitors.visitor'),
      key: 'who',
      width: 150,
      ellipsis: true,
      render: (_, v) => (
        <Space size={4} wrap>
          <span className="strong" data-testid="visitor-name">
            {contactLabel(v.name, v.contactId, t)}
          </span>
          {v.vip ? (
            <Tag color="gold" icon={<CrownFilled />} className="badge-tag">
              VIP
            </Tag>
          ) : null}
        </Space>
      ),
    },
    {
      title: t('visitors.currentPage'),
      key: 'page',
      render: (_, v) => (
        <div className="visitor-page" onClick={(e) => e.stopPropagation()}>
          <div className="visitor-page-title">{v.currentPage.title || t('visitors.untitled')}</div>
          <SafeLink url={v.currentPage.url} text={shortUrl(v.currentPage.url)} className="ellipsis-link muted small" />
        </div>
      ),
    },
    {
      title: t('visitors.onPage'),
      key: 'since',
      width: 110,
      render: (_, v) => (
        <Tooltip title={fullTime(v.currentPage.since)}>
          <span>
            <Elapsed since={v.currentPage.since} />
          </span>
        </Tooltip>
      ),
    },
    { title: t('visitors.source'), key: 'source', width: 140, ellipsis: true, render: (_, v) => <SourceTag kind={v.visit.sourceKind} name={v.visit.sourceName} /> },
    {
      title: t('visitors.keyword'),
      key: 'keyword',
      width: 120,
      ellipsis: true,
      render: (_, v) => (v.visit.searchKeyword ? <span data-testid="visitor-keyword">{v.visit.searchKeyword}</span> : <span className="muted">{t('common.none')}</span>),
    },
    {
      title: t('visitors.landing'),
      key: 'landing',
      width: 200,
      render: (_, v) =>
        v.visit.landingPage ? (
          <div className="cell-clip" onClick={(e) => e.stopPropagation()}>
            <SafeLink url={v.visit.landingPage} text={shortUrl(v.visit.landingPage)} testId="visitor-landing" />
          </div>
        ) : (
          <span className="muted">{t('common.none')}</span>
        ),
    },
    { title: t('visitors.pageViews'), key: 'pv', width: 72, align: 'right', render: (_, v) => v.visit.pageViews },
    {
      title: t('visitors.state'),
      key: 'state',
      width: 110,
      render: (_, v) =>
        v.conversationId !== null ? (
          <Button
            size="small"
            type="link"
            icon={<MessageOutlined />}
            data-testid="visitor-chatting"
            onClick={(e) => {
              e.stopPropagation();
              navigate(`/conversations/${v.conversationId}`);
            }}
          >
            {t('visitors.chatting')}
          </Button>
        ) : (
          <Tag data-testid="visitor-browsing">{t('visitors.browsing')}</Tag>
        ),
    },
    {
      title: t('agents.actions'),
      key: 'actions',
      width: 96,
      fixed: 'right',
      render: (_, v) => (
        <Button
          size="small"
          type="primary"
          ghost
          icon={<SendOutlined />}
          data-testid="visitor-invite"
          onClick={(e) => {
            e.stopPropagation();
            setInviting(v);
          }}
        >
          {t('visitors.invite')}
        </Button>
      ),
    },
  ];

  return (
    <div className="admin-page wide">
      <div className="admin-head">
        <div>
          <h1>{t('visitors.title')}</h1>
          <div className="muted">
            <span data-testid="visitor-count">{t('visitors.subtitle', { n: Object.keys(visitorsById).length, chatting })}</span>
          </div>
        </div>
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('visitors.search')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          style={{ width: 260 }}
        />
      </div>
      <div className="admin-card">
        <Table<LiveVisitor>
          rowKey="contactId"
          size="middle"
          className="visitors-table"
          tableLayout="fixed"
          scroll={{ x: 1120 }}
          loading={!loaded}
          columns={columns}
          dataSource={visitors}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('visitors.empty')} /> }}
          pagination={visitors.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
          onRow={(v) =>
            ({
              'data-testid': 'visitor-row',
              'data-contact-id': v.contactId,
              className: `clickable-row${trailOf === v.contactId ? ' selected-row' : ''}`,
              onClick: () => setTrailOf(v.contactId),
              // the trail opens from the keyboard too (Enter on the focused row)
              tabIndex: 0,
              onKeyDown: (e: KeyboardEvent<HTMLElement>) => {
                if (e.key === 'Enter' && e.target === e.currentTarget) setTrailOf(v.contactId);
              },
            }) as HTMLAttributes<HTMLElement>
          }
        />
      </div>
      <Drawer
        open={trailOf !== null}
        autoFocus
        onClose={() => setTrailOf(null)}
        size={420}
        destroyOnHidden
        title={trailOf !== null ? `${t('trail.title')} · ${contactLabel(trailVisitor?.name ?? null, trailOf, t)}` : ''}
        extra={
          trailVisitor ? (
            <Button size="small" icon={<SendOutlined />} onClick={() => setInviting(trailVisitor)}>
              {t('visitors.invite')}
            </Button>
          ) : null
        }
      >
        {trailOf !== null ? (
          <>
            {!trailVisitor ? <Alert type="info" showIcon title={t('visitors.left')} style={{ marginBottom: 12 }} /> : null}
            <VisitTrail contactId={trailOf} maxVisits={10} />
          </>
        ) : null}
      </Drawer>
      {inviting ? <InviteModal key={inviting.contactId} visitor={inviting} onClose={() => setInviting(null)} /> : null}
    </div>
  );
}

/** 主动邀请: the visitor's widget opens with this message; accepting starts a conversation with me. */
function InviteModal({ visitor, onClose }: { visitor: LiveVisitor; onClose: () => void }) {
  useReturnFocus();
  const t = useT();
  const { message } = App.useApp();
  const [text, setText] = useState(() => t('visitors.inviteDefault'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = contactLabel(visitor.name, visitor.contactId, t);

  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.invite(visitor.contactId, text.trim());
      message.success(t('visitors.invited', { name }));
      onClose();
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t('visitors.inviteTitle', { name })}
      onCancel={onClose}
      onOk={() => void send()}
      okText={t('visitors.inviteSend')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      okButtonProps={{ disabled: !text.trim() || codePointLength(text) > MAX_INVITATION_CHARS, ...({ 'data-testid': 'invite-send' } as object) }}
      destroyOnHidden
    >
      <p className="muted" id="invite-hint">
        {t('visitors.inviteHint')}
      </p>
      <Input.TextArea
        data-testid="invite-message-input"
        aria-label={t('visitors.inviteMessage')}
        aria-describedby="invite-hint"
        value={text}
        onChange={(e) => setText(e.target.value)}
        count={charLimit(MAX_INVITATION_CHARS)}
        showCount
        autoSize={{ minRows: 2, maxRows: 5 }}
        autoFocus
      />
      {error ? <Alert type="error" showIcon title={<span data-testid="invite-error">{error}</span>} style={{ marginTop: 12 }} /> : null}
    </Modal>
  );
}
