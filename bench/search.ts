/**
 * Full-text search benchmark (issue 17): GET /api/v1/search through the real app on a
 * workspace with BENCH_SEARCH_MESSAGES (1,000,000) messages in 20,000 conversations, their
 * terms indexed as the `search.index` consumer stores them (cut by the same code, once per
 * distinct sentence). Queries: a word in about a fifth of the messages, one in a twentieth,
 * two words together, a rare order number, a word nobody wrote, each with and without a
 * conversation filter, and a page further down. Target: p99 < 200 ms on PostgreSQL; PGlite
 * is measured and reported the same way. BENCH_SEARCH_REQUESTS (100 per query).
 */
import { documentTerms } from '../src/core/search/terms.js';
import { searchTermTools } from '../src/nlp/index.js';
import type { Db } from '../src/storage/db.js';
import { withBenchWorkspace } from './workspace.js';

const MESSAGES = Number(process.env.BENCH_SEARCH_MESSAGES ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_SEARCH_REQUESTS ?? 100);
const CONVERSATIONS = 20_000;
/** Distinct sentences the messages are drawn from (each order number is in about MESSAGES / SENTENCES messages). */
const SENTENCES = 50_000;

const quantile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

const OPENINGS = ['您好', '你好', '在吗', '请问', '麻烦问一下', '客服你好', '打扰一下', ''];
const MATTERS = [
  '我的订单{n}什么时候发货',
  '订单{n}显示已签收但我没收到',
  '我想申请退款，订单号{n}',
  '快递一直没有更新物流信息',
  '收到的商品有质量问题，想换货',
  '发票抬头开错了，能重新开吗',
  '会员积分怎么兑换优惠券',
  '信用卡还款日能不能延期',
  '保单{n}的理赔进度怎么查',
  '手机欠费停机了怎么办',
  '宽带报修已经三天没人来',
  '股票账户密码忘记了',
  '退款到账要几天',
  '为什么扣了我两次钱',
  '优惠券用不了，提示已过期',
  '我要投诉你们的配送员态度很差',
  '商品描述和实物不符',
  '能不能帮我改一下收货地址',
];
const CLOSINGS = ['谢谢', '麻烦尽快处理', '急用', '在线等', '好的', '辛苦了', ''];
const AGENT = ['您好，很高兴为您服务', '请稍等，我帮您查询一下', '非常抱歉给您带来不便', '已经为您登记，预计两个工作日内处理', '还有其他可以帮您的吗', '感谢您的耐心等待'];

/** A deterministic pseudo-random stream per sentence (mulberry32), so every combination occurs. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sentence(i: number): string {
  const r = random(i + 1);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  if (r() < 0.4) return pick(AGENT) + (r() < 0.2 ? `，单号 ${100000 + i}` : '');
  const matter = pick(MATTERS).replace('{n}', String(100000 + i));
  return [pick(OPENINGS), matter, pick(CLOSINGS)].filter(Boolean).join('，');
}

/**
 * Fills workspace `ws` with `messages` messages in 20,000 conversations of `inboxId`, drawn from
 * 50,000 generated sentences, and their search terms as the consumer stores them. Returns the sentences.
 */
export async function fillSearchWorkspace(db: Db, ws: number, inboxId: number, MESSAGES: number): Promise<string[]> {
  const tools = searchTermTools();
  const sentences = Array.from({ length: SENTENCES }, (_, i) => sentence(i));
  const terms = sentences.map((s) => documentTerms(s, tools));
  await db.query('CREATE TEMP TABLE bench_sentences (k int PRIMARY KEY, content text NOT NULL, terms text[] NOT NULL)');
  for (let at = 0; at < SENTENCES; at += 5000) {
    const rows = sentences.slice(at, at + 5000).map((content, k) => ({ k: at + k, content, terms: terms[at + k] }));
    await db.query(
      `INSERT INTO bench_sentences SELECT x.k, x.content, ARRAY(SELECT jsonb_array_elements_text(x.terms)) FROM jsonb_to_recordset($1::jsonb) AS x(k int, content text, terms jsonb)`,
      [JSON.stringify(rows)],
    );
  }
  await db.query(`INSERT INTO contacts (workspace_id, inbox_id, name) SELECT $1, $2, '客户' || i FROM generate_series(1, $3) i`, [ws, inboxId, CONVERSATIONS]);
  await db.query(
    `INSERT INTO conversations (workspace_id, inbox_id, contact_id, status, handler, last_seq, created_at, updated_at)
     SELECT $1, $2, ct.id, CASE WHEN ct.id % 10 = 0 THEN 'open' ELSE 'resolved' END, 'human', $3::int / $4::int, now() - interval '30 days', now()
     FROM contacts ct WHERE ct.workspace_id = $1`,
    [ws, inboxId, MESSAGES, CONVERSATIONS],
  );
  // message i: conversation i % N, seq i / N + 1; a month of messages, oldest first
  for (let from = 0; from < MESSAGES; from += 100_000) {
    const to = Math.min(MESSAGES, from + 100_000) - 1;
    await db.query(
      `INSERT INTO messages (workspace_id, conversation_id, seq, sender_type, content, created_at)
       SELECT $1, c.min + i % $4, i / $4 + 1, CASE WHEN (i / $4) % 2 = 0 THEN 'customer' ELSE 'agent' END, s.content,
              now() - interval '30 days' + make_interval(secs => i * 2592000.0 / $5)
       FROM generate_series($2::int, $3::int) i
       JOIN bench_sentences s ON s.k = (i::bigint * 7919) % $6,
       (SELECT min(id) FROM conversations WHERE workspace_id = $1) c`,
      [ws, from, to, CONVERSATIONS, MESSAGES, SENTENCES],
    );
  }
  await db.query(
    `INSERT INTO message_terms (message_id, workspace_id, conversation_id, private, created_at, terms)
     SELECT m.id, m.workspace_id, m.conversation_id, false, m.created_at, s.terms FROM messages m JOIN (SELECT DISTINCT ON (content) content, terms FROM bench_sentences) s ON s.content = m.content WHERE m.workspace_id = $1`,
    [ws],
  );
  await db.query('ANALYZE');
  return sentences;
}

export async function benchSearch(kind: 'pglite' | 'postgres', databaseUrl: string, log: (s: string) => void): Promise<void> {
  await withBenchWorkspace(kind, databaseUrl, 'bench_search', async ({ db, workspaceId: ws, inboxId, app: appOf }) => {
    const t0 = performance.now();
    const sentences = await fillSearchWorkspace(db, ws, inboxId, MESSAGES);
    const [count] = await db.query('SELECT count(*)::int AS n FROM message_terms');
    log(`  search on ${kind}: ${count.n.toLocaleString('en')} messages in ${CONVERSATIONS.toLocaleString('en')} conversations generated and indexed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const app = await appOf();
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'admin@zhike.local', password: 'bench-pass-1' } });
    const token = login.json().token as string;
    const share = async (term: string) => {
      const [r] = await db.query('SELECT count(*)::int AS n FROM message_terms WHERE terms @> ARRAY[$1]::text[]', [term]);
      return `${((100 * r.n) / count.n).toFixed(r.n * 1000 < count.n ? 3 : 1)}%`;
    };
    // an order number that is in the data: about MESSAGES / SENTENCES messages hold it
    const rare = /\d{6}/.exec(sentences.find((x) => /\d{6}/.test(x))!)![0];
    const first = await app.inject({ method: 'GET', url: `/api/v1/search?q=${encodeURIComponent('退款')}&limit=20`, headers: { authorization: `Bearer ${token}` } });
    const page2 = first.json().next as number;
    const queries: [string, string][] = [
      [`订单 (${await share('订单')} of messages)`, 'q=订单'],
      [`退款 (${await share('退款')})`, 'q=退款'],
      ['申请 退款 (both words)', `q=${encodeURIComponent('申请退款')}`],
      [`order number ${rare} (${await share(rare)})`, `q=${rare}`],
      ['a word nobody wrote', `q=${encodeURIComponent('外星人')}`],
      ['订单 + status=open', 'q=订单&status=open'],
      ['退款 + last 7 days', `q=退款&from=${new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10)}`],
      ['退款, page 2 (before)', `q=退款&before=${page2}`],
    ];
    const all: number[] = [];
    let worst = 0;
    for (const [label, q] of queries) {
      const url = `/api/v1/search?${q.replace(/q=([^&]+)/, (_, w) => `q=${encodeURIComponent(decodeURIComponent(w))}`)}`;
      const run = () => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      for (let i = 0; i < 5; i++) await run(); // warm
      const times: number[] = [];
      let hits = 0;
      for (let i = 0; i < REQUESTS; i++) {
        const s = performance.now();
        const r = await run();
        times.push(performance.now() - s);
        if (r.statusCode !== 200) throw new Error(`search ${url}: ${r.statusCode} ${r.body}`);
        hits = r.json().results.length;
      }
      times.sort((x, y) => x - y);
      all.push(...times);
      worst = Math.max(worst, quantile(times, 0.99));
      log(`  ${label.padEnd(40)} ${String(hits).padStart(3)} results   p50 ${quantile(times, 0.5).toFixed(1).padStart(7)} ms   p99 ${quantile(times, 0.99).toFixed(1).padStart(7)} ms`);
    }
    all.sort((x, y) => x - y);
    const verdict = kind === 'postgres' ? `target p99 < 200 ms on PostgreSQL → ${worst < 200 ? 'MET' : 'NOT MET'}` : '(PGlite: reported, no target)';
    log(`  all queries: p50 ${quantile(all, 0.5).toFixed(1)} ms, p99 ${quantile(all, 0.99).toFixed(1)} ms; worst query's p99 ${worst.toFixed(1)} ms ${verdict}`);
  });
}
