/**
 * A clock a test moves by hand: `now()` in milliseconds since the epoch and `every(ms, fn)` interval timers that
 * fire only when the test calls `advance()`. Code that takes a clock option (EventWriter's `clock`) runs on it
 * without a test ever waiting for real time to pass.
 */
export class ManualClock {
  private time: number;
  private readonly timers = new Set<{ every: number; due: number; fn: () => void }>();

  /** Starts at `start` ms since the epoch (default 2023-11-14T22:13:20Z, a round 1.7e12). */
  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  every(ms: number, fn: () => void): () => void {
    if (!(ms > 0)) throw new Error(`ManualClock.every(): ms must be > 0, received ${ms}`);
    const timer = { every: ms, due: this.time + ms, fn };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  /** Intervals still running. */
  get activeTimers(): number[] {
    return [...this.timers].map((t) => t.every);
  }

  /** Moves time forward by `ms`, firing every timer that comes due, earliest first. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: { every: number; due: number; fn: () => void } | undefined;
      for (const t of this.timers) if (t.due <= end && (next === undefined || t.due < next.due)) next = t;
      if (next === undefined) break;
      this.time = next.due;
      next.due += next.every;
      next.fn();
    }
    this.time = end;
  }
}
