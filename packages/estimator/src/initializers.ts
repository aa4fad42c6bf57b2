import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from './errors.js';
import { checkOptionKeys } from './internal/option-keys.js';

/** Makes a variable's initial value from its shape, dtype and a seed derived from the run seed and its name. */
export type Initializer = (shape: readonly number[], dtype: 'float32' | 'int32', seed: number) => tf.Tensor;

/** Which fan {@link initializers.varianceScaling} divides the scale by (TF's `mode`). */
export type FanMode = 'fan_in' | 'fan_out' | 'fan_avg';
/** The distribution {@link initializers.varianceScaling} draws from (TF's `distribution`). */
export type VarianceScalingDistribution = 'normal' | 'truncated_normal' | 'untruncated_normal' | 'uniform';

/** Options of {@link initializers.varianceScaling} (TF 1.15's `tf.variance_scaling_initializer`). */
export interface VarianceScalingOptions {
  /** Default 1. */
  readonly scale?: number;
  /** Default `'fan_in'`. */
  readonly mode?: FanMode;
  /** Default `'truncated_normal'`; `'normal'` is TF 1.x's old name for it. */
  readonly distribution?: VarianceScalingDistribution;
}

/**
 * The standard deviation of a unit normal truncated at ±2 (scipy's `truncnorm.std(a=-2, b=2)`): TF divides by it so a
 * truncated normal has the variance asked for.
 */
const TRUNCATED_NORMAL_STD = 0.87962566103423978;

/** TF's `_compute_fans`: the receptive field (all but the last two axes) multiplies both fans of a conv kernel. */
function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0]!, shape[0]!];
  if (shape.length === 2) return [shape[0]!, shape[1]!];
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [receptive * shape[shape.length - 2]!, receptive * shape[shape.length - 1]!];
}

const FAN_MODES: readonly FanMode[] = ['fan_in', 'fan_out', 'fan_avg'];
const DISTRIBUTIONS: readonly VarianceScalingDistribution[] = [
  'normal',
  'truncated_normal',
  'untruncated_normal',
  'uniform',
];

function varianceScaling(options: VarianceScalingOptions = {}): Initializer {
  const api = 'initializers.varianceScaling()';
  checkOptionKeys(api, options, ['scale', 'mode', 'distribution']);
  const { scale = 1, mode = 'fan_in', distribution = 'truncated_normal' } = options;
  if (!(Number.isFinite(scale) && scale > 0)) {
    throw new ModelFnError('INVALID_ARGUMENT', `${api}: scale must be a number > 0. Received ${String(scale)}.`);
  }
  if (!FAN_MODES.includes(mode)) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: mode must be one of ${FAN_MODES.join(', ')}. Received ${JSON.stringify(mode)}.`,
    );
  }
  if (!DISTRIBUTIONS.includes(distribution)) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: distribution must be one of ${DISTRIBUTIONS.join(', ')}. Received ${JSON.stringify(distribution)}.`,
    );
  }
  return (shape, dtype, seed) => {
    const [fanIn, fanOut] = fans(shape);
    const fan = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    const s = scale / Math.max(1, fan);
    const dims = [...shape];
    if (distribution === 'uniform') {
      const limit = Math.sqrt(3 * s);
      return tf.randomUniform(dims, -limit, limit, dtype, seed);
    }
    if (distribution === 'untruncated_normal') return tf.randomNormal(dims, 0, Math.sqrt(s), 'float32', seed);
    return tf.truncatedNormal(dims, 0, Math.sqrt(s) / TRUNCATED_NORMAL_STD, 'float32', seed);
  };
}

function orthogonal(options: { gain?: number } = {}): Initializer {
  checkOptionKeys('initializers.orthogonal()', options, ['gain']);
  const { gain = 1 } = options;
  return (shape, _dtype, seed) => {
    if (shape.length < 2) {
      throw new ModelFnError(
        'INVALID_ARGUMENT',
        `initializers.orthogonal(): the variable must have rank >= 2. Received shape [${shape}].`,
      );
    }
    const cols = shape[shape.length - 1]!;
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    // TF: QR of a normal matrix with at least as many rows as columns, signs fixed by diag(R) so Q is uniform.
    const wide = rows < cols;
    return tf.tidy(() => {
      const a = tf.randomNormal(wide ? [cols, rows] : [rows, cols], 0, 1, 'float32', seed) as tf.Tensor2D;
      const [q, r] = tf.linalg.qr(a);
      const n = Math.min(rows, cols);
      const d = tf.sign(tf.sum(tf.mul(tf.slice(r, [0, 0], [n, n]), tf.eye(n)), 0));
      let out: tf.Tensor = tf.mul(q, d);
      if (wide) out = tf.transpose(out);
      return tf.reshape(tf.mul(out, gain), [...shape]);
    });
  };
}

/**
 * Initializers with TF 1.x's names, defaults and formulas (`tf.glorot_uniform_initializer`, `tf.initializers.he_normal`,
 * `tf.variance_scaling_initializer`, …). Each takes the variable's shape, dtype and a seed the Estimator derives from
 * `RunConfig.randomSeed` and the variable's name.
 * @example
 *   getVariable('w', { shape: [784, 10], initializer: initializers.heNormal() });
 */
export const initializers = {
  zeros: (): Initializer => (shape, dtype) => tf.zeros([...shape], dtype),
  ones: (): Initializer => (shape, dtype) => tf.ones([...shape], dtype),
  constant:
    (value: number): Initializer =>
    (shape, dtype) =>
      tf.fill([...shape], value, dtype),
  /** TF's `variance_scaling_initializer` (defaults: scale 1, `fan_in`, `truncated_normal`). */
  varianceScaling,
  /** TF's default for dense and conv kernels: U(-limit, limit), limit = sqrt(6 / (fanIn + fanOut)). */
  glorotUniform: (): Initializer => (shape, dtype, seed) => {
    const [fanIn, fanOut] = fans(shape);
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return tf.randomUniform([...shape], -limit, limit, dtype, seed);
  },
  /** Truncated normal with stddev sqrt(2 / (fanIn + fanOut)) (TF's `glorot_normal_initializer`). */
  glorotNormal: (): Initializer => varianceScaling({ scale: 1, mode: 'fan_avg', distribution: 'truncated_normal' }),
  /** U(-limit, limit), limit = sqrt(6 / fanIn) (TF's `he_uniform`). */
  heUniform: (): Initializer => varianceScaling({ scale: 2, mode: 'fan_in', distribution: 'uniform' }),
  /** Truncated normal with stddev sqrt(2 / fanIn) (TF's `he_normal`). */
  heNormal: (): Initializer => varianceScaling({ scale: 2, mode: 'fan_in', distribution: 'truncated_normal' }),
  /** U(-limit, limit), limit = sqrt(3 / fanIn) (TF's `lecun_uniform`). */
  lecunUniform: (): Initializer => varianceScaling({ scale: 1, mode: 'fan_in', distribution: 'uniform' }),
  /** Truncated normal with stddev sqrt(1 / fanIn) (TF's `lecun_normal`). */
  lecunNormal: (): Initializer => varianceScaling({ scale: 1, mode: 'fan_in', distribution: 'truncated_normal' }),
  /** A (semi-)orthogonal matrix over the last axis × the rest, times `gain` (TF's `orthogonal_initializer`). */
  orthogonal,
  /** Normal values beyond 2 stddev redrawn (TF's `truncated_normal_initializer`: mean 0, stddev 1). */
  truncatedNormal: (options: { mean?: number; stddev?: number } = {}): Initializer => {
    checkOptionKeys('initializers.truncatedNormal()', options, ['mean', 'stddev']);
    const { mean = 0, stddev = 1 } = options;
    return (shape, dtype, seed) => tf.truncatedNormal([...shape], mean, stddev, dtype, seed);
  },
  /** TF's `random_normal_initializer`: mean 0, stddev 1. */
  randomNormal: (options: { mean?: number; stddev?: number } = {}): Initializer => {
    checkOptionKeys('initializers.randomNormal()', options, ['mean', 'stddev']);
    const { mean = 0, stddev = 1 } = options;
    return (shape, dtype, seed) => tf.randomNormal([...shape], mean, stddev, dtype, seed);
  },
  /** TF's `random_uniform_initializer`: U(0, 1) by default. */
  randomUniform: (options: { minval?: number; maxval?: number } = {}): Initializer => {
    checkOptionKeys('initializers.randomUniform()', options, ['minval', 'maxval']);
    const { minval = 0, maxval = 1 } = options;
    return (shape, dtype, seed) => tf.randomUniform([...shape], minval, maxval, dtype, seed);
  },
} as const;
