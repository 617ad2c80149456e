import { CheckCircleOutlined, ClockCircleOutlined, FileAddOutlined, LoginOutlined, RedoOutlined, WarningFilled } from '@ant-design/icons';
import { App, Button, Result, Space, Tag } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api';
import { ticketsApi } from '../../api/tickets';
import type { Conversation, ConversationStatus } from '../../api/types';
import { ContactAvatar } from '../../components/ContactAvatar';
import { ConversationBadges } from '../../components/ConversationBadges';
import { ConversationInsightBadges } from '../../components/InsightBadges';
import { StatusTag } from '../../components/StatusTag';
import { useT } from '../../i18n';
import { contactLabel, formatDuration, secondsSince } from '../../i18n/format';
import { errorText } from '../../lib/errors';
import { canChangeStatus, canReply, canTake, canTransfer, servesCustomers } from '../../lib/permissions';
import { useNow } from '../../lib/useNow';
import { useController, useWorkspace } from '../../stores/workspace/context';
import { AssistPanel } from './AssistPanel';
import { Composer } from './Composer';
import { CsatInvite, CsatSummary } from './csat';
import { MessageList } from './MessageList';
import { TransferControl } from './TransferDialog';

/** A customer message unanswered this long asks the agent to apologise first. */
export const APOLOGY_AFTER_SECONDS = 60;

/** Middle column: header with actions, the messages, typing, the reply box. */
export function ConversationView({ conversationId }: { conversationId: number }) {
  const t = useT();
  const conversation = useWorkspace((s) => s.conversations[conversationId]);
  const thread = useWorkspace((s) => s.threads[conversationId]);

  if (!conversation) {
    const failed = thread?.error;
    return (
      <section className="conv-view">
        {failed ? <Result status="404" title={t('view.notFound')} subTitle={errorText(failed, t)} /> : <div className="conv-view-empty" />}
      </section>
    );
  }
  return (
    <section className="conv-view" data-conversation-id={conversation.id}>
      <ConversationHeader conversation={conversation} />
      <CsatSummary conversationId={conversation.id} />
      <MessageList conversation={conversation} />
      <TypingLine conversationId={conversation.id} />
      <ApologyHint conversation={conversation} />
      <AssistPanel key={`assist-${conversation.id}`} conversation={conversation} />
      <Composer key={conversation.id} conversation={conversation} />
    </section>
  );
}

function ConversationHeader({ conversation: c }: { conversation: Conversation }) {
  const t = useT();
  const controller = useController();
  const me = useWorkspace((s) => s.me);
  const assignee = useWorkspace((s) => (c.assigneeId ? s.agents[c.assigneeId] : undefined));
  const group = useWorkspace((s) => (c.groupId !== null ? s.groups[c.groupId] : undefined));
  const vip = useWorkspace((s) => s.contacts[c.contactId]?.vip ?? c.priority > 0);
  const [busy, setBusy] = useState<string | null>(null);
  const { message } = App.useApp();
  const name = contactLabel(c.contactName, c.contactId, t);
  const statusAllowed = canChangeStatus(me, c);
  const navigate = useNavigate();
  // 一键转工单 / 转投诉: the ticket is the conversation's agent's (mine when nobody has it), then open it
  const toTicket = async (type?: 'complaint') => {
    setBusy(type ?? 'ticket');
    try {
      const ticket = await ticketsApi.fromConversation(c.id, { ...(type ? { type } : {}), assigneeId: c.assigneeId ?? me.id });
      navigate(`/tickets/${ticket.id}`);
    } catch (err) {
      message.error(errorText(err, t));
    } finally {
      setBusy(null);
    }
  };

  const run = async (key: string, action: () => Promise<unknown>, done: string) => {
    setBusy(key);
    try {
      await action();
      message.success(done);
    } catch (err) {
      // 接入 above my own 接待上限: say so in my terms
      if (key === 'take' && err instanceof ApiError && err.code === 'agent_full') {
        message.error({ content: <span data-testid="agent-full-error">{errorText(err, t, 'error.agent_full_self')}</span> });
      } else {
        message.error(errorText(err, t));
      }
    } finally {
      setBusy(null);
    }
  };
  const setStatus = (status: ConversationStatus, done: string) => run(status, () => controller.setStatus(c.id, status), done);

  const statusButtons =
    c.status === 'resolved' ? (
      <Button icon={<RedoOutlined />} loading={busy === 'open'} onClick={() => setStatus('open', t('view.reopenedDone'))} data-testid="reopen">
        {t('view.reopen')}
      </Button>
    ) : (
      <>
        {c.status === 'open' ? (
          <Button icon={<ClockCircleOutlined />} loading={busy === 'pending'} onClick={() => setStatus('pending', t('view.pendingDone'))} data-testid="mark-pending">
            {t('view.pending')}
          </Button>
        ) : (
          <Button icon={<RedoOutlined />} loading={busy === 'open'} onClick={() => setStatus('open', t('view.reopenedDone'))} data-testid="reopen">
            {t('view.toOpen')}
          </Button>
        )}
        <Button
          type="primary"
          ghost
          icon={<CheckCircleOutlined />}
          loading={busy === 'resolved'}
         
          onClick={() => setStatus('resolved', t('view.resolvedDone'))}
          data-testid="resolve"
        >
          {t('view.resolve')}
        </Button>
      </>
    );

  return (
    <header className="conv-header">
      <div className="conv-header-who">
        <ContactAvatar id={c.contactId} name={c.contactName} size={36} fallback={t('msg.visitor').slice(0, 1)} />
        <div className="conv-header-text">
          <div className="conv-header-title">
            <span className="conv-header-name" data-testid="conv-header-name">
              {name}
            </span>
            <StatusTag status={c.status} />
            <ConversationBadges conversation={c} vip={vip} />
            <ConversationInsightBadges conversationId={c.id} />
          </div>
          <div className="conv-header-sub">
            <span>
              {t('view.assigneeLabel')}
              <span data-testid="conv-assignee" data-assignee-id={c.assigneeId ?? ''}>
                {assignee
                  ? assignee.agentNo
                    ? t('view.assigneeWithNo', { name: assignee.name, no: assignee.agentNo })
                    : assignee.name
                  : c.assigneeId
                    ? `#${c.assigneeId}`
                    : t('conv.unassigned')}
              </span>
            </span>
            {c.groupId !== null || c.topic ? (
              <>
                <span className="dot-sep">·</span>
                <span data-testid="conv-group" data-group-id={c.groupId ?? ''}>
                  {group ? t('view.group', { name: group.name }) : c.groupId !== null ? t('view.group', { name: `#${c.groupId}` }) : null}
                  {c.topic ? (
                    <Tag className="topic-tag" bordered={false}>
                      {c.topic}
                    </Tag>
                  ) : null}
                </span>
              </>
            ) : null}
            <span className="dot-sep">·</span>
            <span>#{c.id}</span>
            <span className="dot-sep">·</span>
            <span>{c.channel === 'web' ? t('inboxes.typeWeb') : c.channel}</span>
          </div>
        </div>
      </div>
      <Space size={8} wrap className="conv-header-actions">
        {canTake(me, c) ? (
          <Button
            type="primary"
            icon={<LoginOutlined />}
            loading={busy === 'take'}
            onClick={() => run('take', () => controller.assign(c.id, me.id), t('view.assignedToMe'))}
            data-testid="assign-me"
          >
            {t('view.assignMe')}
          </Button>
        ) : null}
        {canTransfer(me, c) ? <TransferControl conversation={c} /> : null}
        {servesCustomers(me.role) ? (
          <>
            <Button icon={<FileAddOutlined />} loading={busy === 'ticket'} onClick={() => void toTicket()} data-testid="conv-to-ticket">
              {t('view.toTicket')}
            </Button>
            <Button icon={<WarningFilled />} loading={busy === 'complaint'} onClick={() => void toTicket('complaint')} data-testid="conv-to-complaint">
              {t('view.toComplaint')}
            </Button>
          </>
        ) : null}
        {servesCustomers(me.role) ? <CsatInvite conversation={c} allowed={canReply(me, c)} /> : null}
        {/* someone else's conversation: the composer explains; no status buttons to fail on */}
        {statusAllowed ? statusButtons : null}
      </Space>
    </header>
  );
}

/**
 * 致歉提示: the customer's oldest unanswered message is older than a minute. Goes
 * away by itself once someone replies (the conversation frame clears waitingSince).
 */
function ApologyHint({ conversation: c }: { conversation: Conversation }) {
  const t = useT();
  const me = useWorkspace((s) => s.me);
  const now = useNow(1000);
  if (!c.waitingSince || c.status === 'resolved' || !canReply(me, c)) return null;
  const waited = secondsSince(c.waitingSince, now);
  if (waited < APOLOGY_AFTER_SECONDS) return null;
  return (
    <div className="apology-hint" data-testid="apology-hint" role="status">
      <WarningFilled /> {t('view.apology', { waited: formatDuration(waited, t) })}
    </div>
  );
}

function TypingLine({ conversationId }: { conversationId: number }) {
  const t = useT();
  const customer = useWorkspace((s) => s.customerTyping[conversationId]);
  const colleague = useWorkspace((s) => s.colleagueTyping[conversationId]);
  return (
    <div className="typing-line" aria-live="polite">
      {customer ? (
        <span className="typing-indicator" data-testid="typing-indicator">
          <span className="typing-dots">
            <i />
            <i />
            <i />
          </span>
          {t('view.typing')}
        </span>
      ) : null}
      {colleague ? <span className="typing-colleague">{t('view.colleagueTyping', { name: colleague.name ?? '' })}</span> : null}
    </div>
  );
}
