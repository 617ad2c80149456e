import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { setAvailability } from '../../commands/agents.js';
import { login, logout, SESSION_DAYS } from '../../commands/auth.js';
import { MAX_EMAIL_CHARS } from '../../core/limits.js';
import { AVAILABILITIES } from '../../core/model.js';
import { text } from '../../core/text-schema.js';
import { maybeOne } from '../../storage/db.js';
import { toWorkspace } from '../../storage/rows.js';
import { callerOf, requireAgent, SESSION_COOKIE, tokenOf } from '../../http/context.js';
import { agentSchema, errorSchema } from '../../http/schemas.js';
import { rateLimitedSchema, sendRateLimited } from '../../http/rate-limited.js';
import { ipKey } from '../../ratelimit/limiter.js';

/** Login, logout, the current agent and their presence status. */
export const authPlugin: FastifyPluginAsync = async (app) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ctx = app.zhike;

  r.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        operationId: 'login', summary: 'Log in with e-mail and password',
        description: `Returns a session token for \`Authorization: Bearer\` and sets the console's session cookie. After ${ctx.config.loginRateLimit} failed attempts for one account from one address, that pair waits 30 s, then twice as long after each further failure (up to 15 min); a successful login clears it. Other accounts and other addresses are not affected.`,
        body: z.object({ email: text({ min: 3, max: MAX_EMAIL_CHARS }), password: text({ min: 1, max: 200 }) }),
        response: {
          200: z.object({ token: z.string(), agent: agentSchema, expiresAt: z.string() }),
          401: errorSchema,
          429: rateLimitedSchema,
        },
      },
    },
    async (req, reply) => {
      const ip = ipKey(req.ip);
      const wait = await app.loginGuard.attempt(req.body.email, ip);
      if (wait) {
        const message = `too many failed logins for this account from this address: try again in ${Math.ceil(wait / 1000)} s`;
        return sendRateLimited(reply, { limit: 'login', message, retryAfterMs: wait });
      }
      const result = await login(ctx.db, req.body.email, req.body.password, req.headers['user-agent']);
      if (!result) {
        return reply.code(401).send({ error: { code: 'invalid_credentials', message: 'wrong e-mail or password' } });
      }
      await app.loginGuard.succeeded(req.body.email, ip);
      // Logging in puts the agent on duty (在线); they can switch to 小休 at any time.
      const agent = await setAvailability(ctx, { agentId: result.agent.id, workspaceId: result.agent.workspaceId, role: result.agent.role }, 'online');
      reply.setCookie(SESSION_COOKIE, result.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: req.protocol === 'https',
        maxAge: SESSION_DAYS * 86_400,
      });
      return { token: result.token, agent, expiresAt: result.expiresAt.toISOString() };
    },
  );

  app.register(async (authed) => {
    authed.addHook('onRequest', requireAgent);
    const a = authed.withTypeProvider<ZodTypeProvider>();

    a.post('/auth/logout', { schema: { tags: ['auth'], operationId: 'logout', summary: 'End this session', response: { 204: z.null() } } }, async (req, reply) => {
      const token = tokenOf(req);
      if (token) await logout(ctx.db, token);
      await setAvailability(ctx, callerOf(req), 'offline');
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    });

    a.get(
      '/me',
      {
        schema: {
          tags: ['auth'],
          operationId: 'getMe', summary: 'The logged-in agent and their workspace',
          response: { 200: z.object({ agent: agentSchema, workspace: z.object({ id: z.number(), name: z.string(), locale: z.string() }) }) },
        },
      },
      async (req) => {
        const ws = await maybeOne(ctx.db, 'SELECT * FROM workspaces WHERE id = $1', [req.session!.agent.workspaceId]);
        const workspace = toWorkspace(ws!);
        return { agent: req.session!.agent, workspace: { id: workspace.id, name: workspace.name, locale: workspace.locale } };
      },
    );

    a.post(
      '/me/availability',
      {
        schema: {
          tags: ['auth'],
          operationId: 'setMyAvailability', summary: 'Set my status: online (在线), away (小休: keeps current chats, takes no new ones) or offline',
          body: z.object({ availability: z.enum(AVAILABILITIES) }),
          response: { 200: agentSchema },
        },
      },
      async (req) => setAvailability(ctx, callerOf(req), req.body.availability),
    );
  });
};
