import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { loadConfig } from '../../config.js';

describe('operations endpoints', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
  });
  afterAll(() => t.close());

  it('GET /healthz answers ok once the database is ready', async () => {
    const r = await t.app.inject('/healthz');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ok' });
  });

  it('GET /metrics speaks Prometheus', async () => {
    const r = await t.app.inject('/metrics');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/text\/plain/);
    expect(r.body).toContain('zhike_ws_connections');
    expect(r.body).toContain('zhike_http_request_duration_seconds');
    expect(r.body).toContain('zhike_process_resident_memory_bytes');
  });

  it('documents the API in OpenAPI with every route the contract names', async () => {
    const r = await t.app.inject('/api/v1/openapi.json');
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.openapi).toMatch(/^3\./);
    const paths = Object.keys(doc.paths);
    for (const p of [
      '/api/v1/auth/login',
      '/api/v1/inboxes',
      '/api/v1/widget/{inboxToken}/contacts',
      '/api/v1/widget/{inboxToken}/conversations',
      '/api/v1/widget/{inboxToken}/conversations/{id}/messages',
      '/api/v1/conversations',
      '/api/v1/conversations/{id}/messages',
      '/api/v1/conversations/{id}/assign',
      '/api/v1/conversations/{id}/status',
    ]) {
      expect(paths, p).toContain(p);
    }
    const send = doc.paths['/api/v1/widget/{inboxToken}/conversations/{id}/messages'].post;
    expect(JSON.stringify(send)).toContain('clientMessageId');
  });

  it('unknown API routes answer JSON 404', async () => {
    const r = await t.app.inject('/api/v1/nope');
    expect(r.statusCode).toBe(404);
    expect(r.json().error.code).toBe('not_found');
  });

  it('console pages get the app shell (or a clear 503 before the build), other files a 404', async () => {
    const page = await t.app.inject('/inboxes');
    expect([200, 503]).toContain(page.statusCode);
    expect(page.headers['content-type']).toMatch(/text\/(html|plain)/);
    expect((await t.app.inject('/favicon.ico')).statusCode).toBe(404);
  });
});

describe('/metrics with ZHIKE_METRICS_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite', { config: loadConfig({ ZHIKE_METRICS_TOKEN: 'scrape-secret-1' }, { loginRateLimit: 1000 }) });
  });
  afterAll(() => t.close());

  it('needs Authorization: Bearer <token> when the token is set', async () => {
    const none = await t.app.inject('/metrics');
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('unauthorized');
    expect(none.body).not.toContain('zhike_');
    for (const authorization of ['Bearer wrong', 'Bearer scrape-secret-', 'scrape-secret-1', `Bearer ${t.adminToken}`]) {
      expect((await t.app.inject({ url: '/metrics', headers: { authorization } })).statusCode, authorization).toBe(401);
    }
    const ok = await t.app.inject({ url: '/metrics', headers: { authorization: 'Bearer scrape-secret-1' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('zhike_http_request_duration_seconds');
  });
});
