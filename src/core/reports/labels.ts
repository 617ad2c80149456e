import { TICKET_LABELS } from '../tickets/model.js';

/** The reports' words in both languages: figures and columns share keys (a column of a figure reads the same). */
export type Lang = 'zh-CN' | 'en';
type Pair = readonly [zh: string, en: string];

const WORDS = {
  // report titles
  'report.overview': ['概览', 'Overview'],
  'report.service': ['服务', 'Service'],
  'report.quality': ['质量', 'Quality'],
  'report.complaints': ['投诉', 'Complaints'],
  'report.visitors': ['访客', 'Visitors'],
  'report.agents': ['坐席', 'Agents'],
  // shared columns
  bucket: ['时间', 'Time'],
  name: ['名称', 'Name'],
  label: ['类别', 'Category'],
  conversations: ['会话数', 'Conversations'],
  visitors: ['访客数', 'Unique visitors'],
  channel: ['渠道', 'Channel'],
  // overview
  queue_now: ['当前排队', 'Queued now'],
  agents_online: ['在线坐席', 'Agents online'],
  bot_conversations: ['机器人接待', 'Bot conversations'],
  bot_resolution_rate: ['机器人解决率', 'Bot resolution rate'],
  'table.by_time': ['会话与访客趋势', 'Conversations and visitors over time'],
  'table.by_channel': ['按渠道', 'By channel'],
  // service
  first_response_median: ['首次响应时长（中位数）', 'First response (median)'],
  first_response_p90: ['首次响应时长（P90）', 'First response (p90)'],
  first_response_business_median: ['首次响应时长（工作时间，中位数）', 'First response in business hours (median)'],
  average_response: ['平均响应时长', 'Average response'],
  resolution_median: ['解决时长（中位数）', 'Resolution (median)'],
  resolution_p90: ['解决时长（P90）', 'Resolution (p90)'],
  resolution_business_median: ['解决时长（工作时间，中位数）', 'Resolution in business hours (median)'],
  service_level: ['服务水平', 'Service level'],
  abandonment_rate: ['放弃率', 'Abandonment rate'],
  transfers: ['转接次数', 'Transfers'],
  reopen_rate: ['重开率', 'Reopen rate'],
  'table.trend': ['趋势', 'Trend'],
  'table.by_agent': ['按坐席', 'By agent'],
  'table.by_group': ['按技能组', 'By skill group'],
  'table.by_inbox': ['按接入渠道', 'By inbox'],
  // quality
  ratings: ['评价数', 'Ratings'],
  csat_average: ['满意度均分', 'Average rating'],
  satisfied_rate: ['满意率', 'Satisfied'],
  qa_inspected: ['质检会话数', 'Inspected'],
  inspected: ['质检会话数', 'Inspected'],
  qa_average: ['质检均分', 'Average QA score'],
  forbidden_count: ['禁语次数', 'Forbidden phrases'],
  score: ['分值', 'Score'],
  rule: ['规则', 'Rule'],
  count: ['次数', 'Count'],
  'table.csat_distribution': ['满意度分布', 'Rating distribution'],
  'table.csat_trend': ['满意度趋势', 'Rating trend'],
  'table.qa_trend': ['质检分趋势', 'QA score trend'],
  'table.forbidden': ['禁语', 'Forbidden phrases'],
  // complaints
  complaints: ['投诉数', 'Complaints'],
  resolved: ['已解决', 'Resolved'],
  resolution_median_hours: ['解决时长（小时，中位数）', 'Hours to resolve (median)'],
  promises: ['承诺回复', 'Promises'],
  promises_kept_rate: ['承诺兑现率', 'Promises kept'],
  lost_customers: ['流失客户', 'Lost customers'],
  value: ['取值', 'Value'],
  reason: ['原因', 'Reason'],
  customers: ['客户数', 'Customers'],
  share: ['占比', 'Share'],
  reference: ['参考占比', 'Reference share'],
  'table.by_reason': ['按投诉原因', 'By reason'],
  'table.by_topic': ['按投诉话题', 'By topic'],
  'table.by_behaviour': ['按行为类型', 'By behaviour'],
  'table.by_source': ['按来源', 'By source'],
  'table.lost_reasons': ['客户流失原因', 'Why customers left'],
  // visitors
  sessions: ['访问次数', 'Sessions'],
  chatted_visitors: ['发起会话的访客', 'Visitors who chatted'],
  ticket_visitors: ['产生工单的访客', 'Visitors with a ticket'],
  chat_conversion: ['访问→会话转化率', 'Visit → chat'],
  ticket_conversion: ['会话→工单转化率', 'Chat → ticket'],
  chatted: ['发起会话', 'Chatted'],
  source: ['来源', 'Source'],
  keyword: ['搜索词', 'Search keyword'],
  page: ['着陆页', 'Landing page'],
  stage: ['阶段', 'Stage'],
  'table.by_keyword': ['按搜索词', 'By search keyword'],
  'table.by_landing_page': ['按着陆页', 'By landing page'],
  'table.funnel': ['访问→会话→工单', 'Visit → chat → ticket'],
  'funnel.visited': ['访问', 'Visited'],
  'funnel.chatted': ['发起会话', 'Chatted'],
  'funnel.ticket': ['产生工单', 'Got a ticket'],
  // agents
  agents: ['坐席数', 'Agents'],
  online_hours: ['在线时长（小时）', 'Hours online'],
  per_online_hour: ['每在线小时会话数', 'Conversations per online hour'],
  handling_median: ['处理时长（中位数）', 'Handling time (median)'],
  handling_p90: ['处理时长（P90）', 'Handling time (p90)'],
  concurrent_average: ['平均同时接待', 'Average concurrent load'],
  hostile: ['敌意会话', 'Hostile conversations'],
  hostile_conversations: ['敌意会话', 'Hostile conversations'],
  hostile_run: ['最长连续敌意会话', 'Longest hostile run'],
  flagged: ['需关注', 'Needs attention'],
  flagged_agents: ['需关注的坐席', 'Agents to check on'],
  // values
  'channel.web': ['网页', 'Website'],
  'channel.api': ['API', 'API'],
  'source.search': ['搜索引擎', 'Search engine'],
  'source.social': ['社交媒体', 'Social media'],
  'source.referral': ['外部链接', 'Referral'],
  'source.campaign': ['推广活动', 'Campaign'],
  'source.direct': ['直接访问', 'Direct'],
  'lost.poor_service': ['服务差', 'Poor service'],
  'lost.nobody_cared': ['无人关心', 'Nobody cared'],
  'lost.price': ['价格更低', 'Cheaper elsewhere'],
  'lost.better_product': ['更好的产品', 'Better product elsewhere'],
  'lost.other': ['搬迁等其他', 'Moved / other'],
  'csat.5': ['非常满意', 'Very satisfied'],
  'csat.4': ['满意', 'Satisfied'],
  'csat.3': ['一般', 'Neutral'],
  'csat.2': ['不满意', 'Dissatisfied'],
  'csat.1': ['非常不满意', 'Very dissatisfied'],
  'forbidden.blame': ['推卸责任', 'Blaming'],
  'forbidden.refusal': ['生硬拒绝', 'Refusing'],
  'forbidden.condescension': ['轻视客户', 'Condescension'],
  'forbidden.impatience': ['不耐烦', 'Impatience'],
  'forbidden.defensiveness': ['辩解顶撞', 'Defensiveness'],
  'forbidden.rudeness': ['粗鲁', 'Rudeness'],
  unknown: ['未分类', 'Unclassified'],
  none: ['无', 'None'],
} as const satisfies Record<string, Pair>;

export type WordKey = keyof typeof WORDS;

/** A report word in the caller's language; an unknown key reads as itself (a custom rule id, a new channel). */
export function word(key: string, lang: Lang): string {
  const pair = (WORDS as Record<string, Pair>)[key];
  if (!pair) return key;
  return lang === 'en' ? pair[1] : pair[0];
}

/** A complaint classification value's label (reason, topic, behaviour, source), from the tickets' one list. */
export function complaintLabel(kind: 'reason' | 'topic' | 'behaviour' | 'source', value: string | null, lang: Lang): string {
  if (value === null) return word('unknown', lang);
  const set = TICKET_LABELS[kind] as Record<string, { zh: string; en: string }>;
  const l = set[value];
  return l ? (lang === 'en' ? l.en : l.zh) : value;
}

/** Why customers leave (METHOD.md §8): the reference shares the lost-customer chart sets beside ours. */
export const LOST_REASONS = ['poor_service', 'nobody_cared', 'price', 'better_product', 'other'] as const;
export const LOST_REFERENCE: Record<(typeof LOST_REASONS)[number], number> = { poor_service: 0.45, nobody_cared: 0.2, price: 0.15, better_product: 0.15, other: 0.05 };
