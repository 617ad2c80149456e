import { Tag, Tooltip } from 'antd';
import type { Message } from '../api/types';
import { useT } from '../i18n';

/**
 * What the bot did with one of its messages, as a small tag by its name: answered from the
 * 知识库 (which article), offered choices (which, on hover), handed over (why).
 */
export function BotMetaTag({ meta }: { meta: Message['meta'] }) {
  const t = useT();
  const bot = meta?.bot;
  if (!bot) return null;
  switch (bot.kind) {
    case 'answer':
      return (
        <Tag color="blue" data-testid="bot-meta" data-kind="answer">
          {t('botmeta.answer', { id: bot.articleId ?? '?' })}
          {bot.rephrased ? ` · ${t('botmeta.rephrased')}` : ''}
        </Tag>
      );
    case 'choices':
      return (
        <Tooltip title={(bot.choices ?? []).map((c) => c.question).join(' / ')}>
          <Tag data-testid="bot-meta" data-kind="choices" tabIndex={0}>
            {t('botmeta.choices', { n: bot.choices?.length ?? 0 })}
          </Tag>
        </Tooltip>
      );
    case 'handoff':
      return (
        <Tag color="orange" data-testid="bot-meta" data-kind="handoff">
          {t('botmeta.handoff')}
        </Tag>
      );
    case 'none':
      return (
        <Tag data-testid="bot-meta" data-kind="none">
          {t('botmeta.none')}
        </Tag>
      );
    default:
      return null;
  }
}
