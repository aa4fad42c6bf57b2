// The contract of the read-into kernel: the Estimator calls it by name (through tfjs's kernel registry) where a
// backend registers it; @estimatorjs/backends does for cpu and wasm. Plain strings and types, like
// optimizer-kernels.ts, and for the same reason: the estimator may not import a backend.

/**
 * The tfjs kernel name of a synchronous read of a float32 tensor's values into an array the caller owns and reuses
 * (the attribute `out`), where `data()` hands out a new array every time. The Estimator reads the gradient vector it
 * all-reduces every step through it: on wasm a new array of the reference CNN's 2.4 MB is fresh memory each step,
 * and its page faults cost ~6 ms a step on the development machine, against ~0.3 ms into an array already in use.
 * Input {@link ReadIntoInputs}, attribute {@link ReadIntoAttrs}; the output is the input itself (a new handle on the
 * same data: the kernel allocates nothing), which the caller disposes. Backends without it: `data()`.
 * @example
 *   import * as tf from '@tensorflow/tfjs-core';
 *   const x = tf.ones([3]);
 *   const out = new Float32Array(x.size);
 *   if (tf.getKernel(READ_INTO_KERNEL, tf.getBackend()) != null) {
 *     (tf.engine().runKernel(READ_INTO_KERNEL, { x }, { out } as never) as tf.Tensor).dispose();
 *   }
 */
export const READ_INTO_KERNEL = 'EstimatorjsReadInto';

/**
 * Input names of {@link READ_INTO_KERNEL}: one float32 tensor.
 * @example
 *   const names: ReadonlyArray<keyof ReadIntoInputs> = ['x'];
 */
export interface ReadIntoInputs<T = unknown> {
  readonly x: T;
}

/**
 * Attributes of {@link READ_INTO_KERNEL}: `out` receives the values, from index 0; it must hold at least `x.size`
 * values (the rest is left as it is).
 * @example
 *   const attrs: ReadIntoAttrs = { out: new Float32Array(10) };
 */
export interface ReadIntoAttrs {
  readonly out: Float32Array;
}
