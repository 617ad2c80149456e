import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DomainError } from '../../core/errors.js';
import { MAX_ATTACHMENT_BYTES } from '../../core/limits.js';
import { isInvalidTextIssue } from '../../core/text-schema.js';
import { INVALID_TEXT } from '../../core/text.js';

/** Fastify's own refusals, under stable codes documented in the OpenAPI document (http/contract.ts). */
const FASTIFY_ERRORS: Record<string, { status: number; code: string; message?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', message: 'the body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json', message: 'the body is empty but Content-Type says application/json: send {} or no Content-Type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_request', message: 'Content-Length does not match the body' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'unsupported Content-Type: send application/json' },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, code: 'unsupported_media_type', message: 'the Content-Type header is not valid: send application/json' },
};

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
        const where = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
        return `${err.validationContext ?? 'request'}${where ? ' ' + where : ''}: ${v.message}`;
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
    const known = fe.code ? FASTIFY_ERRORS[fe.code] : undefined;
    if (known) return reply.code(known.status).send({ error: { code: known.code, message: known.message ?? fe.message } });
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.code(fe.statusCode).send({ error: { code: (fe.code ?? 'bad_request').toLowerCase(), message: fe.message } });
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: { code: 'internal_error', message: 'something went wrong on our side; it has been logged' } });
  });
}
