import { afterAll, describe, expect, it } from 'vitest';
import { RawWs, WsClient } from '../../test/helpers/ws.js';
import { loadConfig } from '../config.js';
import { useTestApp } from '../../test/helpers/suite.js';

/**
 * The WebSocket's abuse limits (issue 12 item 4), against the real server behind a
 * trusted proxy: every test speaks from its own client IP through X-Forwarded-For.
 * No storage behaviour is tested here, so one database kind is enough.
 */
describe('WebSocket limits', () => {
  const { t, a, sockets: clients } = useTestApp('pglite', {
    config: { trustProxy: true, wsMaxQueuedBytesTotal: 1024 * 1024, allowedOrigins: ['https://console.example.com'] },
    listen: true,
  });
  const raws: RawWs[] = [];
  afterAll(() => raws.forEach((r) => r.destroy())); // before the clients and the app close (after-hooks run last first)
  const from = (ip: string, headers: Record<string, string> = {}) => ({ 'x-forwarded-for': ip, ...headers });
  const raw = async (ip: string, headers?: Record<string, string>) => {
    const r = await RawWs.connect(t.url, from(ip, headers));
    raws.push(r);
    return r;
  };
  const client = async (ip: string, headers?: Record<string, string>) => {
    const c = await WsClient.connect(t.url, from(ip, headers));
    clients.push(c);
    return c;
  };
  const metric = async (name: string, labels: string) => {
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };
  /**
   * /healthz through the network, as a load balancer asks. Without the limits it took
   * 24.8 s under 300 non-reading sockets; the bound leaves room for a loaded test machine.
   */
  const healthMs = async () => {
    const started = performance.now();
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    return performance.now() - started;
  };
  const HEALTHY_MS = 5000;
  /** Nearly 5,000 Chinese characters: about 15 KB in every frame that carries the message. */
  const BIG = '知'.repeat(4990);

  it('reads every limit from the environment and refuses a bad value', () => {
    const c = loadConfig({
      ZHIKE_WS_MAX_CONNECTIONS_PER_IP: '50',
      ZHIKE_WS_MAX_QUEUED_BYTES: '131072',
      ZHIKE_WS_MAX_QUEUED_BYTES_TOTAL: '33554432',
      ZHIKE_WS_FRAME_RATE: '5',
      ZHIKE_WS_FRAME_BURST: '15',
      ZHIKE_ALLOWED_ORIGINS: 'https://a.example.com, http://b.example.com:8080/',
    });
    expect(c).toMatchObject({ wsMaxConnectionsPerIp: 50, wsMaxQueuedBytes: 131072, wsMaxQueuedBytesTotal: 33554432, wsFrameRate: 5, wsFrameBurst: 15 });
    expect(c.allowedOrigins).toEqual(['https://a.example.com', 'http://b.example.com:8080']);
    expect(loadConfig({})).toMatchObject({ wsMaxConnectionsPerIp: 200, wsMaxQueuedBytes: 256 * 1024, wsFrameRate: 20, wsFrameBurst: 60 });
    expect(() => loadConfig({ ZHIKE_WS_FRAME_RATE: 'fast' })).toThrow(/ZHIKE_WS_FRAME_RATE/);
    expect(() => loadConfig({ ZHIKE_WS_MAX_QUEUED_BYTES: '-1' })).toThrow(/ZHIKE_WS_MAX_QUEUED_BYTES/);
    expect(() => loadConfig({ ZHIKE_ALLOWED_ORIGINS: 'https://a.example.com/console' })).toThrow(/ZHIKE_ALLOWED_ORIGINS/);
  });

  it('behind the trusted proxy, the console’s origin is the forwarded scheme and host; ZHIKE_ALLOWED_ORIGINS adds others', async () => {
    const cookie = `zhike_session=${t.adminToken}`;
    const proxied = { cookie, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'zhike.example.com' };
    const ok = await client('203.0.113.6', { ...proxied, origin: 'https://zhike.example.com' });
    expect((await ok.hello({})).type).toBe('ready');
    const plain = await client('203.0.113.6', { ...proxied, origin: 'http://zhike.example.com' });
    expect((await plain.hello({})).code).toBe('unauthorized');
    const listed = await client('203.0.113.6', { cookie, origin: 'https://console.example.com' });
    expect((await listed.hello({})).type).toBe('ready');
  });

  it('caps the sockets one client IP holds: 300 non-reading sockets get 200 places and 429s, others are not affected', async () => {
    const ip = '203.0.113.1';
    const tries = await Promise.all(Array.from({ length: 300 }, () => raw(ip)));
    const open = tries.filter((r) => r.status === 101);
    const refused = tries.filter((r) => r.status === 429);
    expect(open).toHaveLength(200);
    expect(refused).toHaveLength(100);
    expect(refused[0].response).toMatch(/Retry-After: 10/);
    expect(refused[0].response).toContain('"code":"rate_limited"');
    expect(refused[0].response).toContain('"limit":"ws.connections_per_ip"');
    expect(await metric('zhike_ws_refused_total', 'reason="per_ip"')).toBe(100);
    expect(await healthMs()).toBeLessThan(HEALTHY_MS);

    // another address is not affected; a place that frees up can be taken again
    expect((await raw('203.0.113.99')).status).toBe(101);
    open[0].destroy();
    let again = await raw(ip);
    while (again.status !== 101) again = await raw(ip); // until the server has seen the close
    for (const r of tries) r.destroy();
  });

  it('closes a socket that sends more than a few frames before hello, answering only those', async () => {
    const c = await client('203.0.113.2');
    for (let i = 0; i < 3000; i++) c.send({ type: 'ping' });
    await waitUntil(() => c.closed !== null);
    expect(c.closed).toMatchObject({ code: 1008, reason: 'hello first' });
    expect(c.frames.filter((f) => f.type === 'error').length).toBeLessThanOrEqual(11);
    expect(c.frames.some((f) => f.type === 'pong')).toBe(false);
    expect(await metric('zhike_ws_dropped_total', 'reason="pre_hello"')).toBeGreaterThanOrEqual(1);

    // one large frame before hello is refused as well
    const big = await client('203.0.113.2');
    big.send({ type: 'hello', inboxToken: 'x'.repeat(20_000) });
    await waitUntil(() => big.closed !== null);
    expect(big.closed?.code).toBe(1008);
  });

  it('counts invalid frames against the frame rate: a flood of 29 KB invalid frames is answered a burst’s worth, then closed', async () => {
    const { contactToken } = await a.newContact();
    const c = await client('203.0.113.3');
    expect((await c.hello({ inboxToken: t.inbox.token, contactToken })).type).toBe('ready');
    const junk = '{' + 'x'.repeat(29 * 1024);
    for (let i = 0; i < 1000; i++) c.send(junk);
    await waitUntil(() => c.closed !== null);
    expect(c.closed).toMatchObject({ code: 1008, reason: 'too many frames' });
    const errors = c.frames.filter((f) => f.type === 'error');
    // a burst, and what the rate refills while the flood arrives: far from all of them
    expect(errors.filter((f) => f.code === 'invalid_json').length).toBeLessThan(200);
    // one answer per run of refused frames: at most about `rate` a second
    expect(errors.filter((f) => f.code === 'rate_limited').length).toBeGreaterThanOrEqual(1);
    expect(errors.filter((f) => f.code === 'rate_limited').length).toBeLessThan(100);
    expect(await metric('zhike_ws_dropped_total', 'reason="flood"')).toBeGreaterThanOrEqual(1);
    expect(await healthMs()).toBeLessThan(HEALTHY_MS);
  });

  /** A conversation of 30 long messages: a resync of it is about 450 KB. */
  const longConversation = async () => {
    const { contactToken, contact } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    for (let i = 0; i < 30; i += 10) {
      const answers = await Promise.all(Array.from({ length: 10 }, (_, j) => a.customerSend(contactToken, conv.id, `${i + j} ${BIG}`)));
      expect(answers.map((r) => r.status)).toEqual(Array(10).fill(201));
    }
    return { contactToken, contactId: contact.id, conv };
  };
  /** Asks for the whole conversation again and again without reading: about 9 MB, past what the kernel takes (about 4 MB on loopback). */
  const resyncFlood = (s: RawWs, conversationId: number) => {
    for (let i = 0; i < 20; i++) s.send({ type: 'sync', conversationId, afterSeq: 0 });
  };

  it('drops a customer socket that stops reading once its queue passes its cap; a reading one is served and /healthz stays fast', async () => {
    const { contactToken, contactId, conv } = await longConversation();
    const reader = await client('203.0.113.4');
    expect((await reader.hello({ inboxToken: t.inbox.token, contactToken })).type).toBe('ready');
    const stuck = await raw('203.0.113.4');
    stuck.send({ type: 'hello', inboxToken: t.inbox.token, contactToken });
    await waitUntil(() => t.app.gateway.customerSockets(contactId) === 2);
    const dropped = await metric('zhike_ws_dropped_total', 'reason="slow"');

    // live traffic waits behind the resync, and the resync for the client to read: it gives up after 10 s of waiting
    resyncFlood(stuck, conv.id);
    let slowest = 0;
    let live = 0;
    while (t.app.gateway.customerSockets(contactId) === 2) {
      expect((await a.agentSend(t.adminToken, conv.id, `live ${live++}`)).status).toBe(201);
      slowest = Math.max(slowest, await healthMs());
    }
    await stuck.whenClosed();
    expect(await metric('zhike_ws_dropped_total', 'reason="slow"')).toBe(dropped + 1);
    expect(slowest).toBeLessThan(HEALTHY_MS);

    reader.send({ type: 'sync', conversationId: conv.id, afterSeq: 0 });
    await waitUntil(() => new Set(reader.messages(conv.id).map((m) => m.seq)).size === 30 + live);
    expect(reader.closed).toBeNull();
  }, 60_000);

  it('caps the bytes queued on the instance: the most backed-up sockets are dropped first, a reading console is served', async () => {
    const { conv } = await longConversation();
    const agents = t.app.gateway.agentSockets();
    const reader = await client('203.0.113.5');
    expect((await reader.hello({ token: t.adminToken })).type).toBe('ready');
    const stuck = await Promise.all([1, 2, 3, 4].map(() => raw('203.0.113.5')));
    for (const s of stuck) s.send({ type: 'hello', token: t.adminToken });
    await waitUntil(() => t.app.gateway.agentSockets() === agents + 5);
    const dropped = await metric('zhike_ws_dropped_total', 'reason="instance_queue"');

    // a resync waits when a console has 2 MB queued (half its 4 MB); the instance allows 1 MB in all
    for (const s of stuck) resyncFlood(s, conv.id);
    await waitUntil(() => t.app.gateway.agentSockets() <= agents + 3);
    expect(await metric('zhike_ws_dropped_total', 'reason="instance_queue"')).toBeGreaterThanOrEqual(dropped + 2);
    reader.send({ type: 'sync', conversationId: conv.id, afterSeq: 0 });
    await waitUntil(() => reader.messages(conv.id).length === 30);
    expect(reader.closed).toBeNull();
  }, 60_000);
});

/** Waits for a condition the test cannot be told about (the server's side of a socket). */
async function waitUntil(cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
