import type { FetchedValue } from '@estimatorjs/hooks';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * Reads every requested tensor in one await (the only place a step waits on the backend), disposes them, and
 * returns plain values: a number for one-element tensors, a typed array otherwise.
 */
export async function readValues(
  tensors: ReadonlyMap<string, tf.Tensor>,
  plain: ReadonlyMap<string, number>,
): Promise<Map<string, FetchedValue>> {
  const entries = [...tensors];
  try {
    const data = await Promise.all(entries.map(([, t]) => t.data()));
    const out = new Map<string, FetchedValue>(plain);
    entries.forEach(([name, t], i) => {
      const d = data[i] as Float32Array | Int32Array | Uint8Array;
      out.set(name, t.size === 1 ? d[0]! : d);
    });
    return out;
  } finally {
    for (const [, t] of entries) t.dispose();
  }
}
