import * as tf from '@tensorflow/tfjs-core';
import type { MetricOp } from './metric-op.js';

/**
 * Streams metric ops over batches as the Estimator's evaluate loop does: each batch builds its ops (inputs made
 * inside `build` are freed with the batch), every update part is summed in float32 across batches, and each op's
 * result is read from the totals. Returns one value per op of the last batch's list. Leaves no tensor behind.
 */
export function streamed(batches: ReadonlyArray<() => MetricOp | MetricOp[]>): number[] {
  const totals: Array<Record<string, Float32Array>> = [];
  let results: MetricOp['result'][] = [];
  for (const build of batches) {
    let ops: MetricOp[] = [];
    tf.tidy(() => {
      const built = build();
      ops = Array.isArray(built) ? built : [built];
      return ops.flatMap((op) => Object.values(op.update));
    });
    ops.forEach((op, i) => {
      totals[i] ??= {};
      const sums = totals[i];
      for (const [k, t] of Object.entries(op.update)) {
        const v = t.dataSync() as Float32Array;
        const prev = sums[k];
        sums[k] = prev ? Float32Array.from(v, (x, j) => Math.fround(prev[j]! + x)) : Float32Array.from(v);
      }
      tf.dispose(Object.values(op.update));
    });
    results = ops.map((op) => op.result);
  }
  return results.map((r, i) => r(totals[i] ?? {}));
}

/** One batch, one metric (or one list of per-element ops). */
export function once(build: () => MetricOp | MetricOp[]): number[] {
  return streamed([build]);
}
