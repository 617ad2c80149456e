import { z } from 'zod';
import { EMOTIONS, INTENTS, SIGNALS } from '../core/nlp/types.js';

/** OpenAPI shapes of agent assist's analysis (docs/agent-assist.md). */

const intentSchema = z.object({ label: z.enum(INTENTS), confidence: z.number().describe('0..1') });
const emotionSchema = z.object({ label: z.enum(EMOTIONS), intensity: z.number().describe('0 for neutral, else how strong, 0..1') });
const signalsSchema = z.array(z.enum(SIGNALS)).describe('Escalation signals: media 媒体曝光, regulator 监管投诉, lawyer 律师起诉, cancel 销户流失');

export const messageAnalysisSchema = z
  .object({
    messageId: z.number(),
    conversationId: z.number(),
    intent: intentSchema.describe('consult 咨询, order 订购, query 查询, complaint 投诉, help 求助, fault 报障, unrelated 无关'),
    emotion: emotionSchema.describe('anger 愤怒, anxiety 焦虑, dissatisfaction 不满, satisfaction 满意, neutral 平静'),
    signals: signalsSchema,
    analyzedAt: z.string(),
  })
  .describe('What the NLP core read in a customer message');

export const conversationInsightSchema = z
  .object({
    conversationId: z.number(),
    intent: intentSchema.nullable().describe('The latest intent that matters (not unrelated, confidence ≥ 0.5); null before one'),
    complaint: z.boolean().describe('A complaint was made in this conversation'),
    emotion: emotionSchema.describe('The customer’s current emotion: that of their latest analysed message'),
    signals: signalsSchema,
    maxAnger: z.number().describe('The strongest anger seen, 0..1'),
    analyzed: z.number().describe('Customer messages analysed'),
    lastMessageId: z.number(),
    updatedAt: z.string(),
  })
  .describe('The conversation’s current picture (agent assist): emotion badge, signal tags, coaching');
