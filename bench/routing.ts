/**
 * Routing benchmark (issue #3): decisions with 1,000 agents and 10,000 queued
 * conversations. The decision is the domain core's (queue order + strategy +
 * limits); it is measured alone, and next to a naive baseline in the same run
 * (re-sorting the whole queue for every decision), the way a simple
 * implementation would. Target: a decision in < 1 ms at p99.
 */
import { withBenchWorkspace } from './workspace.js';
import { compareQueued, pickAgent, QueueHeap, type Candidate, type Queued, type Strategy } from '../src/core/routing/routing.js';

const AGENTS = Number(process.env.BENCH_ROUTING_AGENTS ?? 1000);
const QUEUED = Number(process.env.BENCH_ROUTING_QUEUED ?? 10_000);
const GROUPS = 10;

interface World {
  groups: { strategy: Strategy; members: Candidate[]; last: number | null }[];
  queues: Queued[][];
}

function world(seed = 1): World {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const groups = Array.from({ length: GROUPS }, (_, g) => ({
    strategy: (['load_balanced', 'round_robin'] as const)[g % 2],
    members: [] as Candidate[],
    last: null as number | null,
  }));
  for (let i = 0; i < AGENTS; i++) {
    groups[i % GROUPS].members.push({ id: i + 1, available: rand() > 0.1, load: Math.floor(rand() * 5), max: 5 + Math.floor(rand() * 5), lastAssignedAt: Math.floor(rand() * 1e6) });
  }
  const queues = groups.map(() => [] as Queued[]);
  for (let i = 0; i < QUEUED; i++) queues[i % GROUPS].push({ id: i + 1, priority: rand() < 0.05 ? 1 : 0, queuedAt: Math.floor(rand() * 1e6) });
  return { groups, queues };
}

function quantile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** One decision: the next waiting conversation of a group, and who takes it (or nobody). */
function run(label: string, decide: (w: World, g: number) => void, log: (s: string) => void): { p50: number; p99: number; perSecond: number } {
  const w = world();
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < QUEUED; i++) {
    const t0 = performance.now();
    decide(w, i % GROUPS);
    times.push(performance.now() - t0);
  }
  const total = performance.now() - start;
  times.sort((a, b) => a - b);
  const r = { p50: quantile(times, 0.5) * 1000, p99: quantile(times, 0.99) * 1000, perSecond: QUEUED / (total / 1000) };
  log(`  ${label.padEnd(44)} ${r.perSecond.toFixed(0).padStart(9)} decisions/s   p50 ${r.p50.toFixed(1).padStart(7)} µs   p99 ${r.p99.toFixed(1).padStart(7)} µs`);
  return r;
}

function assign(w: World, g: number, q: Queued | undefined) {
  if (!q) return;
  const group = w.groups[g];
  const pick = pickAgent({ strategy: group.strategy, candidates: group.members, lastAssignedId: group.last });
  if (pick.agentId === null) {
    // everyone full: a slot frees up somewhere (a conversation ends), as in a live desk
    const busiest = group.members.reduce((a, b) => (b.load > a.load ? b : a));
    busiest.load = Math.max(0, busiest.load - 1);
    return;
  }
  const agent = group.members.find((c) => c.id === pick.agentId)!;
  agent.load++;
  agent.lastAssignedAt++;
  group.last = agent.id;
}

export async function benchRouting(log: (s: string) => void): Promise<void> {
  log(`\nrouting: ${AGENTS} agents in ${GROUPS} skill groups, ${QUEUED} queued conversations (5% VIP), one decision = next in queue + pick an agent`);
  // warm up the JIT on a throwaway run
  run('(warm-up)', (w, g) => assign(w, g, w.queues[g].shift()), () => {});

  const baseline = run('baseline: re-sort the queue every decision', (w, g) => {
    const q = w.queues[g];
    q.sort(compareQueued);
    assign(w, g, q.shift());
  }, log);
  let heaps: QueueHeap[] | null = null;
  const zhike = run('Zhike core: queue heap + strategy', (w, g) => {
    if (!heaps) {
      heaps = w.queues.map((q) => {
        const h = new QueueHeap();
        q.forEach((x) => h.push(x));
        return h;
      });
    }
    assign(w, g, heaps[g].pop());
  }, log);
  log(`  Zhike core: ${(zhike.perSecond / baseline.perSecond).toFixed(1)}× the baseline's decisions/s; target p99 < 1 ms → ${zhike.p99 < 1000 ? 'MET' : 'NOT MET'} (${(zhike.p99 / 1000).toFixed(3)} ms)`);
}

/**
 * The same decisions through storage: Router.route() — one transaction that locks
 * the conversation, its group and the group's agents, counts their load and
 * assigns — on PGlite and PostgreSQL, with 1,000 agents (20 groups of 50) and
 * 10,000 queued conversations.
 */
export async function benchRoutingDb(kind: 'pglite' | 'postgres', databaseUrl: string, log: (s: string) => void): Promise<void> {
  await withBenchWorkspace(kind, databaseUrl, 'bench_route', async ({ db, workspaceId: ws, inboxId, app: appOf }) => {
    await db.query(`UPDATE inboxes SET reception = $1::jsonb`, [JSON.stringify({ messages: { welcome: null, agentJoined: null, offline: null }, timeouts: { agentResponseSeconds: null, idleCheckinMinutes: null } })]);
    const groupCount = 20;
    await db.query(`INSERT INTO skill_groups (workspace_id, name) SELECT $1, 'g' || g FROM generate_series(1, $2) g`, [ws, groupCount]);
    await db.query(
      `INSERT INTO agents (workspace_id, email, name, role, password_hash, availability, last_seen_at, max_concurrent)
       SELECT $1, 'a' || i || '@bench', 'a' || i, 'agent', 'x', 'online', now() + interval '1 hour', 5 FROM generate_series(1, $2) i`,
      [ws, AGENTS],
    );
    await db.query(
      `INSERT INTO skill_group_members (group_id, agent_id)
       SELECT g.id, a.id FROM agents a JOIN skill_groups g ON g.name = 'g' || (1 + a.id % $1) WHERE a.email LIKE '%@bench'`,
      [groupCount],
    );
    await db.query(`INSERT INTO contacts (workspace_id, name) SELECT $1, 'c' || i FROM generate_series(1, $2) i`, [ws, QUEUED]);
    await db.query(
      `INSERT INTO conversations (workspace_id, inbox_id, contact_id, group_id, priority, queued_at, handler)
       SELECT $1, $2, c.id, (SELECT id FROM skill_groups WHERE name = 'g' || (1 + c.id % $3)), CASE WHEN c.id % 20 = 0 THEN 1 ELSE 0 END,
              now() - (c.id || ' seconds')::interval, 'human'
       FROM contacts c WHERE c.name LIKE 'c%'`,
      [ws, inboxId, groupCount],
    );
    const app = await appOf();
    const ids = await db.query(`SELECT id FROM conversations WHERE queued_at IS NOT NULL ORDER BY priority DESC, queued_at, id LIMIT 2000`);
    const times: number[] = [];
    const t0 = performance.now();
    for (const { id } of ids) {
      const s = performance.now();
      await app.router.route(id);
      times.push(performance.now() - s);
    }
    const total = performance.now() - t0;
    times.sort((a, b) => a - b);
    const [assigned] = await db.query(`SELECT count(*) AS n FROM conversations WHERE assignee_id IS NOT NULL`);
    log(
      `  Router.route() on ${kind === 'pglite' ? 'PGlite' : 'PostgreSQL'} (transaction, locks, events) ${(ids.length / (total / 1000)).toFixed(0).padStart(6)} decisions/s   p50 ${quantile(times, 0.5).toFixed(2)} ms   p99 ${quantile(times, 0.99).toFixed(2)} ms   (${assigned.n} assigned)`,
    );
  });
}
