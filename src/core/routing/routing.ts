/**
 * Routing decisions (分配策略), pure: who should take a conversation, and in which
 * order waiting conversations are served. The storage adapter gathers the facts
 * inside a transaction that locks the candidates, so capacity holds under races.
 */
export type Strategy = 'load_balanced' | 'round_robin' | 'manual';
export const STRATEGIES: readonly Strategy[] = ['load_balanced', 'round_robin', 'manual'];

/** An agent as routing sees them. */
export interface Candidate {
  id: number;
  /** Online (在线), with a console connected, and active. Away (小休) agents keep chats but get no new ones. */
  available: boolean;
  /** Open conversations assigned now. */
  load: number;
  /** 接待上限: the most conversations they take at once. */
  max: number;
  /** When they were last given a conversation (ms since epoch), for fair tie-breaks. */
  lastAssignedAt: number;
}

/** At their 接待上限: no new conversation, whoever assigns it (only a supervisor may force one past it). */
export function isFull(c: Pick<Candidate, 'load' | 'max'>): boolean {
  return c.load >= c.max;
}

/** Routing may give them a conversation: available and below their limit. */
export function hasRoom(c: Candidate): boolean {
  return c.available && !isFull(c);
}

/** 饱和度: load as a share of the limit (0…1+). */
export function saturation(c: Pick<Candidate, 'load' | 'max'>): number {
  return c.max <= 0 ? 1 : c.load / c.max;
}

export interface PickInput {
  strategy: Strategy;
  /** Group members (in membership order). */
  candidates: readonly Candidate[];
  /** The agent who served this customer last, when the group routes returning customers back to them. */
  preferredAgentId?: number | null;
  /** Round robin: the member who received the previous conversation. */
  lastAssignedId?: number | null;
}

export type PickReason = 'sticky' | 'load_balanced' | 'round_robin' | 'manual' | 'no_room';

export interface PickResult {
  agentId: number | null;
  reason: PickReason;
}

/** Chooses the agent for one conversation, or none (it waits in the queue). */
export function pickAgent(input: PickInput): PickResult {
  const { candidates } = input;
  if (input.strategy === 'manual') return { agentId: null, reason: 'manual' };
  if (input.preferredAgentId != null) {
    const preferred = candidates.find((c) => c.id === input.preferredAgentId);
    if (preferred && hasRoom(preferred)) return { agentId: preferred.id, reason: 'sticky' };
  }
  if (input.strategy === 'round_robin') {
    const n = candidates.length;
    const after = input.lastAssignedId == null ? -1 : candidates.findIndex((c) => c.id === input.lastAssignedId);
    for (let i = 1; i <= n; i++) {
      const c = candidates[(after + i + n) % n];
      if (hasRoom(c)) return { agentId: c.id, reason: 'round_robin' };
    }
    return { agentId: null, reason: 'no_room' };
  }
  // load balanced: fewest open conversations; then lowest saturation; then longest since the last one
  let best: Candidate | null = null;
  for (const c of candidates) {
    if (!hasRoom(c)) continue;
    if (
      !best ||
      c.load < best.load ||
      (c.load === best.load && saturation(c) < saturation(best)) ||
      (c.load === best.load && saturation(c) === saturation(best) && (c.lastAssignedAt < best.lastAssignedAt || (c.lastAssignedAt === best.lastAssignedAt && c.id < best.id)))
    ) {
      best = c;
    }
  }
  return best ? { agentId: best.id, reason: 'load_balanced' } : { agentId: null, reason: 'no_room' };
}

/** A conversation waiting for an agent. */
export interface Queued {
  id: number;
  /** VIP customers jump the queue: higher first. */
  priority: number;
  /** When it started waiting (ms since epoch). */
  queuedAt: number;
}

/** Queue order (排队): VIP first, then first come first served. */
export function compareQueued(a: Queued, b: Queued): number {
  return b.priority - a.priority || a.queuedAt - b.queuedAt || a.id - b.id;
}

/**
 * Estimated wait for the customer at `position` (1 = next): how many conversations
 * are ahead per agent who could free a slot, times how long a conversation takes.
 */
export function estimateWaitSeconds(position: number, servingAgents: number, avgHandleSeconds: number): number {
  const agents = Math.max(1, servingAgents);
  return Math.ceil(position / agents) * Math.max(30, avgHandleSeconds);
}

/**
 * A binary heap of queued conversations in queue order, for routers that keep the
 * queue in memory (and the routing benchmark): peek/pop the next one in O(log n).
 */
export class QueueHeap {
  private readonly items: Queued[] = [];

  get size(): number {
    return this.items.length;
  }

  push(q: Queued): void {
    const a = this.items;
    a.push(q);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compareQueued(a[i], a[parent]) >= 0) break;
      [a[i], a[parent]] = [a[parent], a[i]];
      i = parent;
    }
  }

  peek(): Queued | undefined {
    return this.items[0];
  }

  pop(): Queued | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && compareQueued(a[l], a[m]) < 0) m = l;
        if (r < a.length && compareQueued(a[r], a[m]) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}
