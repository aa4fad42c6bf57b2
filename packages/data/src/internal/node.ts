/**
 * The internal protocol every Dataset implements: a producer of possibly lazy elements per iteration.
 */
import type { FeedValue } from './slice-source.js';

/** Per-iterator state shared by all stages of one iteration. */
export interface IterContext {
  /** Placeholder values from `initialize()`, or null when iterating without a feed. */
  readonly feed: ReadonlyMap<string, FeedValue> | null;
  /** Which iterator of the root dataset this is (0, 1, ...); seeds per-iterator randomness (shuffle). */
  readonly serial: number;
  /** Per-stage counters within this iterator (e.g. how many times a shuffle stage has started). */
  readonly counters: Map<object, number>;
  /**
   * Set below an `ignoreErrors()` stage: an element whose function (map, filter, ...) throws is dropped and the
   * error handed here instead of ending the iteration.
   */
  readonly skipError?: (e: unknown) => void;
  /** `withOptions({ deterministic })` of the dataset being iterated: the default of stages that leave it unset. */
  readonly deterministic?: boolean;
}

/** A stage: produces internal elements (possibly lazy) for a context. */
export interface Node {
  readonly size: number | null;
  _iterate(ctx: IterContext): AsyncIterator<unknown>;
}

/** Pulls and returns the next value of `it`; closes nothing. */
export type Producer = (ctx: IterContext) => AsyncIterator<unknown>;

/** Increments and returns the previous value of a per-context counter. */
export function nextCount(ctx: IterContext, key: object): number {
  const n = ctx.counters.get(key) ?? 0;
  ctx.counters.set(key, n + 1);
  return n;
}
