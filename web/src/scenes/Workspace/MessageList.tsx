import { ArrowDownOutlined } from '@ant-design/icons';
import { Button, Result, Spin } from 'antd';
import { Fragment, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { Conversation } from '../../api/types';
import { useI18n } from '../../i18n';
import { dayKey, dayLabel } from '../../i18n/format';
import { errorText } from '../../lib/errors';
import { selectPending } from '../../stores/workspace/selectors';
import { useController, useWorkspace } from '../../stores/workspace/context';
import { MessageItem, PendingItem } from './MessageItem';

/** Within this many pixels of the bottom the list follows new messages. */
const STICK_PX = 120;
const LOAD_OLDER_PX = 80;

/**
 * The messages of one conversation: older pages load when scrolling up (the view
 * keeps its place), new messages follow at the bottom unless the agent is
 * reading further up (then a "新消息" button appears).
 */
export function MessageList({ conversation }: { conversation: Conversation }) {
  const { t, locale } = useI18n();
  const controller = useController();
  const id = conversation.id;
  const thread = useWorkspace((s) => s.threads[id]);
  const pending = useWorkspace(selectPending(id));
  const agents = useWorkspace((s) => s.agents);
  const me = useWorkspace((s) => s.me);

  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const anchor = useRef<{ firstSeq: number; fromBottom: number } | null>(null);
  const lastSeen = useRef({ seq: 0, pending: 0 });
  const [unseen, setUnseen] = useState(false);
  // ?at=seq: the message a search result opened the conversation at
  const at = Number(useSearchParams()[0].get('at')) || 0;
  const [found, setFound] = useState(0);
  const reached = useRef({ target: '', asked: -1 });

  const messages = thread?.messages;
  const firstSeq = messages?.[0]?.seq ?? 0;
  const lastSeq = messages?.at(-1)?.seq ?? 0;

  const scrollToBottom = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    stick.current = true;
    setUnseen(false);
  }, []);

  // A new conversation: start at the bottom.
  useLayoutEffect(() => {
    stick.current = true;
    anchor.current = null;
    lastSeen.current = { seq: 0, pending: 0 };
    setUnseen(false);
    setFound(0);
  }, [id]);

  // After older messages were prepended, keep the same message under the eye.
  useLayoutEffect(() => {
    const el = scroller.current;
    const a = anchor.current;
    if (!el || !a) return;
    if (firstSeq < a.firstSeq) el.scrollTop = el.scrollHeight - a.fromBottom;
    anchor.current = null;
  }, [firstSeq]);

  // New messages at the bottom (not older pages above): follow them, or offer the button.
  useLayoutEffect(() => {
    const prev = lastSeen.current;
    lastSeen.current = { seq: lastSeq, pending: pending.length };
    if (lastSeq <= prev.seq && pending.length <= prev.pending) return;
    const lastMsg = messages?.at(-1);
    const minePosted = pending.length > prev.pending || (lastMsg?.senderType === 'agent' && lastMsg.senderId === me.id);
    if (stick.current || minePosted || prev.seq === 0) scrollToBottom();
    else setUnseen(true);
  }, [lastSeq, pending.length, messages, me.id, scrollToBottom]);

  // The message searched for: older pages load until it is here (each asking for the whole gap, up to
  // 200 messages; once per page, so a failure leaves it to 查看更早的消息), then it is brought to the
  // middle, ringed for a moment and focused (a keyboard user lands on it). Once per conversation and seq.
  const target = at ? `${id}:${at}` : '';
  const loaded = !!thread?.loaded;
  const hasOlder = !!thread?.hasOlder;
  const loadingOlder = !!thread?.loadingOlder;
  useEffect(() => {
    const r = reached.current;
    if (!target || r.target === target || !loaded || loadingOlder || !hasOlder || firstSeq <= at || r.asked === firstSeq) return;
    r.asked = firstSeq;
    void controller.loadOlder(id, firstSeq - at + 10);
  }, [target, at, id, firstSeq, loaded, hasOlder, loadingOlder, controller]);
  useLayoutEffect(() => {
    if (!target || reached.current.target === target || !loaded || (firstSeq > at && hasOlder) || lastSeq < at) return;
    reached.current = { target, asked: -1 };
    if (!scroller.current?.querySelector(`[data-seq="${at}"]`)) return; // not among the messages (gone since it was found)
    stick.current = false;
    setFound(at);
  }, [target, at, loaded, firstSeq, lastSeq, hasOlder]);
  useLayoutEffect(() => {
    const el = scroller.current;
    const msg = found ? el?.querySelector<HTMLElement>(`[data-seq="${found}"]`) : null;
    if (!el || !msg) return;
    const box = el.getBoundingClientRect();
    const r = msg.getBoundingClientRect();
    el.scrollTop += r.top - box.top - Math.max(0, (el.clientHeight - r.height) / 2);
    msg.focus({ preventScroll: true });
    const timer = window.setTimeout(() => setFound(0), 6000);
    return () => window.clearTimeout(timer);
  }, [found]);

  // Images and previews change heights after render: stay at the bottom if we were there.
  useEffect(() => {
    const el = content.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => {
      if (stick.current && scroller.current) scroller.current.scrollTop = scroller.current.scrollHeight;
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [id, thread?.loaded]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const fromBottom = el.scrollHeight - el.scrollTop - el.clientHeight;
    stick.current = fromBottom < STICK_PX;
    if (stick.current && unseen) setUnseen(false);
    if (el.scrollTop < LOAD_OLDER_PX && thread?.hasOlder && !thread.loadingOlder && messages?.length) {
      anchor.current = { firstSeq, fromBottom: el.scrollHeight - el.scrollTop };
      void controller.loadOlder(id);
    }
  };

  if (!thread || (!thread.loaded && !thread.error)) {
    return (
      <div className="message-list-wrap">
        <div className="message-list center" data-testid="message-list">
          <Spin />
        </div>
      </div>
    );
  }
  if (!thread.loaded && thread.error) {
    return (
      <div className="message-list-wrap">
        <div className="message-list center" data-testid="message-list">
          <Result
            status="warning"
            title={t('view.readOnlyLoad')}
            subTitle={errorText(thread.error, t)}
            extra={<Button onClick={() => void controller.loadThread(id)}>{t('common.retry')}</Button>}
          />
        </div>
      </div>
    );
  }

  let prevDay = '';
  return (
    <div className="message-list-wrap">
      <div className="message-list" data-testid="message-list" ref={scroller} onScroll={onScroll} aria-live="polite">
        <div ref={content} className="message-list-inner">
          <div className="message-list-top">
            {thread.loadingOlder ? (
              <Spin size="small" />
            ) : thread.hasOlder ? (
              <Button
                size="small"
                type="link"
                onClick={() => {
                  const el = scroller.current;
                  if (el) anchor.current = { firstSeq, fromBottom: el.scrollHeight - el.scrollTop };
                  void controller.loadOlder(id);
                }}
              >
                {t('view.loadOlder')}
              </Button>
            ) : (
              <span className="muted small">{t('view.noOlder')}</span>
            )}
          </div>
          {thread.messages.map((m) => {
            const day = dayKey(m.createdAt);
            const sep = day !== prevDay;
            prevDay = day;
            return (
              <Fragment key={m.seq}>
                {sep ? (
                  <div className="day-sep">
                    <span>{dayLabel(m.createdAt, t, locale)}</span>
                  </div>
                ) : null}
                <MessageItem
                  message={m}
                  contactId={conversation.contactId}
                  contactName={conversation.contactName}
                  sender={m.senderType === 'agent' && m.senderId ? agents[m.senderId] : undefined}
                  meId={me.id}
                  found={found === m.seq}
                />
              </Fragment>
            );
          })}
          {pending.map((p) => (
            <PendingItem
              key={p.clientMessageId}
              pending={p}
              meName={me.name}
              onRetry={() => controller.retry(id, p.clientMessageId)}
              onDiscard={() => controller.discard(id, p.clientMessageId)}
            />
          ))}
        </div>
      </div>
      {unseen ? (
        <Button className="new-messages-button" type="primary" shape="round" size="small" icon={<ArrowDownOutlined />} onClick={scrollToBottom}>
          {t('view.newMessages')}
        </Button>
      ) : null}
    </div>
  );
}
