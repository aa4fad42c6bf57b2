/**
 * Stateful stages: scan (a running state), unique (first occurrences), groupByWindow (per-key windows reduced to
 * datasets). Each owns the elements it holds (a window's, the state's) and frees them in `finally`.
 * Does not own: bucketing by length (built on groupByWindow in dataset.ts) or batching.
 */
import * as tf from '@tensorflow/tfjs-core';
import { invalidArgument } from '../errors.js';
import { freeze, thaw } from './freeze.js';
import { materialize } from './lazy.js';
import type { IterContext, Node } from './node.js';
import { disposeElement, disposeExcept, mapStructure, tensorsOf } from './structure.js';

type Gen = (ctx: IterContext) => AsyncIterator<unknown>;

function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === 'function' && fn.constructor?.name === 'AsyncFunction';
}

/** Runs `fn(...args)` in `tf.tidy` when it is synchronous (keeping what it returns), as is when async. */
async function call(fn: (...a: never[]) => unknown, args: unknown[]): Promise<unknown> {
  const f = fn as (...a: unknown[]) => unknown;
  if (isAsyncFunction(fn)) return await f(...args);
  return tf.tidy(() => f(...args) as tf.TensorContainer);
}

/**
 * `scan(initialState, fn)`: `fn(state, x)` returns `[newState, output]`; the output is yielded and the new state
 * carried on. Each iteration starts from a fresh copy of `initialState` (the caller's tensors are never disposed).
 * A tensor returned both as state and output is copied for the output, since the consumer disposes what it receives.
 */
export function scanProducer(src: Node, initial: unknown, fn: (s: unknown, x: unknown) => unknown): Gen {
  const api = 'Dataset.scan()';
  const frozen = freeze(initial);
  return async function* scan(ctx) {
    const it = src._iterate(ctx);
    let state = thaw(frozen);
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        const x = materialize(r.value);
        let res: unknown;
        try {
          res = await call(fn, [state, x]);
        } catch (e) {
          disposeElement(x);
          throw e;
        }
        if (!Array.isArray(res) || res.length !== 2) {
          disposeExcept([state, x], []);
          disposeElement(res);
          throw invalidArgument(
            `${api}: fn(state, element) must return [newState, output]. Received ${Array.isArray(res) ? `an array of ${res.length}` : typeof res}.`,
          );
        }
        const [next, out] = res as [unknown, unknown];
        disposeExcept([state, x], res);
        const kept = new Set(tensorsOf(next));
        state = next;
        yield mapStructure(out, (l) => (l instanceof tf.Tensor && kept.has(l) ? l.clone() : l));
      }
    } finally {
      disposeElement(state);
      await it.return?.();
    }
  };
}

/** The value `unique()` compares: a number, string or the value of a scalar int32/string tensor. */
async function uniqueKey(api: string, x: unknown): Promise<string | number> {
  if (typeof x === 'number' || typeof x === 'string') return x;
  if (x instanceof tf.Tensor && x.rank === 0 && (x.dtype === 'int32' || x.dtype === 'string')) {
    const v = (await x.data())[0]!;
    // data() of a string tensor gives the decoded strings
    return typeof v === 'number' ? v : `s:${String(v)}`;
  }
  const what = x instanceof tf.Tensor ? `a ${x.dtype} tensor of shape [${x.shape.join(', ')}]` : typeof x;
  throw invalidArgument(
    `${api}: expected elements that are scalar int32 or string tensors, numbers or strings (as tf.data's unique). Received ${what}.`,
  );
}

/** `unique()`: each distinct element once, in order of first occurrence; repeats are disposed. */
export function uniqueProducer(src: Node): Gen {
  const api = 'Dataset.unique()';
  return async function* unique(ctx) {
    const it = src._iterate(ctx);
    const seen = new Set<string | number>();
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        const x = materialize(r.value);
        let key: string | number;
        try {
          key = await uniqueKey(api, x);
        } catch (e) {
          disposeElement(x);
          throw e;
        }
        if (seen.has(key)) disposeElement(x);
        else {
          seen.add(key);
          yield x;
        }
      }
    } finally {
      await it.return?.();
    }
  };
}

/** A key or window size computed by a user function: an integer, or a scalar int tensor (read, then disposed). */
async function integerOf(api: string, what: string, v: unknown): Promise<number> {
  let n = v;
  if (v instanceof tf.Tensor) {
    try {
      if (v.size !== 1 || v.dtype === 'string')
        throw invalidArgument(`${api}: ${what} must be a scalar. Received shape [${v.shape.join(', ')}].`);
      n = (await v.data())[0];
    } finally {
      v.dispose();
    }
  }
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw invalidArgument(`${api}: ${what} must be an integer (or a scalar int tensor). Received ${String(n)}.`);
  }
  return n;
}

/** The pieces of a groupByWindow stage. */
export interface GroupByWindowConfig {
  readonly api: string;
  readonly keyFunc: (x: unknown) => unknown;
  readonly reduceFunc: (key: number, window: never) => Node;
  /** The window size of a key (a constant, or TF's `window_size_func`). */
  readonly windowSize: (key: number) => unknown;
  /** Makes the window dataset `reduceFunc` receives from frozen elements. */
  readonly makeWindow: (frozen: unknown[]) => unknown;
}

/**
 * `groupByWindow`: elements go to the window of their key; a full window is reduced (`reduceFunc(key, window)`
 * returns a dataset whose elements are yielded), and at the end of the input the partial windows are reduced in
 * ascending key order, as tf.data's GroupByWindowDataset does.
 */
export function groupByWindowProducer(src: Node, cfg: GroupByWindowConfig): Gen {
  const { api } = cfg;
  return async function* groupByWindow(ctx) {
    const it = src._iterate(ctx);
    const groups = new Map<number, { size: number; frozen: unknown[] }>();
    async function* reduce(key: number, frozen: unknown[]) {
      const ds = cfg.reduceFunc(key, cfg.makeWindow(frozen) as never);
      if (typeof (ds as Partial<Node> | null)?._iterate !== 'function') {
        throw invalidArgument(`${api}: reduceFunc(key, window) must return a Dataset. Received ${typeof ds}.`);
      }
      const sub = ds._iterate(ctx);
      try {
        for (let s = await sub.next(); !s.done; s = await sub.next()) yield s.value;
      } finally {
        await sub.return?.();
      }
    }
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        const x = materialize(r.value);
        let key: number;
        let g: { size: number; frozen: unknown[] } | undefined;
        try {
          key = await integerOf(api, 'keyFunc(element)', await call(cfg.keyFunc, [x]));
          g = groups.get(key);
          if (!g) {
            const size = await integerOf(api, 'the window size', cfg.windowSize(key));
            if (size < 1)
              throw invalidArgument(`${api}: the window size must be >= 1. Received ${size} for key ${key}.`);
            g = { size, frozen: [] };
            groups.set(key, g);
          }
          g.frozen.push(freeze(x));
        } finally {
          disposeElement(x);
        }
        if (g.frozen.length === g.size) {
          groups.delete(key);
          yield* reduce(key, g.frozen);
        }
      }
      for (const key of [...groups.keys()].sort((a, b) => a - b)) {
        const g = groups.get(key)!;
        groups.delete(key);
        yield* reduce(key, g.frozen);
      }
    } finally {
      groups.clear();
      await it.return?.();
    }
  };
}

/** The bucket of a length under TF's rule: bucket i holds boundaries[i-1] <= length < boundaries[i]. */
export function bucketOf(length: number, boundaries: readonly number[]): number {
  let i = 0;
  while (i < boundaries.length && length >= boundaries[i]!) i++;
  return i;
}
