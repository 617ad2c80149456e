import { createContext, useCallback, useContext, useEffect, useId, useRef, useState, type ButtonHTMLAttributes, type ReactNode } from 'react';
import { readableOn } from '../../../../src/core/contrast';
import { useContactT } from './strings';

/*
 * The 客户 pages' few controls, as plain elements drawn like antd's (contacts.css), as 搜索 does:
 * a lazy part that imports antd changes how antd is split for everybody's first load, and these
 * pages would have pushed it over its budget (test/browser/console-weight.test.ts).
 */

type Kind = 'default' | 'primary' | 'danger' | 'link';

export function Btn({ kind = 'default', small, busy, className, children, ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { kind?: Kind; small?: boolean; busy?: boolean }) {
  return (
    <button type="button" {...rest} disabled={rest.disabled || busy} aria-busy={busy || undefined} className={`ck-btn ${kind}${small ? ' small' : ''}${className ? ` ${className}` : ''}`}>
      {children}
    </button>
  );
}

export function Tag({ tone, children, ...rest }: { tone?: 'gold' | 'red' | 'blue'; children: ReactNode } & Record<`data-${string}`, string | number | undefined>) {
  return (
    <span className={`ck-tag${tone ? ` ${tone}` : ''}`} {...rest}>
      {children}
    </span>
  );
}

// ── 提示: one polite live region per page ──

type Tone = 'ok' | 'error' | 'info';
export type Say = (text: string, tone?: Tone) => void;
const SayContext = createContext<Say>(() => undefined);
export const useSay = () => useContext(SayContext);

/** Gives the pages below `useSay()`: a short message at the top (errors stay longer and are alerts). */
export function NoticeProvider({ children }: { children: ReactNode }) {
  const [notice, setNotice] = useState<{ text: string; tone: Tone; at: number } | null>(null);
  useEffect(() => {
    if (!notice) return;
    const timer = window.setTimeout(() => setNotice(null), notice.tone === 'error' ? 8000 : 3000);
    return () => window.clearTimeout(timer);
  }, [notice]);
  const say = useCallback<Say>((text, tone = 'ok') => setNotice({ text, tone, at: Date.now() }), []);
  return (
    <SayContext.Provider value={say}>
      {children}
      <div className="ck-notices" role="status" aria-live="polite">
        {notice ? (
          <div key={notice.at} className={`ck-notice ${notice.tone}`} role={notice.tone === 'error' ? 'alert' : undefined} data-testid="ck-notice" data-tone={notice.tone}>
            {notice.text}
          </div>
        ) : null}
      </div>
    </SayContext.Provider>
  );
}

// ── 对话框: the browser's own modal <dialog> (focus kept inside, Esc closes) ──

export function Dialog({ open, title, onClose, children, actions, testId }: { open: boolean; title: string; onClose: () => void; children?: ReactNode; actions: ReactNode; testId?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="ck-dialog" aria-labelledby={id} onClose={onClose} data-testid={testId}>
      {open ? (
        <>
          <h2 id={id}>{title}</h2>
          <div className="ck-dialog-body">{children}</div>
          <div className="ck-dialog-actions">{actions}</div>
        </>
      ) : null}
    </dialog>
  );
}

// ── 点击编辑 ──

/** Click to edit; Enter or leaving the field saves, Esc cancels; an empty value clears it. */
export function EditableText({
  value,
  display,
  placeholder,
  label,
  hint,
  onSave,
  validate,
  testId,
  maxLength = 100,
  className,
}: {
  value: string | null;
  display?: string;
  placeholder: string;
  /** what the field is (its accessible name) */
  label: string;
  /** 点击编辑 */
  hint: string;
  onSave: (value: string | null) => Promise<unknown>;
  validate?: (value: string) => string | null;
  testId?: string;
  maxLength?: number;
  className?: string;
}) {
  const ct = useContactT();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(value ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const saving = useRef(false);
  const button = useRef<HTMLButtonElement>(null);
  const back = useRef(false);
  const problemId = useId();
  useEffect(() => {
    if (!editing && back.current) {
      back.current = false;
      button.current?.focus();
    }
  }, [editing]);

  const done = () => {
    back.current = true;
    setProblem(null);
    setEditing(false);
  };
  const commit = async () => {
    if (saving.current) return;
    const next = draft.trim() === '' ? null : draft.trim();
    if (next === (value ?? null)) return done();
    const bad = next !== null && validate ? validate(next) : null;
    setProblem(bad);
    if (bad) return;
    saving.current = true;
    setBusy(true);
    try {
      await onSave(next);
      done();
    } catch {
      /* said by onSave; stays in edit mode */
    } finally {
      saving.current = false;
      setBusy(false);
    }
  };
  if (!editing) {
    const shown = display ?? value;
    return (
      <button
        ref={button}
        type="button"
        className={`ck-editable${className ? ` ${className}` : ''}`}
        title={hint}
        aria-label={ct('profile.editable', { label, value: shown ?? placeholder, hint })}
        onClick={() => {
          setDraft(value ?? '');
          setEditing(true);
        }}
        data-testid={testId}
      >
        {shown ? shown : <span className="ck-placeholder">{placeholder}</span>}
      </button>
    );
  }
  return (
    <span className="ck-editing">
      <input
        className={`ck-input${problem ? ' invalid' : ''}`}
        autoFocus
        value={draft}
        maxLength={maxLength}
        aria-label={label}
        aria-invalid={!!problem}
        aria-describedby={problem ? problemId : undefined}
        disabled={busy}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
            e.preventDefault();
            void commit();
          } else if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            done();
          }
        }}
        onBlur={() => void commit()}
        data-testid={testId ? `${testId}-input` : undefined}
      />
      {problem ? (
        <span id={problemId} className="ck-field-error" role="alert">
          {problem}
        </span>
      ) : null}
    </span>
  );
}

// ── 头像 ──

const palette = ['#1677ff', '#13a8a8', '#722ed1', '#eb2f96', '#fa8c16', '#52c41a', '#2f54eb', '#faad14'].map(readableOn);

/** A stable colour per contact and the name's first character (as the conversation's contact panel shows it). */
export function Avatar({ id, name, fallback }: { id: number; name: string | null; fallback: string }) {
  const letter = name?.trim() ? Array.from(name.trim())[0]!.toUpperCase() : fallback;
  const { bg, fg } = palette[id % palette.length]!;
  return (
    <span className="ck-avatar" style={{ background: bg, color: fg }} aria-hidden="true">
      {letter}
    </span>
  );
}
