/**
 * 快捷回复 (canned replies): the vocabulary, the variables and the matching the console's `/`
 * list uses. Pure: the pinyin keys are computed by the server (pinyin-pro) and sent along, so the
 * console matches "tk" or "tuikuan" without a pinyin library of its own.
 */
export const CANNED_SCOPES = ['personal', 'team'] as const;
export type CannedScope = (typeof CANNED_SCOPES)[number];

export const MAX_CANNED_TITLE_CHARS = 100;
export const MAX_CANNED_CONTENT_CHARS = 2000;
export const MAX_CANNED_SHORTCUT_CHARS = 30;
export const MAX_CANNED_CATEGORY_CHARS = 50;
/** Personal and team replies an agent can see, together: a list, not a knowledge base. */
export const MAX_CANNED_REPLIES = 500;

export interface CannedReply {
  id: number;
  scope: CannedScope;
  /** The agent owning a personal reply; null for the team's. */
  ownerId: number | null;
  title: string;
  content: string;
  /** Typed after `/` to find it at once ("tk"); letters, digits, - and _. */
  shortcut: string | null;
  category: string | null;
  /** pinyin of the title and category, without tones, lower case, words joined: "tuikuanliucheng". */
  pinyin: string;
  /** Initials of the same: "tklc". */
  initials: string;
  updatedAt: string;
}

/** The variables a reply may carry: the automatic replies' ({agentNo}, {name}) plus the customer's. */
export const CANNED_VARIABLES = ['agentNo', 'name', 'customerName'] as const;
export type CannedVariables = Partial<Record<(typeof CANNED_VARIABLES)[number], string | null>>;

/**
 * The text inserted into the composer: `{agentNo}` and `{name}` as the automatic replies render
 * them ("工号 {agentNo}" drops its label when the agent has no 工号), `{customerName}` the
 * customer's name. Unknown `{words}` are left as typed (they may be meant literally).
 */
export function renderCannedReply(content: string, vars: CannedVariables): string {
  const known = new Set<string>(CANNED_VARIABLES);
  const empty = (k: string) => vars[k as keyof CannedVariables] == null || String(vars[k as keyof CannedVariables]).trim() === '';
  return content
    .replace(AGENT_NO_LABEL, (m) => (empty('agentNo') ? '' : m))
    .replace(/\{(\w+)\}/g, (m, k: string) => (known.has(k) ? String(vars[k as keyof CannedVariables] ?? '') : m))
    .replace(/[ \t\u3000]{2,}/g, ' ') // a dropped variable leaves no double space; line breaks stay
    .trim();
}

/** "工号 {agentNo}", "(No. {agentNo})": the label goes with a missing 工号 (as reception's renderTemplate does). */
const AGENT_NO_LABEL = /(?:工号|No\.?|#)\s*[:：]?\s*\{agentNo\}[，,]?|[(（]\s*(?:工号|No\.?|#)?\s*[:：]?\s*\{agentNo\}\s*[)）]/gi;

const fold = (s: string) => s.toLowerCase().replace(/\s+/g, '');

/**
 * Whether a reply matches what the agent typed after `/`: its shortcut, title, content or category
 * (substring, case and spaces ignored), or the pinyin of title and category in full ("tuikuan")
 * or by initials ("tk"). An empty query matches everything.
 */
export function cannedMatches(reply: Pick<CannedReply, 'title' | 'content' | 'shortcut' | 'category' | 'pinyin' | 'initials'>, query: string): boolean {
  const q = fold(query);
  if (!q) return true;
  const fields = [reply.shortcut ?? '', reply.title, reply.content, reply.category ?? ''];
  if (fields.some((f) => fold(f).includes(q))) return true;
  if (!/^[a-z0-9]+$/.test(q)) return false;
  return reply.initials.includes(q) || reply.pinyin.includes(q);
}

/** Ranks matches: shortcut first, then initials/pinyin prefix, then title, then the rest (stable). */
export function filterCanned<T extends Pick<CannedReply, 'title' | 'content' | 'shortcut' | 'category' | 'pinyin' | 'initials'>>(replies: T[], query: string): T[] {
  const q = fold(query);
  const rank = (r: T) => {
    if (!q) return 0;
    if (r.shortcut && fold(r.shortcut).startsWith(q)) return 0;
    if (r.initials.startsWith(q) || r.pinyin.startsWith(q)) return 1;
    if (fold(r.title).includes(q)) return 2;
    return 3;
  };
  return replies
    .filter((r) => cannedMatches(r, query))
    .map((r, i) => ({ r, i, k: rank(r) }))
    .sort((x, y) => x.k - y.k || x.i - y.i)
    .map((x) => x.r);
}
