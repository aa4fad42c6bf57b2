/**
 * TF's `tf.placeholder` for serving input receivers: while the Estimator traces an export, a placeholder is a
 * stand-in tensor of the traced batch size that the tracer records as a graph input.
 * Owns: the active trace's placeholder registry. Does not own: the trace (trace-model-fn.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import type { TracedDType } from './traced-graph.js';

/** What the tracer needs from the trace in progress. */
export interface PlaceholderScope {
  readonly batchSize: number;
  /** Every placeholder made in this trace, in order. */
  readonly placeholders: tf.Tensor[];
}

let active: PlaceholderScope | null = null;

/** Runs `fn` with `scope` receiving the placeholders it makes. */
export function withPlaceholderScope<T>(scope: PlaceholderScope, fn: () => T): T {
  const prev = active;
  active = scope;
  try {
    return fn();
  } finally {
    active = prev;
  }
}

/**
 * A serving input (TF's `tf.placeholder`): `shape` uses `null` (or -1) for the batch dimension, which must be the
 * first. Only valid inside a serving input receiver fn while an export traces it.
 * @example
 *   const servingInputReceiverFn = () => {
 *     const image = placeholder({ dtype: 'float32', shape: [null, 784] });
 *     return { features: { image }, receiverTensors: { image } };
 *   };
 */
export function placeholder(spec: {
  readonly dtype: TracedDType;
  readonly shape: readonly (number | null)[];
}): tf.Tensor {
  if (!active) {
    throw new ModelFnError(
      'OUTSIDE_EXPORT',
      'placeholder(): call it inside a serving input receiver fn passed to exportSavedModel(). Received a call outside an export.',
    );
  }
  const shape = spec?.shape;
  if (
    !Array.isArray(shape) ||
    !shape.every((d, i) => (i === 0 && (d === null || d === -1)) || (Number.isInteger(d) && (d as number) >= 0))
  ) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `placeholder(): shape must be integers >= 0, with null (or -1) allowed for the first (batch) dimension only. Received ${JSON.stringify(shape)}.`,
    );
  }
  if (!['float32', 'int32', 'bool', 'string'].includes(spec.dtype)) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `placeholder(): dtype must be float32, int32, bool or string. Received ${JSON.stringify(spec.dtype)}.`,
    );
  }
  const dims = shape.map((d) => (d === null || d === -1 ? (active as PlaceholderScope).batchSize : (d as number)));
  const size = dims.reduce((a, b) => a * b, 1);
  // Stand-in values: deterministic, in [0, 1) for floats (pixels, probabilities) and 0 for integer ids, so data-
  // dependent code takes the same path in both traces and gathers stay in range.
  let t: tf.Tensor;
  if (spec.dtype === 'float32') {
    const v = new Float32Array(size);
    for (let i = 0; i < size; i++) v[i] = ((i * 7919) % 1000) / 1000;
    t = tf.tensor(v, dims, 'float32');
  } else if (spec.dtype === 'string') {
    t = tf.tensor(new Array<string>(size).fill(''), dims, 'string');
  } else {
    t = tf.tensor(new Int32Array(size), dims, spec.dtype);
  }
  active.placeholders.push(t);
  return t;
}
