import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DomainError } from '../../core/errors.js';
import { MAX_ATTACHMENT_BYTES } from '../../core/limits.js';
import { isInvalidTextIssue } from '../../core/text-schema.js';
import { INVALID_TEXT } from '../../core/text.js';

/**
 * One error shape for the whole API: { error: { code, message, details? } }.
 * Messages say what was wrong and what to do; 5xx never leaks internals.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | DomainError, req, reply) => {
    if (err instanceof DomainError) {
      return reply.code(err.status).send({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => {
        const where = v.instancePath.replace(/^\//, '').replace(/\//g, '.') || err.validationContext || 'request';
        return `${err.validationContext ?? ''}${v.instancePath ? ' ' + where : ''}: ${v.message}`.trim();
      });
      // NUL or a lone surrogate in any field: its own code (clients must not retry it)
      const code = err.validation.some((v) => isInvalidTextIssue(v)) ? INVALID_TEXT : 'invalid_request';
      return reply.code(400).send({ error: { code, message: issues.join('; '), details: { issues } } });
    }
    const fe = err as FastifyError;
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const isUpload = req.url.includes('attachments');
      return reply.code(413).send({
        error: {
          code: isUpload ? 'attachment_too_large' : 'body_too_large',
          message: isUpload ? `an attachment may be at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB` : 'the request body is too large',
          details: { limit: isUpload ? MAX_ATTACHMENT_BYTES : app.initialConfig.bodyLimit },
        },
      });
    }
    if (fe.statusCode === 429) {
      return reply.code(429).send({ error: { code: 'rate_limited', message: fe.message || 'too many requests; wait a minute and try again' } });
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.code(fe.statusCode).send({ error: { code: (fe.code ?? 'bad_request').toLowerCase(), message: fe.message } });
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: { code: 'internal_error', message: 'something went wrong on our side; it has been logged' } });
  });
}
