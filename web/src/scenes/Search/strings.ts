import { ApiError } from '../../api/client';
import { type Translate, type Vars } from '../../i18n';
import { scopedWords } from '../../i18n/scoped';
import { errorText } from '../../lib/errors';

/**
 * The words of 搜索. They live here, with the lazy page that shows them (as 工单's and
 * 满意度's do), not in i18n/zh-CN.ts: that dictionary comes with everybody's first load,
 * which is at its budget (test/browser/console-weight.test.ts). Only the header's entry,
 * 搜索, is there (nav.search).
 */
const zhCN = {
  title: '搜索',
  label: '搜索消息、内部备注和联系人',
  placeholder: '输入关键词，如：退款、订单号、手机号',
  hint: '消息需包含所有关键词（用空格分开）；联系人按姓名、电话或邮箱查找。按 / 键可随时打开搜索。',
  submit: '搜索',
  filters: '筛选条件',
  status: '状态',
  anyStatus: '全部状态',
  agent: '客服',
  anyAgent: '全部客服',
  rating: '满意度',
  anyRating: '全部评分',
  stars: '{n} 星',
  from: '开始日期',
  to: '结束日期',
  clear: '清除筛选',
  messagesOnly: '按日期或满意度筛选时只查找消息，不查找联系人。',
  badRange: '结束日期不能早于开始日期。',
  results: '搜索结果',
  searching: '搜索中…',
  count: '找到 {n} 条结果',
  countMore: '已显示 {n} 条结果，还有更多',
  idle: '输入关键词开始搜索。',
  empty: '没有找到相关内容',
  emptyHint: '换个关键词试试，或放宽筛选条件。',
  more: '加载更多',
  contact: '联系人',
  private: '内部备注',
  'sender.customer': '客户',
  'sender.agent': '客服',
  'sender.bot': '机器人',
  said: '{who}：',
  noConversation: '暂无会话',
  conversation: '会话 #{id}',
  'error.invalid_time_zone': '浏览器的时区无法识别，无法按日期筛选：{message}',
} as const;

export type SearchKey = keyof typeof zhCN;

const en: Record<SearchKey, string> = {
  title: 'Search',
  label: 'Search messages, internal notes and contacts',
  placeholder: 'Keywords, e.g. refund, an order number, a phone number',
  hint: 'Messages must contain every keyword (separate them with spaces); contacts are found by name, phone or e-mail. Press / to open search at any time.',
  submit: 'Search',
  filters: 'Filters',
  status: 'Status',
  anyStatus: 'Any status',
  agent: 'Agent',
  anyAgent: 'Any agent',
  rating: 'Rating',
  anyRating: 'Any rating',
  stars: '{n} stars',
  from: 'From',
  to: 'To',
  clear: 'Clear filters',
  messagesOnly: 'With a date or rating filter only messages are searched, not contacts.',
  badRange: 'The end date cannot be before the start date.',
  results: 'Search results',
  searching: 'Searching…',
  count: '{n} results',
  countMore: '{n} results shown, more available',
  idle: 'Type keywords to search.',
  empty: 'Nothing found',
  emptyHint: 'Try other keywords, or fewer filters.',
  more: 'Load more',
  contact: 'Contact',
  private: 'Internal note',
  'sender.customer': 'Customer',
  'sender.agent': 'Agent',
  'sender.bot': 'Bot',
  said: '{who}: ',
  noConversation: 'No conversation',
  conversation: 'Conversation #{id}',
  'error.invalid_time_zone': 'Your browser’s time zone is not recognised, dates cannot be filtered: {message}',
};

const words = scopedWords(zhCN as Record<SearchKey, string>, en);

export type SearchTranslate = (key: SearchKey, vars?: Vars) => string;

/** t() for search's own words, in the console's current language. */
export const useSearchT: () => SearchTranslate = words.useWords;

/** A failure in our words: search's own refusals first, then the console's error texts. */
export function searchErrorText(err: unknown, st: SearchTranslate, t: Translate): string {
  if (err instanceof ApiError && words.has(`error.${err.code}`)) return st(`error.${err.code}` as SearchKey, { message: err.message });
  return errorText(err, t);
}

/** Whether a sender type has its own label (customer, agent, bot). */
export const senderKey = (type: string | null): SearchKey | null => {
  const key = `sender.${type}`;
  return key in zhCN ? (key as SearchKey) : null;
};
