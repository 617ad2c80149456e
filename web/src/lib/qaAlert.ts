import type { ServerFrame } from '../realtime/frames';
import { hasKey, type Translate } from '../i18n';

/** Live 质检 alerts: a 禁语 an agent just sent (supervisors), an appeal to decide or decided (申诉). */
export type QaAlert = Extract<ServerFrame, { type: 'alert'; kind: 'qa_finding' | 'qa_appeal' }>;

const named = (t: Translate, key: string, fallback: string) => (hasKey(key) ? t(key) : fallback);

/** The notification's title and text: 质检提醒 / 小王 的消息触犯「服务禁语」：“不归我管”; 申诉待处理 / 会话 #42. */
export function qaAlertText(a: QaAlert, t: Translate): { title: string; body: string } {
  if (a.kind === 'qa_finding') {
    const rules = [...new Set(a.findings.map((f) => (f.rule.startsWith('forbidden.') ? named(t, 'qa.category.forbidden', f.rule) : named(t, `qa.rule.${f.rule}`, f.rule))))];
    const excerpt = a.findings.find((f) => f.excerpt)?.excerpt ?? '';
    return {
      title: t('qaAlert.finding'),
      body: t(excerpt ? 'qaAlert.findingBody' : 'qaAlert.findingRule', { name: a.agentName ?? `#${a.agentId ?? ''}`, rule: rules.join('、'), excerpt }),
    };
  }
  return { title: t(`qaAlert.${a.action}`), body: t('qaAlert.appealBody', { id: a.conversationId }) };
}

/** Where the alert's button goes: the conversation, or the inspection in the 质检工作台. */
export const qaAlertPath = (a: QaAlert) => (a.kind === 'qa_finding' ? `/conversations/${a.conversationId}` : `/qa?inspection=${a.inspectionId}`);
