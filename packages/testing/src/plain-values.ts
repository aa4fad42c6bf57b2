import * as tf from '@tensorflow/tfjs-core';

/** What a tensor becomes in {@link toPlain}: its nested array by default. */
export type TensorView = (t: tf.Tensor) => unknown;

const nestedArray: TensorView = (t) => t.arraySync();

/**
 * A dataset element as plain values for `toEqual`: tensors through `view` (nested arrays by default), arrays and
 * plain objects walked, other objects (e.g. a window's `Dataset`) as `<ClassName>`, everything else as is.
 */
export function toPlain(x: unknown, view: TensorView = nestedArray): unknown {
  if (x instanceof tf.Tensor) return view(x);
  if (Array.isArray(x)) return x.map((v) => toPlain(v, view));
  if (x && typeof x === 'object' && !ArrayBuffer.isView(x)) {
    const proto = Object.getPrototypeOf(x);
    if (proto !== Object.prototype && proto !== null) return `<${proto?.constructor?.name ?? 'object'}>`;
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, toPlain(v, view)]));
  }
  return x;
}

/** Every element of `ds` as {@link toPlain} values; disposes each element after reading it. */
export async function collectPlain(ds: AsyncIterable<unknown>, view: TensorView = nestedArray): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const x of ds) {
    out.push(toPlain(x, view));
    tf.dispose(x as tf.TensorContainer);
  }
  return out;
}
