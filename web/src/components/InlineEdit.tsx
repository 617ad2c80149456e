import { EditOutlined } from '@ant-design/icons';
import { Input, type InputRef } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { charLimit } from '../lib/charLimit';

interface Props {
  value: string | null;
  placeholder: string;
  /** Resolves when saved; rejects to stay in edit mode */
  onSave: (value: string | null) => Promise<void>;
  /** A message when the value is not acceptable (checked before saving) */
  validate?: (value: string) => string | null;
  testId?: string;
  editLabel: string;
  maxLength?: number;
  /** What to show instead of the raw value (e.g. 访客 #7) */
  display?: string;
  className?: string;
}

/** Click to edit; Enter or leaving the field saves, Esc cancels. An empty value clears the field. */
export function InlineEdit({ value, placeholder, onSave, validate, testId, editLabel, maxLength = 100, display, className }: Props) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(value ?? '');
  const [saving, setSaving] = useState(false);
  const [invalid, setInvalid] = useState<string | null>(null);
  const input = useRef<InputRef>(null);
  // Enter saves and the input then loses focus: one save, not two.
  const busy = useRef(false);

  useEffect(() => {
    if (!editing) setDraft(value ?? '');
  }, [value, editing]);

  useEffect(() => {
    if (editing) input.current?.focus({ cursor: 'all' });
  }, [editing]);

  const commit = async () => {
    if (busy.current) return;
    const next = draft.trim() === '' ? null : draft.trim();
    if (next === (value ?? null)) {
      setInvalid(null);
      setEditing(false);
      return;
    }
    const problem = next !== null && validate ? validate(next) : null;
    setInvalid(problem);
    if (problem) return;
    busy.current = true;
    setSaving(true);
    try {
      await onSave(next);
      setEditing(false);
    } catch {
      input.current?.focus();
    } finally {
      busy.current = false;
      setSaving(false);
    }
  };

  if (editing) {
    return (
      <span className="inline-edit-field">
        <Input
          ref={input}
          size="small"
          value={draft}
          count={charLimit(maxLength)}
          readOnly={saving}
          status={invalid ? 'error' : undefined}
          data-testid={testId ? `${testId}-input` : undefined}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={() => void commit()}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.nativeEvent.isComposing && e.keyCode !== 229) {
              e.preventDefault();
              void commit();
            } else if (e.key === 'Escape') {
              setDraft(value ?? '');
              setInvalid(null);
              setEditing(false);
            }
          }}
        />
        {invalid ? (
          <span className="inline-edit-error" role="alert" data-testid={testId ? `${testId}-error` : undefined}>
            {invalid}
          </span>
        ) : null}
      </span>
    );
  }
  return (
    <span
      className={`inline-edit${value ? '' : ' empty'}${className ? ` ${className}` : ''}`}
      role="button"
      tabIndex={0}
      title={editLabel}
      onClick={() => setEditing(true)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') setEditing(true);
      }}
    >
      <span className="inline-edit-value" data-testid={testId}>
        {display ?? (value || placeholder)}
      </span>
      <EditOutlined className="inline-edit-icon" />
    </span>
  );
}
