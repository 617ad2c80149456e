import type { ApiErrorBody } from './types';

/** An API failure: the server's { error: { code, message, details } }, or a network/timeout failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** No answer from the server (offline, timeout, server down): worth retrying. */
  get isNetwork(): boolean {
    return this.status === 0;
  }

  /** Worth sending again later (no answer, timeout, rate limit, server error); a 4xx refusal is final. */
  get transient(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

export const API_BASE = '/api/v1';

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler | null = null;

/** Called when any request answers 401: the session ended (expired, logged out elsewhere, deactivated). */
export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
  onUnauthorized = handler;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, string | number | undefined | null>;
  /** JSON body; or a Blob sent raw with its own Content-Type */
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Do not treat 401 as "session ended" (the login form) */
  allow401?: boolean;
}

/**
 * fetch with the session cookie (never a token in storage), JSON in and out,
 * errors as ApiError, a timeout, and a global hook for 401.
 */
export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const url = new URL(API_BASE + path, window.location.origin);
  for (const [k, v] of Object.entries(opts.query ?? {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  }
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: BodyInit | undefined;
  if (opts.body instanceof Blob) {
    body = opts.body;
    headers['Content-Type'] = opts.contentType ?? (opts.body.type || 'application/octet-stream');
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }

  const timeout = new AbortController();
  const timer = window.setTimeout(() => timeout.abort(), opts.timeoutMs ?? 20_000);
  const onOuterAbort = () => timeout.abort();
  opts.signal?.addEventListener('abort', onOuterAbort);

  let res: Response;
  try {
    res = await fetch(url.pathname + url.search, {
      method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      credentials: 'same-origin',
      signal: timeout.signal,
    });
  } catch (err) {
    const aborted = timeout.signal.aborted && !opts.signal?.aborted;
    throw new ApiError(0, aborted ? 'timeout' : 'network_error', aborted ? 'the server did not answer in time' : 'could not reach the server');
  } finally {
    window.clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onOuterAbort);
  }

  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!res.ok) {
    const err = (json as ApiErrorBody | undefined)?.error;
    const apiError = new ApiError(
      res.status,
      err?.code ?? `http_${res.status}`,
      err?.message ?? (res.statusText || `HTTP ${res.status}`),
      err?.details,
    );
    if (res.status === 401 && !opts.allow401) onUnauthorized?.();
    throw apiError;
  }
  return json as T;
}
