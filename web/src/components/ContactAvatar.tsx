import { Avatar } from 'antd';
import { readableOn } from '../../../src/core/contrast';

// each with the letter's colour that reaches WCAG AA on it
const palette = ['#1677ff', '#13a8a8', '#722ed1', '#eb2f96', '#fa8c16', '#52c41a', '#2f54eb', '#faad14'].map(readableOn);

/** A stable colour per contact, the first character of the name (or 访 / V for visitors). */
export function ContactAvatar({ id, name, size = 36, fallback }: { id: number; name: string | null; size?: number; fallback: string }) {
  const letter = name?.trim() ? Array.from(name.trim())[0]!.toUpperCase() : fallback;
  const { bg, fg } = palette[id % palette.length]!;
  return (
    <Avatar size={size} style={{ background: bg, color: fg, flex: 'none', fontSize: size * 0.42 }}>
      {letter}
    </Avatar>
  );
}
