import { describeBackends, expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Estimator, type ModelFn } from '../estimator.js';
import { GradientDescentOptimizer } from '../optimizers.js';
import { RunConfig } from '../run-config.js';
import { getVariable } from '../variables.js';
import { aucOf, confusionAtThresholds } from './auc.js';
import { type MetricOp, metrics } from './index.js';

beforeAll(() => setupTestBackend('cpu'));

const N = 300;
const CLASSES = 5;

/** A deterministic eval set: binary labels with overlapping scores, class ids with logits, regression targets. */
function makeEvalSet() {
  let s = 12345;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const y = new Float32Array(N);
  const prob = new Float32Array(N);
  const weight = new Float32Array(N);
  const cls = new Int32Array(N);
  const logits = new Float32Array(N * CLASSES);
  const target = new Float32Array(N);
  const estimate = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    y[i] = rand() < 0.4 ? 1 : 0;
    const z = (y[i] ? 0.5 : -0.4) + 2 * (rand() - 0.5) + (rand() - 0.5);
    prob[i] = 1 / (1 + Math.exp(-z));
    weight[i] = [0, 0.5, 1, 2][Math.floor(rand() * 4)]!;
    cls[i] = Math.floor(rand() * CLASSES);
    for (let c = 0; c < CLASSES; c++) logits[i * CLASSES + c] = rand() + (c === cls[i] ? 0.4 : 0);
    // A few exact ties between classes exercise top-k's tie rule.
    if (i % 17 === 0) logits[i * CLASSES + 1] = logits[i * CLASSES + 3]!;
    target[i] = 3 * rand() - 1;
    estimate[i] = target[i]! + (rand() - 0.5) * (1 + (i % 3));
  }
  return { y, prob, weight, cls, logits, target, estimate };
}

const D = makeEvalSet();
const predClass = Int32Array.from({ length: N }, (_, i) => argmax(D.logits.subarray(i * CLASSES, (i + 1) * CLASSES)));

function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
}

type Features = Record<string, tf.Tensor>;

/** The eval set in batches of 64 (the last one smaller), as features; labels are the binary labels. */
function evalInput(batch = 64) {
  return async function* () {
    for (let i = 0; i < N; i += batch) {
      const n = Math.min(batch, N - i);
      const sl = <T extends Float32Array | Int32Array>(a: T, w = 1) => a.subarray(i * w, (i + n) * w) as T;
      const features: Features = {
        prob: tf.tensor1d(sl(D.prob)),
        predicted: tf.tensor1d(
          sl(D.prob).map((p) => (p > 0.5 ? 1 : 0)),
          'bool',
        ),
        weight: tf.tensor1d(sl(D.weight)),
        cls: tf.tensor1d(sl(D.cls), 'int32'),
        predClass: tf.tensor1d(sl(predClass), 'int32'),
        logits: tf.tensor2d(sl(D.logits, CLASSES), [n, CLASSES]),
        target: tf.tensor2d(sl(D.target), [n, 1]),
        estimate: tf.tensor2d(sl(D.estimate), [n, 1]),
      };
      yield [features, tf.tensor1d(sl(D.y))] as const;
    }
  };
}

/** Every metric under test, built from one batch. */
function allMetrics(f: Features, labels: tf.Tensor): Record<string, MetricOp> {
  const w = { weights: f.weight! };
  const predicted = f.predicted!;
  return {
    accuracy: metrics.accuracy(f.cls!, f.predClass!),
    accuracy_w: metrics.accuracy(f.cls!, f.predClass!, w),
    mean: metrics.mean(f.prob!),
    mean_w: metrics.mean(f.prob!, w),
    precision: metrics.precision(labels, predicted),
    precision_w: metrics.precision(labels, predicted, w),
    recall: metrics.recall(labels, predicted),
    recall_w: metrics.recall(labels, predicted, w),
    auc: metrics.auc(labels, f.prob!),
    auc_w: metrics.auc(labels, f.prob!, w),
    auc_fine: metrics.auc(labels, f.prob!, { numThresholds: 2001 }),
    auc_pr: metrics.auc(labels, f.prob!, { curve: 'PR' }),
    auc_pr_careful: metrics.auc(labels, f.prob!, {
      curve: 'PR',
      summationMethod: 'careful_interpolation',
      numThresholds: 2001,
    }),
    auc_minoring: metrics.auc(labels, f.prob!, { summationMethod: 'minoring' }),
    auc_majoring: metrics.auc(labels, f.prob!, { summationMethod: 'majoring' }),
    mse: metrics.meanSquaredError(f.target!, f.estimate!),
    mse_w: metrics.meanSquaredError(f.target!, f.estimate!, w),
    rmse: metrics.rootMeanSquaredError(f.target!, f.estimate!),
    mae: metrics.meanAbsoluteError(f.target!, f.estimate!),
    mae_w: metrics.meanAbsoluteError(f.target!, f.estimate!, w),
    mean_iou: metrics.meanIou(f.cls!, f.predClass!, CLASSES),
    mean_iou_w: metrics.meanIou(f.cls!, f.predClass!, CLASSES, w),
    top1: metrics.recallAtK(f.cls!, f.logits!, 1),
    top2: metrics.recallAtK(f.cls!, f.logits!, 2),
    top2_w: metrics.recallAtK(f.cls!, f.logits!, 2, w),
    ...newMetrics(f, labels),
  };
}

/** The TF 1.x metrics of issue 18 (vector-valued ones spread into one op per element). */
function newMetrics(f: Features, labels: tf.Tensor): Record<string, MetricOp> {
  const w = { weights: f.weight! };
  const [p30, p50, p70] = metrics.precisionAtThresholds(labels, f.prob!, [0.3, 0.5, 0.7], w);
  const [fn30, fn70] = metrics.falseNegativesAtThresholds(labels, f.prob!, [0.3, 0.7], w);
  return {
    tp_w: metrics.truePositives(labels, f.predicted!, w),
    tn: metrics.trueNegatives(labels, f.predicted!),
    p30: p30!,
    p50: p50!,
    p70: p70!,
    fn30: fn30!,
    fn70: fn70!,
    sens_at_spec: metrics.sensitivityAtSpecificity(labels, f.prob!, 0.7, w),
    spec_at_sens: metrics.specificityAtSensitivity(labels, f.prob!, 0.7),
    mean_per_class_accuracy: metrics.meanPerClassAccuracy(f.cls!, f.predClass!, CLASSES, w),
    precision_at_2: metrics.precisionAtK(f.cls!, f.logits!, 2, w),
    precision_at_1_class_1: metrics.precisionAtK(f.cls!, f.logits!, 1, { classId: 1 }),
    recall_at_2_class_1: metrics.recallAtK(f.cls!, f.logits!, 2, { classId: 1 }),
    below_half: metrics.percentageBelow(f.prob!, 0.5, w),
  };
}

const modelFn: ModelFn = (features, labels, mode) => {
  const bias = getVariable('bias', { shape: [1] });
  const loss = tf.sum(tf.square(bias)) as tf.Scalar;
  if (mode === 'train')
    return { mode, loss, trainOp: new GradientDescentOptimizer({ learningRate: 0.1 }).minimize(loss) };
  if (mode === 'infer') return { mode, predictions: bias };
  return { mode, loss, evalMetricOps: allMetrics(features as Features, labels as tf.Tensor) };
};

async function evaluateAll(batch = 64) {
  const est = new Estimator({ modelFn, config: new RunConfig({ randomSeed: 1 }), log: () => {} });
  await est.train(evalInput(), { steps: 1 });
  try {
    return await est.evaluate(evalInput(batch));
  } finally {
    est.dispose();
  }
}

// ---- direct computations over the whole set ----
const all = Array.from({ length: N }, (_, i) => i);
const ones = new Float32Array(N).fill(1);

const wmean = (v: (i: number) => number, w: ArrayLike<number> = ones) => {
  let s = 0;
  let c = 0;
  for (const i of all) {
    s += w[i]! * v(i);
    c += w[i]!;
  }
  return s / c;
};
function precisionRecall(w: ArrayLike<number>) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const i of all) {
    const p = D.prob[i]! > 0.5;
    if (p && D.y[i]) tp += w[i]!;
    if (p && !D.y[i]) fp += w[i]!;
    if (!p && D.y[i]) fn += w[i]!;
  }
  return { precision: tp / (tp + fp), recall: tp / (tp + fn) };
}
/** Exact ROC AUC: the weighted probability that a positive outscores a negative (ties count half). */
function exactRocAuc(w: ArrayLike<number>) {
  let num = 0;
  let pos = 0;
  let neg = 0;
  for (const i of all) {
    if (D.y[i]) pos += w[i]!;
    else neg += w[i]!;
  }
  for (const i of all) {
    if (!D.y[i]) continue;
    for (const j of all) {
      if (D.y[j]) continue;
      const s = D.prob[i]! > D.prob[j]! ? 1 : D.prob[i] === D.prob[j] ? 0.5 : 0;
      num += w[i]! * w[j]! * s;
    }
  }
  return num / (pos * neg);
}
/** TF's thresholded counts computed directly (comparing every prediction with every threshold). */
function directConfusion(n: number, w: ArrayLike<number> = ones) {
  const th = [-1e-7, ...Array.from({ length: n - 2 }, (_, i) => Math.fround((i + 1) / (n - 1))), 1 + 1e-7];
  const c = { tp: new Float64Array(n), fp: new Float64Array(n), tn: new Float64Array(n), fn: new Float64Array(n) };
  th.forEach((t, k) => {
    for (const i of all) {
      const above = D.prob[i]! > t;
      const into = D.y[i] ? (above ? c.tp : c.fn) : above ? c.fp : c.tn;
      into[k] = into[k]! + w[i]!;
    }
  });
  return c;
}
/** Exact PR AUC with careful interpolation between every distinct prediction. */
function exactPrAucCareful() {
  const distinct = [...new Set(D.prob)].sort((a, b) => a - b);
  const th = [-1, ...distinct];
  const n = th.length;
  const c = { tp: new Float64Array(n), fp: new Float64Array(n), tn: new Float64Array(n), fn: new Float64Array(n) };
  th.forEach((t, k) => {
    for (const i of all) {
      const above = D.prob[i]! > t;
      const into = D.y[i] ? (above ? c.tp : c.fn) : above ? c.fp : c.tn;
      into[k] = into[k]! + 1;
    }
  });
  return aucOf(c, 'PR', 'careful_interpolation');
}
function meanIouDirect(w: ArrayLike<number>) {
  let sum = 0;
  let valid = 0;
  for (let c = 0; c < CLASSES; c++) {
    let inter = 0;
    let union = 0;
    for (const i of all) {
      const a = D.cls[i] === c;
      const b = predClass[i] === c;
      if (a && b) inter += w[i]!;
      if (a || b) union += w[i]!;
    }
    if (union > 0) {
      sum += inter / union;
      valid += 1;
    }
  }
  return sum / valid;
}
function topK(i: number, k: number) {
  const row = Array.from(D.logits.subarray(i * CLASSES, (i + 1) * CLASSES));
  const order = row.map((v, c) => [v, c] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  return order.slice(0, k).map(([, c]) => c);
}
function meanPerClassDirect(w: ArrayLike<number>) {
  let sum = 0;
  for (let c = 0; c < CLASSES; c++) {
    const of = all.filter((i) => D.cls[i] === c);
    const n = of.reduce((a, i) => a + w[i]!, 0);
    sum += n > 0 ? of.reduce((a, i) => a + (predClass[i] === c ? w[i]! : 0), 0) / n : 0;
  }
  return sum / CLASSES;
}
/** Index of the value closest to `target` (the first or last among equals). */
function argClosest(values: ArrayLike<number>, target: number, tie: 'first' | 'last') {
  let best = 0;
  for (let i = 1; i < values.length; i++) {
    const d = Math.abs(values[i]! - target);
    const b = Math.abs(values[best]! - target);
    if (d < b || (tie === 'last' && d === b)) best = i;
  }
  return best;
}
function inTopK(i: number, k: number) {
  const row = Array.from(D.logits.subarray(i * CLASSES, (i + 1) * CLASSES));
  const order = row.map((v, c) => [v, c] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  return order.slice(0, k).some(([, c]) => c === D.cls[i]) ? 1 : 0;
}

describeBackends('streaming metrics through Estimator.evaluate()', { describe, beforeAll }, (backend) => {
  it('match direct computations over the whole eval set (5 batches of up to 64)', async () => {
    const r = await evaluateAll();
    const digits = backend === 'cpu' ? 5 : 4;
    const close = (got: number | undefined, want: number) => expect(got).toBeCloseTo(want, digits);
    close(
      r.accuracy,
      wmean((i) => (D.cls[i] === predClass[i] ? 1 : 0)),
    );
    close(
      r.accuracy_w,
      wmean((i) => (D.cls[i] === predClass[i] ? 1 : 0), D.weight),
    );
    close(
      r.mean,
      wmean((i) => D.prob[i]!),
    );
    close(
      r.mean_w,
      wmean((i) => D.prob[i]!, D.weight),
    );
    close(r.precision, precisionRecall(ones).precision);
    close(r.precision_w, precisionRecall(D.weight).precision);
    close(r.recall, precisionRecall(ones).recall);
    close(r.recall_w, precisionRecall(D.weight).recall);
    close(
      r.mse,
      wmean((i) => (D.target[i]! - D.estimate[i]!) ** 2),
    );
    close(
      r.mse_w,
      wmean((i) => (D.target[i]! - D.estimate[i]!) ** 2, D.weight),
    );
    close(r.rmse, Math.sqrt(wmean((i) => (D.target[i]! - D.estimate[i]!) ** 2)));
    close(
      r.mae,
      wmean((i) => Math.abs(D.target[i]! - D.estimate[i]!)),
    );
    close(
      r.mae_w,
      wmean((i) => Math.abs(D.target[i]! - D.estimate[i]!), D.weight),
    );
    close(r.mean_iou, meanIouDirect(ones));
    close(r.mean_iou_w, meanIouDirect(D.weight));
    close(
      r.top1,
      wmean((i) => inTopK(i, 1)),
    );
    close(
      r.top2,
      wmean((i) => inTopK(i, 2)),
    );
    close(
      r.top2_w,
      wmean((i) => inTopK(i, 2), D.weight),
    );
    expect(r.top2).toBeGreaterThan(r.top1!);
    // AUC: TF's thresholded formula exactly, and within 1e-3 of the exact (pairwise) area.
    close(r.auc, aucOf(directConfusion(200), 'ROC', 'trapezoidal'));
    close(r.auc_w, aucOf(directConfusion(200, D.weight), 'ROC', 'trapezoidal'));
    close(r.auc_pr, aucOf(directConfusion(200), 'PR', 'trapezoidal'));
    close(r.auc_minoring, aucOf(directConfusion(200), 'ROC', 'minoring'));
    close(r.auc_majoring, aucOf(directConfusion(200), 'ROC', 'majoring'));
    const exact = exactRocAuc(ones);
    expect(exact).toBeGreaterThan(0.7);
    expect(exact).toBeLessThan(0.95);
    expect(Math.abs(r.auc! - exact)).toBeLessThan(1e-3);
    expect(Math.abs(r.auc_w! - exactRocAuc(D.weight))).toBeLessThan(1e-3);
    expect(Math.abs(r.auc_fine! - exact)).toBeLessThan(1e-4);
    expect(r.auc_minoring).toBeLessThanOrEqual(r.auc! + 1e-9);
    expect(r.auc_majoring).toBeGreaterThanOrEqual(r.auc! - 1e-9);
    expect(Math.abs(r.auc_pr_careful! - exactPrAucCareful())).toBeLessThan(1e-3);
    // Issue 18's metrics, against direct computations over the whole set.
    const positive = (i: number) => D.y[i] === 1;
    close(
      r.tp_w,
      all.reduce((a, i) => a + (positive(i) && D.prob[i]! > 0.5 ? D.weight[i]! : 0), 0),
    );
    close(r.tn, all.filter((i) => !positive(i) && !(D.prob[i]! > 0.5)).length);
    for (const [key, t] of [
      ['p30', 0.3],
      ['p50', 0.5],
      ['p70', 0.7],
    ] as const) {
      const above = all.filter((i) => D.prob[i]! > Math.fround(t));
      const tp = above.reduce((a, i) => a + (positive(i) ? D.weight[i]! : 0), 0);
      close(r[key], tp / (tp + above.reduce((a, i) => a + (positive(i) ? 0 : D.weight[i]!), 0)));
    }
    for (const [key, t] of [
      ['fn30', 0.3],
      ['fn70', 0.7],
    ] as const) {
      close(
        r[key],
        all.reduce((a, i) => a + (positive(i) && !(D.prob[i]! > Math.fround(t)) ? D.weight[i]! : 0), 0),
      );
    }
    close(r.mean_per_class_accuracy, meanPerClassDirect(D.weight));
    close(
      r.precision_at_2,
      wmean((i) => inTopK(i, 2) / 2, D.weight),
    );
    const top1 = all.filter((i) => topK(i, 1)[0] === 1);
    close(r.precision_at_1_class_1, top1.filter((i) => D.cls[i] === 1).length / top1.length);
    const classOne = all.filter((i) => D.cls[i] === 1);
    close(r.recall_at_2_class_1, classOne.filter((i) => topK(i, 2).includes(1)).length / classOne.length);
    close(
      r.below_half,
      wmean((i) => (D.prob[i]! < 0.5 ? 1 : 0), D.weight),
    );
    const c = directConfusion(200, D.weight);
    const atSpec = argClosest(
      c.tn.map((tn, k) => tn / (tn + c.fp[k]!)),
      0.7,
      'first',
    );
    close(r.sens_at_spec, c.tp[atSpec]! / (c.tp[atSpec]! + c.fn[atSpec]!));
  });
});

describe('streaming metrics through Estimator.evaluate()', () => {
  beforeAll(() => setupTestBackend('cpu'));

  it('does not depend on how the eval set is batched', async () => {
    const a = await evaluateAll(64);
    const b = await evaluateAll(23);
    for (const k of Object.keys(a)) if (k !== 'loss') expect(b[k]).toBeCloseTo(a[k]!, 5);
  });

  it('evaluate() with every metric leaks nothing', async () => {
    const est = new Estimator({ modelFn, config: new RunConfig({ randomSeed: 1 }), log: () => {} });
    await est.train(evalInput(), { steps: 1 });
    await expectNoLeaks(() => est.evaluate(evalInput()));
    est.dispose();
  });
});

/** Builds a metric op, freeing every intermediate tensor (only the update tensors stay). */
function build(fn: () => MetricOp): MetricOp {
  let op: MetricOp | undefined;
  tf.tidy(() => {
    op = fn();
    return Object.values(op.update);
  });
  return op!;
}

describe('metric ops', () => {
  beforeAll(() => setupTestBackend('cpu'));
  it('each metric leaves only its update tensors, and disposing them leaves nothing', async () => {
    const [features, labels] = (await evalInput()().next()).value as readonly [Features, tf.Tensor];
    await expectNoLeaks(() => {
      const ops = allMetrics(features, labels);
      for (const op of Object.values(ops)) tf.dispose(Object.values(op.update));
    });
    tf.dispose([features, labels]);
  });

  it('auc counts tied scores as half, like the exact pairwise area', () => {
    // Scores on a coarse grid: many positive/negative pairs tie exactly.
    const scores = Array.from({ length: 200 }, (_, i) => Math.round(((i * 37) % 101) / 10) / 10);
    const labels = scores.map((s, i) => (s + ((i * 13) % 7) / 10 > 0.8 ? 1 : 0));
    let num = 0;
    let pairs = 0;
    scores.forEach((si, i) => {
      if (!labels[i]) return;
      scores.forEach((sj, j) => {
        if (labels[j]) return;
        num += si > sj ? 1 : si === sj ? 0.5 : 0;
        pairs += 1;
      });
    });
    const op = build(() => metrics.auc(tf.tensor1d(labels), tf.tensor1d(scores)));
    const totals = Object.fromEntries(Object.entries(op.update).map(([k, v]) => [k, v.dataSync() as Float32Array]));
    expect(Math.abs(op.result(totals) - num / pairs)).toBeLessThan(1e-5);
    tf.dispose(Object.values(op.update));
  });

  it('give 0 before any data, as TF does', () => {
    const op = build(() => metrics.precision(tf.tensor1d([0, 0]), tf.tensor1d([0, 0])));
    expect(op.result({})).toBe(0);
    expect(aucOf(confusionAtThresholds(undefined, undefined, 3), 'PR', 'careful_interpolation')).toBe(0);
    tf.dispose(Object.values(op.update));
  });

  it('explain shape mistakes', () => {
    expect(() => metrics.accuracy(tf.zeros([4]), tf.zeros([3]))).toThrow(/metrics.accuracy\(\).*\[4\].*\[3\]/);
    expect(() => metrics.mean(tf.zeros([4, 2]), { weights: tf.zeros([2]) })).toThrow(/weights of shape \[2\]/);
    expect(() => metrics.recallAtK(tf.zeros([4]), tf.zeros([4, 3]), 4)).toThrow(/k must be an integer in \[1, 3\]/);
    expect(() => metrics.recallAtK(tf.zeros([4]), tf.zeros([4]), 1)).toThrow(/\[batch, numClasses\]/);
    expect(() => metrics.auc(tf.zeros([4]), tf.zeros([4]), { numThresholds: 1 })).toThrow(/numThresholds/);
    expect(() => metrics.auc(tf.zeros([2]), tf.tensor1d([0.5, 2.5]))).toThrow(
      /predictions must be probabilities in \[0, 1\] \(e.g. tf.sigmoid\(logits\)\). Received 2.5 at flat position 1/,
    );
    expect(() => metrics.meanIou(tf.tensor1d([0, 3]), tf.tensor1d([0, 1]), 3)).toThrow(
      /labels must be class ids in \[0, 3\). Received 3 at flat position 1/,
    );
  });

  it('accept [batch] weights for [batch, 1] values', () => {
    const op = build(() =>
      metrics.meanAbsoluteError(tf.tensor2d([[1], [2]]), tf.tensor2d([[0], [0]]), { weights: tf.tensor1d([1, 3]) }),
    );
    const totals = Object.fromEntries(Object.entries(op.update).map(([k, v]) => [k, v.dataSync() as Float32Array]));
    expect(op.result(totals)).toBeCloseTo((1 + 2 * 3) / 4, 6);
    tf.dispose(Object.values(op.update));
  });
});
