import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

/** Runtime configuration, from the environment. Every variable is documented in the README. */
export interface Config {
  port: number;
  host: string;
  /** Embedded database (PGlite) lives here when DATABASE_URL is not set. */
  dataDir: string;
  databaseUrl?: string;
  /** PostgreSQL schema (tests isolate themselves with one each). */
  databaseSchema?: string;
  databasePoolSize: number;
  redisUrl?: string;
  adminEmail?: string;
  adminPassword?: string;
  /** Where the built console and widget are served from. */
  staticDir: string;
  instanceId: string;
  logLevel: string;
  /** Trust X-Forwarded-* from a reverse proxy (needed for per-client rate limits behind one). */
  trustProxy: boolean;
  /** Login attempts allowed per client IP per minute. */
  loginRateLimit: number;
  /** How often this instance looks for due timers (ms). */
  timerPollMs: number;
  /** A durable consumer's lease (ms): a dead instance's consumers are taken over after it. */
  consumerLeaseMs: number;
  /** How often consumers look at the log without a wake-up (ms): another instance's events without Redis. */
  consumerPollMs: number;
  /** A failing consumer's first retry delay (ms); it doubles per attempt, up to 5 attempts. */
  consumerRetryMs: number;
  /** An upload no message refers to is deleted after this many minutes. */
  uploadExpiryMinutes: number;
  /** Bytes a contact (visitor) may upload per UTC day; 0: no quota. */
  uploadDailyBytes: number;
  /** Files a contact (visitor) may upload per UTC day; 0: no quota. */
  uploadDailyFiles: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: path.resolve(env.ZHIKE_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    databaseSchema: env.DATABASE_SCHEMA || undefined,
    databasePoolSize: Number(env.DATABASE_POOL_SIZE ?? 20),
    redisUrl: env.REDIS_URL || undefined,
    adminEmail: env.ZHIKE_ADMIN_EMAIL || undefined,
    adminPassword: env.ZHIKE_ADMIN_PASSWORD || undefined,
    staticDir: path.resolve(env.ZHIKE_STATIC_DIR ?? path.join(projectRoot(), 'dist', 'public')),
    instanceId: env.ZHIKE_INSTANCE_ID ?? `${process.pid}-${crypto.randomBytes(3).toString('hex')}`,
    logLevel: env.LOG_LEVEL ?? 'info',
    trustProxy: env.ZHIKE_TRUST_PROXY === 'true',
    loginRateLimit: Number(env.ZHIKE_LOGIN_RATE_LIMIT ?? 10),
    timerPollMs: Number(env.ZHIKE_TIMER_POLL_MS ?? 500),
    consumerLeaseMs: positive('ZHIKE_CONSUMER_LEASE_MS', env.ZHIKE_CONSUMER_LEASE_MS, 15_000),
    consumerPollMs: positive('ZHIKE_CONSUMER_POLL_MS', env.ZHIKE_CONSUMER_POLL_MS, 1000),
    consumerRetryMs: positive('ZHIKE_CONSUMER_RETRY_MS', env.ZHIKE_CONSUMER_RETRY_MS, 100),
    uploadExpiryMinutes: positive('ZHIKE_UPLOAD_EXPIRY_MINUTES', env.ZHIKE_UPLOAD_EXPIRY_MINUTES, 60, 'a positive number of minutes'),
    uploadDailyBytes: count('ZHIKE_UPLOAD_DAILY_BYTES', env.ZHIKE_UPLOAD_DAILY_BYTES, 50 * 1024 * 1024),
    uploadDailyFiles: count('ZHIKE_UPLOAD_DAILY_FILES', env.ZHIKE_UPLOAD_DAILY_FILES, 50),
    ...overrides,
  };
}

function positive(name: string, value: string | undefined, fallback: number, what = 'a positive number of milliseconds'): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be ${what}, got ${value}`);
  return n;
}

/** A whole number ≥ 0 (0 turns the limit off). */
function count(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a whole number ≥ 0 (0 turns the quota off), got ${value}`);
  return n;
}

/** The folder holding package.json, whether we run from src/ (tests) or dist/ (npm start). */
export function projectRoot(): string {
  let dir = import.meta.dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + import.meta.dirname);
    dir = up;
  }
  return dir;
}
