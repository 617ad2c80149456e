import { filterCanned, type CannedReply } from '../../../../../src/core/assist/canned';
import { useT } from '../../../i18n';

/** Where a `/` query is in the draft: the `/` at a line start or after a space, up to the cursor. */
export interface SlashQuery {
  start: number;
  end: number;
  query: string;
}

export function slashQueryAt(text: string, cursor: number): SlashQuery | null {
  let i = cursor - 1;
  while (i >= 0 && i >= cursor - 31 && !/\s/.test(text[i]) && text[i] !== '/') i--;
  if (i < 0 || text[i] !== '/') return null;
  if (i > 0 && !/\s/.test(text[i - 1])) return null; // "1/2", a URL: not a command
  return { start: i, end: cursor, query: text.slice(i + 1, cursor) };
}

export const MAX_SHOWN = 8;

export function visibleReplies(replies: CannedReply[] | null, query: string): CannedReply[] {
  return filterCanned(replies ?? [], query).slice(0, MAX_SHOWN);
}

export const quickReplyOptionId = (id: number) => `quick-reply-${id}`;
export const QUICK_REPLY_LIST_ID = 'quick-reply-list';

/**
 * The `/` list above the composer: the team's and the agent's own replies filtered as they type
 * (title, content, shortcut, pinyin full or initials). The textarea keeps the focus and points at
 * the active option (aria-activedescendant); arrows move, Enter inserts, Esc closes.
 */
export function QuickReplies({
  replies,
  shown,
  active,
  onPick,
  onHover,
  onManage,
}: {
  replies: CannedReply[] | null;
  shown: CannedReply[];
  active: number;
  onPick: (r: CannedReply) => void;
  onHover: (i: number) => void;
  onManage: () => void;
}) {
  const t = useT();
  return (
    <div className="quick-replies" data-testid="quick-replies">
      {replies === null ? (
        <div className="quick-replies-empty">{t('common.loading')}</div>
      ) : shown.length === 0 ? (
        <div className="quick-replies-empty">{replies.length === 0 ? t('canned.none') : t('canned.empty')}</div>
      ) : (
        <ul id={QUICK_REPLY_LIST_ID} role="listbox" aria-label={t('canned.listLabel')} className="quick-replies-list">
          {shown.map((r, i) => (
            <li
              key={r.id}
              id={quickReplyOptionId(r.id)}
              role="option"
              aria-selected={i === active}
              className={`quick-reply${i === active ? ' active' : ''}`}
              data-testid="quick-reply"
              onMouseDown={(e) => e.preventDefault() /* keep the focus in the textarea */}
              onMouseEnter={() => onHover(i)}
              onClick={() => onPick(r)}
            >
              <span className="quick-reply-head">
                <span className="quick-reply-title">{r.title}</span>
                {r.shortcut ? <span className="quick-reply-shortcut">/{r.shortcut}</span> : null}
                <span className="quick-reply-scope">
                  {r.category ? `${r.category} · ` : ''}
                  {t(r.scope === 'team' ? 'canned.scope.team' : 'canned.scope.personal')}
                </span>
              </span>
              <span className="quick-reply-content">{r.content}</span>
            </li>
          ))}
        </ul>
      )}
      <div className="quick-replies-footer">
        <span>{t('canned.hint')}</span>
        <button type="button" className="link-button" onMouseDown={(e) => e.preventDefault()} onClick={onManage} data-testid="quick-replies-manage">
          {t('canned.manage')}
        </button>
      </div>
    </div>
  );
}
