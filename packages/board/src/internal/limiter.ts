/**
 * Limiter: at most `size` tasks at once, the others wait in order. The index reads the first bytes of many event
 * files (or their persistent-index entries): all at once, every read would progress side by side and the first run
 * would arrive only when nearly all had, with every file's bytes in memory at the same time.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {}

  /** Runs `task` when fewer than `size` others run. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((go) => this.waiting.push(go));
    else this.active += 1;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}
