import type { Db, Row, Sql } from './db.js';

/** A statement asked for after the application shut down: it is not run. */
export class ShutDownError extends Error {
  constructor() {
    super('the application is shutting down: no new database work is started');
    this.name = 'ShutDownError';
  }
}

/**
 * The application's handle on the database. It counts statements and transactions
 * in flight so shutting down can wait for them, and once shut down it starts no
 * more: whatever a timer, a socket or a listener still tries afterwards is refused
 * instead of running against a database that is being closed (or, in tests, a schema
 * being dropped). The database itself stays open: its owner closes it.
 */
export class DrainingDb implements Db {
  private inFlight = 0;
  private idle: (() => void)[] = [];
  private shutDown = false;

  constructor(private readonly base: Db) {}

  get dialect() {
    return this.base.dialect;
  }

  query<T extends Row = Row>(text: string, params?: unknown[]): Promise<T[]> {
    return this.track(() => this.base.query<T>(text, params));
  }

  exec(text: string): Promise<void> {
    return this.track(() => this.base.exec(text));
  }

  tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    return this.track(() => this.base.tx(fn));
  }

  /**
   * Stops taking new work once what is in flight is done, including what it starts
   * on its way (a page view's second statement, a batch's post-commit write): waits
   * until nothing has run for a turn of the event loop, at most `timeoutMs`.
   */
  async close(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
          this.idle.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
        continue;
      }
      // continuations of what just finished get their turn to start more
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setTimeout(r, 1));
      if (this.inFlight === 0) break;
    }
    this.shutDown = true;
  }

  private async track<T>(run: () => Promise<T>): Promise<T> {
    if (this.shutDown) throw new ShutDownError();
    this.inFlight++;
    try {
      return await run();
    } finally {
      if (--this.inFlight === 0) {
        const waiting = this.idle;
        this.idle = [];
        for (const w of waiting) w();
      }
    }
  }
}
