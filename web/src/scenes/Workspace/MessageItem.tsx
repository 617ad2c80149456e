import { ExclamationCircleFilled, LoadingOutlined, LockOutlined, RobotOutlined } from '@ant-design/icons';
import { Avatar, Button, Tooltip } from 'antd';
import { memo } from 'react';
import type { Agent, Message } from '../../api/types';
import { Attachments } from '../../components/Deferred';
import { ContactAvatar } from '../../components/ContactAvatar';
import { MessageInsight } from '../../components/InsightBadges';
import { LinkifiedText } from '../../components/LinkifiedText';
import { useT } from '../../i18n';
import { contactLabel, fullTime, hhmm } from '../../i18n/format';
import { errorText } from '../../lib/errors';
import type { PendingMessage } from '../../stores/workspace/state';
import { BotMetaTag } from '../../components/BotMetaTag';

interface Props {
  message: Message;
  contactId: number;
  contactName: string | null;
  sender: Agent | undefined;
  meId: number;
  /** The message a search result opened the conversation at: ringed (and focusable, to be focused) for a moment */
  found?: boolean;
}

/** One message: customer on the left, agents on the right, notes in yellow, system lines centred. */
export const MessageItem = memo(function MessageItem({ message: m, contactId, contactName, sender, meId, found }: Props) {
  const t = useT();
  const time = new Date(m.createdAt);
  const common = {
    'data-testid': 'message',
    'data-sender-type': m.senderType,
    'data-seq': m.seq,
    'data-private': String(m.private),
    'data-message-id': m.id,
    ...(found ? { 'data-highlighted': 'true', tabIndex: -1 } : {}),
  };
  const mark = found ? ' msg-found' : '';

  if (m.senderType === 'system') {
    return (
      <div {...common} className={`msg msg-system${mark}`}>
        <span className="msg-system-text" data-testid="message-text">
          {m.content}
        </span>
        <span className="msg-system-time">{hhmm(time)}</span>
      </div>
    );
  }

  const isCustomer = m.senderType === 'customer';
  const isBot = m.senderType === 'bot';
  const left = isCustomer || isBot;
  let name: string;
  if (isCustomer) name = contactLabel(m.senderName ?? contactName, contactId, t);
  else if (isBot) name = m.senderName ?? t('msg.bot');
  else name = m.senderName ?? sender?.name ?? `#${m.senderId ?? '?'}`;
  const agentNo = m.senderType === 'agent' ? sender?.agentNo : null;
  const mine = m.senderType === 'agent' && m.senderId === meId;

  return (
    <div {...common} className={`msg ${left ? 'msg-left' : 'msg-right'}${m.private ? ' msg-private' : ''}${mine ? ' msg-mine' : ''}${mark}`}>
      {left ? (
        isBot ? (
          <Avatar size={32} icon={<RobotOutlined />} style={{ background: '#8c8c8c', flex: 'none' }} />
        ) : (
          <ContactAvatar id={contactId} name={contactName} size={32} fallback={t('msg.visitor').slice(0, 1)} />
        )
      ) : null}
      <div className="msg-main">
        <div className="msg-meta">
          <span className="msg-sender">{name}</span>
          {agentNo ? <span className="msg-agent-no">{agentNo}</span> : null}
          {isBot ? <BotMetaTag meta={m.meta} /> : null}
          <Tooltip title={fullTime(m.createdAt)}>
            <span className="msg-time">{hhmm(time)}</span>
          </Tooltip>
        </div>
        {m.private ? (
          <div className="msg-private-label">
            <LockOutlined /> {t('msg.private')} · {t('msg.privateHint')}
          </div>
        ) : null}
        <div className="msg-bubble">
          {m.content ? (
            <div className="msg-text" data-testid="message-text">
              <LinkifiedText text={m.content} />
            </div>
          ) : null}
          <Attachments items={m.attachments} />
        </div>
        {isCustomer ? <MessageInsight messageId={m.id} /> : null}
      </div>
      {!left ? (
        <Avatar size={32} style={{ background: m.private ? '#d4a106' : 'var(--primary)', flex: 'none' }}>
          {name.slice(0, 1)}
        </Avatar>
      ) : null}
    </div>
  );
});

/** An outgoing message the server has not confirmed yet: sending…, or failed with the reason and 重试. */
export function PendingItem({
  pending: p,
  meName,
  onRetry,
  onDiscard,
}: {
  pending: PendingMessage;
  meName: string;
  onRetry: () => void;
  onDiscard: () => void;
}) {
  const t = useT();
  return (
    <div
      data-testid="message"
      data-sender-type="agent"
      data-private={String(p.private)}
      data-pending={p.status}
      data-client-message-id={p.clientMessageId}
      className={`msg msg-right msg-mine msg-pending${p.private ? ' msg-private' : ''}${p.status === 'failed' ? ' msg-failed' : ''}`}
    >
      <div className="msg-main">
        <div className="msg-meta">
          <span className="msg-sender">{meName}</span>
          <span className="msg-time">{hhmm(new Date(p.createdAt))}</span>
        </div>
        {p.private ? (
          <div className="msg-private-label">
            <LockOutlined /> {t('msg.private')} · {t('msg.privateHint')}
          </div>
        ) : null}
        <div className="msg-status-row">
          {p.status === 'sending' ? (
            <span className="msg-status" data-testid="message-status" data-status="sending">
              <LoadingOutlined /> {t('msg.sending')}
            </span>
          ) : (
            <span className="msg-status failed" data-testid="message-status" data-status="failed">
              <ExclamationCircleFilled /> {t(p.retrying ? 'msg.retrying' : 'msg.failed')}: {errorText(p.error, t)}
              <Button size="small" type="link" onClick={onRetry} data-testid="message-retry">
                {t('msg.retry')}
              </Button>
              <Button size="small" type="link" danger onClick={onDiscard}>
                {t('msg.discard')}
              </Button>
            </span>
          )}
          <div className="msg-bubble">
            {p.content ? (
              <div className="msg-text" data-testid="message-text">
                {p.content}
              </div>
            ) : null}
            <Attachments items={p.attachments} />
          </div>
        </div>
      </div>
      <Avatar size={32} style={{ background: p.private ? '#d4a106' : 'var(--primary)', flex: 'none' }}>
        {meName.slice(0, 1)}
      </Avatar>
    </div>
  );
}
