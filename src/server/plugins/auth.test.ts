import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { api } from '../../../test/helpers/api.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, DB_KINDS } from '../../../test/helpers/env.js';

describe.each(DB_KINDS)('auth on %s', (kind) => {
  let t: TestApp;
  let a: ReturnType<typeof api>;
  beforeAll(async () => {
    t = await createTestApp(kind, { config: { loginRateLimit: 5 } });
    a = api(t);
  });
  afterAll(() => t.close());

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

  it('rate-limits login attempts per client', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await a.inject('POST', '/api/v1/auth/login', { payload: { email: 'ghost@x.test', password: 'nope-nope' } });
      statuses.push(r.status);
    }
    expect(statuses).toContain(429);
    const limited = await a.inject('POST', '/api/v1/auth/login', { payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
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
