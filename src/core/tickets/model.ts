import { COMPLAINT_STEPS, type ComplaintStep } from '../assist/coaching.js';

/**
 * 工单与投诉 (issue 16): the ticket's shape and every value the API uses, with the
 * zh-CN and English labels the console shows. The value names are the API's: they
 * are stored, filtered on and sent in events, so they never change; labels may.
 */

/** The inbound contact types, named like the NLP intents they come from. */
export const TICKET_TYPES = ['consult', 'order', 'query', 'complaint', 'help', 'fault'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

export const TICKET_PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

/** `pending` waits on the customer (SLA clocks pause), `on_hold` on another team (they run); `closed` is final. */
export const TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** The six complaint steps of METHOD.md §4, in the order they are walked. */
export const COMPLAINT_STEP_IDS = ['accept', 'calm', 'clarify', 'explore', 'act', 'thank'] as const;
export type ComplaintStepId = (typeof COMPLAINT_STEP_IDS)[number];

/** The step's number in the coaching card (1 接受 … 6 感谢客户). */
export const stepNumber = (id: ComplaintStepId): ComplaintStep => (COMPLAINT_STEP_IDS.indexOf(id) + 1) as ComplaintStep;

export const CLASSIFICATION_KINDS = ['reason', 'topic', 'motive', 'behaviour', 'source'] as const;
export type ClassificationKind = (typeof CLASSIFICATION_KINDS)[number];

export const COMPLAINT_REASONS = ['quality', 'labelling', 'service'] as const;
export type ComplaintReason = (typeof COMPLAINT_REASONS)[number];

export const COMPLAINT_TOPICS = ['product_knowledge', 'software', 'response_speed', 'ability', 'attitude'] as const;
export type ComplaintTopic = (typeof COMPLAINT_TOPICS)[number];

export const COMPLAINT_MOTIVES = ['compensation', 'new_demand', 'venting', 'revenge'] as const;
export type ComplaintMotive = (typeof COMPLAINT_MOTIVES)[number];

export const COMPLAINT_BEHAVIOURS = ['argumentative', 'noisy', 'threatening', 'compensation', 'appealing', 'cooled', 'venting'] as const;
export type ComplaintBehaviour = (typeof COMPLAINT_BEHAVIOURS)[number];

/** Who brought the complaint: the customer, a regulator's notice (15 days to answer), the media. */
export const COMPLAINT_SOURCES = ['consumer', 'regulator', 'media'] as const;
export type ComplaintSource = (typeof COMPLAINT_SOURCES)[number];

export const SLA_METRICS = ['first_reply', 'next_reply', 'resolution'] as const;
export type SlaMetric = (typeof SLA_METRICS)[number];

export interface Label {
  zh: string;
  en: string;
}

/** Every value's label, by value set: the console's one source for them. */
export const TICKET_LABELS = {
  type: {
    consult: { zh: '咨询', en: 'Consultation' },
    order: { zh: '订购/预订', en: 'Order / booking' },
    query: { zh: '查询', en: 'Query' },
    complaint: { zh: '投诉', en: 'Complaint' },
    help: { zh: '求助', en: 'Help' },
    fault: { zh: '报障', en: 'Fault report' },
  },
  priority: {
    urgent: { zh: '紧急', en: 'Urgent' },
    high: { zh: '高', en: 'High' },
    normal: { zh: '标准', en: 'Normal' },
    low: { zh: '低', en: 'Low' },
  },
  status: {
    new: { zh: '待受理', en: 'New' },
    open: { zh: '处理中', en: 'Open' },
    pending: { zh: '等待客户', en: 'Waiting on customer' },
    on_hold: { zh: '等待内部', en: 'On hold (internal)' },
    solved: { zh: '已解决', en: 'Solved' },
    closed: { zh: '已关闭', en: 'Closed' },
  },
  /** The coaching card's titles (assist/coaching.ts), so both name the steps alike. */
  step: Object.fromEntries(COMPLAINT_STEP_IDS.map((id) => [id, { zh: COMPLAINT_STEPS[stepNumber(id)].zh, en: COMPLAINT_STEPS[stepNumber(id)].en }])) as Record<ComplaintStepId, Label>,
  classification: {
    reason: { zh: '投诉原因', en: 'Reason' },
    topic: { zh: '投诉话题', en: 'Topic' },
    motive: { zh: '投诉动机', en: 'Motive' },
    behaviour: { zh: '行为类型', en: 'Behaviour' },
    source: { zh: '投诉来源', en: 'Source' },
  },
  reason: {
    quality: { zh: '产品或服务质量', en: 'Product or service quality' },
    labelling: { zh: '标识不清', en: 'Unclear labelling' },
    service: { zh: '服务不佳', en: 'Poor service' },
  },
  topic: {
    product_knowledge: { zh: '产品知识', en: 'Product knowledge' },
    software: { zh: '软件功能', en: 'Software function' },
    response_speed: { zh: '响应速度', en: 'Response speed' },
    ability: { zh: '解决能力', en: 'Ability to solve' },
    attitude: { zh: '服务态度', en: 'Attitude' },
  },
  motive: {
    compensation: { zh: '要求补偿', en: 'Compensation' },
    new_demand: { zh: '满足新需求', en: 'New demand met' },
    venting: { zh: '发泄情绪', en: 'Venting' },
    revenge: { zh: '报复', en: 'Revenge' },
  },
  behaviour: {
    argumentative: { zh: '争辩型', en: 'Argumentative' },
    noisy: { zh: '吵闹型', en: 'Noisy' },
    threatening: { zh: '威胁型', en: 'Threatening' },
    compensation: { zh: '补偿型', en: 'Compensation-seeking' },
    appealing: { zh: '上诉型', en: 'Appealing to authorities' },
    cooled: { zh: '冷却型', en: 'Cooled off' },
    venting: { zh: '发泄型', en: 'Venting' },
  },
  source: {
    consumer: { zh: '消费者投诉', en: 'Consumer' },
    regulator: { zh: '监管投诉', en: 'Regulator' },
    media: { zh: '媒体投诉', en: 'Media' },
  },
  metric: {
    first_reply: { zh: '首次响应', en: 'First reply' },
    next_reply: { zh: '后续响应', en: 'Next reply' },
    resolution: { zh: '解决时长', en: 'Resolution' },
  },
} as const satisfies {
  type: Record<TicketType, Label>;
  priority: Record<TicketPriority, Label>;
  status: Record<TicketStatus, Label>;
  step: Record<ComplaintStepId, Label>;
  classification: Record<ClassificationKind, Label>;
  reason: Record<ComplaintReason, Label>;
  topic: Record<ComplaintTopic, Label>;
  motive: Record<ComplaintMotive, Label>;
  behaviour: Record<ComplaintBehaviour, Label>;
  source: Record<ComplaintSource, Label>;
  metric: Record<SlaMetric, Label>;
};

/** What the agent confirmed (or was suggested): one value per kind, null while unknown. The source is always known. */
export interface Classification {
  reason: ComplaintReason | null;
  topic: ComplaintTopic | null;
  motive: ComplaintMotive | null;
  behaviour: ComplaintBehaviour | null;
  source: ComplaintSource;
}

/** One of the six steps, done or skipped, with who and when. */
export interface ComplaintStepRecord {
  step: ComplaintStepId;
  by: number;
  at: string;
  note: string | null;
  /** Set when the step was skipped: why. */
  skippedReason: string | null;
}

/** The regulator's appeal window (申诉期): `complaint.deadline` in the API. */
export interface ComplaintDeadline {
  kind: 'regulator_appeal';
  /** The regulator's notice, YYYY-MM-DD in the workspace's time zone. */
  noticeDate: string;
  /** The end of the 15th calendar day after the notice. */
  dueAt: string;
  /** When to remind: 7, 3 and 1 days before the due date, earliest first. */
  reminders: { daysBefore: number; at: string }[];
}

/** What a complaint ticket adds (投诉处理), kept for 留档分析. */
export interface Complaint {
  classification: Classification;
  /** 非正常投诉: set by a supervisor; routed to supervisors and legal. */
  abnormal: boolean;
  steps: ComplaintStepRecord[];
  /** Regulator complaints only. */
  deadline: ComplaintDeadline | null;
  /** Why it was solved without the customer's confirmation (a phone call, no answer…). */
  unconfirmedReason: string | null;
}

/** Custom field values per type: text, number, date (YYYY-MM-DD), single or multiple option. */
export type CustomFieldValue = string | number | string[] | null;

export interface Ticket {
  id: number;
  workspaceId: number;
  contactId: number;
  /** Conversations linked to it (the one it was created from first). */
  conversationIds: number[];
  subject: string;
  description: string;
  type: TicketType;
  priority: TicketPriority;
  status: TicketStatus;
  assigneeId: number | null;
  groupId: number | null;
  followerIds: number[];
  tags: string[];
  /** Three-level category (三级分类), most general first; up to three entries. */
  category: string[];
  customFields: Record<string, CustomFieldValue>;
  /** Present exactly when `type` is complaint. */
  complaint: Complaint | null;
  /** The customer confirmed the resolution (the widget's button); cleared when they reopen it. */
  confirmedAt: string | null;
  createdAt: string;
  updatedAt: string;
  solvedAt: string | null;
  closedAt: string | null;
}

/**
 * 5W3H: what a team hands to another with a ticket (METHOD.md §6). The five W and
 * `how` are required; `howMany` and `howMuch` stay empty when nothing is counted or paid.
 */
export interface Handoff {
  when: string;
  where: string;
  who: string;
  what: string;
  why: string;
  how: string;
  howMany: string;
  howMuch: string;
}

/** A comment on a ticket: internal (内部备注), or a public reply, which a linked conversation also received as an agent message. */
export interface TicketComment {
  id: number;
  ticketId: number;
  authorId: number | null;
  public: boolean;
  body: string;
  /** The conversation a public reply was posted to, and the message it became there. */
  conversationId: number | null;
  messageId: number | null;
  createdAt: string;
}

/** One entry of a ticket's activity log (动态): an event of the log that names the ticket, with who did it. */
export interface TicketActivity {
  id: number;
  type: string;
  at: string;
  actor: { type: string; id: number | null; name: string | null };
  data: Record<string, unknown>;
}
