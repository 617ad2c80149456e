import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from '../../test/helpers/env.js';
import { loadConfig } from '../config.js';
import { ClientLimiter, clientAddress, ipKey } from './limiter.js';
import { LoginGuard, loginLockMs } from './login.js';
import { DEFAULT_LIMITS, parseRule } from './rules.js';
import { MemoryStore } from './store.js';
import { RedisStore } from './redis-store.js';

describe('limit rules', () => {
  it('parse N/window, 0 switches off, anything else names the variable', () => {
    expect(parseRule('X', '60/1m')).toEqual({ max: 60, windowMs: 60_000 });
    expect(parseRule('X', '5/10s')).toEqual({ max: 5, windowMs: 10_000 });
    expect(parseRule('X', '20/h')).toEqual({ max: 20, windowMs: 3_600_000 });
    expect(parseRule('X', '0')).toBeNull();
    for (const bad of ['', '60', '60/1d', '-1/1m', '1.5/1m', 'lots/1m', '0/1m', '60/0m']) {
      expect(() => parseRule('ZHIKE_LIMIT_IP_MESSAGES', bad), bad).toThrow(/ZHIKE_LIMIT_IP_MESSAGES must look like 60\/1m/);
    }
  });

  it('come from ZHIKE_LIMIT_* with generous per-IP and tighter per-contact defaults', () => {
    const limits = loadConfig({ ZHIKE_LIMIT_CONTACT_MESSAGES: '10/30s', ZHIKE_LIMIT_IP_PAGES: '0' }).limits;
    expect(limits['contact.messages']).toEqual({ max: 10, windowMs: 30_000 });
    expect(limits['ip.pages']).toBeNull();
    const defaults = loadConfig({}).limits;
    expect(Object.keys(defaults).sort()).toEqual(Object.keys(DEFAULT_LIMITS).sort());
    const perMinute = (r: { max: number; windowMs: number } | null) => (r!.max * 60_000) / r!.windowMs;
    for (const what of ['conversations', 'messages', 'uploads', 'pages'] as const) {
      expect(perMinute(defaults[`ip.${what}`]), what).toBeGreaterThan(perMinute(defaults[`contact.${what}`]));
    }
    expect(perMinute(defaults['ip.contacts'])).toBeGreaterThanOrEqual(100); // hundreds of visitors behind one NAT
    expect(perMinute(defaults['contact.messages'])).toBeGreaterThanOrEqual(30); // nobody types faster than one message per 2 s for long
    expect(() => loadConfig({ ZHIKE_LIMIT_CONTACT_UPLOADS: 'many' })).toThrow(/ZHIKE_LIMIT_CONTACT_UPLOADS/);
    expect(() => loadConfig({ ZHIKE_LOGIN_RATE_LIMIT: '0' })).toThrow(/ZHIKE_LOGIN_RATE_LIMIT/);
    expect(() => loadConfig({ ZHIKE_TRUST_PROXY: 'yes' })).toThrow(/ZHIKE_TRUST_PROXY/);
    expect(loadConfig({ ZHIKE_TRUST_PROXY: '2' }).trustProxy).toBe(2);
  });
});

describe('counting', () => {
  it('a fixed window counts from its first hit and starts again when it ends', async () => {
    let now = 1_000_000;
    const store = new MemoryStore(() => now);
    const limiter = new ClientLimiter(store, { ...loadConfig({}).limits, 'contact.messages': { max: 3, windowMs: 60_000 } }, false);
    for (let i = 0; i < 3; i++) expect(await limiter.take('contact.messages', 7)).toBeNull();
    now += 20_000;
    const refused = await limiter.take('contact.messages', 7);
    expect(refused).toMatchObject({ limit: 'contact.messages', retryAfterMs: 40_000 });
    expect(refused!.message).toMatch(/at most 3 per 1m \(limit contact\.messages\); retry in 40 s/);
    expect(await limiter.take('contact.messages', 8)).toBeNull(); // another contact
    now += 40_000;
    expect(await limiter.take('contact.messages', 7)).toBeNull();
    // expired counters are forgotten
    now += 120_000;
    await store.hit('other', 1000);
    expect(store.size).toBe(1);
  });

  it('a limit set to 0 is off', async () => {
    const limiter = new ClientLimiter(new MemoryStore(), { ...loadConfig({}).limits, 'ip.messages': null }, false);
    for (let i = 0; i < 500; i++) expect(await limiter.take('ip.messages', '1.2.3.4')).toBeNull();
  });

  it('IPv6 clients count by their /64, IPv4-mapped addresses as IPv4', () => {
    expect(ipKey('2001:db8:1:2::1')).toBe(ipKey('2001:db8:1:2:ffff:ffff:ffff:ffff'));
    expect(ipKey('2001:db8:1:2::1')).not.toBe(ipKey('2001:db8:1:3::1'));
    expect(ipKey('2001:0db8:0001:0002:0000:0000:0000:0001')).toBe('2001:db8:1:2::/64');
    expect(ipKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(ipKey('203.0.113.9')).toBe('203.0.113.9');
    expect(ipKey('::1')).toBe('0:0:0:0::/64');
  });

  it('the WebSocket client address follows ZHIKE_TRUST_PROXY like Fastify’s req.ip', () => {
    const req = (xff?: string) => ({ headers: xff ? { 'x-forwarded-for': xff } : {}, socket: { remoteAddress: '10.0.0.5' } }) as unknown as IncomingMessage;
    expect(clientAddress(req('6.6.6.6'), false)).toBe('10.0.0.5');
    expect(clientAddress(req('6.6.6.6, 198.51.100.1'), true)).toBe('6.6.6.6');
    // one proxy: its own entry is the client; what the client wrote before is not believed
    expect(clientAddress(req('6.6.6.6, 198.51.100.1'), 1)).toBe('198.51.100.1');
    expect(clientAddress(req('198.51.100.1'), 2)).toBe('198.51.100.1');
    expect(clientAddress(req(), 1)).toBe('10.0.0.5');
  });
});

describe('login backoff', () => {
  it('grows from 30 s, doubling per failure, up to 15 min', () => {
    expect([4, 5, 6, 7, 8, 9, 10, 30].map((f) => loginLockMs(f, 5) / 1000)).toEqual([0, 30, 60, 120, 240, 480, 900, 900]);
  });

  it('locks one account+address pair; a success clears it and never counts', async () => {
    let now = 0;
    const guard = new LoginGuard(new MemoryStore(() => now), 3);
    const fail = (email: string, ip: string) => guard.attempt(email, ip); // an attempt not followed by succeeded()
    for (let round = 0; round < 3; round++) {
      expect(await fail('a@x.test', '1.1.1.1')).toBe(0);
      expect(await fail('A@x.test', '1.1.1.1')).toBe(0);
      expect(await guard.attempt('a@x.test', '1.1.1.1')).toBe(0);
      await guard.succeeded('a@x.test', '1.1.1.1'); // two failures and a success, again and again: never locked
    }
    expect(await fail('a@x.test', '1.1.1.1')).toBe(0);
    expect(await fail('a@x.test', '1.1.1.1')).toBe(0);
    expect(await fail('a@x.test', '1.1.1.1')).toBe(0); // the third is checked, and locks the pair
    expect(await guard.attempt('a@x.test', '1.1.1.1')).toBe(30_000);
    expect(await guard.attempt('a@x.test', '2.2.2.2')).toBe(0); // the account from elsewhere
    expect(await guard.attempt('b@x.test', '1.1.1.1')).toBe(0); // another account from here
    now += 29_000;
    expect(await guard.attempt('a@x.test', '1.1.1.1')).toBe(1000); // waiting does not count
    now += 1000;
    expect(await fail('a@x.test', '1.1.1.1')).toBe(0);
    expect(await guard.attempt('a@x.test', '1.1.1.1')).toBe(60_000); // it grows
    now += 60_000;
    expect(await guard.attempt('a@x.test', '1.1.1.1')).toBe(0);
    await guard.succeeded('a@x.test', '1.1.1.1');
    expect(await fail('a@x.test', '1.1.1.1')).toBe(0);
    expect(await fail('a@x.test', '1.1.1.1')).toBe(0);
    expect(await guard.attempt('a@x.test', '1.1.1.1')).toBe(0); // and starts over after a success
  });

  it('a burst of parallel guesses gets no more than the threshold checked, in memory and in Redis', async () => {
    const redis = new RedisStore(TEST_REDIS_URL, `zhike:limits:test-login-${process.pid}-${Date.now()}:`, () => {});
    try {
      expect(await redis.ready()).toBe(true);
      for (const store of [new MemoryStore(), redis]) {
        const guard = new LoginGuard(store, 5);
        const waits = await Promise.all(Array.from({ length: 50 }, () => guard.attempt('a@x.test', '1.1.1.1')));
        expect(waits.filter((w) => w === 0)).toHaveLength(5);
        expect(Math.min(...waits.filter((w) => w > 0))).toBeGreaterThan(25_000);
        await guard.succeeded('a@x.test', '1.1.1.1');
      }
    } finally {
      await redis.close();
    }
  });
});

describe('Redis store', () => {
  it('counts in Redis, shared by every store on the same prefix', async () => {
    const prefix = `zhike:limits:test-${process.pid}-${Date.now()}:`;
    const warnings: unknown[] = [];
    const a = new RedisStore(TEST_REDIS_URL, prefix, (e) => warnings.push(e));
    const b = new RedisStore(TEST_REDIS_URL, prefix, (e) => warnings.push(e));
    try {
      expect(await a.ready()).toBe(true);
      expect(await b.ready()).toBe(true);
      expect((await a.hit('k', 60_000)).count).toBe(1);
      const second = await b.hit('k', 60_000);
      expect(second.count).toBe(2);
      expect(second.resetMs).toBeGreaterThan(59_000);
      await a.set('lock', 5000);
      expect(await b.ttl('lock')).toBeGreaterThan(4000);
      await b.del('lock', 'k');
      expect(await a.ttl('lock')).toBe(0);
      expect((await a.hit('k', 60_000)).count).toBe(1);
      expect(warnings).toEqual([]);
    } finally {
      await a.del('k');
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('falls back to counting in memory (and says so) when Redis fails, never failing the caller', async () => {
    const warnings: unknown[] = [];
    const store = new RedisStore('redis://127.0.0.1:1', 'zhike:limits:down:', (e) => warnings.push(e));
    try {
      expect(await store.ready()).toBe(false);
      expect((await store.hit('k', 60_000)).count).toBe(1);
      expect((await store.hit('k', 60_000)).count).toBe(2);
      await store.set('lock', 1000);
      expect(await store.ttl('lock')).toBeGreaterThan(0);
      expect(warnings.length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});
