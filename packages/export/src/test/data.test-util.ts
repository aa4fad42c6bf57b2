import * as tf from '@tensorflow/tfjs-core';

/** A seeded stream in [0, 1) (LCG), so tests see the same inputs every run. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** n rows of `width` floats in [0, 1), ids in [0, 7) and labels in [0, 10). */
export function makeRows(n: number, width: number, seed: number): { x: Float32Array; id: Int32Array; y: Int32Array } {
  const r = rng(seed);
  const x = Float32Array.from({ length: n * width }, r);
  const id = Int32Array.from({ length: n }, () => Math.floor(r() * 7));
  const y = Int32Array.from({ length: n }, () => Math.floor(r() * 10));
  return { x, id, y };
}

/** An input_fn over the rows: features {x, image, id} (x and image are the same floats), batches of `batch`. */
export function rowsInputFn(
  rows: { x: Float32Array; id: Int32Array; y: Int32Array },
  width: number,
  batch: number,
  withLabels = true,
) {
  const n = rows.id.length;
  return async function* () {
    for (let i = 0; i < n; i += batch) {
      const b = Math.min(batch, n - i);
      const x = tf.tensor2d(rows.x.subarray(i * width, (i + b) * width), [b, width]);
      const features = { x, image: tf.clone(x), id: tf.tensor1d(rows.id.subarray(i, i + b), 'int32') };
      if (withLabels) yield [features, tf.tensor1d(rows.y.subarray(i, i + b), 'int32')] as const;
      else yield features;
    }
  };
}
