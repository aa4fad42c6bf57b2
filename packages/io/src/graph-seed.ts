/**
 * TF's graph-level seed for code that cannot see the Estimator: while `withGraphSeed(seed, fn)` runs, each random
 * op created without its own seed takes `nextOpSeed()`, a seed derived from the graph seed and how many such ops
 * came before it (TF's op seed = graph op count). The same graph seed and the same code give the same seeds, so an
 * unseeded `shuffle()` in an input_fn is reproducible under `RunConfig({ randomSeed })`, as in TF.
 * Scope: synchronous code inside `fn` only (an async input_fn's code before its first `await`).
 */
let current: { readonly seed: number; count: number } | null = null;

/**
 * Runs `fn` with `seed` as the graph seed (none when undefined) and returns its result; restores the outer scope.
 * @example
 *   import { Dataset } from '@estimatorjs/data';
 *   const ds = withGraphSeed(42, () => Dataset.range(10).shuffle(10)); // same order on every run
 */
export function withGraphSeed<T>(seed: number | undefined, fn: () => T): T {
  const outer = current;
  current = seed === undefined ? null : { seed, count: 0 };
  try {
    return fn();
  } finally {
    current = outer;
  }
}

/**
 * The seed for the next random op that has none of its own, or undefined outside a graph seed (draw one at random).
 * @example
 *   const seed = nextOpSeed() ?? Math.floor(Math.random() * 2 ** 32); // a data op without its own seed
 */
export function nextOpSeed(): number | undefined {
  if (current === null) return undefined;
  const n = current.count++;
  // splitmix32-style mix of (graph seed, op index): nearby seeds and indices give unrelated op seeds.
  let h = (Math.imul(current.seed | 0, 0x9e3779b1) + Math.imul(n + 1, 0x85ebca6b)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad);
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97);
  return (h ^ (h >>> 15)) >>> 0;
}
