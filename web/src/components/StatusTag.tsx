import { Tag } from 'antd';
import type { ConversationStatus } from '../api/types';
import { useT } from '../i18n';

const colors: Record<ConversationStatus, string> = { open: 'processing', pending: 'warning', resolved: 'default' };

export function StatusTag({ status }: { status: ConversationStatus }) {
  const t = useT();
  return (
    <Tag color={colors[status]} data-testid="conv-status" data-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`conv.status.${status}`)}
    </Tag>
  );
}
