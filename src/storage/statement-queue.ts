/**
 * Runs work one item at a time, first come first served, and gives the event loop
 * a turn at least every `sliceMs` of it.
 *
 * PGlite runs in this thread, synchronously inside a promise callback. Chained
 * through its own mutex, one statement's completion starts the next as a
 * microtask, so a queue of statements runs to its end before the event loop
 * polls again — and since Node drains the microtask queue after every I/O
 * callback, each accepted connection or socket read paid for the whole backlog.
 * Under load a new keep-alive connection then waited 40 s to be accepted while
 * old ones went on (HTTP p99 7–50 s against a p50 of 250 ms). Here each slice
 * starts from setImmediate: between slices the server accepts connections, reads
 * requests and runs timers, and a caller's next statement queues behind those
 * already waiting (FIFO), not ahead of them.
 */
export class StatementQueue {
  private readonly items: (() => Promise<void>)[] = [];
  private active = false;

  constructor(private readonly sliceMs = 5) {}

  run<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.items.push(() => fn().then(resolve, reject));
      if (!this.active) {
        this.active = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    const until = performance.now() + this.sliceMs;
    for (let item = this.items.shift(); item; item = this.items.shift()) {
      await item();
      if (this.items.length > 0 && performance.now() >= until) {
        setImmediate(() => void this.drain());
        return;
      }
    }
    this.active = false;
  }
}
