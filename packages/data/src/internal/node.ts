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
