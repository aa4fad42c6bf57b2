import * as tf from '@tensorflow/tfjs-core';

/** Makes a variable's initial value from its shape, dtype and a seed derived from the run seed and its name. */
export type Initializer = (shape: readonly number[], dtype: 'float32' | 'int32', seed: number) => tf.Tensor;

function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0]!, shape[0]!];
  if (shape.length === 2) return [shape[0]!, shape[1]!];
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [receptive * shape[shape.length - 2]!, receptive * shape[shape.length - 1]!];
}

/**
 * Initializers with TF's names and defaults.
 * @example
 *   getVariable('w', { shape: [784, 10], initializer: initializers.glorotUniform() });
 */
export const initializers = {
  zeros: (): Initializer => (shape, dtype) => tf.zeros([...shape], dtype),
  ones: (): Initializer => (shape, dtype) => tf.ones([...shape], dtype),
  constant:
    (value: number): Initializer =>
    (shape, dtype) =>
      tf.fill([...shape], value, dtype),
  /** TF's default for dense and conv kernels: U(-limit, limit), limit = sqrt(6 / (fanIn + fanOut)). */
  glorotUniform: (): Initializer => (shape, dtype, seed) => {
    const [fanIn, fanOut] = fans(shape);
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return tf.randomUniform([...shape], -limit, limit, dtype, seed);
  },
  heNormal: (): Initializer => (shape, dtype, seed) =>
    tf.truncatedNormal([...shape], 0, Math.sqrt(2 / fans(shape)[0]), dtype === 'int32' ? 'int32' : 'float32', seed),
  truncatedNormal:
    ({ mean = 0, stddev = 0.05 }: { mean?: number; stddev?: number } = {}): Initializer =>
    (shape, dtype, seed) =>
      tf.truncatedNormal([...shape], mean, stddev, dtype, seed),
  randomUniform:
    ({ minval = -0.05, maxval = 0.05 }: { minval?: number; maxval?: number } = {}): Initializer =>
    (shape, dtype, seed) =>
      tf.randomUniform([...shape], minval, maxval, dtype, seed),
} as const;
