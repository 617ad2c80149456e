import type { ScoreSheet } from './score.js';
import type { Analysis } from '../nlp/types.js';
import type { Adjustments } from './review.js';

/**
 * 智能质检's vocabulary (docs/quality-inspection.md). Pure: the inspector reads a transcript
 * with each message's shared analysis (the NLP core's, the same one agent assist shows) and
 * the rule pack; storage, consumers and routes live in src/qa.
 */
export const QA_ROLES = ['customer', 'agent', 'bot', 'system'] as const;
export type QaRole = (typeof QA_ROLES)[number];

export const SEVERITIES = ['minor', 'major', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A line the platform wrote: the agent joined ("工号 1024 小王 为您服务"), the inbox's welcome, anything else. */
export type SystemKind = 'joined' | 'welcome' | 'other';

export interface QaMessage {
  role: QaRole;
  content: string;
  /** Server timestamp (ISO 8601); timing rules skip messages without one. */
  at?: string | null;
  kind?: SystemKind | null;
}

/** What the rules read of a line's analysis (not its tokens). */
export type QaAnalysis = Omit<Analysis, 'tokens'>;

/** What the inspector reads: the messages, each with its normalised text and (customer and agent lines) its analysis. */
export interface QaTranscript {
  messages: QaMessage[];
  /** Normalised text of each message (same length as its content: spans carry over). */
  texts: string[];
  analyses: (QaAnalysis | null)[];
  /** The agent ended the conversation (false: it is still going on, or was cut off). */
  closed: boolean;
}

export interface QaFinding {
  /** Stable rule id, e.g. forbidden.blame, opening.identify. */
  rule: string;
  /** The id's first part: forbidden, opening, closing, … */
  category: string;
  severity: Severity;
  /** Position in the transcript of the message the finding is about; null: the conversation as a whole (something missing). */
  messageIndex: number | null;
  /** The words at fault, or the message's start. */
  excerpt: string;
  /** [start, end) in that message's content. */
  span: [number, number] | null;
  /** What to say instead (the pack's wording). */
  suggestion: string | null;
  /** Why, in a sentence (a wait in seconds, the missing complaint steps…). */
  detail?: string;
}

/** One inspection of a conversation: a version per resolution, every version kept. */
export interface Inspection {
  id: number;
  conversationId: number;
  version: number;
  agentId: number | null;
  groupId: number | null;
  packVersion: string;
  /** The scoring sheet (评分表) the score is on. */
  sheet: ScoreSheet;
  score: number;
  vetoed: boolean;
  findings: QaFinding[];
  dimensions: { category: string; deducted: number; findings: number }[];
  messageCount: number;
  inspectedAt: string;
  /** The score after review (复核) and accepted appeals (申诉), with the veto it leaves; null until then. `score` never changes. */
  adjustedScore: number | null;
  adjustedVetoed: boolean | null;
  /** The review's verdicts and manual findings, and the findings appeals removed (review.ts). */
  adjustments: Adjustments | null;
  reviewedBy: number | null;
  reviewedAt: string | null;
}

/** A live alert: an agent message with findings that cannot wait (禁语, critical). */
export interface QaLiveAlert {
  conversationId: number;
  messageId: number;
  agentId: number | null;
  agentName: string | null;
  findings: Pick<QaFinding, 'rule' | 'severity' | 'excerpt' | 'suggestion'>[];
}
