import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { limitRulesFrom, type LimitRules } from './ratelimit/rules.js';
import { WS_FRAME_BURST, WS_FRAME_RATE } from './core/limits.js';

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
  /**
   * Trust X-Forwarded-* from reverse proxies (needed for per-client rate limits behind
   * one): true trusts every hop, a number that many proxy hops in front of Zhike.
   */
  trustProxy: boolean | number;
  /** Failed logins per account and client IP before the pair is locked (then for a growing time). */
  loginRateLimit: number;
  /** Client API limits per client IP and per contact (ZHIKE_LIMIT_*); null: off. */
  limits: LimitRules;
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /** How often this instance looks for due timers (ms). */
  timerPollMs: number;
  /** A durable consumer's lease (ms): a dead instance's consumers are taken over after it. */
  consumerLeaseMs: number;
  /** How often consumers look at the log without a wake-up (ms): another instance's events without Redis. */
  consumerPollMs: number;
  /** A failing consumer's first retry delay (ms); it doubles per attempt, up to 5 attempts. */
  consumerRetryMs: number;
  /** WebSocket connections one client IP may hold on this instance (0: no cap). */
  wsMaxConnectionsPerIp: number;
  /** Bytes a customer's socket may have queued before it is dropped as too slow (agents: 16×). */
  wsMaxQueuedBytes: number;
  /** Bytes all sockets of this instance may have queued; past it the most backed-up sockets are dropped. */
  wsMaxQueuedBytesTotal: number;
  /** Frames per second a WebSocket may send (every frame counts: before hello, invalid ones too), and the burst. */
  wsFrameRate: number;
  wsFrameBurst: number;
  /** Origins besides the console's own from which a console (session cookie) may open the WebSocket. */
  allowedOrigins: string[];
  /** An upload no message refers to is deleted after this many minutes. */
  uploadExpiryMinutes: number;
  /** 申诉: an agent appeals a 质检 finding within this many days of the inspection (or its review), and takes a rejected appeal further within as many. */
  qaAppealDays: number;
  /** Bytes a contact (visitor) may upload per UTC day; 0: no quota. */
  uploadDailyBytes: number;
  /** Files a contact (visitor) may upload per UTC day; 0: no quota. */
  uploadDailyFiles: number;
  /**
   * Optional OpenAI-compatible chat API (DeepSeek, Qwen, a local server) the bot may use to
   * reword knowledge-base answers; off unless ZHIKE_LLM_URL is set.
   */
  llm?: { url: string; key?: string; model: string; timeoutMs: number };
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
    trustProxy: trustProxyFrom(env.ZHIKE_TRUST_PROXY),
    loginRateLimit: positiveInteger('ZHIKE_LOGIN_RATE_LIMIT', env.ZHIKE_LOGIN_RATE_LIMIT, 5),
    limits: limitRulesFrom(env),
    metricsToken: env.ZHIKE_METRICS_TOKEN || undefined,
    timerPollMs: Number(env.ZHIKE_TIMER_POLL_MS ?? 500),
    consumerLeaseMs: positive('ZHIKE_CONSUMER_LEASE_MS', env.ZHIKE_CONSUMER_LEASE_MS, 15_000),
    consumerPollMs: positive('ZHIKE_CONSUMER_POLL_MS', env.ZHIKE_CONSUMER_POLL_MS, 1000),
    consumerRetryMs: positive('ZHIKE_CONSUMER_RETRY_MS', env.ZHIKE_CONSUMER_RETRY_MS, 100),
    wsMaxConnectionsPerIp: count('ZHIKE_WS_MAX_CONNECTIONS_PER_IP', env.ZHIKE_WS_MAX_CONNECTIONS_PER_IP, 200, 0),
    wsMaxQueuedBytes: count('ZHIKE_WS_MAX_QUEUED_BYTES', env.ZHIKE_WS_MAX_QUEUED_BYTES, 256 * 1024, 16 * 1024),
    wsMaxQueuedBytesTotal: count('ZHIKE_WS_MAX_QUEUED_BYTES_TOTAL', env.ZHIKE_WS_MAX_QUEUED_BYTES_TOTAL, 64 * 1024 * 1024, 16 * 1024),
    wsFrameRate: count('ZHIKE_WS_FRAME_RATE', env.ZHIKE_WS_FRAME_RATE, WS_FRAME_RATE, 1),
    wsFrameBurst: count('ZHIKE_WS_FRAME_BURST', env.ZHIKE_WS_FRAME_BURST, WS_FRAME_BURST, 1),
    allowedOrigins: origins('ZHIKE_ALLOWED_ORIGINS', env.ZHIKE_ALLOWED_ORIGINS),
    uploadExpiryMinutes: positive('ZHIKE_UPLOAD_EXPIRY_MINUTES', env.ZHIKE_UPLOAD_EXPIRY_MINUTES, 60, 'a positive number of minutes'),
    qaAppealDays: positive('ZHIKE_QA_APPEAL_DAYS', env.ZHIKE_QA_APPEAL_DAYS, 7, 'a positive number of days'),
    uploadDailyBytes: count('ZHIKE_UPLOAD_DAILY_BYTES', env.ZHIKE_UPLOAD_DAILY_BYTES, 50 * 1024 * 1024, 0),
    uploadDailyFiles: count('ZHIKE_UPLOAD_DAILY_FILES', env.ZHIKE_UPLOAD_DAILY_FILES, 50, 0),
    llm: env.ZHIKE_LLM_URL
      ? {
          url: env.ZHIKE_LLM_URL,
          key: env.ZHIKE_LLM_KEY || undefined,
          model: env.ZHIKE_LLM_MODEL || 'deepseek-chat',
          timeoutMs: positive('ZHIKE_LLM_TIMEOUT_MS', env.ZHIKE_LLM_TIMEOUT_MS, 8000),
        }
      : undefined,
    ...overrides,
  };
}

/** A whole number of at least `min` (a count, or bytes). */
function count(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} must be a whole number of at least ${min}, got ${value}`);
  return n;
}

/** A comma-separated list of origins (scheme://host[:port]), normalized as browsers send them. */
function origins(name: string, value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((o) => {
      let url: URL;
      try {
        url = new URL(o);
      } catch {
        throw new Error(`${name}: "${o}" is not an origin like https://console.example.com`);
      }
      if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search || url.hash)
        throw new Error(`${name}: "${o}" is not an origin like https://console.example.com (scheme, host and port only)`);
      return url.origin;
    });
}

function positive(name: string, value: string | undefined, fallback: number, what = 'a positive number of milliseconds'): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be ${what}, got ${value}`);
  return n;
}

function trustProxyFrom(value: string | undefined): boolean | number {
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true') return true;
  const hops = Number(value);
  if (!Number.isSafeInteger(hops) || hops < 1) throw new Error(`ZHIKE_TRUST_PROXY must be true, false or the number of proxies in front of Zhike (e.g. 1), got ${value}`);
  return hops;
}

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a whole number of at least 1, got ${value}`);
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
