import { describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/helpers/env.js';
import { WsClient } from '../../test/helpers/ws.js';
import { MemoryBus, type BusMessage } from '../bus/bus.js';
import { useTestApp } from '../../test/helpers/suite.js';

/** A real in-process bus that can hold back chosen messages, to reorder delivery like a busy cluster would. */
class HoldingBus extends MemoryBus {
  held: BusMessage[] = [];
  hold: ((m: BusMessage) => boolean) | null = null;
  override async publish(msg: BusMessage): Promise<void> {
    if (this.hold?.(msg)) {
      this.held.push(msg);
      return;
    }
    return super.publish(msg);
  }
  async release(): Promise<void> {
    const held = this.held;
    this.held = [];
    for (const m of held) await super.publish(m);
  }
}

describe.each(DB_KINDS)('realtime gateway on %s', (kind) => {
  const bus = new HoldingBus();
  const { t, a, sockets: open } = useTestApp(kind, { bus, listen: true });
  const connect = async (headers?: Record<string, string>) => {
    const c = await WsClient.connect(t.url, headers);
    open.push(c);
    return c;
  };
  const agentWs = async () => {
    const c = await connect();
    expect((await c.hello({ token: t.adminToken })).type).toBe('ready');
    return c;
  };
  /** A visitor with the widget open, then a conversation (so its live updates reach the socket). */
  const customer = async () => {
    const { contactToken, contact } = await a.newContact();
    const ws = await connect();
    const ready = await ws.hello({ inboxToken: t.inbox.token, contactToken });
    expect(ready).toMatchObject({ type: 'ready', role: 'customer', contact: { id: contact.id } });
    const conv = await a.newConversation(contactToken);
    return { contactToken, conv, ws };
  };

  it('a customer message is acknowledged once durable and reaches the agent live; the reply comes back', async () => {
    const agent = await agentWs();
    const { ws, conv } = await customer();
    ws.send({ type: 'send', ref: 'r1', conversationId: conv.id, content: '你好, 在吗?', clientMessageId: 'c-1' });
    const ack = await ws.waitFor((f) => f.type === 'ack' && f.ref === 'r1');
    expect(ack.message).toMatchObject({ seq: 1, content: '你好, 在吗?', senderType: 'customer' });
    expect(ack.message).not.toHaveProperty('private'); // the customer's view, as in their message frames
    const [row] = await t.db.query('SELECT content FROM messages WHERE id = $1', [ack.message.id]);
    expect(row.content).toBe('你好, 在吗?');

    const got = await agent.waitFor((f) => f.type === 'message' && f.message.conversationId === conv.id);
    expect(got.message.content).toBe('你好, 在吗?');
    expect(got.conversation).toMatchObject({ id: conv.id, unreadCount: 1, lastSeq: 1 });

    await a.agentSend(t.adminToken, conv.id, '您好, 请讲');
    const reply = await ws.waitFor((f) => f.type === 'message' && f.message.senderType === 'agent');
    expect(reply.message).toMatchObject({ seq: 2, content: '您好, 请讲', senderName: '管理员' });
    expect(reply.message).not.toHaveProperty('private');
    // the customer also learns who serves them
    const assigned = await ws.waitFor((f) => f.type === 'conversation' && f.change === 'assigned');
    expect(assigned.conversation.assignee).toMatchObject({ name: '管理员', agentNo: '1000' });
  });

  it('a resend over the socket returns the original', async () => {
    const { ws, conv } = await customer();
    ws.send({ type: 'send', ref: 'a', conversationId: conv.id, content: 'once', clientMessageId: 'same' });
    ws.send({ type: 'send', ref: 'b', conversationId: conv.id, content: 'once', clientMessageId: 'same' });
    const a1 = await ws.waitFor((f) => f.type === 'ack' && f.ref === 'a');
    const b1 = await ws.waitFor((f) => f.type === 'ack' && f.ref === 'b');
    expect(b1.message.id).toBe(a1.message.id);
    expect([a1.duplicate, b1.duplicate].sort()).toEqual([false, true]);
  });

  it('never sends private notes to the customer', async () => {
    const agent = await agentWs();
    const { ws, conv } = await customer();
    await a.agentSend(t.adminToken, conv.id, '内部: 这个客户是 VIP', { private: true });
    await a.agentSend(t.adminToken, conv.id, '公开回复');
    await ws.waitFor((f) => f.type === 'message' && f.message.content === '公开回复');
    expect(ws.messages(conv.id).map((m) => m.content)).toEqual(['公开回复']);
    const note = await agent.waitFor((f) => f.type === 'message' && f.message.private === true && f.message.conversationId === conv.id);
    expect(note.message.content).toContain('VIP');
  });

  it('a customer who reconnects with its last seq receives exactly what it missed, in order, then live traffic', async () => {
    const { ws, conv, contactToken } = await customer();
    await a.agentSend(t.adminToken, conv.id, 'm1');
    await ws.waitFor((f) => f.type === 'message' && f.message.content === 'm1');
    const lastSeq = ws.messages(conv.id).at(-1).seq;
    await ws.close();
    for (const text of ['m2', 'm3', 'm4']) await a.agentSend(t.adminToken, conv.id, text);
    await a.agentSend(t.adminToken, conv.id, 'hidden', { private: true });

    const again = await connect();
    await again.hello({ inboxToken: t.inbox.token, contactToken, resume: { [conv.id]: lastSeq } });
    await again.waitFor((f) => f.type === 'message' && f.message.content === 'm4');
    await a.agentSend(t.adminToken, conv.id, 'm5');
    await again.waitFor((f) => f.type === 'message' && f.message.content === 'm5');
    expect(again.messages(conv.id).map((m) => m.content)).toEqual(['m2', 'm3', 'm4', 'm5']);
  });

  it('an agent resyncs a conversation from its last seq, notes included', async () => {
    const { conv, contactToken } = await customer();
    for (let i = 1; i <= 5; i++) await a.customerSend(contactToken, conv.id, `c${i}`);
    await a.agentSend(t.adminToken, conv.id, 'note', { private: true });
    const agent = await agentWs();
    agent.send({ type: 'sync', conversationId: conv.id, afterSeq: 3 });
    await agent.waitFor((f) => f.type === 'message' && f.message.content === 'note');
    expect(agent.messages(conv.id).map((m) => m.seq)).toEqual([4, 5, 6]);
  });

  it('fills a gap when a later message overtakes an earlier one, sending each once and in order', async () => {
    const agent = await agentWs();
    const { ws, conv, contactToken } = await customer();
    await a.customerSend(contactToken, conv.id, 'g1');
    await ws.waitFor((f) => f.type === 'message' && f.message.content === 'g1');
    await agent.waitFor((f) => f.type === 'message' && f.message.content === 'g1');
    bus.hold = (m) => m.t === 'message' && m.message.content === 'g2';
    await a.customerSend(contactToken, conv.id, 'g2');
    bus.hold = null;
    await a.customerSend(contactToken, conv.id, 'g3');
    await agent.waitFor((f) => f.type === 'message' && f.message.content === 'g3');
    await ws.waitFor((f) => f.type === 'message' && f.message.content === 'g3');
    await bus.release(); // the late g2 arrives after g3: must not be sent again
    await a.customerSend(contactToken, conv.id, 'g4');
    await agent.waitFor((f) => f.type === 'message' && f.message.content === 'g4');
    await ws.waitFor((f) => f.type === 'message' && f.message.content === 'g4');
    expect(agent.messages(conv.id).map((m) => m.content)).toEqual(['g1', 'g2', 'g3', 'g4']);
    expect(ws.messages(conv.id).map((m) => m.content)).toEqual(['g1', 'g2', 'g3', 'g4']);
  });

  it('relays typing both ways and presence to agents', async () => {
    const agent = await agentWs();
    const { ws, conv } = await customer();
    ws.send({ type: 'typing', conversationId: conv.id, on: true });
    const typing = await agent.waitFor((f) => f.type === 'typing' && f.conversationId === conv.id);
    expect(typing).toMatchObject({ from: 'customer', on: true });
    agent.send({ type: 'typing', conversationId: conv.id, on: true });
    const back = await ws.waitFor((f) => f.type === 'typing');
    expect(back).toMatchObject({ from: 'agent', name: '管理员', on: true });

    const watcher = await agentWs();
    agent.send({ type: 'presence', availability: 'away' });
    const p = await watcher.waitFor((f) => f.type === 'presence' && f.availability === 'away');
    expect(p.agentId).toBeGreaterThan(0);
    agent.send({ type: 'presence', availability: 'online' });
    await watcher.waitFor((f) => f.type === 'presence' && f.availability === 'online');
  });

  it('answers bad frames with an error frame and keeps the connection up', async () => {
    const { ws, conv } = await customer();
    ws.send('this is not json');
    expect((await ws.next((f) => f.type === 'error')).code).toBe('invalid_json');
    ws.send({ type: 'launch_missiles' });
    expect((await ws.next((f) => f.type === 'error')).code).toBe('invalid_frame');
    ws.send({ type: 'send', ref: 'x', conversationId: 'abc', content: 'hi', clientMessageId: 'y' });
    const bad = await ws.next((f) => f.type === 'error');
    expect(bad).toMatchObject({ code: 'invalid_frame', ref: 'x' });
    ws.send({ type: 'send', ref: 'big', conversationId: conv.id, content: 'x'.repeat(70_000), clientMessageId: 'z' });
    expect((await ws.next((f) => f.type === 'error'))).toMatchObject({ code: 'frame_too_large', details: { limit: 65536 } });
    ws.send({ type: 'send', ref: 'long', conversationId: conv.id, content: 'x'.repeat(5001), clientMessageId: 'z2' });
    expect(await ws.next((f) => f.type === 'error')).toMatchObject({ ref: 'long', code: 'message_too_long', details: { limit: 5000 } });
    ws.ws.send(Buffer.from([1, 2, 3]));
    expect((await ws.next((f) => f.type === 'error')).code).toBe('invalid_frame');
    ws.send({ type: 'send', ref: 'xss', conversationId: conv.id, content: '<img src=x onerror=alert(1)>', clientMessageId: 'xss' });
    expect((await ws.waitFor((f) => f.type === 'ack' && f.ref === 'xss')).message.content).toBe('<img src=x onerror=alert(1)>');
    ws.send({ type: 'ping' });
    await ws.next((f) => f.type === 'pong');
    expect(ws.closed).toBeNull();
  });

  it('answers a sync or resume past the seq range with an error frame and keeps the connection', async () => {
    const { ws, conv, contactToken } = await customer();
    await a.customerSend(contactToken, conv.id, 'still here');
    ws.send({ type: 'sync', conversationId: conv.id, afterSeq: 2147483648 });
    expect(await ws.next((f) => f.type === 'error')).toMatchObject({ code: 'invalid_frame', message: expect.stringContaining('afterSeq') });
    ws.send({ type: 'sync', conversationId: 2 ** 60, afterSeq: 0 });
    expect(await ws.next((f) => f.type === 'error')).toMatchObject({ code: 'invalid_frame', message: expect.stringContaining('conversationId') });
    ws.send({ type: 'sync', conversationId: conv.id, afterSeq: 0 });
    expect((await ws.next((f) => f.type === 'message')).message.content).toBe('still here');
    expect(ws.closed).toBeNull();

    const again = await connect();
    expect(await again.hello({ inboxToken: t.inbox.token, contactToken, resume: { [conv.id]: 2147483648 } })).toMatchObject({ type: 'error', code: 'invalid_frame' });
    expect((await again.hello({ inboxToken: t.inbox.token, contactToken, resume: { [conv.id]: 0 } })).type).toBe('ready');
    expect((await again.waitFor((f) => f.type === 'message')).message.content).toBe('still here');
    expect(again.closed).toBeNull();
  });

  it('refuses strangers: hello first, valid tokens only, and only one’s own conversations', async () => {
    const c = await connect();
    c.send({ type: 'ping' });
    expect((await c.next((f) => f.type === 'error')).code).toBe('hello_required');
    expect((await c.hello({ token: 'zk_forged' })).code).toBe('unauthorized');
    await new Promise((r) => setTimeout(r, 100));
    expect(c.closed?.code).toBe(4003);

    const alice = await customer();
    const bob = await customer();
    bob.ws.send({ type: 'sync', conversationId: alice.conv.id, afterSeq: 0 });
    expect((await bob.ws.next((f) => f.type === 'error')).code).toBe('conversation_not_found');
    bob.ws.send({ type: 'send', ref: 's', conversationId: alice.conv.id, content: 'hi', clientMessageId: 'q' });
    expect((await bob.ws.next((f) => f.type === 'error')).code).toBe('conversation_not_found');
    bob.ws.send({ type: 'send', ref: 'n', conversationId: bob.conv.id, content: 'sneaky', clientMessageId: 'n', private: true });
    expect((await bob.ws.next((f) => f.type === 'error')).code).toBe('forbidden');

    // resuming someone else's conversation in the hello is refused just the same
    await a.customerSend(alice.contactToken, alice.conv.id, 'alice only');
    const { contactToken: eveToken } = await a.newContact();
    const eve = await connect();
    expect((await eve.hello({ inboxToken: t.inbox.token, contactToken: eveToken, resume: { [alice.conv.id]: 0 } })).type).toBe('ready');
    expect((await eve.waitFor((f) => f.type === 'error')).code).toBe('conversation_not_found');
    await a.customerSend(alice.contactToken, alice.conv.id, 'still alice only');
    await alice.ws.waitFor((f) => f.type === 'message' && f.message.content === 'still alice only');
    expect(eve.messages()).toEqual([]);
  });

  it('accepts typing for a conversation created a moment ago', async () => {
    const { contactToken } = await a.newContact();
    const ws = await connect();
    await ws.hello({ inboxToken: t.inbox.token, contactToken });
    const conv = await a.newConversation(contactToken);
    const agent = await agentWs();
    ws.send({ type: 'typing', conversationId: conv.id, on: true });
    expect(await agent.waitFor((f) => f.type === 'typing' && f.conversationId === conv.id)).toMatchObject({ from: 'customer' });
  });

  it('authenticates the console by its session cookie at the upgrade', async () => {
    const c = await connect({ cookie: `zhike_session=${t.adminToken}` });
    expect((await c.hello({})).type).toBe('ready');
  });

  it('accepts the console’s session cookie only from the console’s own origin; tokens and widgets work from any site', async () => {
    const cookie = `zhike_session=${t.adminToken}`;
    const own = await connect({ cookie, origin: t.url });
    expect((await own.hello({})).type).toBe('ready');

    // a foreign page cannot ride on the agent's cookie (cross-site WebSocket hijacking)
    const foreign = await connect({ cookie, origin: 'https://evil.example' });
    expect(await foreign.hello({})).toMatchObject({ type: 'error', code: 'unauthorized', message: expect.stringContaining('https://evil.example') });
    await new Promise<void>((r) => (foreign.closed ? r() : foreign.ws.once('close', () => r())));
    expect(foreign.closed?.code).toBe(4003);
    // another port or scheme is another origin
    const otherPort = await connect({ cookie, origin: t.url.replace(/:\d+$/, ':1') });
    expect((await otherPort.hello({})).code).toBe('unauthorized');

    // an explicit token is no ambient authority: any page holding it may use it
    expect((await (await connect({ origin: 'https://evil.example' })).hello({ token: t.adminToken })).type).toBe('ready');
    // customers' widgets are on other sites by nature, cookie or not
    const { contactToken } = await a.newContact();
    const widget = await connect({ cookie, origin: 'https://shop.example' });
    expect(await widget.hello({ inboxToken: t.inbox.token, contactToken })).toMatchObject({ type: 'ready', role: 'customer' });
  });

  it('rate-limits a flooding client without dropping it', async () => {
    const { ws } = await customer();
    for (let i = 0; i < 120; i++) ws.send({ type: 'ping' });
    await ws.next((f) => f.type === 'error' && f.code === 'rate_limited');
    expect(ws.closed).toBeNull();
  });
});
