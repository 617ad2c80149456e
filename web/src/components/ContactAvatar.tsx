import { Avatar } from 'antd';

const palette = ['#1677ff', '#13a8a8', '#722ed1', '#eb2f96', '#fa8c16', '#52c41a', '#2f54eb', '#faad14'];

/** A stable colour per contact, the first character of the name (or 访 / V for visitors). */
export function ContactAvatar({ id, name, size = 36, fallback }: { id: number; name: string | null; size?: number; fallback: string }) {
  const letter = name?.trim() ? Array.from(name.trim())[0]!.toUpperCase() : fallback;
  return (
    <Avatar size={size} style={{ background: palette[id % palette.length], flex: 'none', fontSize: size * 0.42 }}>
      {letter}
    </Avatar>
  );
}
