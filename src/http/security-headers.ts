import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Helmet's security headers, worked out once. They depend only on the options, not on
 * the request, yet a middleware per request rebuilds them every time (parsing the CSP
 * directives and all): that was about 6% of the server's CPU on the message path.
 * Helmet stays the source of truth: its middleware runs once, here, against a response
 * that only records what it sets.
 */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, () => {});
  return headers;
}

/**
 * Sends the security headers on every answer; the HTTPS-only ones (HSTS, CSP's
 * upgrade-insecure-requests) only when the request came over HTTPS: directly, or
 * through a trusted proxy (X-Forwarded-Proto). Over plain HTTP they would make browsers
 * fetch every asset over https, and the console would be blank.
 */
export function installSecurityHeaders(app: FastifyInstance, options: HelmetOptions): void {
  // HSTS is added below, over HTTPS only
  const plain = securityHeaders({ ...options, strictTransportSecurity: false } as HelmetOptions);
  const csp = plain['content-security-policy'];
  const secure: Record<string, string> = {
    ...plain,
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    ...(csp ? { 'content-security-policy': `${csp};upgrade-insecure-requests` } : {}),
  };
  app.addHook('onRequest', (req, reply, done) => {
    reply.headers(req.protocol === 'https' ? secure : plain);
    done();
  });
}
