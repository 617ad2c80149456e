import { Tag } from 'antd';
import { hasKey, useT } from '../i18n';

const colors: Record<string, string> = { search: 'green', social: 'magenta', referral: 'geekblue', campaign: 'orange', direct: 'default' };

/** 来源: 搜索引擎 · 百度 / 直接访问 … */
export function SourceTag({ kind, name }: { kind: string; name: string | null }) {
  const t = useT();
  const key = `source.${kind}`;
  const label = hasKey(key) ? t(key) : kind;
  return (
    <Tag color={colors[kind] ?? 'default'} className="source-tag" data-source-kind={kind}>
      {label}
      {name ? ` · ${name}` : ''}
    </Tag>
  );
}
