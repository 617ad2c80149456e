import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import { jsonSchemaTransform, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { storeAttachment, unsupportedType } from '../commands/attachments.js';
import { DomainError } from '../core/errors.js';
import { ALLOWED_ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES } from '../core/limits.js';
import { nameText } from '../core/text-schema.js';
import { attachmentRefSchema, errorSchema } from './schemas.js';

export const uploadQuery = z.object({ filename: nameText({ max: 255 }).default('file').describe('Original file name, for display') });

export const uploadDescription =
  `Send the file as the raw request body with its Content-Type (${Object.keys(ALLOWED_ATTACHMENT_TYPES).join(', ')}), ` +
  `at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB. Then pass the returned id in a message's attachmentIds: ` +
  'an upload no message refers to is deleted after ZHIKE_UPLOAD_EXPIRY_MINUTES (default 60). ' +
  'A visitor has a daily quota (files and bytes, per UTC day): past it, 429 upload_quota_exceeded with Retry-After.';

/** In the calling scope, accept the allowed file types as raw bodies up to the limit; refuse others clearly. */
export function acceptUploads(scope: FastifyInstance): void {
  scope.addContentTypeParser(Object.keys(ALLOWED_ATTACHMENT_TYPES), { parseAs: 'buffer', bodyLimit: MAX_ATTACHMENT_BYTES }, (_req, body, done) =>
    done(null, body),
  );
  scope.addContentTypeParser('*', (req, _payload, done) => done(unsupportedType(String(req.headers['content-type'] ?? '')), undefined));
}

/** The OpenAPI entry of an upload: the file as the raw body, in one of the allowed types. */
const documentRawBody: typeof jsonSchemaTransform = (doc) => {
  const out = jsonSchemaTransform(doc);
  return {
    ...out,
    schema: {
      ...out.schema,
      consumes: Object.keys(ALLOWED_ATTACHMENT_TYPES),
      body: { type: 'string', format: 'binary', description: `The file itself, at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB` },
    },
  };
};

/**
 * Registers an upload route in its own scope (raw bodies of the allowed types up
 * to the limit). `uploader` says who uploads: the agent or the widget's contact.
 */
export function uploadRoute(
  app: FastifyInstance,
  url: string,
  opts: {
    operationId: string;
    summary: string;
    params?: z.ZodType;
    headers?: z.ZodType;
    onRequest?: onRequestHookHandler;
    uploader: (req: FastifyRequest) => { workspaceId: number; uploaderType: 'agent' | 'customer'; uploaderId: number };
  },
): void {
  app.register(async (scope) => {
    if (opts.onRequest) scope.addHook('onRequest', opts.onRequest);
    acceptUploads(scope);
    scope.withTypeProvider<ZodTypeProvider>().post(
      url,
      {
        // the document describes the raw body (no body schema: Fastify hands the handler the bytes)
        config: { swaggerTransform: documentRawBody },
        schema: {
          tags: [url.startsWith('/widget') ? 'client API (widget)' : 'attachments'],
          operationId: opts.operationId,
          summary: opts.summary,
          description: uploadDescription,
          ...(opts.params ? { params: opts.params } : {}),
          ...(opts.headers ? { headers: opts.headers } : {}),
          querystring: uploadQuery,
          response: { 201: attachmentRefSchema, 401: errorSchema, 413: errorSchema, 415: errorSchema, 429: errorSchema },
        },
      },
      async (req, reply) => {
        const { config } = app.zhike;
        try {
          const ref = await storeAttachment(
            app.zhike.db,
            { ...opts.uploader(req), filename: req.query.filename, contentType: String(req.headers['content-type'] ?? ''), data: req.body as Buffer },
            { expiryMinutes: config.uploadExpiryMinutes, dailyFiles: config.uploadDailyFiles, dailyBytes: config.uploadDailyBytes },
          );
          return reply.code(201).send(ref);
        } catch (err) {
          // a quota refusal says when it resets
          if (err instanceof DomainError && err.code === 'upload_quota_exceeded') reply.header('Retry-After', String(err.details?.retryAfterSeconds ?? 3600));
          throw err;
        }
      },
    );
  });
}
