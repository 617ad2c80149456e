/**
 * Automatic invitations (自动邀请): rules that open the widget with a greeting,
 * e.g. "on /pricing for 30 s", "third page view", "came from a search engine".
 * Pure: the gateway asks whether and when a rule fires for the page a visitor is on.
 */
export interface InvitationRule {
  id: string;
  name: string;
  enabled: boolean;
  /** Path glob: /pricing, /products/*, * (any). Empty: any page. */
  pathPattern?: string;
  /** Seconds on the current page before inviting (0: at once). */
  minSecondsOnPage?: number;
  /** This many page views in the visit, this one included. */
  minPageViews?: number;
  /** Only visitors who arrived from a search engine. */
  fromSearchEngine?: boolean;
  /** What the invitation says. */
  greeting: string;
}

export interface VisitFacts {
  path: string;
  pageViews: number;
  fromSearch: boolean;
}

export function pathMatches(pattern: string | undefined, path: string): boolean {
  if (!pattern || pattern === '*') return true;
  const re = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '/?$');
  return re.test(path);
}

/**
 * Milliseconds after arriving on this page when `rule` fires, or null when it
 * cannot fire here. The first rule (in order) with the smallest delay wins.
 */
export function invitationDelay(rule: InvitationRule, visit: VisitFacts): number | null {
  if (!rule.enabled) return null;
  if (!pathMatches(rule.pathPattern, visit.path)) return null;
  if (rule.minPageViews && visit.pageViews < rule.minPageViews) return null;
  if (rule.fromSearchEngine && !visit.fromSearch) return null;
  return Math.max(0, (rule.minSecondsOnPage ?? 0) * 1000);
}

export function firstInvitation(rules: readonly InvitationRule[], visit: VisitFacts): { rule: InvitationRule; delayMs: number } | null {
  let best: { rule: InvitationRule; delayMs: number } | null = null;
  for (const rule of rules) {
    const delayMs = invitationDelay(rule, visit);
    if (delayMs !== null && (!best || delayMs < best.delayMs)) best = { rule, delayMs };
  }
  return best;
}
