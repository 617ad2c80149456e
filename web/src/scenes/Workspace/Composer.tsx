import { CloseOutlined, FileOutlined, LoadingOutlined, LockOutlined, PaperClipOutlined, SendOutlined, ThunderboltOutlined, WarningFilled } from '@ant-design/icons';
import { Alert, App, Button, Input, Tooltip } from 'antd';
import { lazy, Suspense, useEffect, useRef, useState, type ClipboardEvent, type DragEvent, type KeyboardEvent } from 'react';
import { renderCannedReply, type CannedReply } from '../../../../src/core/assist/canned';
import { applyRewrite } from '../../../../src/core/assist/rewrite';
import { api } from '../../api';
import { codePointLength, LIMITS, type AttachmentRef, type Conversation } from '../../api/types';
import { useT } from '../../i18n';
import { formatBytes } from '../../i18n/format';
import { errorText } from '../../lib/errors';
import { EmojiPicker } from '../../components/EmojiPicker';
import { canChangeStatus, canReply } from '../../lib/permissions';
import { useController, useWorkspace } from '../../stores/workspace/context';
import type { ForbiddenFinding } from '../../api/assist';
import { useCannedReplies } from './assist/cannedStore';
import { ForbiddenWarning, useForbiddenCheck } from './assist/ForbiddenWarning';
import { QUICK_REPLY_LIST_ID, QuickReplies, quickReplyOptionId, slashQueryAt, visibleReplies, type SlashQuery } from './assist/QuickReplies';

// 快捷回复 management: its form parts load when the agent first opens it
const CannedRepliesDrawer = lazy(() => import('./assist/CannedRepliesDrawer'));

type Mode = 'reply' | 'note';

interface Staged {
  key: string;
  name: string;
  size: number;
  previewUrl: string | null;
  status: 'uploading' | 'done' | 'error';
  ref: AttachmentRef | null;
  error: string | null;
}

interface Draft {
  text: string;
  mode: Mode;
}

/** Unsent text per conversation, kept while the agent switches between conversations. */
const drafts = new Map<number, Draft>();

const EXT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  txt: 'text/plain',
};

function typeOf(file: File): string {
  if (file.type) return file.type;
  const ext = file.name.split('.').pop()?.toLowerCase() ?? '';
  return EXT_TYPES[ext] ?? '';
}

/**
 * The reply box. Enter sends, Shift+Enter is a new line, and an Enter that
 * confirms an IME candidate (拼音 input) never sends. 回复 ⇄ 内部备注, attachments
 * by button, paste or drop, and the conversation's state (resolved, someone
 * else's) explained in place.
 */
export function Composer({ conversation }: { conversation: Conversation }) {
  const t = useT();
  const controller = useController();
  const me = useWorkspace((s) => s.me);
  const assignee = useWorkspace((s) => (conversation.assigneeId ? s.agents[conversation.assigneeId] : undefined));
  const { message } = App.useApp();
  const id = conversation.id;

  const [text, setText] = useState(() => drafts.get(id)?.text ?? '');
  const [mode, setMode] = useState<Mode>(() => drafts.get(id)?.mode ?? 'reply');
  const [staged, setStaged] = useState<Staged[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [reopening, setReopening] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const textarea = useRef<HTMLTextAreaElement | null>(null);
  // 快捷回复: the `/` query being typed, the highlighted option, the management drawer
  const [slash, setSlash] = useState<SlashQuery | null>(null);
  const [activeReply, setActiveReply] = useState(0);
  const [cannedOpen, setCannedOpen] = useState(false);
  const [cannedLoaded, setCannedLoaded] = useState(false);
  const cannedReplies = useCannedReplies(slash !== null || cannedLoaded);
  const shownReplies = slash ? visibleReplies(cannedReplies, slash.query) : [];

  // The parent keys this component by conversation: keep the unsent text when the agent switches away.
  const latest = useRef({ text, mode, staged });
  useEffect(() => {
    latest.current = { text, mode, staged };
  });
  useEffect(
    () => () => {
      const { text: t0, mode: m0, staged: s0 } = latest.current;
      if (t0) drafts.set(id, { text: t0, mode: m0 });
      else drafts.delete(id);
      for (const s of s0) if (s.previewUrl) URL.revokeObjectURL(s.previewUrl);
    },
    [id],
  );

  const resolved = conversation.status === 'resolved';
  const replyAllowed = canReply(me, conversation);
  const effectiveMode: Mode = replyAllowed ? mode : 'note';
  const isNote = effectiveMode === 'note';
  const replyBlocked = !isNote && resolved;
  const length = codePointLength(text);
  const tooLong = length > LIMITS.messageChars;
  const uploading = staged.some((s) => s.status === 'uploading');
  const ready = staged.filter((s) => s.status === 'done' && s.ref);
  const canSend = !replyBlocked && !uploading && !tooLong && (text.trim() !== '' || ready.length > 0);
  // 服务禁语 in the reply being written (not in internal notes): a warning, never a gate
  const forbidden = useForbiddenCheck(text, !isNote && !replyBlocked, conversation.locale);

  const focus = () => window.setTimeout(() => textarea.current?.focus(), 0);

  const toggleMode = () => {
    if (!replyAllowed) return;
    const next: Mode = effectiveMode === 'note' ? 'reply' : 'note';
    if (next === 'note') controller.stopTyping();
    setMode(next);
    focus();
  };

  const submit = () => {
    if (tooLong) {
      setError(t('composer.tooLong', { max: LIMITS.messageChars, n: text.length }));
      return;
    }
    if (!canSend) return;
    controller.send(id, {
      content: text.trim(),
      private: isNote,
      attachments: ready.map((s) => s.ref!),
    });
    for (const s of staged) if (s.previewUrl) URL.revokeObjectURL(s.previewUrl);
    setText('');
    setStaged([]);
    setError(null);
    drafts.delete(id);
    focus();
  };

  /** Inserts a 快捷回复 in place of the `/query`, its variables filled for this agent and customer. */
  const pickReply = (r: CannedReply) => {
    const at = slash ?? { start: textarea.current?.selectionStart ?? text.length, end: textarea.current?.selectionEnd ?? text.length };
    const content = renderCannedReply(r.content, { agentNo: me.agentNo, name: me.name, customerName: conversation.contactName });
    const next = text.slice(0, at.start) + content + text.slice(at.end);
    setText(next);
    setSlash(null);
    requestAnimationFrame(() => {
      const ta = textarea.current;
      ta?.focus();
      ta?.setSelectionRange(at.start + content.length, at.start + content.length);
    });
  };

  /** Replaces the sentence with the finding by its polite rewrite. */
  const applyFinding = (f: ForbiddenFinding) => {
    setText(applyRewrite(text, [f.span[0], f.span[1]], f.suggestion));
    focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (slash && !(e.nativeEvent.isComposing || e.keyCode === 229)) {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        setSlash(null);
        return;
      }
      if (shownReplies.length > 0) {
        if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          e.preventDefault();
          const d = e.key === 'ArrowDown' ? 1 : -1;
          setActiveReply((i) => (i + d + shownReplies.length) % shownReplies.length);
          return;
        }
        if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
          e.preventDefault();
          pickReply(shownReplies[Math.min(activeReply, shownReplies.length - 1)]);
          return;
        }
      }
    }
    if (e.key !== 'Enter') return;
    // An Enter that confirms an IME candidate (中文输入法) must not send.
    if (e.nativeEvent.isComposing || e.keyCode === 229) return;
    if (e.shiftKey || e.altKey) return;
    e.preventDefault();
    submit();
  };

  const addFiles = (files: File[]) => {
    if (files.length === 0) return;
    setError(null);
    if (staged.length + files.length > LIMITS.attachmentsPerMessage) {
      setError(t('composer.tooManyFiles', { max: LIMITS.attachmentsPerMessage }));
      return;
    }
    for (const file of files) {
      const type = typeOf(file);
      if (!LIMITS.allowedTypes.includes(type)) {
        setError(t('composer.fileType', { name: file.name }));
        continue;
      }
      if (file.size > LIMITS.attachmentBytes) {
        setError(t('composer.fileTooLarge', { name: file.name }));
        continue;
      }
      const key = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
      const name = file.name || `image.${type.split('/')[1] ?? 'png'}`;
      const previewUrl = type.startsWith('image/') ? URL.createObjectURL(file) : null;
      setStaged((list) => [...list, { key, name, size: file.size, previewUrl, status: 'uploading', ref: null, error: null }]);
      api
        .upload(file, name, type)
        .then((ref) => setStaged((list) => list.map((s) => (s.key === key ? { ...s, status: 'done', ref } : s))))
        .catch((err) => {
          const msg = errorText(err, t);
          setStaged((list) => list.map((s) => (s.key === key ? { ...s, status: 'error', error: msg } : s)));
          setError(`${name}: ${msg}`);
        });
    }
  };

  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = Array.from(e.clipboardData.files);
    if (files.length === 0) return;
    // a copied image often comes with its HTML or URL as text: the image is what the agent meant
    e.preventDefault();
    addFiles(files);
  };

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    if (e.dataTransfer.files.length === 0) return;
    e.preventDefault();
    addFiles(Array.from(e.dataTransfer.files));
  };

  const removeStaged = (key: string) =>
    setStaged((list) => {
      const s = list.find((x) => x.key === key);
      if (s?.previewUrl) URL.revokeObjectURL(s.previewUrl);
      return list.filter((x) => x.key !== key);
    });

  /** An emoji (or any text) goes in where the cursor is, and the cursor after it. */
  const insertAtCursor = (s: string) => {
    const ta = textarea.current;
    const start = ta?.selectionStart ?? text.length;
    const end = ta?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + s + text.slice(end);
    setText(next);
    requestAnimationFrame(() => {
      ta?.focus();
      ta?.setSelectionRange(start + s.length, start + s.length);
    });
  };

  const reopen = async () => {
    setReopening(true);
    try {
      await controller.setStatus(id, 'open');
      message.success(t('view.reopenedDone'));
      focus();
    } catch (err) {
      message.error(errorText(err, t));
    } finally {
      setReopening(false);
    }
  };

  return (
    <div className={`composer${isNote ? ' composer-note' : ''}`} onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <div className="composer-tabs" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={!isNote}
          className={`composer-tab${!isNote ? ' active' : ''}`}
          disabled={!replyAllowed}
          onClick={() => {
            if (isNote) toggleMode();
          }}
        >
          {t('composer.reply')}
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={isNote}
          className={`composer-tab note${isNote ? ' active' : ''}`}
          data-testid="note-toggle"
          data-mode={effectiveMode}
          onClick={toggleMode}
        >
          <LockOutlined /> {t('composer.note')}
        </button>
        {isNote ? <span className="composer-note-hint">{t('composer.noteNotice')}</span> : null}
      </div>

      {replyBlocked ? (
        <div className="composer-resolved" data-testid="composer-resolved">
          <span>{t('composer.resolved')}</span>
          {canChangeStatus(me, conversation) ? (
            <Button size="small" type="primary" loading={reopening} onClick={reopen} data-testid="composer-reopen">
              {t('view.reopen')}
            </Button>
          ) : null}
        </div>
      ) : null}
      {!replyAllowed ? (
        <div className="composer-info">{t('view.notMine', { name: assignee?.name ?? `#${conversation.assigneeId}` })}</div>
      ) : null}

      {error ? (
        <Alert
          className="composer-error"
          type="error"
          showIcon
          title={<span data-testid="composer-error">{error}</span>}
          closable={{ onClose: () => setError(null) }}
        />
      ) : null}

      {staged.length > 0 ? (
        <div className="composer-staged">
          {staged.map((s) => (
            <div key={s.key} className={`staged ${s.status}`} title={s.error ?? s.name}>
              {s.previewUrl ? <img src={s.previewUrl} alt="" className="staged-thumb" /> : <FileOutlined className="staged-icon" />}
              <span className="staged-body">
                <span className="staged-name">{s.name}</span>
                <span className="staged-size">
                  {s.status === 'uploading' ? (
                    <>
                      <LoadingOutlined /> {t('composer.uploading')}
                    </>
                  ) : s.status === 'error' ? (
                    <>
                      <WarningFilled /> {s.error}
                    </>
                  ) : (
                    formatBytes(s.size)
                  )}
                </span>
              </span>
              <button type="button" className="staged-remove" onClick={() => removeStaged(s.key)} aria-label={t('msg.discard')}>
                <CloseOutlined />
              </button>
            </div>
          ))}
        </div>
      ) : null}

      <Input.TextArea
        ref={(r) => {
          textarea.current = r?.resizableTextArea?.textArea ?? null;
        }}
        data-testid="reply-input"
        className="composer-input"
        variant="borderless"
        value={text}
        disabled={replyBlocked}
        placeholder={isNote ? t('composer.notePlaceholder') : t('composer.assistPlaceholder')}
        aria-controls={slash && shownReplies.length > 0 ? QUICK_REPLY_LIST_ID : undefined}
        aria-activedescendant={slash && shownReplies.length > 0 ? quickReplyOptionId(shownReplies[Math.min(activeReply, shownReplies.length - 1)].id) : undefined}
        aria-autocomplete="list"
        autoSize={{ minRows: 3, maxRows: 10 }}
        onChange={(e) => {
          setText(e.target.value);
          const q = isNote ? null : slashQueryAt(e.target.value, e.target.selectionStart ?? e.target.value.length);
          if (q?.query !== slash?.query || !q !== !slash) setActiveReply(0);
          setSlash(q);
          if (error && !tooLong) setError(null);
          if (!isNote && e.target.value) controller.typing(id);
        }}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
        onBlur={() => {
          controller.stopTyping();
          setSlash(null);
        }}
      />
      {slash ? (
        <QuickReplies
          replies={cannedReplies}
          shown={shownReplies}
          active={Math.min(activeReply, Math.max(0, shownReplies.length - 1))}
          onPick={pickReply}
          onHover={setActiveReply}
          onManage={() => {
            setSlash(null);
            setCannedOpen(true);
          }}
        />
      ) : null}
      <ForbiddenWarning findings={forbidden.findings} onApply={applyFinding} onDismiss={forbidden.dismiss} />

      <div className="composer-footer">
        <EmojiPicker disabled={replyBlocked} onPick={insertAtCursor} />
        <Tooltip title={t('composer.attach')}>
          <Button
            type="text"
            icon={<PaperClipOutlined />}
            disabled={replyBlocked}
            onClick={() => fileInput.current?.click()}
            data-testid="attach-button"
            aria-label={t('composer.attach')}
          />
        </Tooltip>
        <Tooltip title={t('canned.manage')}>
          <Button
            type="text"
            icon={<ThunderboltOutlined />}
            onClick={() => {
              setCannedLoaded(true);
              setCannedOpen(true);
            }}
            data-testid="canned-manage"
            aria-label={t('canned.manage')}
          />
        </Tooltip>
        {cannedOpen ? (
          <Suspense fallback={null}>
            <CannedRepliesDrawer open={cannedOpen} onClose={() => setCannedOpen(false)} isAdmin={me.role === 'admin'} />
          </Suspense>
        ) : null}
        <input
          ref={fileInput}
          type="file"
          hidden
          multiple
          accept={LIMITS.allowedTypes.join(',')}
          data-testid="attach-input"
          onChange={(e) => {
            addFiles(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
        <span className={`composer-counter${tooLong ? ' over' : ''}`}>
          {length > LIMITS.messageChars * 0.8 ? t('composer.counter', { n: length, max: LIMITS.messageChars }) : ''}
        </span>
        <Button
          type="primary"
          className={isNote ? 'note-send' : undefined}
          icon={isNote ? <LockOutlined /> : <SendOutlined />}
          disabled={!canSend && !tooLong}
          onClick={submit}
          data-testid="reply-send"
        >
          {isNote ? t('composer.saveNote') : t('composer.send')}
        </Button>
      </div>
    </div>
  );
}
