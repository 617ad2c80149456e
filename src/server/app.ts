import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { widgetClientApi } from '../channels/widget/client-api.js';
import { registerUploadTimers } from '../commands/attachments.js';
import { ConversationStateCache, MessageWriter } from '../commands/messages.js';
import type { Config } from '../config.js';
import { ReceptionSettingsCache } from '../storage/reception-settings.js';
import { ClientTokenCache } from '../storage/client-tokens.js';
import { clientTokensListener } from '../listeners/client-tokens.js';
import { EventDispatcher, type Listener } from '../events/dispatcher.js';
import { metricsListener } from '../listeners/metrics.js';
import { realtimeListener } from '../listeners/realtime.js';
import { messageAnalysisConsumer } from '../assist/analysis.js';
import { inspectionConsumer } from '../qa/consumer.js';
import { samplingConsumer } from '../qa/sampling.js';
import { agentJoinedConsumer } from '../reception/agent-joined.js';
import { botConsumer } from '../reception/bot.js';
import { offlineReplyConsumer } from '../reception/offline-reply.js';
import { csatRequestConsumer } from '../csat/request-consumer.js';
import { csatPlugin } from './plugins/csat.js';
import { searchPlugin } from './plugins/search.js';
import { searchIndexConsumer } from '../search/indexer.js';
import { reportRollupConsumer } from '../reports/rollup.js';
import { reportsPlugin } from './plugins/reports.js';
import { queuePositionsListener } from '../reception/queue-positions.js';
import { drainConsumer, routeConsumer } from '../routing/consumers.js';
import { ConsumerRunner, type Consumer } from '../events/consumers.js';
import { customerGone, ensureQueueSweep, registerReceptionTimers } from '../reception/timer-handlers.js';
import { Router } from '../routing/router.js';
import { TimerRunner } from '../timers/timers.js';
import { registerTicketTimers } from '../tickets/timers.js';
import { ticketAlertsListener } from '../tickets/alerts.js';
import { ticketCustomerRepliesConsumer } from '../tickets/customer-replies.js';
import { visitorsListener } from '../visitors/listener.js';
import { VisitorTracker } from '../visitors/tracker.js';
import type { RealtimeBus } from '../bus/bus.js';
import { Gateway } from '../realtime/gateway.js';
import type { Db } from '../storage/db.js';
import { DrainingDb } from '../storage/draining.js';
import { installSecurityHeaders } from '../http/security-headers.js';
import { SESSION_COOKIE, type AppContext } from '../http/context.js';
import { loggerOptions, OneLinePerRequest } from '../observability/logging.js';
import { createMetrics } from '../observability/metrics.js';
import { ClientLimiter } from '../ratelimit/limiter.js';
import { LoginGuard } from '../ratelimit/login.js';
import { MemoryStore, type LimitStore } from '../ratelimit/store.js';
import { API_PREFIX, API_TAGS, apiNotFound, clientErrors, finishDocument, frameworkErrors, installContract, SECURITY_SCHEMES } from '../http/contract.js';
import { agentsPlugin } from './plugins/agents.js';
import { calendarsPlugin } from './plugins/calendars.js';
import { cannedRepliesPlugin } from './plugins/canned-replies.js';
import { nlpPlugin } from './plugins/nlp.js';
import { inspectionsPlugin } from './plugins/inspections.js';
import { qaPacksPlugin } from './plugins/qa-packs.js';
import { routingPlugin } from './plugins/routing.js';
import { skillGroupsPlugin } from './plugins/skill-groups.js';
import { visitorsPlugin } from './plugins/visitors.js';
import { attachmentsPlugin } from './plugins/attachments.js';
import { authPlugin } from './plugins/auth.js';
import { contactsPlugin } from './plugins/contacts.js';
import { contactPrivacyPlugin } from './plugins/contact-privacy.js';
import { auditPlugin } from '../audit/plugin.js';
import { conversationsPlugin } from './plugins/conversations.js';
import { installErrorHandler } from './plugins/errors.js';
import { eventsPlugin } from './plugins/events.js';
import { inboxesPlugin } from './plugins/inboxes.js';
import { knowledgePlugin } from './plugins/knowledge.js';
import { ticketsPlugin } from './plugins/tickets.js';
import { KnowledgeService } from '../knowledge/service.js';
import { OpenAiCompatibleRephraser } from '../knowledge/rephraser.js';
import { opsPlugin } from './plugins/ops.js';
import { staticPlugin } from './plugins/static.js';

export interface BuildOptions {
  config: Config;
  db: Db;
  bus: RealtimeBus;
  /** Fastify logger options; false in tests. */
  logger?: boolean | object;
  /** More durable consumers (a deployment's own, the benchmark's, tests'). */
  consumers?: ConsumerFactory;
  /** More live listeners (the benchmark notes when each event was committed). */
  listeners?: Listener[];
}

declare module 'fastify' {
  interface FastifyInstance {
    gateway: Gateway;
    router: Router;
    limiter: ClientLimiter;
    loginGuard: LoginGuard;
    visitors: VisitorTracker;
  }
}

/**
 * Tells the other instances (through Redis) that events were committed, so the
 * consumers they run look at once; at most one message per few milliseconds.
 */
function wakeOtherInstances(bus: RealtimeBus): (types: ReadonlySet<string>) => void {
  if (bus.kind !== 'redis') return () => {};
  let due: Set<string> | null = null;
  return (types) => {
    if (due) {
      for (const t of types) due.add(t);
      return;
    }
    due = new Set(types);
    setTimeout(() => {
      const committed = [...due!];
      due = null;
      void bus.publish({ t: 'events', types: committed }).catch(() => {}); // the others also look every ZHIKE_CONSUMER_POLL_MS
    }, 2).unref();
  };
}

export type ZhikeApp = FastifyInstance;

/** Durable consumers a deployment adds, built with the app's database and configuration. */
export type ConsumerFactory = (deps: { db: Db; config: Config }) => Consumer[];

/**
 * Assembles the application: one place listing every feature plugin and listener.
 * It does not listen; `main.ts` does (and tests use `app.inject()` or listen on port 0).
 */
export async function buildApp(opts: BuildOptions): Promise<ZhikeApp> {
  const app = Fastify({
    logger: opts.logger ?? loggerOptions(opts.config.logLevel),
    // a number: that many proxies in front of us are trusted (the client's X-Forwarded-For entries are not)
    trustProxy: typeof opts.config.trustProxy === 'number' ? ((_addr: string, hop: number) => hop < (opts.config.trustProxy as number)) : opts.config.trustProxy,
    bodyLimit: 256 * 1024,
    // Fastify's default gives each plugin and onReady hook 10 s: on a busy machine PGlite's start
    // and the first look at the queues can take longer, and the server should start, not fail
    pluginTimeout: 120_000,
    // a bad URL or an over-long path parameter: answered in the API's error shape (http/contract.ts)
    frameworkErrors,
    clientErrorHandler: clientErrors,
    // One access log line per request (readable on a terminal, JSON otherwise), minus the noise of probes and static files.
    logController: new OneLinePerRequest({
      disableRequestLogging: (req) => /^\/(healthz|metrics|assets\/|widget\.js)/.test(req.url),
    }),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Everything the app does goes through this handle: closing the app waits for the
  // work in flight and then starts no more (the database stays open for its owner).
  const db = new DrainingDb(opts.db);
  const metrics = createMetrics();
  const consumers = new ConsumerRunner(db, app.log, {
    instanceId: opts.config.instanceId,
    leaseMs: opts.config.consumerLeaseMs,
    pollMs: opts.config.consumerPollMs,
    retryMs: opts.config.consumerRetryMs,
    metrics: {
      observeDelay: (consumer, seconds) => metrics.consumerDelay.labels(consumer).observe(seconds),
      handled: (consumer, outcome) => metrics.consumerHandled.inc({ consumer, outcome }),
    },
  });
  metrics.watchConsumers(() => consumers.figures());
  const events = new EventDispatcher(app.log, consumers, wakeOtherInstances(opts.bus));
  opts.bus.subscribe((msg) => {
    if (msg.t === 'events') consumers.wake(new Set(msg.types)); // another instance committed events
  });
  const ctx: AppContext = {
    db: db,
    events,
    bus: opts.bus,
    config: opts.config,
    metrics,
    conversationStates: new ConversationStateCache(),
    reception: new ReceptionSettingsCache(db),
    clientTokens: new ClientTokenCache(db),
    knowledge: new KnowledgeService(db),
    rephraser: opts.config.llm ? new OpenAiCompatibleRephraser(opts.config.llm, app.log) : undefined,
    // PGlite runs one statement at a time: one batch in flight, the rest gathers behind it
    messageWriter: new MessageWriter(db, db.dialect === 'pglite' ? 1 : 8, 200, () => metrics.messageBatchSplits.inc()),
  };
  app.decorate('zhike', ctx);
  app.decorateRequest('session', null);

  // Abuse limits: counted in Redis when there is one (every instance shares them), else here.
  // (ioredis is loaded only then: a server without Redis starts without it)
  const limitStore: LimitStore = opts.config.redisUrl
    ? new (await import('../ratelimit/redis-store.js')).RedisStore(opts.config.redisUrl, `zhike:limits:${opts.config.databaseSchema ?? 'public'}:`, (err) =>
        app.log.warn({ err }, 'rate limits: Redis failed; counting in this instance meanwhile'),
      )
    : new MemoryStore();
  const limiter = new ClientLimiter(limitStore, opts.config.limits, opts.config.trustProxy);
  app.decorate('limiter', limiter);
  app.decorate('loginGuard', new LoginGuard(limitStore, opts.config.loginRateLimit));
  app.addHook('onClose', () => limitStore.close());

  const router = new Router(ctx);
  app.decorate('router', router);
  const visitors = new VisitorTracker(ctx, opts.bus);
  app.decorate('visitors', visitors);

  // Features react to events; adding one adds a line here (docs/events.md).
  // Live listeners: right after each commit, in this process, best effort.
  events.live(realtimeListener(opts.bus, db));
  events.live(metricsListener(metrics));
  events.live(queuePositionsListener(router, opts.bus, db));
  events.live(visitorsListener(visitors));
  events.live(clientTokensListener(ctx.clientTokens));
  events.live(ticketAlertsListener(opts.bus, db));
  for (const listener of opts.listeners ?? []) events.live(listener);
  // Durable consumers: from the event log, at least once, in order per conversation,
  // retried and parked on failure, each on one instance at a time.
  events.durable(routeConsumer(router));
  events.durable(drainConsumer(router, db));
  events.durable(botConsumer(ctx));
  events.durable(offlineReplyConsumer(ctx));
  events.durable(agentJoinedConsumer(ctx));
  events.durable(messageAnalysisConsumer(ctx));
  events.durable(inspectionConsumer(ctx));
  events.durable(samplingConsumer(ctx));
  events.durable(ticketCustomerRepliesConsumer(ctx));
  events.durable(csatRequestConsumer(ctx));
  events.durable(searchIndexConsumer(ctx));
  events.durable(reportRollupConsumer(ctx));
  for (const consumer of opts.consumers?.({ db: db, config: opts.config }) ?? []) events.durable(consumer);

  // Durable timers: this instance runs its share of those due.
  const timers = new TimerRunner(db, app.log, { pollMs: opts.config.timerPollMs });
  registerReceptionTimers(timers, { ctx, router });
  registerUploadTimers(timers, opts.db);
  registerTicketTimers(timers, ctx);
  app.addHook('onReady', async () => {
    await ensureQueueSweep(ctx);
    timers.start();
    await consumers.start();
  });
  app.addHook('preClose', async () => {
    await consumers.stop();
    await timers.stop();
  });

  const gateway = new Gateway({
    ...ctx,
    log: app.log,
    cookieName: SESSION_COOKIE,
    onCustomerGone: (contactId) => customerGone(ctx, contactId),
    visitors,
    limiter,
    queuePositions: (workspaceId, contactId) => router.positionsOf(workspaceId, contactId),
    limits: {
      maxConnectionsPerIp: opts.config.wsMaxConnectionsPerIp,
      queue: { customer: opts.config.wsMaxQueuedBytes, agent: 16 * opts.config.wsMaxQueuedBytes, total: opts.config.wsMaxQueuedBytesTotal },
      frameRate: opts.config.wsFrameRate,
      frameBurst: opts.config.wsFrameBurst,
      trustProxy: opts.config.trustProxy,
      allowedOrigins: opts.config.allowedOrigins,
    },
  });
  gateway.attach(app.server);
  app.decorate('gateway', gateway);
  app.addHook('preClose', () => gateway.close());
  // last: after timers, consumers, sockets and requests stopped, what they started finishes
  app.addHook('onClose', () => db.close());

  installErrorHandler(app);
  app.addHook('onResponse', (req, reply, done) => {
    metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  await app.register(cookie);
  installSecurityHeaders(app, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        fontSrc: ["'self'", 'data:'],
        frameAncestors: ["'self'"],
        // added only over HTTPS (installSecurityHeaders)
        upgradeInsecureRequests: null,
      },
    },
    crossOriginResourcePolicy: { policy: 'same-site' },
    crossOriginEmbedderPolicy: false,
  });
  // The OpenAPI document is the contract (README "API contract"): what every route shares is
  // added by route kind in http/contract.ts; each route declares its operationId and its own refusals.
  const knownRoutes = installContract(app);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Zhike 知客 API',
        version: '1',
        description:
          'Agent API (Authorization: Bearer <token> from /auth/login, or the console’s session cookie) and the public client API used by the widget (per inbox token in the path, and X-Contact-Token). ' +
          'Realtime: WebSocket at /api/v1/ws (first frame: hello). Errors: { error: { code, message, details? } }.',
        license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
      },
      servers: [{ url: '/', description: 'The Zhike server that serves this document' }],
      tags: API_TAGS,
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    transform: jsonSchemaTransform,
    // named schemas (Error, RateLimited) into components.schemas, then 204s without a body
    transformObject: (doc) => finishDocument(jsonSchemaTransformObject(doc)),
  });

  await app.register(opsPlugin);
  await app.register(
    async (api) => {
      // A JSON API: text/plain bodies are 415 like any other type we do not read (uploads add their own types).
      api.removeContentTypeParser('text/plain');
      api.setNotFoundHandler(apiNotFound(knownRoutes));
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
      await api.register(authPlugin);
      await api.register(conversationsPlugin);
      await api.register(contactsPlugin);
      await api.register(contactPrivacyPlugin);
      await api.register(auditPlugin);
      await api.register(agentsPlugin);
      await api.register(inboxesPlugin);
      await api.register(attachmentsPlugin);
      await api.register(skillGroupsPlugin);
      await api.register(calendarsPlugin);
      await api.register(routingPlugin);
      await api.register(visitorsPlugin);
      await api.register(eventsPlugin);
      await api.register(nlpPlugin);
      await api.register(inspectionsPlugin);
      await api.register(qaPacksPlugin);
      await api.register(cannedRepliesPlugin);
      await api.register(knowledgePlugin);
      await api.register(ticketsPlugin);
      await api.register(csatPlugin);
      await api.register(searchPlugin);
      await api.register(reportsPlugin);
      await api.register(widgetClientApi);
    },
    { prefix: API_PREFIX },
  );
  await app.register(staticPlugin, {
    defaultInboxToken: async () => {
      const rows = await db.query(`SELECT token FROM inboxes WHERE channel_type = 'web' ORDER BY id LIMIT 1`);
      return rows[0]?.token ?? null;
    },
  });
  return app;
}
