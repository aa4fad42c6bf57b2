import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import { maybeActiveContext } from '../model-fn-context.js';
import { checkProbabilities, checkThresholds, countsAtThresholds } from './confusion-at-thresholds.js';
import { flatPair, flatWeights, type MetricOp, type MetricOptions, metricOp } from './metric-op.js';

/** How {@link auc} sums the area under the thresholded curve (TF's `summation_method`). */
export type AucSummationMethod = 'trapezoidal' | 'minoring' | 'majoring' | 'careful_interpolation';

/** Options of {@link auc}. */
export interface AucOptions extends MetricOptions {
  /** `'ROC'` (default) or `'PR'` (precision-recall). */
  readonly curve?: 'ROC' | 'PR';
  /**
   * Number of thresholds evenly spaced over [0, 1] (TF's `num_thresholds`, default 200 as in TF). The area is exact
   * up to pairs of examples whose predictions fall between the same two thresholds; raise it for more precision
   * (memory and time grow linearly, per metric, not per example).
   */
  readonly numThresholds?: number;
  /**
   * Explicit thresholds in [0, 1] instead of evenly spaced ones (TF's `thresholds`; `numThresholds` is then
   * ignored). They are sorted, and `-1e-7` and `1 + 1e-7` are added at the ends, as TF does.
   */
  readonly thresholds?: readonly number[];
  /** Default `'trapezoidal'` (TF 1.x's default); `'careful_interpolation'` is the better choice for PR. */
  readonly summationMethod?: AucSummationMethod;
}

const KEPSILON = 1e-7;
/** TF's `epsilon` in compute_auc (1e-6, distinct from the 1e-7 that shifts the end thresholds). */
const EPSILON = 1e-6;

/**
 * The area under the ROC or precision-recall curve over the whole evaluation (TF's `tf.metrics.auc`), from
 * confusion counts at `numThresholds` thresholds, as TF computes it. Labels are booleans (non-zero is positive);
 * predictions are probabilities in [0, 1]. Internally each batch adds a weighted histogram of its predictions per
 * label, which gives TF's true/false positive counts at every threshold at a cost independent of the batch size.
 * @example
 *   evalMetricOps: {
 *     auc: metrics.auc(labels, probabilities),
 *     auc_pr: metrics.auc(labels, probabilities, { curve: 'PR', summationMethod: 'careful_interpolation' }),
 *   }
 */
export function auc(labels: tf.Tensor, predictions: tf.Tensor, options: AucOptions = {}): MetricOp {
  const api = 'metrics.auc()';
  const n = options.numThresholds ?? 200;
  const curve = options.curve ?? 'ROC';
  const method = options.summationMethod ?? 'trapezoidal';
  if (!Number.isInteger(n) || n < 2) {
    throw new ModelFnError('INVALID_ARGUMENT', `${api}: numThresholds must be an integer >= 2. Received ${String(n)}.`);
  }
  if (curve !== 'ROC' && curve !== 'PR') {
    throw new ModelFnError('INVALID_ARGUMENT', `${api}: curve must be 'ROC' or 'PR'. Received ${String(curve)}.`);
  }
  if (!['trapezoidal', 'minoring', 'majoring', 'careful_interpolation'].includes(method)) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: summationMethod must be 'trapezoidal', 'minoring', 'majoring' or 'careful_interpolation'. Received ${String(method)}.`,
    );
  }
  if (options.thresholds !== undefined) {
    checkThresholds(api, options.thresholds);
    const th = [-KEPSILON, ...[...options.thresholds].sort((a, b) => a - b), 1 + KEPSILON];
    const counts = countsAtThresholds(api, labels, predictions, th, options.weights, ['tp', 'fp', 'tn', 'fn']);
    return metricOp(counts, (t) => {
      const get = (k: string) => Float64Array.from(t[k] ?? new Float32Array(th.length));
      return aucOf({ tp: get('tp'), fp: get('fp'), tn: get('tn'), fn: get('fn') }, curve, method);
    });
  }
  const update = tf.tidy(() => {
    const [l0, p] = flatPair(api, labels, predictions);
    const w = flatWeights(api, options.weights, predictions);
    if (maybeActiveContext()?.checkValues ?? true) checkProbabilities(api, p);
    const l = tf.cast(tf.notEqual(l0, 0), 'float32');
    const bucket = bucketOf(p, n);
    const wPos = tf.mul(w, l);
    return {
      pos: tf.bincount(bucket, wPos as tf.Tensor1D, n + 1),
      neg: tf.bincount(bucket, tf.sub(w, wPos) as tf.Tensor1D, n + 1),
    };
  });
  return metricOp(update, (t) => aucOf(confusionAtThresholds(t.pos, t.neg, n), curve, method));
}

/**
 * For each prediction, how many of TF's thresholds `[-ε, 1/(n-1), …, (n-2)/(n-1), 1+ε]` it exceeds (0…n):
 * the prediction counts as positive at threshold i exactly when its bucket is > i.
 */
function bucketOf(p: tf.Tensor1D, n: number): tf.Tensor1D {
  const above = (t: number) => tf.cast(tf.greater(p, t), 'int32');
  const middle = tf.clipByValue(tf.sub(tf.ceil(tf.mul(p, n - 1)), 1), 0, n - 2);
  return tf.addN([above(-KEPSILON), tf.cast(middle, 'int32'), above(1 + KEPSILON)]) as tf.Tensor1D;
}

/** TF's `tp, fp, tn, fn` at each of the n thresholds from the streamed per-bucket histograms. */
export function confusionAtThresholds(
  pos: Float32Array | undefined,
  neg: Float32Array | undefined,
  n: number,
): { tp: Float64Array; fp: Float64Array; tn: Float64Array; fn: Float64Array } {
  const tp = new Float64Array(n);
  const fp = new Float64Array(n);
  const tn = new Float64Array(n);
  const fn = new Float64Array(n);
  let allPos = 0;
  let allNeg = 0;
  for (let k = 0; k <= n; k++) {
    allPos += pos?.[k] ?? 0;
    allNeg += neg?.[k] ?? 0;
  }
  let abovePos = 0;
  let aboveNeg = 0;
  for (let i = n - 1; i >= 0; i--) {
    abovePos += pos?.[i + 1] ?? 0;
    aboveNeg += neg?.[i + 1] ?? 0;
    tp[i] = abovePos;
    fp[i] = aboveNeg;
    fn[i] = allPos - abovePos;
    tn[i] = allNeg - aboveNeg;
  }
  return { tp, fp, tn, fn };
}

/** TF's `compute_auc` (and `interpolate_pr_auc` for careful interpolation) on confusion counts per threshold. */
export function aucOf(
  c: { tp: Float64Array; fp: Float64Array; tn: Float64Array; fn: Float64Array },
  curve: 'ROC' | 'PR',
  method: AucSummationMethod,
): number {
  const { tp, fp, tn, fn } = c;
  const n = tp.length;
  const div = (a: number, b: number) => (b === 0 ? 0 : a / b);
  if (curve === 'PR' && method === 'careful_interpolation') {
    let area = 0;
    for (let i = 0; i < n - 1; i++) {
      const dtp = tp[i]! - tp[i + 1]!;
      const p0 = tp[i]! + fp[i]!;
      const p1 = tp[i + 1]! + fp[i + 1]!;
      const slope = div(dtp, p0 - p1);
      const intercept = tp[i + 1]! - slope * p1;
      const ratio = p0 > 0 && p1 > 0 ? div(p0, p1) : 1;
      area += div(slope * (dtp + intercept * Math.log(ratio)), tp[i + 1]! + fn[i + 1]!);
    }
    return area;
  }
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const rec = (tp[i]! + EPSILON) / (tp[i]! + fn[i]! + EPSILON);
    if (curve === 'ROC') {
      x[i] = fp[i]! / (fp[i]! + tn[i]! + EPSILON);
      y[i] = rec;
    } else {
      x[i] = rec;
      y[i] = (tp[i]! + EPSILON) / (tp[i]! + fp[i]! + EPSILON);
    }
  }
  let area = 0;
  for (let i = 0; i < n - 1; i++) {
    const h =
      method === 'minoring'
        ? Math.min(y[i]!, y[i + 1]!)
        : method === 'majoring'
          ? Math.max(y[i]!, y[i + 1]!)
          : (y[i]! + y[i + 1]!) / 2;
    area += (x[i]! - x[i + 1]!) * h;
  }
  return area;
}
