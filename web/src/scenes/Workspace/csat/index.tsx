import { App, Button, Tag, Tooltip } from 'antd';
import { useEffect, useState } from 'react';
import type { Conversation } from '../../../api/types';
import { useT } from '../../../i18n';
import { fullTime } from '../../../i18n/format';

/*
 * 满意度评价 in 工作台: the customer's rating under the conversation's header (live), and
 * 邀请评价 in its actions. The data, the words and the styles load with the first
 * conversation shown (ratings.ts); the console's first load (log in, land on 工作台) does
 * not carry them. Rendered here with the antd parts 工作台 already loads: a lazy chunk that
 * imported antd itself would re-split antd's shared chunks and grow the first load.
 */
type Part = typeof import('./ratings');

let part: Part | null = null;
let loading: Promise<Part> | null = null;

function usePart(): Part | null {
  const [p, setP] = useState(part);
  useEffect(() => {
    if (p) return;
    let live = true;
    (loading ??= import('./ratings').then((m) => (part = m))).then(
      (m) => live && setP(m),
      () => (loading = null), // offline: the next conversation shown tries again
    );
    return () => {
      live = false;
    };
  }, [p]);
  return p;
}

/** 邀请评价, for an open conversation the customer has neither rated nor been asked to rate. `allowed`: the agent may reply in it. */
export function CsatInvite({ conversation, allowed }: { conversation: Conversation; allowed: boolean }) {
  const p = usePart();
  return p && allowed && conversation.status !== 'resolved' ? <Invite part={p} conversation={conversation} /> : null;
}

function Invite({ part: p, conversation: c }: { part: Part; conversation: Conversation }) {
  const t = useT();
  const ct = p.useCsatT();
  const [entry, ratings] = p.useRating(c.id);
  const [busy, setBusy] = useState(false);
  const { message } = App.useApp();
  if (!entry || entry.rating) return null;
  if (entry.requested) {
    return (
      <Button disabled data-testid="csat-invite" data-requested="true">
        {ct('invited')}
      </Button>
    );
  }
  const invite = async () => {
    setBusy(true);
    try {
      await ratings.invite(c.id);
      message.success(ct('inviteDone'));
    } catch (err) {
      message.error(p.csatErrorText(err, ct, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Tooltip title={ct('inviteHint')}>
      <Button loading={busy} onClick={() => void invite()} data-testid="csat-invite" data-requested="false">
        {ct('invite')}
      </Button>
    </Tooltip>
  );
}

/** The customer's rating, under the header: stars and label, the reasons ticked, the comment (as text). */
export function CsatSummary({ conversationId }: { conversationId: number }) {
  const p = usePart();
  return p ? <Summary part={p} conversationId={conversationId} /> : null;
}

function Summary({ part: p, conversationId }: { part: Part; conversationId: number }) {
  const ct = p.useCsatT();
  const r = p.useRating(conversationId)[0]?.rating;
  if (!r) return null;
  return (
    <div className="csat-bar" data-testid="csat-rating" data-score={r.score} role="group" aria-label={ct('title')}>
      <span className="csat-title">{ct('title')}</span>
      <span className="csat-stars" role="img" aria-label={ct('stars', { n: r.score })} data-testid="csat-stars">
        {'★'.repeat(r.score) + '☆'.repeat(5 - r.score)}
      </span>
      <span className={r.score <= 2 ? 'csat-label csat-low' : 'csat-label'} data-testid="csat-label">
        {r.label}
      </span>
      {r.reasons.map((x) => (
        <Tag key={x} bordered={false} className="csat-reason" data-testid="csat-reason-tag">
          {x}
        </Tag>
      ))}
      {r.comment ? (
        <q className="csat-comment" data-testid="csat-comment">
          {r.comment}
        </q>
      ) : null}
      <span className="csat-meta">
        {ct(`source.${r.source}`)} · {ct('at', { time: fullTime(r.updatedAt) })}
        {r.updatedAt !== r.createdAt ? ` · ${ct('changed')}` : ''}
      </span>
    </div>
  );
}
