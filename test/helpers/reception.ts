import type { TestApp } from './app.js';
import { api } from './api.js';
import { WsClient } from './ws.js';

export interface OnlineAgent {
  id: number;
  token: string;
  ws: WsClient;
  email: string;
}

/**
 * An agent on duty as routing sees them: created with a limit (接待上限), logged in
 * (which sets 在线) and with a console socket open. The app must be listening.
 */
export async function onlineAgent(t: TestApp, opts: { email: string; name: string; max?: number; agentNo?: string; role?: string }): Promise<OnlineAgent> {
  const a = api(t);
  const created = await a.inject('POST', '/api/v1/agents', {
    token: t.adminToken,
    payload: { email: opts.email, name: opts.name, password: 'agent-pass-123', maxConcurrent: opts.max ?? 5, agentNo: opts.agentNo, role: opts.role ?? 'agent' },
  });
  if (created.status !== 201) throw new Error(`agent: ${created.status} ${JSON.stringify(created.body)}`);
  const token = await a.login(opts.email);
  const ws = await WsClient.connect(t.url);
  const ready = await ws.hello({ token });
  if (ready.type !== 'ready') throw new Error(`agent socket: ${JSON.stringify(ready)}`);
  // the socket registers the heartbeat asynchronously: wait until routing can see it
  for (let i = 0; i < 100; i++) {
    const [row] = await t.db.query('SELECT last_seen_at FROM agents WHERE id = $1', [created.body.id]);
    if (row.last_seen_at) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return { id: created.body.id, token, ws, email: opts.email };
}

/** A visitor with the widget open (so queue frames reach them), and optionally a conversation. */
export async function visitor(t: TestApp, opts: { topic?: string; page?: object; name?: string } = {}) {
  const a = api(t);
  const { contactToken, contact } = await a.newContact(opts.name ? { name: opts.name } : {});
  const ws = await WsClient.connect(t.url);
  await ws.hello({ inboxToken: t.inbox.token, contactToken, ...(opts.page ? { page: opts.page } : {}) });
  return { contactToken, contactId: contact.id, ws };
}

/**
 * Starts a conversation as the customer and returns it as the customer sees it
 * once reception has settled it. With people, routing waits for the customer's
 * first message (an empty conversation takes no seat): unless `say` is null, the
 * customer writes it (`say`, default 你好) and routing (a consumer, right after the
 * commit) gives the conversation an agent or a queue place. Waits for that, bounded.
 * The contact's open conversation comes back if they have one (200).
 */
export async function startConversation(t: TestApp, contactToken: string, body: object = {}, opts: { say?: string | null } = {}) {
  const r = await api(t).inject('POST', `/api/v1/widget/${t.inbox.token}/conversations`, { contactToken, payload: body });
  if (r.status !== 201 && r.status !== 200) throw new Error(`conversation: ${r.status} ${JSON.stringify(r.body)}`);
  const say = opts.say === undefined ? '你好' : opts.say;
  if (say !== null && r.body.handler === 'human' && r.body.assignee === null) {
    const sent = await api(t).customerSend(contactToken, r.body.id, say);
    if (sent.status !== 201) throw new Error(`first message: ${sent.status} ${JSON.stringify(sent.body)}`);
  }
  await routed(t, r.body.id);
  const list = await api(t).inject('GET', `/api/v1/widget/${t.inbox.token}/conversations`, { contactToken });
  return list.body.conversations.find((c: { id: number }) => c.id === r.body.id) as { id: number; handler: string; assignee: { id: number; name: string } | null };
}

/**
 * Waits until routing has settled a conversation: an agent, a queue place, not with
 * people at all — or nothing to settle yet, the customer not having written.
 */
export function routed(t: TestApp, id: number, ms = 15_000) {
  return waitFor(
    async () => ({ ...(await conversation(t, id)), customerWrote: await customerWrote(t, id) }),
    (c) => c.handler !== 'human' || c.assigneeId !== null || c.queuedAt !== null || c.status === 'resolved' || !c.customerWrote,
    ms,
  );
}

async function customerWrote(t: TestApp, id: number): Promise<boolean> {
  const [row] = await t.db.query('SELECT last_customer_message_at IS NOT NULL AS wrote FROM conversations WHERE id = $1', [id]);
  return !!row?.wrote;
}

export async function conversation(t: TestApp, id: number) {
  const r = await api(t).inject('GET', `/api/v1/conversations/${id}`, { token: t.adminToken });
  return r.body;
}

export async function setReception(t: TestApp, patch: object) {
  const r = await api(t).inject('PATCH', `/api/v1/inboxes/${t.inbox.id}/reception`, { token: t.adminToken, payload: patch });
  if (r.status !== 200) throw new Error(`reception: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`condition not met in ${ms} ms; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Waits until every durable consumer (or those named) has handled the events committed so
 * far (lag 0), bounded. Name the ones a test needs: 质检 and the analysis run on a thread at
 * nice 10, which a machine busy with other suites can starve for seconds.
 */
export async function consumersCaughtUp(t: TestApp, ms = 5000, names?: string[]): Promise<void> {
  const runner = t.app.zhike.events.consumers!;
  await waitFor(() => runner.figures(), (figures) => figures.every((f) => f.lagEvents === 0 || (names !== undefined && !names.includes(f.name))), ms);
}

/** The consumers on the analysis thread (it first loads the NLP engine, at nice 10). */
const ANALYSIS_THREAD = ['assist.analysis', 'qa.inspection'];

/**
 * Every consumer but the analysis thread's: what reception and routing tests wait for, so a
 * starved analysis thread (which they do not need) does not time them out.
 */
export async function receptionCaughtUp(t: TestApp, ms = 5000): Promise<void> {
  const names = (await t.app.zhike.events.consumers!.figures()).map((f) => f.name).filter((n) => !ANALYSIS_THREAD.includes(n));
  await consumersCaughtUp(t, ms, names);
}
