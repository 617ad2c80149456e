/**
 * How many frames one socket may send: a token bucket (rate per second, burst).
 * Every frame takes a token before it is even parsed: frames before hello and
 * invalid ones count like the rest, so a flood costs the server almost nothing.
 */
export class FrameBudget {
  private tokens: number;
  private lastRefill = Date.now();
  /** Frames refused since the last accepted one: only the first of a run is answered. */
  private refusedInRow = 0;
  /** Refused frames, forgiven at `rate` per second: a client that keeps flooding is closed. */
  private strikes = 0;

  constructor(
    readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /**
   * ok: handle the frame. refuse: drop it and say so (only the first of a run is
   * answered, so refusals do not amplify a flood). drop: drop it silently.
   * close: the client ignores the refusals (more than two bursts' worth of refused frames
   * outstanding); end the connection.
   */
  take(): 'ok' | 'refuse' | 'drop' | 'close' {
    const now = Date.now();
    const refill = ((now - this.lastRefill) / 1000) * this.rate;
    this.tokens = Math.min(this.burst, this.tokens + refill);
    this.strikes = Math.max(0, this.strikes - refill);
    this.lastRefill = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.refusedInRow = 0;
      return 'ok';
    }
    this.refusedInRow++;
    if (++this.strikes > 2 * this.burst) return 'close';
    return this.refusedInRow === 1 ? 'refuse' : 'drop';
  }
}
