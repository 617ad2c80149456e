import { bootstrap } from '../bootstrap.js';
import { loadConfig } from '../config.js';
import { openBus } from '../bus/bus.js';
import { openDb } from '../storage/db.js';
import { migrate } from '../storage/migrate.js';
import type { Listener } from '../events/dispatcher.js';
import { warmNlp } from '../nlp/engines.js';
import { analysisThread } from '../nlp/analysis-worker.js';
import { buildApp, type ConsumerFactory } from './app.js';

/**
 * What `npm start` runs (main.ts): open storage (PGlite in ./data, or PostgreSQL
 * with DATABASE_URL), apply migrations, create the first workspace if needed,
 * serve, and shut down gracefully on SIGTERM/SIGINT. `consumers`, `listeners`: durable
 * consumers and live listeners of a deployment's own (the benchmark and the process tests add theirs).
 */
export async function startServer(opts: { consumers?: ConsumerFactory; listeners?: Listener[] } = {}): Promise<void> {
  const config = loadConfig();
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema, poolSize: config.databasePoolSize });
  const applied = await migrate(db);
  const boot = await bootstrap(db, { adminEmail: config.adminEmail, adminPassword: config.adminPassword });
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  const bus = await openBus(config.redisUrl, config.instanceId, (err) => app?.log.error({ err }, 'redis bus error'));
  app = await buildApp({ config, db, bus, consumers: opts.consumers, listeners: opts.listeners });
  const log = app.log;
  if (applied.length) log.info({ applied }, 'database migrations applied');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing requests, closing connections');
    const force = setTimeout(() => {
      log.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    try {
      await app!.close();
      await bus.close();
      await db.close();
      log.info('bye');
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  // the language engine loads now, in steps, rather than on the first customer's message
  // (and the analysis thread's own, on the other core)
  const warming = performance.now();
  warmNlp('zh-CN').then(
    () => log.info({ ms: Math.round(performance.now() - warming) }, 'language engine ready (zh-CN)'),
    (err) => log.error({ err }, 'language engine failed to load; it loads again on first use'),
  );
  analysisThread.warm('zh-CN').then(
    () => log.info({ ms: Math.round(performance.now() - warming) }, 'analysis thread ready (zh-CN)'),
    (err) => log.error({ err }, 'analysis thread failed to start; it starts again on the first message'),
  );
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info(
    { port, storage: config.databaseUrl ? 'postgresql' : `pglite (${config.dataDir})`, bus: bus.kind, instance: config.instanceId },
    'Zhike is ready',
  );
  if (boot.created) {
    const lines = [
      '',
      '  知客 Zhike — first start: your workspace is ready',
      `  Console:  http://localhost:${port}/`,
      `  Demo:     http://localhost:${port}/demo`,
      `  Admin:    ${boot.created.adminEmail}`,
      boot.created.generatedPassword
        ? `  Password: ${boot.created.generatedPassword}   (generated; shown only this once — change it after logging in)`
        : '  Password: the one in ZHIKE_ADMIN_PASSWORD',
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
  }
}

