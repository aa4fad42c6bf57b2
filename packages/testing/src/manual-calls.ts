/**
 * Deterministic stand-ins for slow asynchronous work. Instead of sleeping and hoping the timing works out, a test
 * holds each call until it releases it, in the order it chooses, and asks how many calls were in flight at once.
 *
 *     const calls = new ManualCalls();
 *     const ds = Dataset.range(4).map(async (x) => { await calls.start(`${x}`); return x; }, { numParallelCalls: 4 });
 *     const first = ds[Symbol.asyncIterator]().next();
 *     await calls.whenStarted(4);          // all four run at once
 *     calls.release('2');                  // the third finishes first
 */

/** One turn of the event loop: every queued promise callback and ready I/O callback runs before it resolves. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Waits, one event-loop turn at a time, until `condition()` holds; throws naming `what` after `turns` turns. For
 * effects without an event to await (a file handle the runtime closes after the read resolves). Counts turns, not
 * time, so a slow machine does not change the outcome.
 */
export async function eventually(condition: () => boolean, what: string, turns = 10_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (condition()) return;
    await nextTurn();
  }
  if (!condition()) throw new Error(`eventually(): ${what} did not happen within ${turns} event-loop turns`);
}

/** Whether `promise` has settled by now (after letting queued callbacks run). */
export async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  await nextTurn();
  return settled;
}

/** Calls that finish when the test says so. Keys name the calls; several calls may share a key. */
export class ManualCalls {
  /** Every key started, in order. */
  readonly startedKeys: string[] = [];
  /** Calls started and not yet released. */
  inFlight = 0;
  /** The most calls in flight at one time. */
  maxInFlight = 0;
  private readonly held: { key: string; release: () => void }[] = [];
  private autoRelease: (key: string) => boolean = () => false;

  /** Starts a call; the promise resolves when the test releases it (or at once, for keys `releaseFrom` matches). */
  start(key: string): Promise<void> {
    this.startedKeys.push(key);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const done = new Promise<void>((release) => this.held.push({ key, release }));
    if (this.autoRelease(key)) this.release(key);
    return done.then(() => {
      this.inFlight--;
    });
  }

  get started(): number {
    return this.startedKeys.length;
  }

  /** Keys of the calls started and still held, oldest first. */
  get heldKeys(): string[] {
    return this.held.map((h) => h.key);
  }

  /** Releases the oldest held call with `key`; throws if there is none, so a test cannot release a call by mistake. */
  release(key: string): void {
    const at = this.held.findIndex((h) => h.key === key);
    if (at < 0) throw new Error(`ManualCalls.release(): no held call '${key}'; held: [${this.heldKeys.join(', ')}]`);
    this.held.splice(at, 1)[0]!.release();
  }

  /** From now on, calls whose key passes `filter` finish at once; the ones already held that pass are released. */
  releaseFrom(filter: (key: string) => boolean = () => true): void {
    this.autoRelease = filter;
    for (const h of [...this.held]) if (filter(h.key)) this.release(h.key);
  }

  /** Resolves once `count` calls have started; throws if no new call starts for `turns` event-loop turns. */
  async whenStarted(count: number, turns = 1000): Promise<void> {
    let idle = 0;
    let seen = this.started;
    while (this.started < count) {
      await nextTurn();
      if (this.started > seen) {
        seen = this.started;
        idle = 0;
      } else if (++idle >= turns) {
        throw new Error(
          `ManualCalls.whenStarted(${count}): only ${this.started} call(s) started [${this.startedKeys.join(', ')}]`,
        );
      }
    }
  }
}
