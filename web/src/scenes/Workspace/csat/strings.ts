import { ApiError } from '../../../api/client';
import { type Translate, type Vars } from '../../../i18n';
import { scopedWords } from '../../../i18n/scoped';
import { errorText } from '../../../lib/errors';

/**
 * The words of 满意度评价 in the console: the rating in a conversation, 邀请评价, and the
 * 接待设置 section. They live here, with the lazy parts that show them (as the 质检 and 工单
 * pages' do), not in i18n/zh-CN.ts: that dictionary comes with everybody's first load,
 * which is at its budget (test/browser/console-weight.test.ts).
 */
const zhCN = {
  invite: '邀请评价',
  invited: '已邀请评价',
  inviteDone: '已向客户发送评价邀请',
  inviteHint: '请客户现在对本次服务进行评价（结束会话时也会自动邀请）',
  title: '客户评价',
  stars: '{n} 星（满分 5 星）',
  changed: '已修改',
  at: '{time} 评价',
  'source.close': '会话结束后评价',
  'source.invite': '客服邀请评价',
  'error.already_rated': '客户已经评价过本次会话',
  'error.already_requested': '已经邀请过客户评价',
  'error.csat_disabled': '此渠道未开启满意度评价（管理员可在接待设置中开启）',

  // 接待设置
  section: '满意度评价',
  sectionHint: '会话结束时（客服结束、超时自动结束，或客户在咨询窗口中结束会话）邀请客户评价：五级评分、可多选的评价原因和意见。客户评价后24小时内可以修改。',
  enabled: '开启满意度评价',
  askOnClose: '客户主动结束会话时也邀请评价',
  prompt: '邀请语',
  labels: '评分名称',
  labelsHint: '从 1 星（最不满意）到 5 星（最满意），右侧为英文名称',
  label: '{n} 星',
  labelEn: '{n} 星（English）',
  reasons: '评价原因',
  reasonsHint: '客户可多选；输入后按回车添加，最多 {max} 个',
  reasonsPlaceholder: '例如：回复及时',
  reasonEn: '“{reason}”的英文',
  thanks: '感谢语',
  thanksHint: '客户提交评价后显示',
  required: '必填',
  tooLong: '最多 {max} 个字',
  tooMany: '最多 {max} 个评价原因',
  enFallback: 'English（留空则用中文或内置英文）',
} as const;

export type CsatKey = keyof typeof zhCN;

const en: Record<CsatKey, string> = {
  invite: 'Ask for rating',
  invited: 'Rating requested',
  inviteDone: 'The customer was asked to rate this conversation',
  inviteHint: 'Ask the customer to rate the service now (they are also asked when the conversation ends)',
  title: 'Customer rating',
  stars: '{n} of 5 stars',
  changed: 'changed',
  at: 'rated {time}',
  'source.close': 'rated after the end',
  'source.invite': 'rated when invited',
  'error.already_rated': 'The customer has already rated this conversation',
  'error.already_requested': 'The customer was already asked for a rating',
  'error.csat_disabled': 'Ratings are off for this inbox (admins turn them on in Reception settings)',

  section: 'Satisfaction rating (CSAT)',
  sectionHint:
    'When a conversation ends (by an agent, after idleness, or by the customer in the chat window) the customer is asked to rate it: five levels, reasons to tick and a comment. They can change the rating for 24 hours.',
  enabled: 'Ask for ratings',
  askOnClose: 'Also ask when the customer ends the chat',
  prompt: 'Request text',
  labels: 'Score names',
  labelsHint: 'From 1 star (least satisfied) to 5 stars (most satisfied); English on the right',
  label: '{n} stars',
  labelEn: '{n} stars (English)',
  reasons: 'Reasons',
  reasonsHint: 'Customers may tick several; type one and press Enter, at most {max}',
  reasonsPlaceholder: 'e.g. 回复及时',
  reasonEn: 'English for “{reason}”',
  thanks: 'Thanks',
  thanksHint: 'Shown once the customer has rated',
  required: 'Required',
  tooLong: 'At most {max} characters',
  tooMany: 'At most {max} reasons',
  enFallback: 'English (empty: the Chinese or built-in English text)',
};

const words = scopedWords(zhCN as Record<CsatKey, string>, en);

export type CsatTranslate = (key: CsatKey, vars?: Vars) => string;

/** t() for the rating's own words, in the console's current language. */
export const useCsatT: () => CsatTranslate = words.useWords;

/** A failure in our words: the rating's own refusals first, then the console's error texts. */
export function csatErrorText(err: unknown, ct: CsatTranslate, t: Translate): string {
  if (err instanceof ApiError && words.has(`error.${err.code}`)) return ct(`error.${err.code}` as CsatKey);
  return errorText(err, t);
}
