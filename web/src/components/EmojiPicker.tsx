import { SmileOutlined } from '@ant-design/icons';
import { Button, Popover, Tooltip } from 'antd';
import { useState } from 'react';
import { useT } from '../i18n';

/** Common emoji, as customers and agents use them in service chats; no picker library needed. */
export const COMMON_EMOJI = [
  '😀', '😊', '🙂', '😉', '😄', '😂', '🤣', '😍', '🥰', '😘',
  '🤔', '😅', '😭', '😢', '😮', '😱', '😡', '😴', '🙄', '😳',
  '👍', '👌', '👏', '🙏', '💪', '🤝', '✌️', '👋', '🙋', '🎉',
  '❤️', '🌹', '🔥', '⭐', '✅', '❌', '❓', '💯', '☕', '🎁',
];

/** 表情: a small grid of common emoji; `onPick` inserts one where the cursor is. */
export function EmojiPicker({ onPick, disabled }: { onPick: (emoji: string) => void; disabled?: boolean }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const grid = (
    <div className="emoji-grid" role="menu" aria-label={t('composer.emoji')} data-testid="emoji-picker">
      {COMMON_EMOJI.map((e) => (
        <button
          key={e}
          type="button"
          role="menuitem"
          aria-label={e}
          className="emoji-item"
          onClick={() => {
            onPick(e);
            setOpen(false);
          }}
        >
          {e}
        </button>
      ))}
    </div>
  );
  return (
    <Popover content={grid} trigger="click" placement="topLeft" open={open && !disabled} onOpenChange={setOpen} arrow={false}>
      <span>
        <Tooltip title={open ? undefined : t('composer.emoji')}>
          <Button type="text" icon={<SmileOutlined />} disabled={disabled} data-testid="emoji-button" aria-label={t('composer.emoji')} aria-expanded={open} />
        </Tooltip>
      </span>
    </Popover>
  );
}
