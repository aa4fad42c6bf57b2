/**
 * `map(fn, { vectorize: true })`: the caller promises that `fn` is pure and works row by row along dim 0,
 * so applying it to a batch gives the batch of its per-element results (tf.data's map-and-batch fusion).
 * Rows of an in-memory source then carry `fn` unapplied through shuffle/repeat/take/skip/shard; a lone row
 * gets `fn` on its own, a batch gets `fn` once on the whole batch. The first batch of each vectorized map
 * is checked against per-element application and a mismatch is an error, so a wrong promise fails loudly
 * instead of training on different data.
 */
import * as tf from '@tensorflow/tfjs-core';
import { invalidArgument } from '../errors.js';
import type { SliceSource } from './lazy.js';
import { disposeElement, disposeExcept, leaves } from './structure.js';

/** A pending vectorized map function; `checked` once a batch matched per-element application. */
export interface VectorizedMap {
  readonly fn: (x: unknown) => unknown;
  checked: boolean;
}

/** How many rows of the first batch are compared with per-element application. */
const CHECK_ROWS = 16;

function runOne(fn: (x: unknown) => unknown, x: unknown): unknown {
  let y: unknown;
  try {
    y = tf.tidy(() => {
      const out = fn(x);
      if (out !== null && typeof out === 'object' && typeof (out as { then?: unknown }).then === 'function') {
        throw invalidArgument(
          'Dataset.map(fn, { vectorize: true }): fn returned a promise. Expected a synchronous fn; drop vectorize for async functions.',
        );
      }
      return out as tf.TensorContainer;
    });
  } catch (e) {
    disposeElement(x);
    throw e;
  }
  disposeExcept(x, y);
  return y;
}

/**
 * Applies `maps` in order to `x` (which this call consumes). For a batch, `perElement` materializes its
 * first rows element by element (maps applied) for the one-time check.
 */
export function applyVectorized(
  maps: readonly VectorizedMap[],
  x: unknown,
  batchSize = -1,
  perElement?: (count: number) => unknown[],
): unknown {
  let y = x;
  for (const m of maps) y = runOne(m.fn, y);
  if (perElement && maps.some((m) => !m.checked)) {
    try {
      check(y, batchSize, perElement);
    } catch (e) {
      disposeElement(y);
      throw e;
    }
    for (const m of maps) m.checked = true;
  }
  return y;
}

function valuesOf(v: unknown): ArrayLike<number> | null {
  if (v instanceof tf.Tensor) return v.dtype === 'string' ? null : (v.dataSync() as ArrayLike<number>);
  if (typeof v === 'number') return [v];
  if (typeof v === 'boolean') return [v ? 1 : 0];
  return null;
}

function check(batch: unknown, n: number, perElement: (count: number) => unknown[]): void {
  const api = 'Dataset.map(fn, { vectorize: true })';
  const fix = 'Expected fn to act on each row along dim 0 independently; drop vectorize or move the map after batch().';
  const flat = leaves(batch);
  const count = Math.min(n, CHECK_ROWS);
  const rows = perElement(count);
  try {
    rows.forEach((row, k) => {
      const parts = leaves(row);
      if (parts.length !== flat.length) {
        throw invalidArgument(
          `${api}: on a batch fn returned ${flat.length} components, on one element ${parts.length}. ${fix}`,
        );
      }
      parts.forEach((p, j) => {
        const b = flat[j];
        const pShape = p instanceof tf.Tensor ? p.shape : [];
        if (!(b instanceof tf.Tensor) || b.shape.join() !== [n, ...pShape].join()) {
          const got = b instanceof tf.Tensor ? `[${b.shape.join(', ')}]` : typeof b;
          throw invalidArgument(
            `${api}: component ${j} of a batch of ${n} came out as ${got}; per element it is [${pShape.join(', ')}], so a batch should be [${n}, ${pShape.join(', ')}]. ${fix}`,
          );
        }
        const pv = valuesOf(p);
        const bv = valuesOf(b);
        if (!pv || !bv) return;
        const size = pv.length;
        for (let i = 0; i < size; i++) {
          const want = pv[i]!;
          const got = bv[k * size + i]!;
          const tol = 1e-5 * Math.max(1, Math.abs(want));
          if (!(Math.abs(got - want) <= tol) && !(Number.isNaN(got) && Number.isNaN(want))) {
            throw invalidArgument(
              `${api}: component ${j} of row ${k} differs between the batch (${got}) and element-by-element application (${want}) at flat index ${i}. ${fix}`,
            );
          }
        }
      });
    });
  } finally {
    for (const r of rows) disposeElement(r);
  }
}

/**
 * A row-plan view that adds `fn` to the vectorized maps of every slice source it sees (one view per source, so
 * the plan's sources stay comparable by identity across iterations).
 */
export function withVectorizedMap(fn: (x: unknown) => unknown): (s: SliceSource) => SliceSource {
  const vm: VectorizedMap = { fn, checked: false };
  const views = new WeakMap<SliceSource, SliceSource>();
  return (s) => {
    let v = views.get(s);
    if (!v) {
      v = { ...s, maps: [...(s.maps ?? []), vm] };
      views.set(s, v);
    }
    return v;
  };
}
