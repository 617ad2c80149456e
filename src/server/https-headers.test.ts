import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.js';

/**
 * HSTS and CSP `upgrade-insecure-requests` only when the request came over HTTPS:
 * over plain HTTP on any address but localhost they make Chromium fetch the console's
 * assets over https, and the console is a blank page.
 */
describe('HTTPS-only security headers', () => {
  let direct: TestApp; // ZHIKE_TRUST_PROXY unset
  let proxied: TestApp; // ZHIKE_TRUST_PROXY=true
  beforeAll(async () => {
    direct = await createTestApp('pglite');
    proxied = await createTestApp('pglite', { config: { trustProxy: true } });
  }, 240_000);
  afterAll(async () => {
    await Promise.all([direct?.close(), proxied?.close()]);
  });

  const plainHttp = (r: { headers: Record<string, unknown> }) => {
    expect(r.headers['strict-transport-security']).toBeUndefined();
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
  };

  it('plain HTTP: no HSTS and no upgrade-insecure-requests, on pages and on the API', async () => {
    for (const url of ['/', '/login', '/healthz', '/api/v1/openapi.json']) plainHttp(await direct.app.inject(url));
    plainHttp(await proxied.app.inject('/'));
  });

  it('X-Forwarded-Proto: https from an untrusted client changes nothing', async () => {
    plainHttp(await direct.app.inject({ url: '/', headers: { 'x-forwarded-proto': 'https' } }));
  });

  it('X-Forwarded-Proto: https through a trusted proxy: HSTS and upgrade-insecure-requests', async () => {
    for (const url of ['/', '/healthz']) {
      const r = await proxied.app.inject({ url, headers: { 'x-forwarded-proto': 'https' } });
      expect(r.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      const csp = String(r.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp.split(';').filter((d) => d.trim() === 'upgrade-insecure-requests')).toHaveLength(1);
    }
    plainHttp(await proxied.app.inject({ url: '/', headers: { 'x-forwarded-proto': 'http' } }));
  });
});
