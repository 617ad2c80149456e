import type { ConversationFacts } from './facts.js';

/**
 * The service figures over a set of conversations' facts: the reference definition (docs/
 * reports.md). The reports compute the same in SQL over the stored rollups; the tests
 * compare the two on the same conversations.
 */

/** A conversation counts once the customer wrote (an opened, empty widget is not a conversation). */
export const counts = (f: Pick<ConversationFacts, 'customerMessages'>) => f.customerMessages > 0;

/** The p-quantile with linear interpolation between the closest ranks (PostgreSQL's percentile_cont); null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const pos = p * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

const ratio = (n: number, of: number) => (of === 0 ? null : n / of);

export interface ServiceSummary {
  conversations: number;
  /** Waited for a person at some point (the base of service level and abandonment). */
  waited: number;
  firstResponseMedian: number | null;
  firstResponseP90: number | null;
  firstResponseBusinessMedian: number | null;
  /** Every answered customer turn's wait, averaged over all turns. */
  averageResponse: number | null;
  resolutionMedian: number | null;
  resolutionP90: number | null;
  resolutionBusinessMedian: number | null;
  /** Share of those who waited whose first response came within the service-level seconds (放弃 counts as not). */
  serviceLevel: number | null;
  abandonmentRate: number | null;
  transfers: number;
  /** Share of the conversations ended at least once that were opened again. */
  reopenRate: number | null;
  botConversations: number;
  botResolutionRate: number | null;
}

export function serviceSummary(all: readonly ConversationFacts[], serviceLevelSeconds: number): ServiceSummary {
  const fs = all.filter(counts);
  const waited = fs.filter((f) => f.humanWaitAt !== null);
  const frt = fs.flatMap((f) => (f.firstResponseSeconds === null ? [] : [f.firstResponseSeconds]));
  const frtBusiness = fs.flatMap((f) => (f.firstResponseBusinessSeconds === null ? [] : [f.firstResponseBusinessSeconds]));
  const resolved = fs.filter((f) => f.resolutionSeconds !== null);
  const ended = fs.filter((f) => f.resolvedAt !== null || f.reopens > 0);
  const responses = fs.reduce((n, f) => n + f.responses, 0);
  const bot = fs.filter((f) => f.botHandled);
  return {
    conversations: fs.length,
    waited: waited.length,
    firstResponseMedian: percentile(frt, 0.5),
    firstResponseP90: percentile(frt, 0.9),
    firstResponseBusinessMedian: percentile(frtBusiness, 0.5),
    averageResponse: ratio(
      fs.reduce((n, f) => n + f.responseSeconds, 0),
      responses,
    ),
    resolutionMedian: percentile(resolved.map((f) => f.resolutionSeconds!), 0.5),
    resolutionP90: percentile(resolved.map((f) => f.resolutionSeconds!), 0.9),
    resolutionBusinessMedian: percentile(resolved.map((f) => f.resolutionBusinessSeconds!), 0.5),
    serviceLevel: ratio(waited.filter((f) => f.firstResponseSeconds !== null && f.firstResponseSeconds <= serviceLevelSeconds).length, waited.length),
    abandonmentRate: ratio(waited.filter((f) => f.abandoned).length, waited.length),
    transfers: fs.reduce((n, f) => n + f.transfers, 0),
    reopenRate: ratio(ended.filter((f) => f.reopens > 0).length, ended.length),
    botConversations: bot.length,
    botResolutionRate: ratio(bot.filter((f) => f.botResolved).length, bot.length),
  };
}
