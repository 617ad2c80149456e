import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { searchApi, type SearchFilters, type SearchResult } from '../../api/search';
import type { ConversationStatus } from '../../api/types';
import { hasKey, useT, type Translate } from '../../i18n';
import { contactLabel, fullTime, relativeTime } from '../../i18n/format';
import { useWorkspace } from '../../stores/workspace/context';
import { highlighted } from './highlight';
import { searchErrorText, senderKey, useSearchT, type SearchTranslate } from './strings';
import './search.css';

/*
 * 搜索 (/search): messages (内部备注 too, for roles that may read them) and contacts, by words,
 * with filters; a result opens its conversation at the message (/conversations/:id?at=seq,
 * MessageList brings it into view). Lazy: the first load carries only the header's entry. No
 * antd here: plain elements and search.css, so this chunk changes nothing in how antd is split
 * for the first load (test/browser/console-weight.test.ts). The query and the filters live in
 * the URL: back from a conversation finds the same results.
 */

const PAGE = 20;
/** Typing pauses this long before the search runs (Enter runs it at once). */
const TYPING_MS = 300;
const STATUSES: ConversationStatus[] = ['open', 'pending', 'resolved'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

interface Query {
  q: string;
  status?: ConversationStatus;
  from?: string;
  to?: string;
  rating?: number;
  agentId?: number;
}

function readQuery(p: URLSearchParams): Query {
  const status = p.get('status') as ConversationStatus | null;
  const rating = Number(p.get('rating'));
  const agentId = Number(p.get('agent'));
  const date = (k: string) => {
    const v = p.get(k);
    return v && DATE.test(v) ? v : undefined;
  };
  return {
    q: (p.get('q') ?? '').trim(),
    status: status && STATUSES.includes(status) ? status : undefined,
    from: date('from'),
    to: date('to'),
    rating: Number.isInteger(rating) && rating >= 1 && rating <= 5 ? rating : undefined,
    agentId: Number.isInteger(agentId) && agentId > 0 ? agentId : undefined,
  };
}

function writeQuery(q: Query): URLSearchParams {
  const p = new URLSearchParams();
  const set = (k: string, v: string | number | undefined) => v !== undefined && v !== '' && p.set(k, String(v));
  set('q', q.q);
  set('status', q.status);
  set('agent', q.agentId);
  set('rating', q.rating);
  set('from', q.from);
  set('to', q.to);
  return p;
}

/** The dates are the agent's own days: their browser's time zone. */
function filtersOf(q: Query): SearchFilters {
  let tz: string | undefined;
  if (q.from || q.to) {
    try {
      tz = Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
    } catch {
      tz = undefined;
    }
  }
  return { status: q.status, agentId: q.agentId, rating: q.rating, from: q.from, to: q.to, tz };
}

const resultKey = (r: SearchResult) => (r.kind === 'contact' ? `c${r.contactId}` : `m${r.messageId}`);

interface Found {
  results: SearchResult[];
  next: number | null;
  /** the first page is on its way */
  loading: boolean;
  /** 加载更多 is on its way */
  more: boolean;
  /** a first page arrived for the query shown */
  done: boolean;
  error: unknown;
}
const NOTHING: Found = { results: [], next: null, loading: false, more: false, done: false, error: null };

export default function SearchPage() {
  const t = useT();
  const st = useSearchT();
  const [params, setParams] = useSearchParams();
  const query = readQuery(params);
  const key = writeQuery(query).toString();
  const [draft, setDraft] = useState(query.q);
  const [again, setAgain] = useState(0);
  const [found, setFound] = useState<Found>(NOTHING);
  const generation = useRef(0);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const focusAt = useRef<number | null>(null);
  const badRange = !!(query.from && query.to && query.from > query.to);
  const [now, setNow] = useState(() => Date.now());

  const update = useCallback(
    (patch: Partial<Query>) => setParams((prev) => writeQuery({ ...readQuery(prev), ...patch }), { replace: true }),
    [setParams],
  );

  // the words typed: searched once typing pauses
  useEffect(() => {
    const q = draft.trim();
    if (q === query.q) return;
    const timer = window.setTimeout(() => update({ q }), TYPING_MS);
    return () => window.clearTimeout(timer);
  }, [draft, query.q, update]);

  // the first page, whenever the query or a filter changes (or Enter asks again)
  useEffect(() => {
    const mine = ++generation.current;
    const q = readQuery(new URLSearchParams(key));
    if (!q.q || badRange) {
      setFound(NOTHING);
      return;
    }
    const ac = new AbortController();
    setFound((f) => ({ ...f, loading: true, more: false, error: null }));
    searchApi.search(q.q, filtersOf(q), { limit: PAGE }, ac.signal).then(
      (page) => {
        if (generation.current !== mine) return;
        setNow(Date.now());
        setFound({ results: page.results, next: page.next, loading: false, more: false, done: true, error: null });
      },
      (error: unknown) => {
        if (generation.current !== mine || ac.signal.aborted) return;
        setFound({ ...NOTHING, error });
      },
    );
    return () => ac.abort();
  }, [key, again, badRange]);

  const loadMore = () => {
    const before = found.next;
    if (before === null || found.more || found.loading) return;
    const mine = generation.current;
    const shown = found.results.length;
    setFound((f) => ({ ...f, more: true, error: null }));
    searchApi.search(query.q, filtersOf(query), { before, limit: PAGE }).then(
      (page) => {
        if (generation.current !== mine) return;
        focusAt.current = shown;
        setFound((f) => {
          const seen = new Set(f.results.map(resultKey));
          return { ...f, results: [...f.results, ...page.results.filter((r) => !seen.has(resultKey(r)))], next: page.next, more: false };
        });
      },
      (error: unknown) => generation.current === mine && setFound((f) => ({ ...f, more: false, error })),
    );
  };

  // after 加载更多: the keyboard goes on with the first result it brought
  useEffect(() => {
    const at = focusAt.current;
    if (at === null) return;
    focusAt.current = null;
    list.current?.querySelectorAll<HTMLElement>('a.search-result')[at]?.focus();
  }, [found.results]);

  const agents = useWorkspace((s) => s.agents);
  const agentOptions = useMemo(() => Object.values(agents).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')), [agents]);
  const filtered = !!(query.status || query.agentId || query.rating || query.from || query.to);

  // ↑ ↓ between the results (and from the box to the first one)
  const moveFocus = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const items = [...(list.current?.querySelectorAll<HTMLElement>('a.search-result') ?? [])];
    if (items.length === 0) return;
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (e.currentTarget === input.current) {
      if (e.key !== 'ArrowDown') return;
      e.preventDefault();
      items[0].focus();
      return;
    }
    e.preventDefault();
    if (e.key === 'ArrowUp' && at <= 0) input.current?.focus();
    else items[Math.min(items.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1))]?.focus();
  };

  const { results, next, loading, more, done, error } = found;
  return (
    <section className="admin-page search-page" data-testid="search-panel" aria-labelledby="search-title" data-state={loading ? 'loading' : done ? 'done' : error ? 'error' : 'idle'}>
      <div className="admin-head">
        <div>
          <h1 id="search-title">{st('title')}</h1>
          <div className="muted" id="search-hint">
            {st('hint')}
          </div>
        </div>
      </div>
      <form
        role="search"
        className="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          const q = draft.trim();
          if (q !== query.q) update({ q });
          else setAgain((n) => n + 1);
        }}
      >
        <label htmlFor="search-input" className="sr-only">
          {st('label')}
        </label>
        <span className="search-box">
          <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
            <circle cx="10.5" cy="10.5" r="6.5" fill="none" stroke="currentColor" strokeWidth="2" />
            <path d="M15.5 15.5 21 21" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
          </svg>
          <input
            ref={input}
            id="search-input"
            data-testid="search-input"
            type="search"
            autoFocus
            autoComplete="off"
            enterKeyHint="search"
            maxLength={200}
            placeholder={st('placeholder')}
            aria-describedby="search-hint"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={moveFocus}
          />
        </span>
        <button type="submit" className="search-button" data-testid="search-submit">
          {st('submit')}
        </button>
      </form>

      <div className="search-filters" role="group" aria-label={st('filters')}>
        <label className="search-field">
          <span>{st('status')}</span>
          <select data-testid="search-status" value={query.status ?? ''} onChange={(e) => update({ status: (e.target.value || undefined) as ConversationStatus | undefined })}>
            <option value="">{st('anyStatus')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`conv.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="search-field">
          <span>{st('agent')}</span>
          <select data-testid="search-agent" value={query.agentId ?? ''} onChange={(e) => update({ agentId: Number(e.target.value) || undefined })}>
            <option value="">{st('anyAgent')}</option>
            {agentOptions.map((a) => (
              <option key={a.id} value={a.id}>
                {a.agentNo ? `${a.name}（${a.agentNo}）` : a.name}
              </option>
            ))}
          </select>
        </label>
        <label className="search-field">
          <span>{st('rating')}</span>
          <select data-testid="search-rating" value={query.rating ?? ''} onChange={(e) => update({ rating: Number(e.target.value) || undefined })}>
            <option value="">{st('anyRating')}</option>
            {[5, 4, 3, 2, 1].map((n) => (
              <option key={n} value={n}>
                {st('stars', { n })}
              </option>
            ))}
          </select>
        </label>
        <label className="search-field">
          <span>{st('from')}</span>
          <input type="date" data-testid="search-from" value={query.from ?? ''} max={query.to} onChange={(e) => update({ from: e.target.value || undefined })} />
        </label>
        <label className="search-field">
          <span>{st('to')}</span>
          <input type="date" data-testid="search-to" value={query.to ?? ''} min={query.from} onChange={(e) => update({ to: e.target.value || undefined })} />
        </label>
        {filtered ? (
          <button
            type="button"
            className="search-link-button"
            data-testid="search-clear"
            onClick={() => update({ status: undefined, agentId: undefined, rating: undefined, from: undefined, to: undefined })}
          >
            {st('clear')}
          </button>
        ) : null}
      </div>
      {badRange ? (
        <div className="search-error" role="alert" data-testid="search-error">
          {st('badRange')}
        </div>
      ) : query.from || query.to || query.rating ? (
        <div className="muted small search-note">{st('messagesOnly')}</div>
      ) : null}

      <div className="search-summary muted" role="status" data-testid="search-summary">
        {loading ? st('searching') : done && results.length > 0 ? st(next !== null ? 'countMore' : 'count', { n: results.length }) : ''}
      </div>
      {error ? (
        <div className="search-error" role="alert" data-testid="search-error">
          <span>{searchErrorText(error, st, t)}</span>
          <button type="button" className="search-link-button" onClick={() => (results.length && next !== null ? loadMore() : setAgain((n) => n + 1))}>
            {t('common.retry')}
          </button>
        </div>
      ) : null}

      {results.length > 0 ? (
        <ol className={`search-results${loading ? ' stale' : ''}`} ref={list} aria-label={st('results')} aria-busy={loading} data-testid="search-results">
          {results.map((r) => (
            <li key={resultKey(r)}>
              <ResultItem result={r} st={st} t={t} now={now} onKeyDown={moveFocus} />
            </li>
          ))}
        </ol>
      ) : done && !loading && !error ? (
        <div className="search-empty" data-testid="search-empty" role="status">
          <div className="search-empty-title">{st('empty')}</div>
          <div className="muted">{st('emptyHint')}</div>
        </div>
      ) : !query.q && !loading ? (
        <div className="search-idle muted">{st('idle')}</div>
      ) : null}

      {results.length > 0 && next !== null ? (
        <div className="search-more-row">
          <button type="button" className="search-button secondary" data-testid="search-more" onClick={loadMore} disabled={more} aria-busy={more}>
            {more ? st('searching') : st('more')}
          </button>
        </div>
      ) : null}
    </section>
  );
}

/** One result: the customer (or 联系人), 内部备注, the conversation and its status, when; who wrote it and the excerpt with its matches marked. */
function ResultItem({
  result: r,
  st,
  t,
  now,
  onKeyDown,
}: {
  result: SearchResult;
  st: SearchTranslate;
  t: Translate;
  now: number;
  onKeyDown: (e: KeyboardEvent<HTMLElement>) => void;
}) {
  const contact = r.kind === 'contact';
  const name = r.contactId !== null ? contactLabel(r.contactName, r.contactId, t) : r.contactName?.trim() || t('msg.visitor');
  const sender = contact ? null : senderKey(r.senderType);
  const statusKey = `conv.status.${r.status}`;
  const attrs = {
    'data-testid': 'search-result',
    'data-kind': r.kind,
    'data-conversation-id': r.conversationId ?? '',
    'data-message-id': r.messageId ?? '',
    'data-seq': r.seq ?? '',
    'data-private': String(r.private),
    className: `search-result${contact ? ' search-result-contact' : ''}${r.private ? ' search-result-private' : ''}`,
  };
  const body = (
    <>
      <span className="search-result-head">
        {contact ? (
          <span className="search-tag search-tag-contact" data-testid="search-contact-tag">
            {st('contact')}
          </span>
        ) : null}
        <span className="search-result-name" data-testid="search-result-name">
          {name}
        </span>
        {r.private ? (
          <span className="search-tag search-tag-private" data-testid="search-private">
            {st('private')}
          </span>
        ) : null}
        {r.status && hasKey(statusKey) ? (
          <span className={`search-state search-state-${r.status}`} data-testid="search-result-status">
            {t(statusKey)}
          </span>
        ) : null}
        <span className="search-result-conv">{r.conversationId !== null ? st('conversation', { id: r.conversationId }) : st('noConversation')}</span>
        {r.createdAt ? (
          <time className="search-result-time" dateTime={r.createdAt} title={fullTime(r.createdAt)}>
            {relativeTime(r.createdAt, now, t)}
          </time>
        ) : null}
      </span>
      <span className="search-excerpt">
        {sender ? <span className="search-sender">{st('said', { who: st(sender) })}</span> : null}
        <span data-testid="search-excerpt">{highlighted(r.excerpt, r.highlights)}</span>
      </span>
    </>
  );
  if (r.conversationId === null) return <div {...attrs}>{body}</div>;
  const to = `/conversations/${r.conversationId}${!contact && r.seq !== null ? `?at=${r.seq}` : ''}`;
  return (
    <Link {...attrs} to={to} onKeyDown={onKeyDown}>
      {body}
    </Link>
  );
}
