import type * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import { countsAtThresholds, evenThresholds } from './confusion-at-thresholds.js';
import { f32, type MetricOp, type MetricOptions, metricOp } from './metric-op.js';

/** Options of {@link sensitivityAtSpecificity} and {@link specificityAtSensitivity}. */
export interface AtRateOptions extends MetricOptions {
  /** Thresholds evenly spaced over [0, 1] used to find the operating point (TF's `num_thresholds`, default 200). */
  readonly numThresholds?: number;
}

const KEPSILON = 1e-7;

function checkRate(api: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
    throw new ModelFnError('INVALID_ARGUMENT', `${api}: ${name} must be a number in [0, 1]. Received ${String(v)}.`);
  }
}

/** `a / (a + b + 1e-7)` in float32, as TF computes its rates. */
function rate(a: number, b: number): number {
  return f32(a / f32(f32(a + b) + f32(KEPSILON)));
}

/**
 * The sensitivity (recall, `tp / (tp + fn)`) at the threshold whose specificity (`tn / (tn + fp)`) is closest to
 * `specificity` (TF's `tf.metrics.sensitivity_at_specificity`): the counts are streamed at TF's `numThresholds`
 * thresholds and the first closest threshold wins, as `argmin` does in TF. Labels are booleans; predictions are
 * probabilities in [0, 1].
 * @example
 *   evalMetricOps: { sensitivity_at_90: metrics.sensitivityAtSpecificity(labels, probabilities, 0.9) }
 */
export function sensitivityAtSpecificity(
  labels: tf.Tensor,
  predictions: tf.Tensor,
  specificity: number,
  options: AtRateOptions = {},
): MetricOp {
  const api = 'metrics.sensitivityAtSpecificity()';
  checkRate(api, 'specificity', specificity);
  return atOperatingPoint(
    api,
    labels,
    predictions,
    options,
    1 + KEPSILON,
    (c, i) => {
      const gap = Math.abs(f32(rate(c.tn[i]!, c.fp[i]!) - f32(specificity)));
      return { gap, value: rate(c.tp[i]!, c.fn[i]!) };
    },
    'first',
  );
}

/**
 * The specificity (`tn / (tn + fp)`) at the threshold whose sensitivity (`tp / (tp + fn)`) is closest to
 * `sensitivity` (TF's `tf.metrics.specificity_at_sensitivity`); among equally close thresholds the last (highest)
 * one wins, and the top threshold is `1 - 1e-7`, both exactly as TF 1.x computes it.
 * @example
 *   evalMetricOps: { specificity_at_95: metrics.specificityAtSensitivity(labels, probabilities, 0.95) }
 */
export function specificityAtSensitivity(
  labels: tf.Tensor,
  predictions: tf.Tensor,
  sensitivity: number,
  options: AtRateOptions = {},
): MetricOp {
  const api = 'metrics.specificityAtSensitivity()';
  checkRate(api, 'sensitivity', sensitivity);
  return atOperatingPoint(
    api,
    labels,
    predictions,
    options,
    1 - KEPSILON,
    (c, i) => {
      const gap = Math.abs(f32(rate(c.tp[i]!, c.fn[i]!) - f32(sensitivity)));
      return { gap, value: rate(c.tn[i]!, c.fp[i]!) };
    },
    'last',
  );
}

type Counts = Record<'tp' | 'fp' | 'tn' | 'fn', Float32Array>;

/**
 * Streams TF's four counts at `numThresholds` thresholds (the top one `last`), then reports the value at the
 * threshold with the smallest gap to the target; ties go to the first or the last threshold.
 */
function atOperatingPoint(
  api: string,
  labels: tf.Tensor,
  predictions: tf.Tensor,
  options: AtRateOptions,
  last: number,
  at: (c: Counts, i: number) => { gap: number; value: number },
  tie: 'first' | 'last',
): MetricOp {
  const thresholds = evenThresholds(api, options.numThresholds ?? 200, last);
  const update = countsAtThresholds(api, labels, predictions, thresholds, options.weights, ['tp', 'fp', 'tn', 'fn']);
  return metricOp(update, (t) => {
    const zeros = new Float32Array(thresholds.length);
    const c: Counts = { tp: t.tp ?? zeros, fp: t.fp ?? zeros, tn: t.tn ?? zeros, fn: t.fn ?? zeros };
    let best = at(c, 0);
    for (let i = 1; i < thresholds.length; i++) {
      const here = at(c, i);
      if (here.gap < best.gap || (tie === 'last' && here.gap === best.gap)) best = here;
    }
    return best.value;
  });
}
