import { ClockCircleOutlined, CrownFilled, RobotOutlined, MailOutlined } from '@ant-design/icons';
import { Tag, Tooltip } from 'antd';
import type { Conversation } from '../api/types';
import { useT } from '../i18n';
import { fullTime } from '../i18n/format';
import { Elapsed } from './Elapsed';

type Badged = Pick<Conversation, 'handler' | 'queuedAt' | 'abandonedAt' | 'priority' | 'status' | 'assigneeId'>;

/**
 * Small tags for a conversation: VIP, who handles it (机器人 / 留言), 排队中 with the
 * wait so far, 放弃排队. `vip` comes from the contact when known (the priority may lag).
 */
export function ConversationBadges({ conversation: c, vip }: { conversation: Badged; vip: boolean }) {
  const t = useT();
  const queued = c.queuedAt !== null && c.assigneeId === null && c.status !== 'resolved';
  return (
    <>
      {vip ? (
        <Tag color="gold" className="badge-tag" data-testid="vip-tag" icon={<CrownFilled />}>
          VIP
        </Tag>
      ) : null}
      {c.handler === 'bot' ? (
        <Tag color="purple" className="badge-tag" data-testid="handler-badge" data-handler="bot" icon={<RobotOutlined />}>
          {t('handler.bot')}
        </Tag>
      ) : c.handler === 'offline' ? (
        <Tag color="orange" className="badge-tag" data-testid="handler-badge" data-handler="offline" icon={<MailOutlined />}>
          {t('handler.offline')}
        </Tag>
      ) : null}
      {queued ? (
        <Tooltip title={t('queue.since', { time: fullTime(c.queuedAt) })}>
          <Tag color="red" className="badge-tag" data-testid="queued-badge" icon={<ClockCircleOutlined />}>
            {t('queue.waiting')} <Elapsed since={c.queuedAt!} />
          </Tag>
        </Tooltip>
      ) : null}
      {c.abandonedAt ? (
        <Tooltip title={fullTime(c.abandonedAt)}>
          <Tag className="badge-tag" data-testid="abandoned-badge">
            {t('queue.abandoned')}
          </Tag>
        </Tooltip>
      ) : null}
    </>
  );
}
