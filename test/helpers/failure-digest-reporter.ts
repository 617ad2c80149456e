import type { UserConsoleLog } from 'vitest';
import type { Reporter } from 'vitest/node';

/** Marks what a failed test printed about itself (test/helpers/suite.ts): this reporter repeats it after the summary. */
export const DIGEST_MARK = '[failure digest]';
const LINES_PER_FAILURE = 45;
const MAX_FAILURES = 3;

/**
 * CI keeps only the end of the log, where the summary names the failed tests but
 * not what the browser and the server saw. This reporter repeats, after the
 * summary, the last lines of each failed browser test's own account.
 */
export default class FailureDigestReporter implements Reporter {
  private digests: string[] = [];

  onUserConsoleLog(log: UserConsoleLog): void {
    if (log.content.includes(DIGEST_MARK)) this.digests.push(log.content);
  }

  onTestRunEnd(): void {
    if (this.digests.length === 0) return;
    const shown = this.digests.slice(-MAX_FAILURES).map((d) => {
      const lines = d.trimEnd().split('\n');
      const head = lines[0] ?? '';
      const tail = lines.slice(1).slice(-(LINES_PER_FAILURE - 1)).map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l));
      return [head, ...tail].join('\n');
    });
    process.stdout.write(`\n${shown.join('\n\n')}\n`);
  }
}
