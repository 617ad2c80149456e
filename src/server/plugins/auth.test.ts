import { describe, expect, it } from 'vitest';
import { api } from '../../../test/helpers/api.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, DB_KINDS } from '../../../test/helpers/env.js';
import { useTestApp } from '../../../test/helpers/suite.js';

describe.each(DB_KINDS)('auth on %s', (kind) => {
  const { t, a } = useTestApp(kind, { config: { loginRateLimit: 5 } });

  it('logs in with e-mail and password: a bearer token and an httpOnly SameSite session cookie', async () => {
    const r = await a.inject('POST', '/api/v1/auth/login', { payload: { email: ADMIN_EMAIL.toUpperCase(), password: ADMIN_PASSWORD } });
    expect(r.status).toBe(200);
    expect(r.body.token).toMatch(/^zk_/);
    expect(r.body.agent).toMatchObject({ email: ADMIN_EMAIL, role: 'admin', availability: 'online' });
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toMatch(/zhike_session=zk_/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const cookieValue = cookie.split(';')[0];
    const me = await a.inject('GET', '/api/v1/me', { headers: { cookie: cookieValue } });
    expect(me.status).toBe(200);
    expect(me.body.agent.email).toBe(ADMIN_EMAIL);
    expect(me.body.workspace.name).toBeTruthy();
  });

  it('stores passwords with argon2id and sessions as hashes only', async () => {
    const [row] = await t.db.query('SELECT password_hash FROM agents WHERE email = $1', [ADMIN_EMAIL]);
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    const sessions = await t.db.query('SELECT token_hash FROM sessions');
    expect(sessions.length).toBeGreaterThan(0);
    for (const s of sessions) expect(s.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses wrong credentials with one message for both unknown e-mail and wrong password', async () => {
    const wrong = await a.inject('POST', '/api/v1/auth/login', { payload: { email: ADMIN_EMAIL, password: 'nope-nope' } });
    const unknown = await a.inject('POST', '/api/v1/auth/login', { payload: { email: 'ghost@x.test', password: 'nope-nope' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('invalid_credentials');
  });

  const loginFrom = (remoteAddress: string, email: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress, payload: { email, password } });

  it('counts failed logins per account and address: that pair waits, nobody else is locked out', async () => {
    const victim = await a.createAgent(t.adminToken, { email: 'xiaoli@zhike.test', name: '小李' });
    const attacker = '203.0.113.66';
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await loginFrom(attacker, victim.email, `guess-${i}-wrong`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const locked = await loginFrom(attacker, victim.email, 'another-guess');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error).toMatchObject({ code: 'rate_limited', limit: 'login' });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(20);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(30);
    // the body says it too (a cross-origin page cannot read Retry-After): the console shows the wait
    expect(locked.json().error.details.retryAfterSeconds).toBe(Number(locked.headers['retry-after']));
    // the right password from the attacking address waits too (the pair is locked) ...
    expect((await loginFrom(attacker, victim.email.toUpperCase(), 'agent-pass-123')).statusCode).toBe(429);
    // ... but the agent logs in from their own address,
    expect((await loginFrom('198.51.100.5', victim.email, 'agent-pass-123')).statusCode).toBe(200);
    // and another account logs in from the attacked address (one proxy, one office NAT)
    expect((await loginFrom(attacker, ADMIN_EMAIL, ADMIN_PASSWORD)).statusCode).toBe(200);
  });

  it('a successful login never counts and clears the failures before it', async () => {
    const office = '192.0.2.44';
    for (let i = 0; i < 12; i++) expect((await loginFrom(office, ADMIN_EMAIL, ADMIN_PASSWORD)).statusCode).toBe(200);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) expect((await loginFrom(office, ADMIN_EMAIL, 'typo-typo')).statusCode).toBe(401);
      expect((await loginFrom(office, ADMIN_EMAIL, ADMIN_PASSWORD)).statusCode).toBe(200);
    }
  });

  it('agent routes need a live session; logout ends it', async () => {
    expect((await a.inject('GET', '/api/v1/conversations')).status).toBe(401);
    expect((await a.inject('GET', '/api/v1/conversations', { token: 'zk_forged' })).status).toBe(401);
    const token = t.adminToken;
    expect((await a.inject('GET', '/api/v1/conversations', { token })).status).toBe(200);
    expect((await a.inject('POST', '/api/v1/auth/logout', { token })).status).toBe(204);
    expect((await a.inject('GET', '/api/v1/conversations', { token })).status).toBe(401);
  });
});
