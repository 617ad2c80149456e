import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readAttachment } from '../../commands/attachments.js';
import { text } from '../../core/text-schema.js';
import { callerOf, requireAgent } from '../../http/context.js';
import { errorSchema } from '../../http/schemas.js';
import { uploadRoute } from '../../http/uploads.js';

/** Agents upload files; anyone holding an attachment's capability URL may download it. */
export const attachmentsPlugin: FastifyPluginAsync = async (app) => {
  const ctx = app.zhike;

  uploadRoute(app, '/attachments', {
    operationId: 'uploadAttachment', summary: 'Upload an attachment (agent)',
    onRequest: requireAgent,
    uploader: (req) => {
      const caller = callerOf(req);
      return { workspaceId: caller.workspaceId, uploaderType: 'agent', uploaderId: caller.agentId };
    },
  });

  app.withTypeProvider<ZodTypeProvider>().get(
    '/attachments/:key/:filename',
    {
      schema: {
        tags: ['attachments'],
        operationId: 'downloadAttachment', summary: 'Download an attachment by its capability URL',
        params: z.object({ key: z.string().regex(/^[A-Za-z0-9_-]{32}$/), filename: text({ max: 300 }) }),
        response: {
          200: {
            description: 'The file, with the Content-Type it was uploaded with (images inline, other files as a download)',
            content: { '*/*': { schema: z.string().meta({ format: 'binary' }) } },
          },
          404: errorSchema,
        },
      },
    },
    async (req, reply) => {
      const file = await readAttachment(ctx.db, req.params.key);
      if (!file) return reply.code(404).send({ error: { code: 'attachment_not_found', message: 'attachment not found' } });
      const inline = file.contentType.startsWith('image/');
      return reply
        .header('Content-Type', file.contentType)
        .header('X-Content-Type-Options', 'nosniff')
        .header('Content-Security-Policy', "default-src 'none'; sandbox")
        .header('Cross-Origin-Resource-Policy', 'cross-origin')
        .header('Cache-Control', 'private, max-age=31536000, immutable')
        .header('Content-Disposition', `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(file.filename)}`)
        .send(file.data as unknown as string); // raw bytes: Fastify sends a Buffer as it is (the schema above documents them)
    },
  );
};
