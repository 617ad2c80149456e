import { Tag, Tooltip } from 'antd';
import type { MessageKey } from '../i18n/zh-CN';
import { useT } from '../i18n';
import { useAssist, type ConversationInsight } from '../stores/assist';

type Emotion = ConversationInsight['emotion']['label'];
type Signal = ConversationInsight['signals'][number];

const EMOTION_KEYS: Record<Emotion, MessageKey> = {
  anger: 'emotion.anger',
  anxiety: 'emotion.anxiety',
  dissatisfaction: 'emotion.dissatisfaction',
  satisfaction: 'emotion.satisfaction',
  neutral: 'emotion.neutral',
};
const SIGNAL_KEYS: Record<Signal, MessageKey> = {
  media: 'signal.media',
  regulator: 'signal.regulator',
  lawyer: 'signal.lawyer',
  cancel: 'signal.cancel',
};
const EMOTION_MARKS: Record<Emotion, string> = { anger: '!!', anxiety: '!', dissatisfaction: '−', satisfaction: '+', neutral: '·' };

/** 愤怒 / 焦虑 / 不满 / 满意 / 平静: colour and words (never colour alone), with the intensity on hover. */
export function EmotionBadge({ emotion, intensity, testId = 'emotion-badge' }: { emotion: Emotion; intensity: number; testId?: string }) {
  const t = useT();
  const label = t(EMOTION_KEYS[emotion]);
  return (
    <Tooltip title={emotion === 'neutral' ? t('assist.emotionOf', { emotion: label }) : t('assist.emotionStrength', { emotion: label, n: Math.round(intensity * 100) })}>
      <Tag className={`badge-tag emotion-tag emotion-${emotion}`} data-testid={testId} data-emotion={emotion}>
        <span className="sr-only">{t('assist.emotionPrefix')}</span>
        <span aria-hidden="true" className="emotion-mark">
          {EMOTION_MARKS[emotion]}
        </span>
        {label}
      </Tag>
    </Tooltip>
  );
}

/** 媒体曝光 / 监管投诉 / 律师起诉 / 销户流失 as tags. */
export function SignalTags({ signals }: { signals: readonly Signal[] }) {
  const t = useT();
  if (signals.length === 0) return null;
  return (
    <>
      {signals.map((s) => (
        <Tag key={s} className="badge-tag signal-tag" data-testid="signal-tag" data-signal={s}>
          <span className="sr-only">{t('assist.signalPrefix')}</span>
          {t(SIGNAL_KEYS[s])}
        </Tag>
      ))}
    </>
  );
}

/**
 * A conversation's current emotion and its signals (list item, header). The list shows
 * calm conversations without a badge (only what needs attention stands out); the header shows it always.
 */
export function ConversationInsightBadges({ conversationId, hideNeutral = false }: { conversationId: number; hideNeutral?: boolean }) {
  const insight = useAssist((s) => s.insights[conversationId]);
  if (!insight) return null;
  const showEmotion = !(hideNeutral && insight.emotion.label === 'neutral');
  return (
    <span className="insight-badges" data-testid="insight-badges">
      {showEmotion ? <EmotionBadge emotion={insight.emotion.label} intensity={insight.emotion.intensity} testId="conv-emotion-badge" /> : null}
      <SignalTags signals={insight.signals} />
    </span>
  );
}

/** A customer message's emotion (not shown when calm) and signals, under its bubble. */
export function MessageInsight({ messageId }: { messageId: number }) {
  const analysis = useAssist((s) => s.analyses[messageId]);
  if (!analysis || (analysis.emotion.label === 'neutral' && analysis.signals.length === 0)) return null;
  return (
    <div className="msg-insight" data-testid="message-insight">
      {analysis.emotion.label !== 'neutral' ? <EmotionBadge emotion={analysis.emotion.label} intensity={analysis.emotion.intensity} testId="message-emotion-badge" /> : null}
      <SignalTags signals={analysis.signals} />
    </div>
  );
}
