import { ConfigError } from './errors.js';

/** A learning rate as a function of the global step (the step about to run, counted from 0). */
export type LearningRateSchedule = (globalStep: number) => number;

/** Options of {@link learningRateSchedules}`.exponentialDecay`. */
export interface ExponentialDecayOptions {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  /** Decay in whole intervals of `decaySteps` (a staircase) instead of continuously. Default false. */
  readonly staircase?: boolean;
}

/** Options of {@link learningRateSchedules}`.piecewiseConstant`. */
export interface PiecewiseConstantOptions {
  /** Increasing global steps where the rate changes. */
  readonly boundaries: readonly number[];
  /** One more value than boundaries: `values[i]` applies up to and including `boundaries[i]`. */
  readonly values: readonly number[];
}

/** Options of {@link learningRateSchedules}`.cosineDecay`. */
export interface CosineDecayOptions {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  /** The floor, as a fraction of the initial rate, reached at `decaySteps` and kept after. Default 0. */
  readonly alpha?: number;
}

/** Options of {@link learningRateSchedules}`.polynomialDecay`. */
export interface PolynomialDecayOptions {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  /** Default 0.0001 (TF's). */
  readonly endLearningRate?: number;
  /** Default 1 (linear). */
  readonly power?: number;
}

function positive(api: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !(Number.isFinite(v) && v > 0)) {
    throw new ConfigError('INVALID_ARGUMENT', `${api}: ${name} must be a finite number > 0. Received ${String(v)}.`);
  }
  return v;
}

function checkStep(api: string, step: number): void {
  if (!(Number.isFinite(step) && step >= 0)) {
    throw new ConfigError(
      'INVALID_ARGUMENT',
      `${api}: the global step must be a number >= 0. Received ${String(step)}.`,
    );
  }
}

/**
 * `initialLearningRate · decayRate^(step / decaySteps)`, with an integer exponent when `staircase` (TF's
 * `tf.train.exponential_decay`).
 * @example
 *   const learningRate = learningRateSchedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1000, decayRate: 0.96, staircase: true });
 *   const trainOp = new GradientDescentOptimizer({ learningRate }).minimize(loss);
 */
function exponentialDecay(options: ExponentialDecayOptions): LearningRateSchedule {
  const api = 'learningRateSchedules.exponentialDecay()';
  const lr = positive(api, 'initialLearningRate', options?.initialLearningRate);
  const steps = positive(api, 'decaySteps', options.decaySteps);
  const rate = positive(api, 'decayRate', options.decayRate);
  const staircase = options.staircase ?? false;
  return (step) => {
    checkStep(api, step);
    const p = step / steps;
    return lr * rate ** (staircase ? Math.floor(p) : p);
  };
}

/**
 * A constant rate per interval of global steps (TF's `tf.train.piecewise_constant`): `values[0]` while
 * `step <= boundaries[0]`, `values[i]` while `boundaries[i-1] < step <= boundaries[i]`, the last value after.
 * @example
 *   const learningRate = learningRateSchedules.piecewiseConstant({ boundaries: [1000, 2000], values: [0.1, 0.01, 0.001] });
 */
function piecewiseConstant(options: PiecewiseConstantOptions): LearningRateSchedule {
  const api = 'learningRateSchedules.piecewiseConstant()';
  const boundaries = options?.boundaries;
  const values = options?.values;
  if (!Array.isArray(boundaries) || !Array.isArray(values) || values.length !== boundaries.length + 1) {
    throw new ConfigError(
      'INVALID_ARGUMENT',
      `${api}: values must have exactly one more element than boundaries. Received ${Array.isArray(boundaries) ? boundaries.length : String(boundaries)} boundaries and ${Array.isArray(values) ? values.length : String(values)} values.`,
    );
  }
  boundaries.forEach((b, i) => {
    if (!Number.isFinite(b) || (i > 0 && b <= boundaries[i - 1]!)) {
      throw new ConfigError(
        'INVALID_ARGUMENT',
        `${api}: boundaries must be finite and strictly increasing. Received [${boundaries.join(', ')}].`,
      );
    }
  });
  for (const v of values) positive(api, 'each value', v);
  const bounds = [...boundaries];
  const vals = [...values];
  return (step) => {
    checkStep(api, step);
    const i = bounds.findIndex((b) => step <= b);
    return vals[i === -1 ? vals.length - 1 : i]!;
  };
}

/**
 * Cosine decay from `initialLearningRate` to `alpha · initialLearningRate` over `decaySteps`, constant after
 * (TF's `tf.train.cosine_decay`).
 * @example
 *   const learningRate = learningRateSchedules.cosineDecay({ initialLearningRate: 0.01, decaySteps: 10000, alpha: 0.01 });
 */
function cosineDecay(options: CosineDecayOptions): LearningRateSchedule {
  const api = 'learningRateSchedules.cosineDecay()';
  const lr = positive(api, 'initialLearningRate', options?.initialLearningRate);
  const steps = positive(api, 'decaySteps', options.decaySteps);
  const alpha = options.alpha ?? 0;
  if (!(alpha >= 0 && alpha <= 1)) {
    throw new ConfigError('INVALID_ARGUMENT', `${api}: alpha must be in [0, 1]. Received ${String(alpha)}.`);
  }
  return (step) => {
    checkStep(api, step);
    const cosine = 0.5 * (1 + Math.cos((Math.PI * Math.min(step, steps)) / steps));
    return lr * ((1 - alpha) * cosine + alpha);
  };
}

/**
 * `(initial - end) · (1 - step / decaySteps)^power + end`, constant after `decaySteps` (TF's
 * `tf.train.polynomial_decay` without `cycle`).
 * @example
 *   const learningRate = learningRateSchedules.polynomialDecay({ initialLearningRate: 0.1, decaySteps: 5000, endLearningRate: 0.001 });
 */
function polynomialDecay(options: PolynomialDecayOptions): LearningRateSchedule {
  const api = 'learningRateSchedules.polynomialDecay()';
  const lr = positive(api, 'initialLearningRate', options?.initialLearningRate);
  const steps = positive(api, 'decaySteps', options.decaySteps);
  const end = options.endLearningRate ?? 0.0001;
  const power = positive(api, 'power', options.power ?? 1);
  if (!(Number.isFinite(end) && end >= 0)) {
    throw new ConfigError(
      'INVALID_ARGUMENT',
      `${api}: endLearningRate must be a number >= 0. Received ${String(end)}.`,
    );
  }
  return (step) => {
    checkStep(api, step);
    return (lr - end) * (1 - Math.min(step, steps) / steps) ** power + end;
  };
}

/**
 * Learning rates that change with the global step, as in TF 1.x's `tf.train.*_decay`. Each returns a function of
 * the global step that every optimizer accepts as `learningRate`; the Estimator evaluates it before every step, so
 * a resumed run continues the schedule where it stopped. The rate in use is written to TensorBoard as
 * `learning_rate`.
 * @example
 *   const learningRate = learningRateSchedules.cosineDecay({ initialLearningRate: 0.002, decaySteps: 3000 });
 *   const trainOp = new AdamOptimizer({ learningRate }).minimize(loss);
 */
export const learningRateSchedules = { exponentialDecay, piecewiseConstant, cosineDecay, polynomialDecay } as const;
