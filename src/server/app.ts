import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { widgetClientApi } from '../channels/widget/client-api.js';
import { ConversationStateCache, MessageWriter } from '../commands/messages.js';
import type { Config } from '../config.js';
import { ReceptionSettingsCache } from '../reception/settings-cache.js';
import { EventDispatcher } from '../events/dispatcher.js';
import { metricsListener } from '../listeners/metrics.js';
import { realtimeListener } from '../listeners/realtime.js';
import { receptionListener } from '../reception/listener.js';
import { customerGone, ensureQueueSweep, registerReceptionTimers } from '../reception/timer-handlers.js';
import { Router } from '../routing/router.js';
import { TimerRunner } from '../timers/timers.js';
import { visitorsListener } from '../visitors/listener.js';
import { VisitorTracker } from '../visitors/tracker.js';
import type { RealtimeBus } from '../realtime/bus.js';
import { Gateway } from '../realtime/gateway.js';
import type { Db } from '../storage/db.js';
import { SESSION_COOKIE, type AppContext } from './context.js';
import { createMetrics } from './metrics.js';
import { agentsPlugin } from './plugins/agents.js';
import { calendarsPlugin } from './plugins/calendars.js';
import { routingPlugin } from './plugins/routing.js';
import { skillGroupsPlugin } from './plugins/skill-groups.js';
import { visitorsPlugin } from './plugins/visitors.js';
import { attachmentsPlugin } from './plugins/attachments.js';
import { authPlugin } from './plugins/auth.js';
import { contactsPlugin } from './plugins/contacts.js';
import { conversationsPlugin } from './plugins/conversations.js';
import { installErrorHandler } from './plugins/errors.js';
import { eventsPlugin } from './plugins/events.js';
import { inboxesPlugin } from './plugins/inboxes.js';
import { opsPlugin } from './plugins/ops.js';
import { staticPlugin } from './plugins/static.js';

export interface BuildOptions {
  config: Config;
  db: Db;
  bus: RealtimeBus;
  /** Fastify logger options; false in tests. */
  logger?: boolean | object;
}

declare module 'fastify' {
  interface FastifyInstance {
    gateway: Gateway;
    router: Router;
    visitors: VisitorTracker;
  }
}

export type ZhikeApp = FastifyInstance;

/**
 * Assembles the application: one place listing every feature plugin and listener.
 * It does not listen; `main.ts` does (and tests use `app.inject()` or listen on port 0).
 */
export async function buildApp(opts: BuildOptions): Promise<ZhikeApp> {
  const app = Fastify({
    logger: opts.logger ?? { level: opts.config.logLevel },
    trustProxy: opts.config.trustProxy,
    bodyLimit: 256 * 1024,
    // Structured access logs, minus the noise of probes and static files.
    logController: new LogController({
      disableRequestLogging: (req) => /^\/(healthz|metrics|assets\/|widget\.js)/.test(req.url),
    }),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const metrics = createMetrics();
  const events = new EventDispatcher(app.log);
  const ctx: AppContext = {
    db: opts.db,
    events,
    bus: opts.bus,
    config: opts.config,
    metrics,
    conversationStates: new ConversationStateCache(),
    reception: new ReceptionSettingsCache(opts.db),
    // PGlite runs one statement at a time: one batch in flight, the rest gathers behind it
    messageWriter: new MessageWriter(opts.db, opts.db.dialect === 'pglite' ? 1 : 8),
  };
  app.decorate('zhike', ctx);
  app.decorateRequest('session', null);

  const routerCtx = { ...ctx, reception: ctx.reception! };
  const router = new Router(routerCtx);
  app.decorate('router', router);

  // Listeners: one per feature. Adding a feature adds a line here.
  events.register(realtimeListener(opts.bus, opts.db));
  events.register(metricsListener(metrics));
  events.register(receptionListener({ ctx: routerCtx, router, bus: opts.bus }));

  // Durable timers: this instance runs its share of those due.
  const timers = new TimerRunner(opts.db, app.log, { pollMs: opts.config.timerPollMs });
  registerReceptionTimers(timers, { ctx: routerCtx, router, bus: opts.bus });
  app.addHook('onReady', async () => {
    await ensureQueueSweep(routerCtx);
    timers.start();
  });
  app.addHook('preClose', () => timers.stop());

  const visitors = new VisitorTracker(routerCtx, opts.bus, router);
  app.decorate('visitors', visitors);
  events.register(visitorsListener(visitors));
  const gateway = new Gateway({
    ...ctx,
    log: app.log,
    cookieName: SESSION_COOKIE,
    onCustomerGone: (contactId) => customerGone(routerCtx, contactId),
    visitors,
    queuePositions: (workspaceId, contactId) => router.positionsOf(workspaceId, contactId),
  });
  gateway.attach(app.server);
  app.decorate('gateway', gateway);
  app.addHook('preClose', () => gateway.close());

  installErrorHandler(app);
  app.addHook('onResponse', (req, reply, done) => {
    metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        fontSrc: ["'self'", 'data:'],
        frameAncestors: ["'self'"],
      },
    },
    crossOriginResourcePolicy: { policy: 'same-site' },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Zhike 知客 API',
        version: '1',
        description:
          'Agent API (Authorization: Bearer <token> from /auth/login) and the public client API used by the widget (per inbox token, X-Contact-Token). ' +
          'Realtime: WebSocket at /api/v1/ws (first frame: hello). Errors: { error: { code, message, details? } }.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  await app.register(opsPlugin);
  await app.register(
    async (api) => {
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
      await api.register(authPlugin);
      await api.register(conversationsPlugin);
      await api.register(contactsPlugin);
      await api.register(agentsPlugin);
      await api.register(inboxesPlugin);
      await api.register(attachmentsPlugin);
      await api.register(skillGroupsPlugin);
      await api.register(calendarsPlugin);
      await api.register(routingPlugin);
      await api.register(visitorsPlugin);
      await api.register(eventsPlugin);
      await api.register(widgetClientApi);
    },
    { prefix: '/api/v1' },
  );
  await app.register(staticPlugin, {
    defaultInboxToken: async () => {
      const rows = await opts.db.query(`SELECT token FROM inboxes WHERE channel_type = 'web' ORDER BY id LIMIT 1`);
      return rows[0]?.token ?? null;
    },
  });
  return app;
}
