import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // expect.poll waits 1 s by default; a real browser on a loaded two-core machine (CI runs two
    // heavy suites side by side) can take longer to show the result of a click that did work
    expect: { poll: { timeout: 10_000, interval: 50 } },
    pool: 'forks',
    // Two cores: the process-spawning suites (crash, multi-instance, browser) are heavy.
    maxWorkers: 2,
    // the failure digest repeats what failed browser tests saw after the summary (CI keeps the end of the log)
    reporters: ['default', './test/helpers/failure-digest-reporter.ts'],
  },
});
