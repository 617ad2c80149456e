/**
 * Where the external services for tests live. PostgreSQL and Redis are required:
 * these suites never skip, so a missing service fails loudly with how to fix it.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const ADMIN_EMAIL = 'admin@zhike.test';
export const ADMIN_PASSWORD = 'admin-pass-123';

export type DbKind = 'pglite' | 'postgres';
export const DB_KINDS: DbKind[] = ['pglite', 'postgres'];
